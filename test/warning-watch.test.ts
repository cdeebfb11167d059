/**
 * warningWatchWorkflow on the time-skipping server, with the real alert activities sending to a
 * real SMTP server on loopback: a condition is emailed only once it has lasted the hold
 * (WARNING_HOLD, 2 min), so accounts lagging while a bridge refills its cache send nothing;
 * WARNING emails deduplicated per condition across two hours of flapping, and an email that
 * waits for the SMTP server to come back arrives exactly once, while in-app notifications go on.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { warningConditions } from '../src/shared/alert-conditions';
import { warningWatchWorkflowId } from '../src/shared/names';
import type { HealingPolicy, ProbeReport, Target } from '../src/shared/types';
import {
  trackedWarningsQuery,
  warningsObservedSignal,
  warningWatchWorkflow,
} from '../src/workflows/alerting/warnings';
import { HOUR, MINUTE, policy, serverNow, target } from './healing-harness';
import { exportFixture } from './healing-fixtures';
import { startSmtpServer } from './helpers/smtp';
import { timeSkippingServerPerTest, uniqueTaskQueue } from './helpers/temporal';
import {
  RECIPIENTS,
  accountsReport,
  conditionsOf,
  createWatchWorker,
  observed,
  settle,
  startWatch,
} from './warning-watch-harness';

let env: TestWorkflowEnvironment;
const test = timeSkippingServerPerTest((e) => {
  env = e;
});

/** A monitored target: target(id) with the README defaults, except the `overrides` a test is about. */
const watched = (targetId: string, overrides: Partial<HealingPolicy> = {}) => ({
  target: target(targetId),
  policy: policy(overrides),
});

/**
 * One probe as the monitor hands it to the watch: its WARNING conditions (none on a CRITICAL),
 * sent to the target's watch with the target's current WARNING policy, the watch started when it
 * is not running (signal-with-start; the monitor's own path, reportWarnings, is proved by
 * test/target-monitor.test.ts). Returns the probe's severity and whether it warned.
 */
async function observeOnce(
  probe: () => Promise<ProbeReport>,
  taskQueue: string,
  { target, policy }: { target: Target; policy: HealingPolicy },
): Promise<{ severity: string; action: 'warned' | 'none' }> {
  const report = await probe();
  const conditions = report.severity === 'CRITICAL' ? [] : warningConditions(report);
  if (!conditions.length) return { severity: report.severity, action: 'none' };
  const watchPolicy = {
    reminderIntervalMs: policy.reminderIntervalMs,
    ...(policy.warningHoldMs !== undefined ? { holdMs: policy.warningHoldMs } : {}),
    ...(policy.warningGroupWaitMs !== undefined ? { groupWaitMs: policy.warningGroupWaitMs } : {}),
  };
  await env.client.workflow.signalWithStart(warningWatchWorkflow, {
    workflowId: warningWatchWorkflowId(target.id, taskQueue),
    taskQueue,
    args: [{ targetId: target.id, ...watchPolicy }],
    signal: warningsObservedSignal,
    signalArgs: [{ conditions, at: (await serverNow(env)).toISOString(), policy: watchPolicy }],
  });
  return { severity: report.severity, action: 'warned' };
}

/** Skips `afterMs`, then the monitor observes `keys` again and the watch has handled it. */
async function seenAfter(handle: WorkflowHandle, afterMs: number, ...keys: string[]): Promise<void> {
  await env.sleep(afterMs);
  await handle.signal(warningsObservedSignal, observed(...keys));
  await settle(handle);
}

