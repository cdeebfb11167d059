/**
 * The attempt ledger continues as new when the server suggests it, carrying its state over.
 * Runs on a real dev server whose `limit.historyCount.suggestContinueAsNew` is set low, so the
 * first run ends after a few entries instead of the ledger's own 1,000-event limit; with
 * UPDATE_FIXTURES=1 it writes that first run (which ends in its continue-as-new) as the replay
 * fixture `attempt-ledger-continued-as-new`.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createLedgerActivities } from '../src/activities/ledger';
import { temporalCliPath } from '../src/config/toolchain';
import { attemptLedgerWorkflowId } from '../src/shared/names';
import { exportFixture } from './healing-fixtures';
import { uniqueTaskQueue, workflowBundle } from './helpers/temporal';

jest.setTimeout(120_000);

const SUGGEST_CONTINUE_AS_NEW_AT = 20;
const DAY = 86_400_000;

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // already installed in this process
  }
  env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      extraArgs: [
        '--dynamic-config-value',
        `limit.historyCount.suggestContinueAsNew=${SUGGEST_CONTINUE_AS_NEW_AT}`,
      ],
      log: { format: 'pretty', level: 'error' },
    },
  });
});
afterAll(async () => {
  await env?.teardown();
});

test('the ledger continues as new when the server suggests it, keeping its failures and last dispatch', async () => {
  const taskQueue = uniqueTaskQueue('ledger-can');
  const targetId = 'ledger-can';
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
  });
  const ledger = createLedgerActivities({ client: env.client, taskQueue });
  const handle = env.client.workflow.getHandle(attemptLedgerWorkflowId(targetId, taskQueue));
  await worker.runUntil(async () => {
    const now = Date.now();
    const old = new Date(now - 2 * DAY).toISOString();
    const recent = new Date(now - 60_000).toISOString();
    await ledger.recordLedgerEntry(targetId, { kind: 'failure', at: old, windowMs: DAY, incidentId: 'i1' });
    await ledger.recordLedgerEntry(targetId, {
      kind: 'failure',
      at: recent,
      windowMs: DAY,
      incidentId: 'i2',
    });
    const firstRun = (await handle.describe()).runId;

    // one entry at a time (a signal and a workflow task each) until the server suggests it
    let runId = firstRun;
    for (let i = 0; i < SUGGEST_CONTINUE_AS_NEW_AT && runId === firstRun; i++) {
      await ledger.recordLedgerEntry(targetId, {
        kind: 'dispatch',
        at: recent,
        windowMs: DAY,
        incidentId: `d${i}`,
      });
      await new Promise((r) => setTimeout(r, 100));
      runId = (await handle.describe()).runId;
    }
    expect(runId).not.toBe(firstRun);

    const first = env.client.workflow.getHandle(attemptLedgerWorkflowId(targetId, taskQueue), firstRun);
    expect((await first.describe()).status.name).toBe('CONTINUED_AS_NEW');
    const events = (await first.fetchHistory()).events ?? [];
    expect(events.length).toBeLessThan(100);
    expect(events.some((e) => e.workflowTaskStartedEventAttributes?.suggestContinueAsNew)).toBe(true);
    expect(await ledger.readAttemptLedger(targetId)).toEqual({
      // the dispatches within RESTART_BUDGET's window, one per distinct time
      dispatches: [recent],
      failures: [recent],
      lastDispatchAt: recent,
      windowMs: DAY,
    });
    await exportFixture(first, 'attempt-ledger-continued-as-new');
  });
});
