/**
 * Chaos suite, safe remediation: a restart only reaches a bridge whose fault is still there, and
 * only once. Worker processes, the dev server, the simulator and the GitHub API double, as in
 * every chaos scenario; docs/RELIABILITY.md, "Chaos suite".
 */
import { crashedWorkers, dispatches, incidentRuns, restarts, secretLeaks, sleep, waitFor } from './helpers/observe';
import { startStack, type Stack } from './helpers/stack';
import type { HealingResult } from '../../src/workflows/healing/messages';
import { healingWorkflowId } from '../../src/shared/names';

let stack: Stack;
const COOLDOWN = 'cooldown';
const QUEUED = 'queued';
const QUEUE_MS = 3 * 60_000;

beforeAll(async () => {
  stack = await startStack({
    name: 'safe-remediation',
    targets: [
      { id: COOLDOWN, overrides: { restartCooldown: '90s' } },
      // VERIFY_TIMEOUT stays the chaos default, 40 s: far shorter than the queue
      { id: QUEUED, actionsQueueMs: QUEUE_MS },
    ],
  });
  await stack.startWorker('w1');
}, 600_000);

afterAll(async () => {
  await stack?.close();
});

async function closedIncidents(targetId: string): Promise<HealingResult[]> {
  const out: HealingResult[] = [];
  for (const run of await incidentRuns(stack, targetId)) {
    if (run.status.name !== 'COMPLETED') continue;
    out.push((await stack.server.client.workflow.getHandle(healingWorkflowId(targetId, stack.taskQueue), run.runId).result()) as HealingResult);
  }
  return out;
}

it.concurrent('a bridge that recovers by itself during RESTART_COOLDOWN is never restarted', async () => {
  const sim = stack.sim(COOLDOWN);
  // The first outage: restarted once, recovers.
  sim.setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 1_000 });
  await waitFor('the first incident to close', async () => (await closedIncidents(COOLDOWN)).length === 1, 240_000);
  expect(restarts(stack, COOLDOWN)).toBe(1);

  // It falls over again at once: the second incident must wait out the 90 s spacing...
  sim.setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 1_000 });
  await waitFor('the second incident', async () => (await incidentRuns(stack, COOLDOWN)).length === 2, 120_000);
  await sleep(15_000);
  // ...and the terminal finds its broker again by itself, well before the spacing ends.
  sim.clearFaults();
  await waitFor('the second incident to close', async () => (await closedIncidents(COOLDOWN)).length === 2, 240_000);

  const [, second] = await closedIncidents(COOLDOWN);
  expect(second?.status).toBe('RECOVERED');
  expect(second?.attempts).toEqual([]);
  expect(second?.timeline.map((t) => t.detail)).toContainEqual(expect.stringMatching(/^recovered before the restart was sent/));
  expect(dispatches(stack, COOLDOWN)).toHaveLength(1);
  expect(restarts(stack, COOLDOWN)).toBe(1);
  expect(crashedWorkers(stack)).toEqual([]);
  expect(await secretLeaks(stack)).toEqual([]);
}, 900_000);

it.concurrent('a restart whose Actions run sits queued for 3 minutes is restarted exactly once: VERIFY_TIMEOUT counts from the run\'s start', async () => {
  const sim = stack.sim(QUEUED);
  sim.setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 2_000 });
  await waitFor('the incident to close', async () => (await closedIncidents(QUEUED)).length === 1, 600_000);
  const [result] = await closedIncidents(QUEUED);
  expect(result?.status).toBe('RECOVERED');
  expect(result?.attempts).toHaveLength(1);
  expect(result?.attempts[0]).toMatchObject({ outcome: 'recovered', run: { url: expect.stringMatching(/\/actions\/runs\/\d+$/) } });
  const steps = result?.timeline.filter((t) => t.step === 'restart_run').map((t) => t.detail) ?? [];
  expect(steps.some((d) => /queued/.test(d))).toBe(true);
  expect(dispatches(stack, QUEUED)).toHaveLength(1);
  expect(restarts(stack, QUEUED)).toBe(1);
  const restartAt = Date.parse(sim.restarts[0]?.at ?? '');
  const dispatchAt = dispatches(stack, QUEUED)[0]!.at.getTime();
  expect(restartAt - dispatchAt).toBeGreaterThanOrEqual(QUEUE_MS - 1_000);
  expect(crashedWorkers(stack)).toEqual([]);
  expect(await secretLeaks(stack, QUEUED)).toEqual([]);
}, 900_000);