test('a WARNING condition that comes and goes for two hours produces at most three emails', async () => {
  const smtp = await startSmtpServer();
  const taskQueue = uniqueTaskQueue('warn-flap');
  const { worker, feed, close } = await createWatchWorker(env, smtp, taskQueue);
  try {
    await worker.runUntil(async () => {
      const handle = await startWatch(env, taskQueue, { clearAfterMs: 10 * MINUTE });
      // account:886557 is seen 9 minutes out of every 12 (short gaps): news at minute 3, once
      // it has lasted the 2-minute hold; balances:live_zeros comes for 6 minutes, then is gone
      // for 15 (it clears every time). Two hours from the first email.
      for (let minute = 0; minute <= 123; minute += 3) {
        const keys = [];
        if (minute % 12 < 9) keys.push('account:886557');
        if (minute % 21 < 6) keys.push('balances:live_zeros');
        if (keys.length) await handle.signal(warningsObservedSignal, observed(...keys));
        await settle(handle);
        await env.sleep(3 * MINUTE);
      }
      await settle(handle);
      await handle.terminate('test over');
    });
  } finally {
    close();
    await smtp.stop();
  }

  // an email names every condition that fell due with it (both at minute 3: one email)
  const account = smtp.messages.filter((m) => conditionsOf(m.mail.text).includes('account:886557'));
  const zeros = smtp.messages.filter((m) => conditionsOf(m.mail.text).includes('balances:live_zeros'));
  // still there after one and two hours: the first email and two hourly reminders, one thread
  expect(account).toHaveLength(3);
  expect(account.map((m) => m.mail.inReplyTo)).toEqual([
    undefined,
    account[0]!.mail.messageId,
    account[0]!.mail.messageId,
  ]);
  expect(account[1]!.mail.text).toContain('Reminder 1: still observed since');
  // cleared and back six times: never more than one email an hour
  expect(zeros.length).toBeGreaterThanOrEqual(2);
  expect(zeros.length).toBeLessThanOrEqual(3);
  expect(smtp.messages.every((m) => m.recipients.join(',') === RECIPIENTS.join(','))).toBe(true);
  expect(conditionsOf(account[0]!.mail.text)).toEqual(['account:886557', 'balances:live_zeros']);
  expect(feed.items.filter((n) => n.severity === 'WARNING')).toHaveLength(smtp.messages.length);
});

test('SMTP down when the alert is raised, back two minutes later: the email arrives exactly once, in-app notifications are not held back', async () => {
  const smtp = await startSmtpServer({ down: true });
  const taskQueue = uniqueTaskQueue('warn-smtp-down');
  const { worker, feed, close } = await createWatchWorker(env, smtp, taskQueue);
  try {
    await worker.runUntil(async () => {
      const handle = await startWatch(env, taskQueue, {
        groupWaitMs: 0, // each email as its condition falls due
        observations: [observed('account:886557')],
      });
      await settle(handle);
      await env.sleep(2 * MINUTE);
      await handle.signal(warningsObservedSignal, observed('account:886557')); // lasted the hold
      await waitFor(() => feed.items.length === 1);
      // a second condition while the first email is still being retried: handled at once
      await handle.signal(warningsObservedSignal, observed('account:886602'));
      await handle.query(trackedWarningsQuery);
      await env.sleep(2 * MINUTE);
      await handle.signal(warningsObservedSignal, observed('account:886602'));
      await waitFor(() => feed.items.length === 2);
      await env.sleep(MINUTE);
      expect(smtp.messages).toHaveLength(0);

      await smtp.up();
      await env.sleep(10 * MINUTE);
      await smtp.waitForMessages(2);
      await settle(handle);
      await env.sleep(30 * MINUTE);
      await settle(handle);

      const history = await handle.fetchHistory();
      const attempts = (history.events ?? [])
        .filter((e) => e.activityTaskStartedEventAttributes)
        .map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 1);
      expect(Math.max(...attempts)).toBeGreaterThan(1); // Temporal retried while SMTP was down
      await handle.terminate('test over');
    });
  } finally {
    close();
    await smtp.stop();
  }
  const conditions = smtp.messages.map((m) => /Condition: (\S+)/.exec(m.mail.text ?? '')?.[1]).sort();
  expect(conditions).toEqual(['account:886557', 'account:886602']);
  expect(new Set(smtp.messages.map((m) => m.mail.messageId)).size).toBe(2);
});

