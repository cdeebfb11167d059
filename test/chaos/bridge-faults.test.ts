/**
 * Chaos suite, bridge and GitHub faults: one stack (dev server, two `autoheal worker` processes,
 * a simulator per target, the GitHub double, a loopback SMTP server), one target per scenario,
 * the scenarios running side by side (each target has its own healer, ledger, dispatches and
 * emails, so they stay independent). CHAOS_QUICK=1 runs the subset marked quick, with flapping
 * shortened from 5 min to 90 s. docs/RELIABILITY.md, "Chaos suite".
 */
import type { FaultInput } from '../../src/simulator';
import { healingWorkflowId } from '../../src/shared/names';
import { DEFAULT_FLAP_THRESHOLD } from '../../src/shared/flapping';
import { rateLimitedAnswer } from '../helpers/github-double';
import { SETTLE_MS, expectEscalated, expectHealed } from './helpers/expect-incident';
import {
  crashedWorkers,
  dispatches,
  dispatchKeys,
  duplicateMessageIds,
  emailCounts,
  emails,
  incidentRuns,
  restarts,
  secretLeaks,
  sleep,
  waitFor,
} from './helpers/observe';
import { startStack, type Stack, type TargetSpec } from './helpers/stack';

const QUICK = process.env.CHAOS_QUICK === '1';
/** Flapping lasts 5 min in the full suite, 90 s in the quick one. */
const FLAP_FOR_MS = QUICK ? 90_000 : 300_000;
/** A restart that heals: the terminal is back 2 s after the call. */
const HEAL: FaultInput = { restart: 'heal', healAfterMs: 2_000 };

interface Scenario {
  name: string;
  target: TargetSpec;
  quick: boolean;
  run(stack: Stack, id: string): Promise<void>;
}

const malformed = (variant: NonNullable<FaultInput['variant']>, issue: RegExp | undefined, quick = false): Scenario => ({
  name: `malformed answers from the bridge (${variant}): a finding, never a crash; the workers stay up`,
  target: { id: `malformed-${variant}` },
  quick,
  async run(stack, id) {
    stack.sim(id).setFault({ mode: 'malformed', variant, delayMs: 12_000, ...HEAL });
    const result = await expectHealed(stack, id);
    expect(result.failingChecks.length).toBeGreaterThan(0);
    if (issue) expect(result.issue).toMatch(issue);
    expect(crashedWorkers(stack)).toEqual([]);
  },
});

