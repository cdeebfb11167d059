/**
 * Following the GitHub Actions run of a restart (REMEDIATION=github) while an attempt verifies:
 * one read of the run per VERIFY_INTERVAL; each change of its state is one line in the
 * timeline and goes on the attempt's record (emails, dashboard). VERIFY_TIMEOUT counts from the
 * run's start: a queued run is not judged by it, up to MAX_RUN_QUEUE_WAIT_MS after the dispatch
 * (the shipped workflow refuses older work) and RECOVERY_SLA. A failed or cancelled run fails
 * the attempt at once. When the runs cannot be read, or the run never shows, the attempt falls
 * back to timing from the dispatch's answer, said once. Workflow code: deterministic.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities, AttemptRecord, AttemptRun, RemediationReceipt } from '../../shared/contracts';
import { formatDuration } from '../../shared/duration';
import { MAX_RUN_QUEUE_WAIT_MS, RUN_UNSEEN_LIMIT_MS, type RestartRunState, runFailed } from '../../shared/restart-run';
import type { AttemptOutcome } from './outcome';
import { type Incident, iso, nowMs } from './incident';

// One read per poll; a read that fails is no news, and the next poll reads again.
const { readRestartRun } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 2 },
});

/** When an attempt's VERIFY_TIMEOUT falls, and the Actions run it follows, if any. */
export interface VerificationWindow {
  run?: RestartRunFollower;
  /** The VERIFY_TIMEOUT deadline as known now (+Infinity while the run is queued). */
  deadline(): number;
  /** "until <time>", or how the deadline will be known, for the incident's current activity. */
  until(): string;
}

/**
 * The verification window of an attempt whose dispatch has just returned. VERIFY_TIMEOUT counts
 * from when the restart ran: the dispatch's answer (now), or, for a GitHub dispatch whose run can
 * be followed, that run's start.
 */
export function verificationWindow(
  incident: Incident,
  attempt: number,
  dispatchStartMs: number,
  receipt: RemediationReceipt | undefined,
  verifyTimeoutMs: number = incident.policy.verifyTimeoutMs,
): VerificationWindow {
  const answeredMs = nowMs();
  const fixed = answeredMs + verifyTimeoutMs;
  const run =
    receipt?.runTitle
      ? new RestartRunFollower(incident, attempt, receipt.runTitle, answeredMs, iso(dispatchStartMs))
      : undefined;
  return {
    run,
    deadline: () => run?.deadline(verifyTimeoutMs) ?? fixed,
    until: () =>
      run
        ? `until VERIFY_TIMEOUT (${formatDuration(verifyTimeoutMs)}) after the GitHub Actions run starts`
        : `until ${iso(fixed)}`,
  };
}

/** The attempt ends at once: its restart job failed, was cancelled, or sat queued too long. */
export function restartJobFailed(
  incident: Incident,
  attempt: number,
  diagnosis: string,
  conclude: (outcome: AttemptRecord['outcome'], text: string) => void,
): AttemptOutcome {
  conclude('restart_failed', diagnosis);
  incident.note('attempt_failed', 'restart_failed', `attempt ${attempt}: ${diagnosis}`);
  return { kind: 'failed' };
}

const WORDS: Record<AttemptRun['status'], string> = { queued: 'queued', in_progress: 'in progress', completed: 'completed' };

export class RestartRunFollower {
  /** unseen: not listed yet; queued; started: in progress or completed; fallback: timing from the answer. */
  private state: 'unseen' | 'queued' | 'started' | 'fallback' = 'unseen';
  private startedMs: number | undefined;
  /** Last time the run was seen queued (the dispatch's answer before that). */
  private queuedSeenMs: number;
  private said = '';

  constructor(
    private readonly incident: Incident,
    private readonly attempt: number,
    private readonly title: string,
    /** When the dispatch activity returned (GitHub accepted the dispatch). */
    private readonly answeredMs: number,
    private readonly dispatchedAt: string,
  ) {
    this.queuedSeenMs = answeredMs;
  }

