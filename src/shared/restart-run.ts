/**
 * The GitHub Actions run a restart dispatch started, as the worker follows it
 * (REMEDIATION=github). The shipped restart workflow names each run after its dispatch
 * (`run-name` in deploy/github/mt5-full-restart.yml), so the run of one incident-attempt is
 * found by its title. Plain data, no secret (a run's URL and states). Workflow-safe.
 */

/** What the workflow asks: the run titled `title`, started by a dispatch at `dispatchedAt` (ISO). */
export interface RestartRunQuery {
  title: string;
  dispatchedAt: string;
}

/** A run's status, GitHub's waiting/requested/pending folded into queued. */
export type RestartRunStatus = 'queued' | 'in_progress' | 'completed';

export type RestartRunState =
  /** No run with that title is listed (yet). */
  | { kind: 'unseen' }
  | {
      kind: 'run';
      status: RestartRunStatus;
      /** success, failure, cancelled, ... once completed; null before. */
      conclusion: string | null;
      /** The run's page, e.g. https://github.com/owner/repo/actions/runs/123. */
      url: string;
      /** GitHub's run_started_at, when it gives one. */
      runStartedAt?: string;
    }
  /** The runs cannot be read: a token without Actions read access (HTTP 403 or 404). */
  | { kind: 'unreadable'; httpStatus?: number; detail: string };

/** The title the shipped workflow gives the run of one dispatch (its `run-name`). */
export function restartRunTitle(request: { targetId: string; incidentId: string; attempt: number }): string {
  return `MT5 restart ${request.targetId} ${request.incidentId}#${request.attempt}`;
}

/**
 * How long an attempt waits for its run to leave the queue, counted from the dispatch's answer.
 * Equal to the shipped workflow's MAX_DISPATCH_AGE_MINUTES: a run that starts later refuses the
 * dispatch as stale, so past this nothing will restart and the attempt fails.
 */
export const MAX_RUN_QUEUE_WAIT_MS = 10 * 60_000;

/**
 * How long an attempt waits for its run to be listed at all. GitHub lists a queued run within
 * seconds; a run still missing after this is one the worker cannot identify (a restart workflow
 * without the run-name), and verification falls back to timing from the dispatch's answer.
 */
export const RUN_UNSEEN_LIMIT_MS = 2 * 60_000;

/** Conclusions of a run that did not restart anything as asked. */
export function runFailed(conclusion: string | null): boolean {
  return conclusion !== null && !['success', 'neutral', 'skipped'].includes(conclusion);
}
