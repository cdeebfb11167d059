/**
 * The attempt ledger on the time-skipping server: failures trimmed to the window, the last
 * dispatch kept, state carried across continue-as-new; and the `autoheal incident` commands.
 */
import { AutohealClient } from '../src/client/autoheal-client';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Command } from 'commander';
import { createLedgerActivities } from '../src/activities/ledger';
import { registerIncidentCommands } from '../src/cli/commands/incident';
import type { AppConfig } from '../src/config/load-config';
import { attemptLedgerWorkflowId } from '../src/shared/names';
import { timeSkippingServerPerTest, uniqueTaskQueue } from './helpers/temporal';
import { exportFixture } from './healing-fixtures';
import {
  FakeBridge,
  HOUR,
  createHealingWorker,
  finish,
  incidentInput,
  policy,
  serverNow,
  startIncident,
  target,
} from './healing-harness';

let env: TestWorkflowEnvironment;
const test = timeSkippingServerPerTest((e) => {
  env = e;
});

const DAY = 24 * HOUR;

test('the ledger keeps failures within the window and the last dispatch, across continue-as-new', async () => {
  const taskQueue = uniqueTaskQueue('ledger');
  const worker = await createHealingWorker(env, taskQueue, []);
  const ledger = createLedgerActivities({ client: env.client, taskQueue });
  await worker.runUntil(async () => {
    expect(await ledger.readAttemptLedger('fresh')).toEqual({ failures: [], windowMs: DAY });

    const now = (await serverNow(env)).getTime();
    const old = new Date(now - 2 * DAY).toISOString();
    const recent = new Date(now - HOUR).toISOString();
    await ledger.recordLedgerEntry('lg', { kind: 'failure', at: old, windowMs: DAY, incidentId: 'i1' });
    await ledger.recordLedgerEntry('lg', { kind: 'failure', at: recent, windowMs: DAY, incidentId: 'i2' });
    await ledger.recordLedgerEntry('lg', { kind: 'dispatch', at: recent, windowMs: DAY, incidentId: 'i2' });
    expect(await ledger.readAttemptLedger('lg')).toEqual({
      failures: [recent],
      lastDispatchAt: recent,
      windowMs: DAY,
      dispatches: [recent],
    });

    await exportFixture(env.client.workflow.getHandle(attemptLedgerWorkflowId('lg', taskQueue)), 'attempt-ledger');

    const firstRun = (await env.client.workflow.getHandle(attemptLedgerWorkflowId('lg', taskQueue)).describe()).runId;
    // Enough records to pass the ledger's history limit (1,000 events) and continue as new.
    for (let batch = 0; batch < 110; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          ledger.recordLedgerEntry('lg', {
            kind: 'dispatch',
            at: recent,
            windowMs: DAY,
            incidentId: `i${batch}-${i}`,
          }),
        ),
      );
    }
    const handle = env.client.workflow.getHandle(attemptLedgerWorkflowId('lg', taskQueue));
    let runId = firstRun;
    for (let i = 0; i < 100 && runId === firstRun; i++) {
      await new Promise((r) => setTimeout(r, 100));
      runId = (await handle.describe()).runId;
    }
    expect(runId).not.toBe(firstRun);
    expect(await ledger.readAttemptLedger('lg')).toEqual({
      failures: [recent],
      lastDispatchAt: recent,
      windowMs: DAY,
      dispatches: [recent],
    });
  });
});

test('autoheal incident status|ack|resolve reach the open incident', async () => {
  const bridge = new FakeBridge('cli');
  bridge.recoverOnDispatch = undefined;
  const taskQueue = uniqueTaskQueue('cli');
  const config = {
    targets: [{ target: target('cli'), policy: policy() }],
    temporal: { namespace: env.namespace ?? 'default', taskQueue },
  } as unknown as AppConfig;
  const lines: string[] = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  const cli = async (...args: string[]): Promise<void> => {
    const program = new Command('autoheal').exitOverride();
    registerIncidentCommands(program, {
      loadConfig: () => config,
      connect: async () =>
        new AutohealClient(
          new Client({ connection: await Connection.connect({ address: env.address }), namespace: env.namespace }),
          taskQueue,
        ),
    });
    await program.parseAsync(['node', 'autoheal', ...args]);
  };
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const handle = await startIncident(env, taskQueue, incidentInput('cli', {}, await serverNow(env)));
    await env.sleep(HOUR);

    await cli('incident', 'status');
    expect(lines.join('\n')).toMatch(/incident cli-\S+ — cli — ESCALATED/);
    await cli('incident', 'ack', '--by', 'frank');
    expect(lines.at(-1)).toMatch(/acknowledged incident cli-\S+: ESCALATED/);
    await cli('incident', 'resolve', '--target', 'cli', '--by', 'frank', '--note', 'bridge replaced');
    expect(lines.at(-1)).toMatch(/resolved incident cli-/);
    expect(await finish(env, handle)).toMatchObject({ status: 'RESOLVED', acknowledged: { by: 'frank' } });
  });
  jest.restoreAllMocks();
});