async function waitFor(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the observations of successive probes', () => {
  const monitored = watched('mt5-bridge', {
    // WARNING_HOLD: the three runs 15 s apart see the condition for 30 s
    warningHoldMs: 30_000,
    warningGroupWaitMs: 0, // emailed with the third run
  });
  const warningReport = (probedAt: string): ProbeReport => ({
    severity: 'WARNING',
    summary: 'Account 886557 failed to sync',
    syncRate: 6 / 7,
    syncedAccounts: 6,
    expectedAccounts: 7,
    checks: [
      { check: 'bridge', status: 'ok', evidence: 'health endpoint answered 200' },
      { check: 'account', status: 'warn', evidence: 'Account 886557 failed to sync', accounts: ['886557'] },
    ],
    observation: {
      targetId: monitored.target.id,
      probedAt,
      health: { ok: true, latencyMs: 5, mt5Available: true, connected: true, tradeAllowed: true },
      accounts: { source: 'summary', readings: [], latencyMs: 5 },
    },
  });

  test('three WARNING probes reach one watcher as three observations: one email', async () => {
    const smtp = await startSmtpServer();
    const taskQueue = uniqueTaskQueue('warn-report');
    const { worker, close } = await createWatchWorker(env, smtp, taskQueue);
    try {
      await worker.runUntil(async () => {
        for (let run = 1; run <= 3; run++) {
          const probe = async () => warningReport((await serverNow(env)).toISOString());
          expect(await observeOnce(probe, taskQueue, monitored)).toEqual({ severity: 'WARNING', action: 'warned' });
          await env.sleep(15_000);
        }
        const watch = env.client.workflow.getHandle(warningWatchWorkflowId(monitored.target.id, taskQueue));
        await settle(watch);
        const tracked = await watch.query(trackedWarningsQuery);
        expect(tracked).toEqual([expect.objectContaining({ key: 'account:886557', emails: 1 })]);
        const history = await watch.fetchHistory();
        expect((history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes)).toHaveLength(
          3,
        );
        await watch.terminate('test over');
      });
    } finally {
      close();
      await smtp.stop();
    }
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.mail.text).toContain('Condition: account:886557');
  });
});

test('live $0 balances on every account while syncing are a WARNING, never a CRITICAL: one WARNING email', async () => {
  const smtp = await startSmtpServer();
  const taskQueue = uniqueTaskQueue('warn-live-zeros');
  const monitored = watched(`zeros-${taskQueue}`); // the default hold and group wait
  const probeTarget = async (): Promise<ProbeReport> => {
    const probedAt = (await serverNow(env)).toISOString();
    return accountsReport(monitored.target, probedAt, () => ({ balance: 0, dataSource: 'live', readAt: probedAt }));
  };
  const { worker, close } = await createWatchWorker(env, smtp, taskQueue);
  try {
    await worker.runUntil(async () => {
      // every 15 s for 2 min 15 s: past the 2-minute hold (WARNING_HOLD's default)
      for (let run = 1; run <= 10; run++) {
        expect(await observeOnce(probeTarget, taskQueue, monitored)).toEqual({ severity: 'WARNING', action: 'warned' });
        await env.sleep(15_000);
      }
      await env.sleep(30_000); // WARNING_GROUP_WAIT's default
      const watch = env.client.workflow.getHandle(warningWatchWorkflowId(monitored.target.id, taskQueue));
      await settle(watch);
      await watch.terminate('test over');
    });
  } finally {
    close();
    await smtp.stop();
  }
  expect(smtp.messages.map((m) => m.mail.subject)).toEqual(['⚠️ FIDUS MT5 WARNING']);
  expect(smtp.messages[0]!.mail.text).toContain('Condition: balances:live_zeros');
});

