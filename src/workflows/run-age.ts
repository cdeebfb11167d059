/**
 * How old one run of a long-lived workflow may grow. Every long-lived workflow (the monitor, the
 * warning watch, the attempt ledger, the roll-up, the kill switch, the feed, the mailbox, the
 * alert delivery, a parked incident) continues as new within MAX_RUN_AGE_MS of its run's start,
 * whatever its history length: a week after a workflow change is deployed, no run recorded
 * before it is left, which is what lets a patch be deprecated and then removed on a calendar
 * (docs/VERSIONING.md). Workflow time: deterministic.
 */
import { workflowInfo } from '@temporalio/workflow';

/** The longest a run of a long-lived workflow lives before it continues as new: 7 days. */
export const MAX_RUN_AGE_MS = 7 * 86_400_000;

/** Time left before this run reaches MAX_RUN_AGE_MS, at least 1 ms (a `condition` timeout). */
export function runAgeLeftMs(): number {
  return Math.max(1, workflowInfo().runStartTime.getTime() + MAX_RUN_AGE_MS - Date.now());
}

/** This run has reached MAX_RUN_AGE_MS: it continues as new at its next chance. */
export function runAgeReached(): boolean {
  return Date.now() - workflowInfo().runStartTime.getTime() >= MAX_RUN_AGE_MS;
}
