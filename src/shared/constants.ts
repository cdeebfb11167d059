/**
 * Names shared by workflows, the worker and the client: task queue default, schedule and
 * workflow ids, custom search attributes. Workflow-safe (no Node built-ins).
 */
import { defineSearchAttributeKey } from '@temporalio/common';

export const DEFAULT_TASK_QUEUE = 'autoheal';

/** The Temporal Schedule that runs MonitorWorkflow for one target. */
export const monitorScheduleId = (targetId: string): string => `autoheal-monitor-${targetId}`;

/** The one HealingWorkflow of a target: one healer per target, one run per incident. */
export const healingWorkflowId = (targetId: string): string => `heal-${targetId}`;

/** Target of a monitor run or an incident: filter with AutohealTarget = "mt5-bridge". */
export const AutohealTarget = defineSearchAttributeKey('AutohealTarget', 'KEYWORD');
/** Incident status: HEALING, ESCALATED, RECOVERED, RESOLVED. */
export const AutohealStatus = defineSearchAttributeKey('AutohealStatus', 'KEYWORD');
/** Severity of the finding: HEALTHY, WARNING, CRITICAL. */
export const AutohealSeverity = defineSearchAttributeKey('AutohealSeverity', 'KEYWORD');

export const SEARCH_ATTRIBUTE_KEYS = [AutohealTarget, AutohealStatus, AutohealSeverity];

export type IncidentStatus = 'HEALING' | 'ESCALATED' | 'RECOVERED' | 'RESOLVED';