describe('the hold: a condition is news once it has been observed for WARNING_HOLD (2 min)', () => {
  test('a condition seen once, or for less than the hold, and then gone sends nothing', async () => {
    const smtp = await startSmtpServer();
    const taskQueue = uniqueTaskQueue('warn-hold-short');
    const { worker, feed, close } = await createWatchWorker(env, smtp, taskQueue);
    let trackedAfter: unknown[] = [];
    try {
      await worker.runUntil(async () => {
        const handle = await startWatch(env, taskQueue, { observations: [observed('account:886557')] });
        // account:886557 once; account:886602 at 0 s, 60 s and 105 s: under the hold
        await seenAfter(handle, 0, 'account:886602');
        await seenAfter(handle, 60_000, 'account:886602');
        await seenAfter(handle, 45_000, 'account:886602');
        // in either order: a signal that reaches a new watcher before its first workflow task is
        // handled before the observations of its input
        const held = await handle.query(trackedWarningsQuery);
        expect(held.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
          expect.objectContaining({ key: 'account:886557', emails: 0 }),
          expect.objectContaining({ key: 'account:886602', emails: 0 }),
        ]);
        // back 15 minutes later (it cleared in between), for one more minute: the hold starts over
        await seenAfter(handle, 15 * MINUTE, 'account:886602');
        await seenAfter(handle, MINUTE, 'account:886602');
        await env.sleep(30 * MINUTE);
        await settle(handle);
        trackedAfter = await handle.query(trackedWarningsQuery);
        await handle.terminate('test over');
      });
    } finally {
      close();
      await smtp.stop();
    }
    expect(smtp.messages).toHaveLength(0);
    expect(feed.items).toHaveLength(0);
    expect(trackedAfter).toEqual([]); // cleared and forgotten
  });

  test('a condition that persists past the hold sends exactly one email, dated from its first sighting', async () => {
    const smtp = await startSmtpServer();
    const taskQueue = uniqueTaskQueue('warn-hold-long');
    const { worker, feed, close } = await createWatchWorker(env, smtp, taskQueue);
    const firstSeenAt = (await serverNow(env)).toISOString();
    let tracked: Array<{ since: number; emails: number }> = [];
    try {
      await worker.runUntil(async () => {
        const handle = await startWatch(env, taskQueue, { observations: [observed('sync_rate')] });
        // observed every 30 s for 10 minutes
        for (let second = 30; second <= 600; second += 30) {
          await settle(handle);
          await env.sleep(30_000);
          await handle.signal(warningsObservedSignal, observed('sync_rate'));
          if (second === 90) {
            await settle(handle);
            expect(smtp.messages).toHaveLength(0); // 90 s: still held
          }
        }
        await settle(handle);
        await smtp.waitForMessages(1);
        tracked = await handle.query(trackedWarningsQuery);
        await handle.terminate('test over');
      });
    } finally {
      close();
      await smtp.stop();
    }
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.mail.text).toContain('Condition: sync_rate');
    expect(feed.items.filter((n) => n.severity === 'WARNING')).toHaveLength(1);
    expect(tracked).toEqual([expect.objectContaining({ emails: 1 })]);
    // the episode starts at the first sighting, not at the end of the hold
    expect(Math.abs(tracked[0]!.since - Date.parse(firstSeenAt))).toBeLessThan(15_000);
  });

  test('a bridge refilling its cache after a restart (accounts lagging for 90 s, probed every 15 s) sends nothing', async () => {
    const smtp = await startSmtpServer();
    const taskQueue = uniqueTaskQueue('warn-refill');
    const monitored = watched(`refill-${taskQueue}`); // the default hold
    const restartedAt = (await serverNow(env)).getTime();
    const lagging = new Set(['886553', '886555', '886556']);
    const probeTarget = async (): Promise<ProbeReport> => {
      const now = (await serverNow(env)).getTime();
      const refilling = now - restartedAt < 95_000;
      const probedAt = new Date(now).toISOString();
      return accountsReport(monitored.target, probedAt, (login, i) =>
        refilling && lagging.has(login)
          ? { balance: null, dataSource: 'no_cache', readAt: null }
          : { balance: 10_000 + i, dataSource: 'live', readAt: probedAt },
      );
    };
    const { worker, feed, close } = await createWatchWorker(env, smtp, taskQueue);
    const actions: unknown[] = [];
    let heldDuringRefill: unknown[] = [];
    let trackedAfter: unknown[] = [];
    try {
      await worker.runUntil(async () => {
        const watch = env.client.workflow.getHandle(warningWatchWorkflowId(monitored.target.id, taskQueue));
        for (let run = 0; run <= 16; run++) {
          actions.push((await observeOnce(probeTarget, taskQueue, monitored)).action);
          if (run === 6) heldDuringRefill = await watch.query(trackedWarningsQuery); // 90 s
          await env.sleep(15_000);
        }
        await settle(watch);
        await env.sleep(15 * MINUTE);
        await settle(watch);
        trackedAfter = await watch.query(trackedWarningsQuery);
        await watch.terminate('test over');
      });
    } finally {
      close();
      await smtp.stop();
    }
    // 0 s to 90 s: three accounts lag (WARNING), then every account is live
    expect(actions.slice(0, 7)).toEqual(Array(7).fill('warned'));
    expect(actions.slice(7)).toEqual(Array(10).fill('none'));
    expect(heldDuringRefill).toEqual(
      ['886553', '886555', '886556'].map((login) =>
        expect.objectContaining({ key: `account:${login}`, emails: 0 }),
      ),
    );
    expect(smtp.messages).toHaveLength(0);
    expect(feed.items).toHaveLength(0);
    expect(trackedAfter).toEqual([]);
  });
});