  /** When VERIFY_TIMEOUT judges: from the run's start, or from the answer on fallback; never while queued. */
  deadline(verifyTimeoutMs: number): number {
    if (this.state === 'fallback') return this.answeredMs + verifyTimeoutMs;
    if (this.startedMs !== undefined) return this.startedMs + verifyTimeoutMs;
    return Number.POSITIVE_INFINITY;
  }

  /** Reads the run once (until fallen back); the failure that ends the attempt, if any. */
  async poll(): Promise<string | undefined> {
    if (this.state === 'fallback') return undefined;
    let seen: RestartRunState | undefined;
    try {
      seen = await readRestartRun({ title: this.title, dispatchedAt: this.dispatchedAt });
    } catch {
      seen = undefined; // no answer this time
    }
    if (seen?.kind === 'unreadable') {
      this.fallBack('unreadable', `the GitHub Actions runs cannot be read (${seen.detail}): VERIFY_TIMEOUT counts from the dispatch's answer, as without run following`);
      return undefined;
    }
    if (seen?.kind !== 'run') {
      if (this.state === 'unseen' && nowMs() - this.answeredMs >= RUN_UNSEEN_LIMIT_MS)
        this.fallBack(
          'not_found',
          `no GitHub Actions run titled "${this.title}" appeared within ${formatDuration(RUN_UNSEEN_LIMIT_MS)} (a restart workflow without the run-name of deploy/github/mt5-full-restart.yml?): VERIFY_TIMEOUT counts from the dispatch's answer`,
        );
      return undefined;
    }
    const { status, conclusion, url } = seen;
    const record = this.incident.view.attempts.find((a) => a.attempt === this.attempt);
    if (record) record.run = { url, status, conclusion };
    const line = status === 'completed' ? `ended ${conclusion ?? 'without a conclusion'}` : `is ${WORDS[status]}`;
    if (line !== this.said) {
      this.said = line;
      this.incident.note('restart_run', conclusion ?? status, `attempt ${this.attempt}: the GitHub Actions run ${url} ${line}`);
    }
    if (status === 'queued') {
      this.state = 'queued';
      this.queuedSeenMs = nowMs();
      this.incident.doing(`attempt ${this.attempt}: waiting for the GitHub Actions run ${url} to leave the queue`);
      if (nowMs() - this.answeredMs >= MAX_RUN_QUEUE_WAIT_MS)
        return `the GitHub Actions run ${url} was still queued ${formatDuration(MAX_RUN_QUEUE_WAIT_MS)} after the dispatch: the restart job refuses work that old, so it will not restart`;
      return undefined;
    }
    if (this.startedMs === undefined) {
      // run_started_at within (last seen queued, now]; else the first read that saw it started.
      const reported = Date.parse(seen.runStartedAt ?? '');
      this.startedMs = Number.isFinite(reported) ? Math.min(Math.max(reported, this.queuedSeenMs), nowMs()) : nowMs();
      this.state = 'started';
      this.incident.doing(
        `verifying attempt ${this.attempt}: the restart job started at ${iso(this.startedMs)}; probing every ${formatDuration(this.incident.policy.verifyIntervalMs)} until ${iso(this.deadline(this.incident.policy.verifyTimeoutMs))}`,
      );
    }
    if (status === 'completed' && runFailed(conclusion)) return `the GitHub Actions run ${url} ended ${conclusion}: see its log`;
    return undefined;
  }

  /** Timing from the dispatch's answer from now on; said once per incident for each cause. */
  private fallBack(outcome: string, text: string): void {
    this.state = 'fallback';
    const { timeline } = this.incident.view;
    if (!timeline.some((e) => e.step === 'restart_run' && e.outcome === outcome))
      this.incident.note('restart_run', outcome, `attempt ${this.attempt}: ${text}`);
  }
}
