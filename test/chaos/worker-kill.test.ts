/**
 * Chaos suite, a worker SIGKILLed at each step of healing: two `autoheal worker` processes on one
 * stack; the one doing the step dies (SIGKILL: no shutdown, no goodbye), the other finishes the
 * incident, and the bridge is restarted exactly once per incident (a dispatch whose answer was
 * lost is sent again with the same idempotency key, which the restart endpoint does not run
 * twice). Before each scenario a replacement worker brings the stack back to two.
 *
 * Each kill comes once the incident's CRITICAL email has been delivered: an email whose sending
 * worker dies between the SMTP server's 250 and the activity's completion is sent again (at least
 * once; the same Message-ID), which is not what these scenarios are about.
 * CHAOS_QUICK=1 runs the kill during dispatch only. docs/RELIABILITY.md, "Chaos suite".
 */
import type { WorkflowHandle } from '@temporalio/client';
import { healingWorkflowId } from '../../src/shared/names';
import { statusQuery, type HealingResult } from '../../src/workflows/healing/messages';
import type { WorkerProcess } from '../cluster/helpers/worker-process';
import { expectHealed } from './helpers/expect-incident';
import { crashedWorkers, dispatches, dispatchKeys, emailCounts, emails, incident, incidentRuns, restarts, secretLeaks, sleep, waitFor } from './helpers/observe';
import { startStack, type Stack } from './helpers/stack';
import { activityCompleted, activityRunner, workerOf, workflowHolder } from './helpers/who';

const QUICK = process.env.CHAOS_QUICK === '1';
const TARGETS = [
  { id: 'kill-detected' },
  { id: 'kill-cooldown', overrides: { restartCooldown: '30s' } },
  { id: 'kill-dispatch' },
  { id: 'kill-verify' },
];

let stack: Stack;
const killed = new Set<number>();
let spawned = 0;

beforeAll(async () => {
  stack = await startStack({ name: 'kill', targets: TARGETS });
  await Promise.all([stack.startWorker(`w${++spawned}`), stack.startWorker(`w${++spawned}`)]);
}, 600_000);

afterAll(async () => {
  await stack?.close();
});

/** Two workers running again, then the scenario. */
async function twoWorkers(): Promise<void> {
  while (stack.workers().length < 2) await stack.startWorker(`w${++spawned}`);
}

async function sigkill(what: string, identity: string | undefined): Promise<WorkerProcess> {
  const victim = workerOf(stack.workers(), identity);
  if (!victim) throw new Error(`no running worker for ${what} (identity ${identity})`);
  killed.add(victim.pid);
  await victim.kill('SIGKILL');
  console.log(`SIGKILLed ${victim.name} (${what})`);
  return victim;
}

/** The identity once `read` finds one. */
async function identityOf(what: string, read: () => Promise<string | undefined>): Promise<string> {
  let identity: string | undefined;
  await waitFor(what, async () => !!(identity = await read()));
  return identity as string;
}

const run = QUICK ? it.skip : it;
const suffix = QUICK ? ' [full suite only: npm run chaos]' : '';

run(`SIGKILL right after detection (the worker that took the incident): the other worker heals it, one restart${suffix}`, async () => {
  await twoWorkers();
  const id = 'kill-detected';
  stack.sim(id).setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 6_000 });
  const handle = await incident(stack, id);
  await waitFor('the CRITICAL email', () => emails(stack, id, 'critical').length >= 1);
  await sigkill('holds the incident just opened', await identityOf('the worker holding the incident', () => workflowHolder(handle)));
  await expectHealed(stack, id, { dispatchRequests: 'same-key' });
  expect(crashedWorkers(stack, killed)).toEqual([]);
}, 600_000);

run(`SIGKILL during the restart cooldown (second incident waiting for RESTART_COOLDOWN): the other worker dispatches after it, one restart per incident${suffix}`, async () => {
  await twoWorkers();
  const id = 'kill-cooldown';
  const sim = stack.sim(id);
  sim.setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 2_000 });
  const first = (await (await incident(stack, id)).result()) as HealingResult;
  expect(first.status).toBe('RECOVERED');
  sim.setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 2_000 });
  let handle: WorkflowHandle | undefined;
  await waitFor('the second incident, waiting for the restart spacing', async () => {
    const runs = await incidentRuns(stack, id);
    const latest = runs.at(-1);
    if (runs.length < 2 || !latest) return false;
    handle = stack.server.client.workflow.getHandle(healingWorkflowId(id, stack.taskQueue), latest.runId);
    return /waiting for the restart spacing/.test((await handle.query(statusQuery)).activity);
  });
  await waitFor('the second CRITICAL email', () => emails(stack, id, 'critical').length >= 2);
  await sigkill('holds the incident during the cooldown', await identityOf('the worker holding the incident', () => workflowHolder(handle!)));
  const second = (await handle!.result()) as HealingResult;
  expect(second.status).toBe('RECOVERED');
  await waitFor('both incidents\' emails', () => emails(stack, id, 'recovery').length >= 2);
  await sleep(8_000);
  expect(emailCounts(stack, id)).toEqual({ critical: 2, recovery: 2 });
  expect(dispatchKeys(stack, id)).toHaveLength(2);
  expect(restarts(stack, id)).toBe(2);
  const [d1, d2] = dispatches(stack, id).map((d) => d.at.getTime());
  expect(d2! - d1!).toBeGreaterThanOrEqual(25_000);
  expect(await incidentRuns(stack, id)).toHaveLength(2);
  expect(await secretLeaks(stack, id)).toEqual([]);
  expect(crashedWorkers(stack, killed)).toEqual([]);
}, 600_000);

it('SIGKILL during the dispatch (GitHub holds its answer 10 s; the worker running the call dies): the other worker retries with the same key, one restart', async () => {
  await twoWorkers();
  const id = 'kill-dispatch';
  stack.github.queueDispatchFor(id, { status: 204, delayMs: 10_000 });
  stack.sim(id).setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 4_000 });
  const handle = await incident(stack, id);
  await waitFor('the CRITICAL email', () => emails(stack, id, 'critical').length >= 1);
  await sigkill('runs dispatchRemediation', await identityOf('the worker running the dispatch', () => activityRunner(handle, 'dispatchRemediation')));
  await expectHealed(stack, id, { dispatchRequests: 'same-key' });
  console.log(`kill during dispatch: ${dispatches(stack, id).length} GitHub requests, ${stack.sim(id).restarts.length} restart calls, ${restarts(stack, id)} restart`);
  expect(crashedWorkers(stack, killed)).toEqual([]);
}, 600_000);

run(`SIGKILL during verification (dispatched, the terminal back 10 s later): the other worker verifies and confirms, one restart${suffix}`, async () => {
  await twoWorkers();
  const id = 'kill-verify';
  stack.sim(id).setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 10_000 });
  const handle = await incident(stack, id);
  await waitFor('the dispatch', () => activityCompleted(handle, 'dispatchRemediation'));
  await waitFor('the CRITICAL email', () => emails(stack, id, 'critical').length >= 1);
  await sigkill('holds the incident while it verifies', await identityOf('the worker holding the incident', () => workflowHolder(handle)));
  await expectHealed(stack, id);
  expect(crashedWorkers(stack, killed)).toEqual([]);
}, 600_000);

it('no secret in any history or worker log (killed ones included) or email', async () => {
  expect(await secretLeaks(stack)).toEqual([]);
}, 600_000);
