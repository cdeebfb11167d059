/**
 * digestWorkflow: the weekly and monthly digest emails of a deployment (workflow id
 * `autoheal-digest`), on a durable timer: every Monday at 08:00 and on the 1st of every month at
 * 08:00 in DIGEST_TIMEZONE (src/shared/digest-schedule.ts), as DIGEST_SCHEDULE says. At each
 * instant the `composeDigest` activity reads the period's figures and returns the email's event,
 * and `handOverAlerts` gives it to the `fleet` alert delivery, which retries it durably for 24 h
 * like every alert. Its arrival is the weekly proof that the alert path works.
 *
 * A long-lived timer rather than a Temporal Schedule: the time-skipping test server has no
 * Schedules, and one workflow per deployment costs one timer a week. The worker starts it at
 * start and signals the current settings (`configureDigest`); off ends it. It continues as new
 * within MAX_RUN_AGE_MS (src/workflows/run-age.ts) like the other long-lived workflows,
 * carrying the settings and the instant of the last digest sent: a digest that fell due while
 * no worker ran goes out when one is back (within a day of its instant; older ones are skipped).
 * A digest that cannot be composed (Temporal or the worker unable to read the figures for half
 * an hour) becomes a WARNING email saying so: the Monday email still arrives.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  log,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import { emailDelivery } from '../shared/alert-policy';
import type { Activities, WarningAlert } from '../shared/contracts';
import { DIGEST_NOTICE_TARGET } from '../shared/digest';
import { type DigestPeriod, type DigestSettings, nextDigest } from '../shared/digest-schedule';
import { describeError } from '../shared/errors';
import { runAgeLeftMs } from './run-age';

export interface DigestWorkflowInput {
  settings: DigestSettings;
  /** Instant (ms) of the last digest sent; carried across continue-as-new. */
  lastDigestAtMs?: number;
}

export interface DigestScheduleState {
  settings: DigestSettings;
  /** The next digest's instant (ISO) and which digests fall due then; absent when both are off. */
  next?: { at: string; periods: DigestPeriod[] };
  lastDigestAt?: string;
}

/** The worker's current DIGEST_SCHEDULE and DIGEST_TIMEZONE. */
export const configureDigestSignal = defineSignal<[DigestSettings]>('configureDigest');
export const digestScheduleQuery = defineQuery<DigestScheduleState>('digestSchedule');

/** A digest later than this after its instant (no worker ran) is skipped, not sent late. */
const LATE_LIMIT_MS = 86_400_000;

const { composeDigest } = proxyActivities<Activities>({
  startToCloseTimeout: '5m',
  scheduleToCloseTimeout: '30m',
  retry: { initialInterval: '30s', backoffCoefficient: 2, maximumInterval: '5m' },
});
const { handOverAlerts } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m' },
});

export async function digestWorkflow(input: DigestWorkflowInput): Promise<void> {
  let settings = input.settings;
  let lastDigestAtMs = input.lastDigestAtMs;
  let changes = 0;
  const upcoming = () => nextDigest(settings, Math.max(lastDigestAtMs ?? Date.now(), Date.now() - LATE_LIMIT_MS));

  setHandler(configureDigestSignal, (s) => {
    settings = s;
    changes += 1;
  });
  setHandler(digestScheduleQuery, () => {
    const next = upcoming();
    return {
      settings,
      ...(next ? { next: { at: new Date(next.atMs).toISOString(), periods: next.periods } } : {}),
      ...(lastDigestAtMs !== undefined ? { lastDigestAt: new Date(lastDigestAtMs).toISOString() } : {}),
    };
  });

  for (;;) {
    const next = upcoming();
    if (!next) break; // both off: a later start (with settings on) begins again
    const seen = changes;
    const waitMs = next.atMs - Date.now();
    const ageLeftMs = runAgeLeftMs();
    if (waitMs > 0) {
      const changed = await condition(() => changes !== seen, Math.min(waitMs, ageLeftMs));
      if (changed) continue;
      if (ageLeftMs < waitMs) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof digestWorkflow>({ settings, ...(lastDigestAtMs !== undefined ? { lastDigestAtMs } : {}) });
      }
    }
    for (const period of next.periods) await sendDigest(period, next.atMs);
    lastDigestAtMs = next.atMs;
  }
  await condition(allHandlersFinished);
}

async function sendDigest(period: DigestPeriod, atMs: number): Promise<void> {
  const at = new Date(atMs).toISOString();
  let event;
  try {
    event = await composeDigest({ period, at });
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    log.error(`The ${period}ly digest could not be composed`, { error: describeError(cause) });
    const warning: WarningAlert = {
      kind: 'warning',
      targetId: DIGEST_NOTICE_TARGET,
      at,
      conditionKey: 'digest',
      issue: `The ${period}ly digest could not be composed (${describeError(cause)}); alert emails do reach you (this is one). Run autoheal report --digest to read it, and check the worker's log`,
      occurrence: 1,
      episodeId: `digest:${period}:${at}`,
    };
    event = warning;
  }
  await handOverAlerts(DIGEST_NOTICE_TARGET, [emailDelivery(event)]);
}
