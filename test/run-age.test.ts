/**
 * Every long-lived workflow continues as new within MAX_RUN_AGE_MS (7 days) of its run's start,
 * even when nothing happens and its history stays short: a week after a workflow change is
 * deployed, no run recorded before it is left (docs/VERSIONING.md). On the time-skipping server,
 * each workflow idle as it is most of its life (a paused monitor: no watch runs while paused).
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { attemptLedgerWorkflow } from '../src/workflows/attempt-ledger';
import { mailboxWorkflow } from '../src/workflows/alerting/mailbox';
import { notificationFeedWorkflow } from '../src/workflows/alerting/notifications';
import { remediationSwitchWorkflow } from '../src/workflows/remediation-switch';
import { emptyRollup, rollupWorkflow } from '../src/workflows/rollup';
import { MAX_RUN_AGE_MS } from '../src/workflows/run-age';
import { targetMonitorWorkflow } from '../src/workflows/target-monitor';
import { UNKNOWN_SIGNATURE } from '../src/workflows/target-monitor/state';
import { warningWatchWorkflow } from '../src/workflows/alerting/warnings';
import { policy, target } from './healing-harness';
import { timeSkippingServerPerTest, trackWorker, uniqueTaskQueue, workflowBundle } from './helpers/temporal';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
const test = timeSkippingServerPerTest((e) => {
  env = e;
});

const HOUR = 3_600_000;

const starts: Array<[string, (taskQueue: string, workflowId: string) => Promise<WorkflowHandle>]> = [
  ['attemptLedgerWorkflow', (taskQueue, workflowId) => env.client.workflow.start(attemptLedgerWorkflow, { taskQueue, workflowId, args: [] })],
  ['rollupWorkflow', (taskQueue, workflowId) => env.client.workflow.start(rollupWorkflow, { taskQueue, workflowId, args: [emptyRollup('aged')] })],
  ['remediationSwitchWorkflow', (taskQueue, workflowId) => env.client.workflow.start(remediationSwitchWorkflow, { taskQueue, workflowId, args: [] })],
  ['notificationFeedWorkflow', (taskQueue, workflowId) => env.client.workflow.start(notificationFeedWorkflow, { taskQueue, workflowId, args: [{}] })],
  ['mailboxWorkflow', (taskQueue, workflowId) => env.client.workflow.start(mailboxWorkflow, { taskQueue, workflowId, args: [[]] })],
  [
    'warningWatchWorkflow',
    (taskQueue, workflowId) => env.client.workflow.start(warningWatchWorkflow, { taskQueue, workflowId, args: [{ targetId: 'aged', reminderIntervalMs: HOUR }] }),
  ],
  [
    'targetMonitorWorkflow (paused with no end)',
    (taskQueue, workflowId) =>
      env.client.workflow.start(targetMonitorWorkflow, {
        taskQueue,
        workflowId,
        args: [
          {
            target: target('aged'),
            policy: policy(),
            carried: {
              expected: UNKNOWN_SIGNATURE,
              findings: [],
              pause: { by: 'alice', reason: 'broker migration', note: 'PAUSED by alice (broker migration)', at: new Date().toISOString() },
              probes: 0,
              incidentsStarted: 0,
            },
          },
        ],
      }),
  ],
];

for (const [name, start] of starts) {
  test(`${name} continues as new once its run is 7 days old, not before`, async () => {
    const taskQueue = uniqueTaskQueue('aged');
    const worker = trackWorker(
      await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: await workflowBundle(),
        // the paused monitor records its pause in the roll-up when its run ends
        activities: { recordMaintenance: async () => undefined },
      }),
    );
    await worker.runUntil(async () => {
      const handle = await start(taskQueue, `aged-${taskQueue}`);
      const { runId } = await handle.describe();
      const first = env.client.workflow.getHandle(handle.workflowId, runId);
      await env.sleep(MAX_RUN_AGE_MS - HOUR);
      expect((await first.describe()).status.name).toBe('RUNNING');
      await env.sleep(2 * HOUR);
      expect((await first.describe()).status.name).toBe('CONTINUED_AS_NEW');
      const next = await env.client.workflow.getHandle(handle.workflowId).describe();
      expect(next.runId).not.toBe(runId);
      expect(next.status.name).toBe('RUNNING');
      await env.client.workflow.getHandle(handle.workflowId).terminate('test over');
    });
  });
}