describe('the WARNING policy each observation carries reaches a running watcher', () => {
  /** An observation as the monitor sends it: with the target's current policy (hourly reminders, no group wait, unless `change` says otherwise). */
  const withPolicy = (key: string, change: { holdMs: number; reminderIntervalMs?: number }) => ({
    ...observed(key),
    policy: { reminderIntervalMs: HOUR, groupWaitMs: 0, ...change },
  });

  test('a watcher started with a 2-minute hold, then observations carrying a 30-second hold: emailed after 30 s', async () => {
    const smtp = await startSmtpServer();
    const taskQueue = uniqueTaskQueue('warn-policy-hold');
    const { worker, close } = await createWatchWorker(env, smtp, taskQueue);
    let tracked: unknown[] = [];
    try {
      await worker.runUntil(async () => {
        const handle = await startWatch(env, taskQueue, {
          holdMs: 2 * MINUTE,
          groupWaitMs: 0,
          observations: [observed('account:886557')],
        });
        await settle(handle);
        await env.sleep(30_000);
        // the worker restarted with WARNING_HOLD=30s: the monitor's next observation says so
        await handle.signal(warningsObservedSignal, withPolicy('account:886557', { holdMs: 30_000 }));
        await settle(handle);
        tracked = await handle.query(trackedWarningsQuery);
        await exportFixture(handle, 'warning-watch-policy-changed');
        await handle.terminate('test over');
      });
    } finally {
      close();
      await smtp.stop();
    }
    expect(tracked).toEqual([expect.objectContaining({ key: 'account:886557', emails: 1 })]);
    expect(smtp.messages).toHaveLength(1);
    expect(conditionsOf(smtp.messages[0]!.mail.text)).toEqual(['account:886557']);
  });

  test('a watcher started with a 1-hour reminder interval, then observations carrying 5 minutes: the reminder follows the new interval', async () => {
    const smtp = await startSmtpServer();
    const taskQueue = uniqueTaskQueue('warn-policy-reminder');
    const { worker, close } = await createWatchWorker(env, smtp, taskQueue);
    try {
      await worker.runUntil(async () => {
        const handle = await startWatch(env, taskQueue, {
          holdMs: 0,
          groupWaitMs: 0,
          observations: [observed('sync_rate')],
        });
        await settle(handle);
        await smtp.waitForMessages(1);
        await env.sleep(8 * MINUTE); // seen again within the 10 minutes that would clear it
        await handle.signal(
          warningsObservedSignal,
          withPolicy('sync_rate', { holdMs: 0, reminderIntervalMs: 5 * MINUTE }),
        );
        await settle(handle);
        await handle.terminate('test over');
      });
    } finally {
      close();
      await smtp.stop();
    }
    expect(smtp.messages).toHaveLength(2);
    expect(smtp.messages[1]!.mail.text).toContain('Reminder 1: still observed since');
    expect(smtp.messages[1]!.mail.inReplyTo).toBe(smtp.messages[0]!.mail.messageId);
  });
});

