/**
 * Shared pieces of the warning-watch tests: a worker with the real alert activities emailing
 * through a loopback SMTP server, a watch started with the WARNING_* defaults (a test writes out
 * only the rule it is about), observations as the monitor signals them, the probe's report on a
 * bridge whose accounts read a given way, and what an email names.
 */
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createAlertDeliveryActivities } from '../src/activities/alert-delivery';
import {
  createAlertActivities,
  createMemoryNotificationFeed,
  createSmtpMailer,
} from '../src/activities/alerts';
import { classify } from '../src/activities/probe/classify';
import { loadConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import { warningWatchWorkflowId } from '../src/shared/names';
import type { AccountReading, ProbeReport, Target } from '../src/shared/types';
import {
  warningWatchWorkflow,
  trackedWarningsQuery,
  type WarningObservation,
  type WarningWatchInput,
} from '../src/workflows/alerting/warnings';
import { HOUR } from './healing-harness';
import type { TestSmtpServer } from './helpers/smtp';
import { trackWorker, workflowBundle } from './helpers/temporal';

/** Who the watch workers' alerts go to (ALERT_RECIPIENT_EMAIL). */
export const RECIPIENTS = ['ops@fidus.test', 'second@fidus.test'];

export interface WatchWorker {
  worker: Worker;
  /** The in-app notifications sent. */
  feed: ReturnType<typeof createMemoryNotificationFeed>;
  /** Closes the SMTP connections (after the worker stopped). */
  close: () => void;
}

/**
 * A worker on its own task queue with the real alert and alert-delivery activities, emailing
 * RECIPIENTS through `smtp` (a plain-text relay on loopback).
 */
export async function createWatchWorker(
  env: TestWorkflowEnvironment,
  smtp: TestSmtpServer,
  taskQueue: string,
): Promise<WatchWorker> {
  const config = loadConfig({
    SMTP_HOST: smtp.host,
    SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true',
    SMTP_PORT: String(smtp.port),
    ALERT_RECIPIENT_EMAIL: RECIPIENTS.join(','),
  });
  const feed = createMemoryNotificationFeed();
  const mailer = createSmtpMailer(config.smtp);
  const alerts = createAlertActivities({
    mailer,
    recipients: config.smtp.recipients,
    escalationRecipients: config.smtp.escalation,
    dashboardUrl: config.dashboard.url,
    feed,
    log: createLogger({ level: 'silent' }),
  });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: { ...alerts, ...createAlertDeliveryActivities({ client: env.client, taskQueue }) },
  });
  return { worker: trackWorker(worker), feed, close: () => mailer.close() };
}

/**
 * Starts the warning watch of `input.targetId` (default mt5-bridge) on `taskQueue`, under the
 * id the monitor gives it: hourly reminders, and the hold, group wait and clearing at their
 * defaults unless `input` says otherwise.
 */
export function startWatch(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  input: Partial<WarningWatchInput> = {},
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof warningWatchWorkflow>> {
  const watch: WarningWatchInput = { targetId: 'mt5-bridge', reminderIntervalMs: HOUR, ...input };
  return env.client.workflow.start(warningWatchWorkflow, {
    taskQueue,
    workflowId: warningWatchWorkflowId(watch.targetId, taskQueue),
    args: [watch],
  });
}

/** Waits (real time) until the watch has handled what it was sent and has no activity in flight, so that skipping time is safe. */
export async function settle(handle: WorkflowHandle): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await handle.query(trackedWarningsQuery); // the signal has been handled
    const description = await handle.describe();
    if (!description.raw.pendingActivities?.length) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('activities still pending');
}

/** How the probe words a condition. */
const issueOf = (key: string): string =>
  key.startsWith('account:')
    ? `Account ${key.slice('account:'.length)} failed to sync`
    : key === 'balances:live_zeros'
      ? 'Every account reads a live $0 (money moved)'
      : `${key} failed to sync`;

/** The monitor's observation, now, of the conditions `keys`. */
export const observed = (...keys: string[]): WarningObservation => ({
  conditions: keys.map((key) => ({ key, issue: issueOf(key) })),
  at: new Date().toISOString(),
});

/** The seven accounts of the bridges in these tests. */
export const LOGINS = Array.from({ length: 7 }, (_, i) => String(886550 + i));

/**
 * The probe's report on `target` at `probedAt`, classified as the probe does: bridge and
 * terminal up, each account of LOGINS read as `reading` says.
 */
export function accountsReport(
  target: Target,
  probedAt: string,
  reading: (login: string, index: number) => Omit<AccountReading, 'login'>,
): ProbeReport {
  const observation = {
    targetId: target.id,
    probedAt,
    health: {
      ok: true,
      httpStatus: 200,
      latencyMs: 5,
      claimedStatus: 'healthy',
      mt5Available: true,
      connected: true,
      tradeAllowed: true,
    },
    accounts: {
      source: 'summary' as const,
      latencyMs: 5,
      readings: LOGINS.map((login, i) => ({ login, ...reading(login, i) })),
    },
  };
  return { ...classify(observation, target), observation };
}

/** The conditions an email names, in order. */
export const conditionsOf = (text: string | undefined): string[] =>
  [...(text ?? '').matchAll(/^Condition: (\S+)$/gm)].map((m) => m[1]!);
