/**
 * Chaos suite, the two deployed bridges: one target on the MongoDB-backed bridge (variant A, whose
 * summary hands out each account's password) and one on the seed's "4.0-multi-account" bridge
 * (variant B, every healthy reading `data_source: "cached"`, placeholders while it warms up after
 * each start, with the real bridge's 24 s warm-up). Monitoring a healthy bridge of either kind,
 * and one that was just restarted, opens no incident, sends no email and dispatches nothing; a
 * terminal that loses its broker is restarted once and confirmed only after the warm-up.
 * docs/bridge.md; docs/RELIABILITY.md, "Chaos suite".
 */
import { REAL_BRIDGE_TIMING } from '../../src/simulator';
import { healingWorkflowId } from '../../src/shared/names';
import type { HealingResult } from '../../src/workflows/healing/messages';
import { crashedWorkers, dispatches, incident, restarts, secretLeaks, sleep } from './helpers/observe';
import { startStack, type Stack } from './helpers/stack';

let stack: Stack;
const A = 'bridge-a';
const B = 'bridge-b';

beforeAll(async () => {
  stack = await startStack({
    name: 'real-bridge',
    targets: [
      { id: A, simulator: { variant: 'a' } },
      { id: B, simulator: { variant: 'b', warmUpMs: REAL_BRIDGE_TIMING.warmUpMs } },
    ],
  });
  await Promise.all([stack.startWorker('w1'), stack.startWorker('w2')]);
}, 600_000);

afterAll(async () => {
  await stack?.close();
});

/** What a restart by someone else looks like to the monitor: B starts again and warms up. */
async function restartByHand(targetId: string): Promise<void> {
  await fetch(`${stack.sim(targetId).url}/api/system/full-restart`, { method: 'POST', headers: { Authorization: `Bearer ${stack.secrets.RESTART_TOKEN}` } });
}

async function noIncident(targetId: string): Promise<boolean> {
  try {
    await stack.server.client.workflow.getHandle(healingWorkflowId(targetId, stack.taskQueue)).describe();
    return false;
  } catch {
    return true;
  }
}

it('healthy bridges of both variants, B watched through a warm-up: no incident, no email, no dispatch; then a lost broker is restarted once and confirmed after the warm-up', async () => {
  await restartByHand(B);
  const warmUpStarted = Date.now();
  await sleep(REAL_BRIDGE_TIMING.warmUpMs + 36_000);
  expect(await noIncident(A)).toBe(true);
  expect(await noIncident(B)).toBe(true);
  expect(stack.smtp.messages.map((m) => m.mail.subject)).toEqual([]);
  expect(dispatches(stack, A)).toHaveLength(0);
  expect(dispatches(stack, B)).toHaveLength(0);
  expect(stack.sim(A).state().terminalLogins).toBe(0);
  console.log(`watched B through its warm-up (${((Date.now() - warmUpStarted) / 1000).toFixed(0)} s): no incident`);

  for (const id of [A, B]) stack.sim(id).setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 2_000 });
  const [resultA, resultB] = (await Promise.all([A, B].map(async (id) => (await incident(stack, id)).result()))) as [HealingResult, HealingResult];
  for (const [id, result] of [[A, resultA], [B, resultB]] as const) {
    expect(result.status).toBe('RECOVERED');
    expect(dispatches(stack, id)).toHaveLength(1);
    // B was also restarted once by hand before the fault (the warm-up above)
    expect(restarts(stack, id)).toBe(id === B ? 2 : 1);
  }
  // B's restart starts it again: recovery is confirmed only once its cache is full (warm-up over)
  const restartAt = Date.parse(stack.sim(B).restarts.at(-1)?.at ?? '');
  const verifiedAt = Date.parse(resultB.timeline.find((t) => t.step === 'verified')?.at ?? '');
  expect(verifiedAt - restartAt).toBeGreaterThanOrEqual(2_000 + REAL_BRIDGE_TIMING.warmUpMs);
  console.log(`B: restart → verified in ${((verifiedAt - restartAt) / 1000).toFixed(1)} s (heal 2 s + warm-up ${REAL_BRIDGE_TIMING.warmUpMs / 1000} s)`);
  expect(stack.sim(A).state().terminalLogins).toBe(0);
  expect(crashedWorkers(stack)).toEqual([]);
  expect(await secretLeaks(stack)).toEqual([]);
}, 900_000);
