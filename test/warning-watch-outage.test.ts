/**
 * The warning watch stays bounded during a long SMTP outage, on the dev server in real time
 * (the time-skipping server locks up once a run closes with an activity pending, which is just
 * what a hand-over does). SMTP is down (nothing listening on its loopback port) while the
 * monitor keeps reporting a WARNING condition; the watch hands its undelivered email to the
 * target's alertDeliveryWorkflow and continues as new again and again, every run's history
 * small; SMTP comes back and the email arrives once; a later new condition still emails.
 */
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { alertDeliveryWorkflowId, warningWatchWorkflowId } from '../src/shared/names';
import { pendingAlertsQuery } from '../src/workflows/alerting/alert-delivery';
import { trackedWarningsQuery, warningsObservedSignal } from '../src/workflows/alerting/warnings';
import { exportFixture } from './healing-fixtures';
import { startSmtpServer } from './helpers/smtp';
import { installTestRuntime } from './helpers/strand';
import { createDevServerEnv, uniqueTaskQueue } from './helpers/temporal';
import { pause, waitFor } from './helpers/wait';
import { conditionsOf, createWatchWorker, observed, startWatch } from './warning-watch-harness';

jest.setTimeout(240_000);
installTestRuntime('ERROR');

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createDevServerEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const until = (
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
  state: () => Promise<string> | string = () => '',
) => waitFor(what, check, Boolean, { timeoutMs, everyMs: 200, describe: state });

const CONTINUE_AS_NEW_AFTER = 60;
/** What a run may add after it saw its history full: the hand-over, the cancellation, signals meanwhile. */
const MARGIN = 30;

test('SMTP down while observations keep coming: the watch hands its WARNING email over and continues as new, every run stays small; SMTP back, the email arrives once, and a new condition still emails', async () => {
  const smtp = await startSmtpServer({ down: true });
  const taskQueue = uniqueTaskQueue('warn-outage');
  const targetId = `outage-${taskQueue}`;
  const workflowId = warningWatchWorkflowId(targetId, taskQueue);
  const { worker, feed, close } = await createWatchWorker(env, smtp, taskQueue);
  const latest = env.client.workflow.getHandle(workflowId); // follows continue-as-new
  const delivery = env.client.workflow.getHandle(alertDeliveryWorkflowId(targetId, taskQueue));

  /** The runs of the watch so far, oldest first, following each continue-as-new. */
  const runs = async (firstRunId: string) => {
    const chain: Array<{ runId: string; events: number }> = [];
    for (let runId: string | undefined = firstRunId; runId; ) {
      const history: temporal.api.history.v1.IHistory = await env.client.workflow
        .getHandle(workflowId, runId)
        .fetchHistory();
      const events = history.events ?? [];
      chain.push({ runId, events: events.length });
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    return chain;
  };

  // the monitor reports what it sees every 300 ms
  let seen = ['account:886557'];
  let observing = true;
  let monitor: Promise<void> = Promise.resolve();
  const observe = async () => {
    while (observing) {
      await pause(300);
      await latest.signal(warningsObservedSignal, observed(...seen));
    }
  };

  try {
    await worker.runUntil(async () => {
      const first = await startWatch(env, taskQueue, {
        targetId,
        reminderIntervalMs: 24 * 60 * 60_000, // one email per condition in this test
        holdMs: 0,
        groupWaitMs: 0,
        continueAsNewAfterEvents: CONTINUE_AS_NEW_AFTER,
        observations: [observed('account:886557')],
      });
      const firstRunId = first.firstExecutionRunId;
      monitor = observe();

      // SMTP down: the watch continues as new at least twice (before: never, its email in flight)
      const eventsPerRun = async () => `(events per run: ${(await runs(firstRunId)).map((r) => r.events).join(', ')})`;
      await until('two continue-as-new during the outage', async () => (await runs(firstRunId)).length >= 3, 90_000, eventsPerRun);
      expect(smtp.messages).toHaveLength(0);
      const chain = await runs(firstRunId);
      for (const run of chain) expect(run.events).toBeLessThanOrEqual(CONTINUE_AS_NEW_AFTER + MARGIN);
      expect(await latest.query(trackedWarningsQuery)).toEqual([
        expect.objectContaining({ key: 'account:886557', emails: 1 }),
      ]);
      // the email waits in the delivery workflow; the in-app notification went out at once
      expect((await delivery.query(pendingAlertsQuery)).map((d) => d.label)).toEqual(['warning email']);
      expect(feed.items.filter((n) => n.severity === 'WARNING')).toHaveLength(1);
      await exportFixture(env.client.workflow.getHandle(workflowId, firstRunId), 'warning-watch-handed-over');

      // SMTP back: the delivery workflow's next attempt (its backoff doubles from 5 s) sends it
      await smtp.up();
      await smtp.waitForMessages(1, 120_000);
      await until('the delivery workflow done', async () => (await delivery.describe()).status.name === 'COMPLETED');
      const sentBy = (await delivery.fetchHistory()).events ?? [];
      expect(sentBy.filter((e) => e.activityTaskCompletedEventAttributes)).toHaveLength(1);

      // the watch keeps tracking: a new condition is emailed (by the watch itself, SMTP up)
      seen = ['account:886557', 'account:886602'];
      await smtp.waitForMessages(2, 60_000);
      await pause(3_000); // a duplicate would arrive by now
      observing = false;
      await monitor;
      const all = await runs(firstRunId);
      for (const run of all.slice(0, -1)) expect(run.events).toBeLessThanOrEqual(CONTINUE_AS_NEW_AFTER + MARGIN);
      console.log(`watch runs: ${all.map((r) => r.events).join(', ')} events`);
      await latest.terminate('test over');
    });
  } finally {
    observing = false;
    await monitor.catch(() => undefined);
    close();
    await smtp.stop();
  }
  expect(smtp.messages.map((m) => conditionsOf(m.mail.text))).toEqual([['account:886557'], ['account:886602']]);
  expect(feed.items.filter((n) => n.severity === 'WARNING')).toHaveLength(2);
});