const SCENARIOS: Scenario[] = [
  {
    name: 'bridge down: detected, one dispatch, recovered; one CRITICAL and one recovery email',
    target: { id: 'bridge-down' },
    quick: true,
    async run(stack, id) {
      stack.sim(id).setFault({ mode: 'bridge_down', ...HEAL });
      await expectHealed(stack, id, { checks: ['bridge'] });
    },
  },
  {
    name: 'terminal disconnected: detected, one dispatch, recovered',
    target: { id: 'terminal' },
    quick: true,
    async run(stack, id) {
      stack.sim(id).setFault({ mode: 'terminal_disconnected', ...HEAL });
      await expectHealed(stack, id, { checks: ['terminal'] });
    },
  },
  {
    name: 'placeholder zeros (no_cache $0 everywhere, health says healthy): CRITICAL, healed',
    target: { id: 'placeholders' },
    quick: false,
    async run(stack, id) {
      stack.sim(id).setFault({ mode: 'placeholder_zeros', ...HEAL });
      await expectHealed(stack, id, { checks: ['balances'] });
    },
  },
  {
    name: 'sync degraded (6 of 7 accounts not syncing): CRITICAL, healed',
    target: { id: 'sync-degraded' },
    quick: false,
    async run(stack, id) {
      stack.sim(id).setFault({ mode: 'sync_degraded', failing: 6, ...HEAL });
      await expectHealed(stack, id, { checks: ['sync_rate'] });
    },
  },
  {
    name: 'one account failing: one WARNING email, no incident, no dispatch',
    target: { id: 'one-account' },
    quick: true,
    async run(stack, id) {
      stack.sim(id).setFault({ mode: 'account_failing', ...HEAL });
      await waitFor(`the WARNING email of ${id}`, () => emails(stack, id, 'warning').length >= 1);
      await sleep(3 * SETTLE_MS);
      expect(emailCounts(stack, id)).toEqual({ warning: 1 });
      expect(dispatches(stack, id)).toHaveLength(0);
      expect(await incidentRuns(stack, id)).toHaveLength(0);
      await expect(stack.server.client.workflow.getHandle(healingWorkflowId(id, stack.taskQueue)).describe()).rejects.toThrow();
      stack.sim(id).clearFaults();
      expect(await secretLeaks(stack, id)).toEqual([]);
    },
  },
  {
    name: `flapping for ${FLAP_FOR_MS / 60_000} min (20 s down, 20 s up; the restart changes nothing): one healer at a time, restarts spaced by RESTART_COOLDOWN, one CRITICAL email per incident until it is FLAPPING, then one FLAPPING notice, each incident closed`,
    target: { id: 'flapping', overrides: { restartCooldown: '60s' } },
    quick: true,
    async run(stack, id) {
      stack.sim(id).setFault({ mode: 'terminal_disconnected', flapMs: 20_000, restart: 'lie' });
      await sleep(FLAP_FOR_MS);
      stack.sim(id).clearFaults();
      const closed = async () => (await incidentRuns(stack, id)).every((r) => r.status.name !== 'RUNNING');
      await waitFor(`the last incident of ${id} to close`, closed, 300_000);
      await sleep(SETTLE_MS);
      const runs = await incidentRuns(stack, id);
      expect(runs.length).toBeGreaterThanOrEqual(1);
      for (let i = 1; i < runs.length; i++) expect(runs[i]!.startTime.getTime()).toBeGreaterThanOrEqual(runs[i - 1]!.closeTime!.getTime());
      const results = await Promise.all(runs.map((r) => stack.server.client.workflow.getHandle(r.workflowId, r.runId).result()));
      expect(results.map((r) => r.status)).toEqual(runs.map(() => 'RECOVERED'));
      const at = dispatches(stack, id).map((d) => d.at.getTime());
      expect(at.length).toBeGreaterThanOrEqual(1);
      // RESTART_COOLDOWN (60 s) is counted from the start of the dispatch in the workflow; the
      // request reaches GitHub a little later, so two requests may be a little closer than that.
      for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(55_000);
      expect(dispatchKeys(stack, id)).toHaveLength(at.length);
      expect(restarts(stack, id)).toBe(at.length);
      // each incident alerts until FLAP_THRESHOLD incidents within FLAP_WINDOW make the target
      // FLAPPING: then one FLAPPING notice, and the incidents from there on are folded into it
      // (the all-clear comes after a whole quiet FLAP_WINDOW, past this scenario's end)
      const folded = Math.max(0, runs.length - (DEFAULT_FLAP_THRESHOLD - 1));
      const counts = emailCounts(stack, id);
      expect(counts.critical).toBe(runs.length - folded);
      expect(counts.recovery).toBe(runs.length - folded);
      expect(counts.flapping).toBe(folded ? 1 : undefined);
      expect(results.filter((r) => r.flappingEpisode)).toHaveLength(folded);
      expect(counts.escalation).toBeUndefined();
      expect(duplicateMessageIds(stack)).toEqual([]);
      console.log(`flapping ${FLAP_FOR_MS / 1000} s: ${runs.length} incidents, ${at.length} dispatches, emails ${JSON.stringify(counts)}`);
      expect(await secretLeaks(stack, id)).toEqual([]);
    },
  },
  {
    name: 'a restart that fails (HTTP 500 from the bridge): two failed attempts, escalation, no further restart',
    target: { id: 'restart-fails', overrides: { verifyTimeout: '20s' } },
    quick: false,
    async run(stack, id) {
      stack.sim(id).setFault({ mode: 'terminal_disconnected', restart: 'fail' });
      await expectEscalated(stack, id, { dispatchRequests: 2, restarts: 2, attempts: 2, diagnosis: /2 restart attempts of restart-fails failed/ });
    },
  },
  {
    name: 'a restart that says success but heals nothing: verification decides, escalation after two attempts',
    target: { id: 'restart-lies', overrides: { verifyTimeout: '20s' } },
    quick: true,
    async run(stack, id) {
      stack.sim(id).setFault({ mode: 'terminal_disconnected', restart: 'lie' });
      const view = await expectEscalated(stack, id, { dispatchRequests: 2, restarts: 2, attempts: 2, diagnosis: /2 restart attempts of restart-lies failed/ });
      expect(view.attempts.map((a) => a.outcome)).toEqual(['not_recovered', 'not_recovered']);
    },
  },
  {
    name: 'placeholder data after the restart (12 s of no_cache $0 while the cache refills): no second restart, recovery only on live data',
    target: { id: 'refill' },
    quick: false,
    async run(stack, id) {
      stack.sim(id).setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 2_000, placeholderMs: 12_000 });
      const result = await expectHealed(stack, id);
      const restartAt = Date.parse(stack.sim(id).restarts[0]!.at);
      expect(Date.parse(result.figures.verifiedHealthyAt!)).toBeGreaterThanOrEqual(restartAt + 14_000);
    },
  },
  {
    name: 'GitHub answers 502 twice, then 204: retried with the same idempotency key, one restart, recovered',
    target: { id: 'github-502' },
    quick: true,
    async run(stack, id) {
      stack.github.queueDispatchFor(id, 502, 502, 204);
      stack.sim(id).setFault({ mode: 'terminal_disconnected', ...HEAL });
      await expectHealed(stack, id, { dispatchRequests: 3 });
    },
  },
  {
    name: 'GitHub answers 422: escalated at once with the diagnosis, one call',
    target: { id: 'github-422' },
    quick: false,
    async run(stack, id) {
      stack.github.queueDispatchFor(id, { status: 422, body: { message: 'Invalid request. For \'properties/client_payload\', nil is not an object.' } });
      stack.sim(id).setFault({ mode: 'terminal_disconnected', ...HEAL });
      await expectEscalated(stack, id, { dispatchRequests: 1, restarts: 0, attempts: 1, diagnosis: /HTTP 422/ });
    },
  },
  {
    name: 'GitHub rate limit (403, x-ratelimit-remaining 0): waited out until the reset, then one restart, recovered',
    target: { id: 'github-rate-limit' },
    quick: false,
    async run(stack, id) {
      const resetAt = Math.ceil(Date.now() / 1000) + 25;
      stack.github.queueDispatchFor(id, rateLimitedAnswer(resetAt), 204);
      stack.sim(id).setFault({ mode: 'terminal_disconnected', ...HEAL });
      await expectHealed(stack, id, { dispatchRequests: 2 });
      const [limited, retried] = dispatches(stack, id);
      expect(limited!.at.getTime()).toBeLessThan(resetAt * 1000);
      expect(retried!.at.getTime()).toBeGreaterThanOrEqual(resetAt * 1000 - 1_000);
    },
  },
  malformed('html', /not JSON/, true),
  malformed('truncated', /not JSON/),
  malformed('huge', /larger than 1 MB/, true),
  malformed('drip', /timeout/),
  malformed('shape', undefined),
  malformed('types', undefined),
];

const selected = SCENARIOS.filter((s) => !QUICK || s.quick);

let started: Promise<Stack> | undefined;
/** The stack, started by the first scenario that needs it (concurrent tests share it). */
const stack = (): Promise<Stack> => {
  started ??= (async () => {
    const s = await startStack({ name: 'faults', targets: selected.map((sc) => sc.target) });
    await Promise.all([s.startWorker('w1'), s.startWorker('w2')]);
    return s;
  })();
  return started;
};

afterAll(async () => {
  const s = await started?.catch(() => undefined);
  await s?.close();
});

describe(`bridge and GitHub faults${QUICK ? ' (quick subset)' : ''}`, () => {
  for (const scenario of SCENARIOS) {
    if (!selected.includes(scenario)) {
      it.skip(`${scenario.name} [full suite only: npm run chaos]`, () => undefined);
      continue;
    }
    it.concurrent(scenario.name, async () => scenario.run(await stack(), scenario.target.id), 900_000);
  }

  it('no secret in any history, worker log or email; both workers still up', async () => {
    const s = await stack();
    expect(crashedWorkers(s)).toEqual([]);
    expect(await secretLeaks(s)).toEqual([]);
    expect(duplicateMessageIds(s)).toEqual([]);
  }, 600_000);
});
