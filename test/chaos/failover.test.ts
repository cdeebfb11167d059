/**
 * Chaos suite, detection through a worker's death: two `autoheal worker` processes; the one
 * holding the target's watch (the long-lived monitor's probe activity) is SIGKILLed and the
 * bridge breaks at that moment. The other worker takes the watch over once its heartbeat timeout
 * expires (MONITOR_HEARTBEAT_TIMEOUT_MS), sees the fault, and the bridge is restarted once.
 * The time from fault to restart request is printed; `npm run bench -- --only failover` measures
 * it over many kills at the default timings (docs/PERFORMANCE.md). docs/RELIABILITY.md, "Chaos suite".
 */
import { monitorWorkflowId } from '../../src/shared/names';
import type { HealingResult } from '../../src/workflows/healing/messages';
import { crashedWorkers, dispatches, incident, restarts, secretLeaks, waitFor } from './helpers/observe';
import { startStack, type Stack } from './helpers/stack';
import { activityRunner, workerOf } from './helpers/who';

let stack: Stack;
const ID = 'failover';

beforeAll(async () => {
  stack = await startStack({ name: 'failover', targets: [{ id: ID }] });
  await Promise.all([stack.startWorker('w1'), stack.startWorker('w2')]);
}, 600_000);

afterAll(async () => {
  await stack?.close();
});

it('the worker holding the watch is SIGKILLed as the bridge breaks: the other worker takes the watch over and the bridge is restarted once', async () => {
  const monitor = stack.server.client.workflow.getHandle(monitorWorkflowId(ID, stack.taskQueue));
  let holder: string | undefined;
  await waitFor('the watch to run on a worker', async () => !!(holder = await activityRunner(monitor, 'watchTarget')));
  const victim = workerOf(stack.workers(), holder);
  if (!victim) throw new Error(`no running worker holds the watch (identity ${holder})`);
  await victim.kill('SIGKILL');
  const faultAt = Date.now();
  stack.sim(ID).setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 1_000 });

  const result = (await (await incident(stack, ID)).result()) as HealingResult;
  expect(result.status).toBe('RECOVERED');
  expect(dispatches(stack, ID)).toHaveLength(1);
  expect(restarts(stack, ID)).toBe(1);
  const taker = await activityRunner(monitor, 'watchTarget');
  expect(workerOf([victim], taker)).toBeUndefined(); // the survivor watches now
  console.log(`fault → restart request through the death of ${victim.name}: ${((dispatches(stack, ID)[0]!.at.getTime() - faultAt) / 1000).toFixed(1)} s`);
  expect(crashedWorkers(stack, new Set([victim.pid]))).toEqual([]);
  expect(await secretLeaks(stack)).toEqual([]);
}, 900_000);