describe('WARNING_GROUP_WAIT: conditions that fall due together are one email', () => {
  /** A watch with the 2-minute hold and a 30-second group wait, account:886557 seen at its start. */
  const start = (taskQueue: string) =>
    startWatch(env, taskQueue, {
      holdMs: 2 * MINUTE,
      groupWaitMs: 30_000,
      observations: [observed('account:886557')],
    });

  test('two accounts falling due 10 s apart: one email naming both, one in-app notification', async () => {
    const smtp = await startSmtpServer();
    const taskQueue = uniqueTaskQueue('warn-group');
    const { worker, feed, close } = await createWatchWorker(env, smtp, taskQueue);
    let tracked: unknown[] = [];
    try {
      await worker.runUntil(async () => {
        const handle = await start(taskQueue);
        await seenAfter(handle, 10_000, 'account:886602'); // 10 s
        await seenAfter(handle, 110_000, 'account:886557'); // 2 min: the first falls due
        await seenAfter(handle, 10_000, 'account:886602'); // 2 min 10 s: the second, within the wait
        expect(smtp.messages).toHaveLength(0); // waiting for the rest of the group
        await env.sleep(MINUTE);
        await settle(handle);
        await smtp.waitForMessages(1);
        tracked = await handle.query(trackedWarningsQuery);
        await exportFixture(handle, 'warning-watch-grouped');
        await handle.terminate('test over');
      });
    } finally {
      close();
      await smtp.stop();
    }
    expect(smtp.messages).toHaveLength(1);
    const [email] = smtp.messages;
    expect(conditionsOf(email!.mail.text)).toEqual(['account:886557', 'account:886602']);
    expect(email!.mail.text).toContain('Issue: 2 WARNING conditions');
    expect(email!.mail.text).toContain('Issue: Account 886602 failed to sync');
    expect(feed.items.filter((n) => n.severity === 'WARNING').map((n) => n.text)).toEqual([
      '2 WARNING conditions: Account 886557 failed to sync; Account 886602 failed to sync',
    ]);
    // dedup stays per condition: each has had its first email
    expect(tracked).toEqual([
      expect.objectContaining({ key: 'account:886557', emails: 1 }),
      expect.objectContaining({ key: 'account:886602', emails: 1 }),
    ]);
  });

  test('two accounts falling due a minute apart: two emails', async () => {
    const smtp = await startSmtpServer();
    const taskQueue = uniqueTaskQueue('warn-group-apart');
    const { worker, close } = await createWatchWorker(env, smtp, taskQueue);
    try {
      await worker.runUntil(async () => {
        const handle = await start(taskQueue);
        await seenAfter(handle, MINUTE, 'account:886602'); // 1 min
        await seenAfter(handle, MINUTE, 'account:886557'); // 2 min: the first falls due
        await seenAfter(handle, MINUTE, 'account:886602'); // 3 min: the second, past the wait
        await env.sleep(MINUTE);
        await settle(handle);
        await smtp.waitForMessages(2);
        await handle.terminate('test over');
      });
    } finally {
      close();
      await smtp.stop();
    }
    expect(smtp.messages.map((m) => conditionsOf(m.mail.text))).toEqual([['account:886557'], ['account:886602']]);
  });
});
