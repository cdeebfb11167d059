/**
 * The StatusSource backed by Temporal, the system of record: monitor runs for the severity,
 * HealingWorkflows for incidents, the feed for notifications. Nothing is cached here.
 */
import { describeError } from '../shared/errors';
import type { Client } from '@temporalio/client';
import type { AppConfig, TargetConfig } from '../config/load-config';
import { acknowledgeIncident, forceRecoveryOf, resolveIncident } from './incident-commands';
import type { NotificationFeed } from '../shared/alert-feed';
import { readIncident } from './read-incident';
import { readMonitorStatus } from './read-monitor-status';
import { UnknownTargetError } from './errors';
import type { StatusSource, TargetStatus } from './types';
import { targetLinks } from './web-ui-url';
import { withDeadline } from './with-deadline';

export interface TemporalStatusSourceDeps {
  client: Client;
  config: AppConfig;
  taskQueue: string;
  webUiUrl: string;
  feed: NotificationFeed;
  /** Deadline of one whole read, ms. */
  readDeadlineMs?: number;
  /** Deadline of one operator command, ms. */
  commandDeadlineMs?: number;
  /** Deadline of the reachability check that precedes every read and command, ms. */
  pingDeadlineMs?: number;
  now?: () => number;
}


export function createTemporalStatusSource(deps: TemporalStatusSourceDeps): StatusSource {
  const { client, config, taskQueue, webUiUrl, feed } = deps;
  const readDeadlineMs = deps.readDeadlineMs ?? 8_000;
  const commandDeadlineMs = deps.commandDeadlineMs ?? 15_000;
  const pingDeadlineMs = deps.pingDeadlineMs ?? 3_000;
  const feedDeadlineMs = Math.min(readDeadlineMs, 6_000);
  // One cheap call first: when it fails, Temporal is unreachable, said in a few seconds (the
  // client would otherwise retry an unavailable server until the whole deadline is spent).
  const ping = () =>
    withDeadline(client, 'Temporal reachability check', pingDeadlineMs, () =>
      client.workflowService.getSystemInfo({}),
    );
  const now = deps.now ?? Date.now;
  const namespace = config.temporal.namespace;

  const targetConfig = (targetId: string): TargetConfig => {
    const tc = config.targets.find((t) => t.target.id === targetId);
    if (!tc) throw new UnknownTargetError(targetId);
    return tc;
  };

  async function readTarget(tc: TargetConfig, nowMs: number): Promise<TargetStatus> {
    const links = targetLinks(webUiUrl, namespace, tc.target.id, taskQueue);
    const [monitor, incident] = await Promise.allSettled([
      readMonitorStatus(client, taskQueue, tc, nowMs),
      readIncident(client, taskQueue, tc.target.id, links.incident),
    ]);
    const notes: string[] = [];
    const status: TargetStatus = { id: tc.target.id, severity: 'UNKNOWN', stale: false, links };
    if (monitor.status === 'fulfilled') {
      Object.assign(status, monitor.value);
      if (monitor.value.note) notes.push(monitor.value.note);
    } else notes.push(`monitor status could not be read: ${describeError(monitor.reason)}`);
    if (incident.status === 'fulfilled') status.incident = incident.value;
    else notes.push(`incident could not be read: ${describeError(incident.reason)}`);
    status.note = notes.length ? notes.join('; ') : undefined;
    return status;
  }

  return {
    readTargets: async () => {
      await ping();
      const nowMs = now();
      return withDeadline(client, 'status read', readDeadlineMs, () =>
        Promise.all(config.targets.map((tc) => readTarget(tc, nowMs))),
      );
    },
    listNotifications: (filter) =>
      withDeadline(client, 'notifications read', feedDeadlineMs, () => feed.list(filter)),
    markNotificationsRead: async (ids) => {
      await feed.markRead(ids);
      return { requested: ids.length };
    },
    forceRecovery: async (targetId, request) => {
      const tc = targetConfig(targetId);
      await ping();
      return withDeadline(client, 'force-recovery', commandDeadlineMs, () =>
        forceRecoveryOf(client, tc, taskQueue, request),
      );
    },
    acknowledge: async (targetId, request) => {
      targetConfig(targetId);
      await ping();
      return withDeadline(client, 'acknowledge', commandDeadlineMs, () =>
        acknowledgeIncident(client, taskQueue, targetId, request),
      );
    },
    resolve: async (targetId, request) => {
      targetConfig(targetId);
      await ping();
      return withDeadline(client, 'resolve', commandDeadlineMs, () =>
        resolveIncident(client, taskQueue, targetId, request),
      );
    },
  };
}
