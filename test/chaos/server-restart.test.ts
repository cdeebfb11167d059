/**
 * Chaos suite, the Temporal server killed mid-incident: the dev server (SQLite in a temp dir) is
 * SIGKILLed after the dispatch, while the incident verifies, and started again on the same port
 * and database. The incident completes RECOVERED, with one dispatch, one restart and one run; the
 * worker processes ride it out. docs/RELIABILITY.md, "Chaos suite".
 */
import { crashedWorkers, dispatchKeys, secretLeaks, sleep, waitFor, incident } from './helpers/observe';
import { expectHealed } from './helpers/expect-incident';
import { startStack, type Stack } from './helpers/stack';
import { activityCompleted } from './helpers/who';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ name: 'server', targets: [{ id: 'server-killed' }] });
  await Promise.all([stack.startWorker('w1'), stack.startWorker('w2')]);
}, 600_000);

afterAll(async () => {
  await stack?.close();
});

it('the Temporal server SIGKILLed and restarted mid-incident: the incident completes, no duplicate dispatch', async () => {
  const id = 'server-killed';
  stack.sim(id).setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 10_000 });
  const handle = await incident(stack, id);
  await waitFor('the dispatch', () => activityCompleted(handle, 'dispatchRemediation'));
  const killedAt = Date.now();
  await stack.server.kill('SIGKILL');
  await sleep(3_000);
  await stack.server.start();
  console.log(`server down ${((Date.now() - killedAt) / 1000).toFixed(1)} s`);
  await expectHealed(stack, id);
  expect(dispatchKeys(stack, id)).toHaveLength(1);
  expect(crashedWorkers(stack)).toEqual([]);
  expect(await secretLeaks(stack)).toEqual([]);
}, 900_000);
