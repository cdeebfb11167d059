/**
 * The remediation ladder inside an incident, on the time-skipping server: the diagnosis picks the
 * first rung, a rung that fails its verification hands over to the next, ESCALATE_AFTER counts
 * across rungs, each rung has its own spacing, and the evidence is kept before the first rung.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CriticalAlert, RemediationReceipt, RemediationRequest } from '../src/shared/contracts';
import type { LadderRung, ProbeReport, Rung } from '../src/shared/types';
import { forceRecoveryUpdate, statusQuery } from '../src/workflows/healing/messages';
import type { IncidentSummary } from '../src/shared/contracts';
import { timeSkippingServerPerTest, uniqueTaskQueue } from './helpers/temporal';
import {
  FakeBridge,
  HOUR,
  MINUTE,
  createHealingWorker,
  finish,
  healthyReport,
  incidentInput,
  serverNow,
  startIncident,
  terminalDownReport,
} from './healing-harness';

let env: TestWorkflowEnvironment;
const test = timeSkippingServerPerTest((e) => {
  env = e;
});

const LADDER: LadderRung[] = [
  { rung: 'reinit', verifyTimeoutMs: MINUTE, cooldownMs: MINUTE },
  { rung: 'full-restart', verifyTimeoutMs: 5 * MINUTE, cooldownMs: 5 * MINUTE },
];

type Fault = 'terminal' | 'trade' | 'bridge_down' | 'stale';

/** The probe report of a fault, as the real classification words it. */
function faultReport(id: string, fault: Fault): ProbeReport {
  const r = terminalDownReport(id);
  const set = (check: string, status: 'ok' | 'fail', evidence: string) => {
    const found = r.checks.find((c) => c.check === check);
    if (found) Object.assign(found, { status, evidence });
    else r.checks.push({ check: check as never, status, evidence });
  };
  if (fault === 'trade') {
    set('terminal', 'ok', 'terminal connected');
    set('trade_allowed', 'fail', 'terminal_info.trade_allowed is false');
    r.summary = 'Trading not allowed on the MT5 terminal';
  } else if (fault === 'bridge_down') {
    set('bridge', 'fail', 'health endpoint: connection refused');
    Object.assign(r.observation.health, { ok: false, error: 'connection refused', connected: null, tradeAllowed: null, mt5Available: null });
    r.summary = 'MT5 Bridge not answering: connection refused';
  } else if (fault === 'stale') {
    set('terminal', 'ok', 'terminal connected');
    r.observation.health.connected = true;
    r.summary = '0/7 accounts synced: readings 1 h old';
    r.observation.accounts.readings = r.observation.accounts.readings.map((a) => ({
      ...a,
      balance: 1000,
      dataSource: 'live' as const,
      readAt: new Date(Date.parse(r.observation.probedAt) - HOUR).toISOString(),
    }));
  }
  return r;
}

/** A bridge whose fault only the rungs in `cures` heal; it records the rung of each dispatch. */
class LadderBridge extends FakeBridge {
  fault: Fault = 'terminal';
  cures: Rung[] = ['reinit', 'full-restart'];
  cured = false;
  readonly rungs: Array<{ rung: Rung; at: number; forced: boolean }> = [];

  override readonly probeTarget = jest.fn(async (): Promise<ProbeReport> =>
    this.cured ? healthyReport(this.targetId) : faultReport(this.targetId, this.fault),
  );

  constructor(id: string) {
    super(id);
    this.dispatchBehaviour = async (request: RemediationRequest): Promise<RemediationReceipt> => {
      const rung = request.rung ?? 'full-restart';
      // the rung the request names (a request without one is recorded as such)
      this.rungs.push({ rung: request.rung ?? ('unnamed' as Rung), at: Date.now(), forced: !!request.forced });
      if (this.cures.includes(rung)) this.cured = true;
      return rung === 'reinit'
        ? { method: 'reinit', dispatchedAt: new Date().toISOString(), detail: 'MT5 re-initialisation: POST http://vps/api/admin/emergency-restart (HTTP 200, success: true)' }
        : { method: 'webhook', dispatchedAt: new Date().toISOString(), detail: 'POST http://vps/api/system/full-restart (HTTP 200, success: true)' };
    };
  }
}

async function runIncident(
  bridge: LadderBridge,
  overrides: Parameters<typeof incidentInput>[1] = {},
  fault: Fault = bridge.fault,
  activities: Parameters<typeof createHealingWorker>[3] = {},
) {
  const taskQueue = uniqueTaskQueue(bridge.targetId);
  const worker = await createHealingWorker(env, taskQueue, [bridge], activities);
  return worker.runUntil(async () => {
    const input = incidentInput(bridge.targetId, { ladder: LADDER, remediation: 'webhook', ...overrides }, await serverNow(env));
    input.report = faultReport(bridge.targetId, fault);
    const handle = await startIncident(env, taskQueue, input);
    return { result: await finish(env, handle), handle };
  });
}

describe('the diagnosis picks the first rung', () => {
  test('a terminal that lost its broker gets reinit first, and reinit alone heals it: no full restart; the emails and attempts name the rung', async () => {
    const bridge = new LadderBridge('ladder-terminal');
    const { result } = await runIncident(bridge);

    expect(result.status).toBe('RECOVERED');
    expect(bridge.rungs.map((r) => r.rung)).toEqual(['reinit']);
    expect(result.attempts).toEqual([expect.objectContaining({ rung: 'reinit', method: 'reinit', outcome: 'recovered' })]);
    expect(bridge.emails('critical')[0]).toMatchObject({
      autoRestart: 'INITIATED — first rung: MT5 re-initialisation (emergency-restart); then full restart, then people (escalation)',
      expectedRecoveryMs: MINUTE,
    });
    expect(bridge.emails('recovery')[0]).toMatchObject({ method: 'MT5 re-initialisation (emergency-restart)' });
    expect(result.timeline.find((t) => t.step === 'dispatched')?.detail).toMatch(/^attempt 1 \(rung reinit\): MT5 re-initialisation/);
  });

  test('trading not allowed gets reinit first', async () => {
    const bridge = new LadderBridge('ladder-trade');
    bridge.fault = 'trade';
    await runIncident(bridge);
    expect(bridge.rungs.map((r) => r.rung)).toEqual(['reinit']);
  });

  test('a bridge that does not answer skips reinit: full restart directly', async () => {
    const bridge = new LadderBridge('ladder-down');
    bridge.fault = 'bridge_down';
    const { result } = await runIncident(bridge);
    expect(result.status).toBe('RECOVERED');
    expect(bridge.rungs.map((r) => r.rung)).toEqual(['full-restart']);
    expect(result.evidence?.diagnosis).toEqual({ rung: 'full-restart', why: 'the bridge does not answer' });
  });

  test('stale readings while the terminal reports connected (the sync service died) skip reinit: full restart directly', async () => {
    const bridge = new LadderBridge('ladder-stale');
    bridge.fault = 'stale';
    const { result } = await runIncident(bridge);
    expect(bridge.rungs.map((r) => r.rung)).toEqual(['full-restart']);
    expect(result.evidence?.diagnosis.why).toMatch(/stale or missing while the terminal reports connected/);
  });

  test('a ladder of reinit alone and a bridge that does not answer: people at once, nothing dispatched', async () => {
    const bridge = new LadderBridge('ladder-none');
    bridge.fault = 'bridge_down';
    const taskQueue = uniqueTaskQueue('ladder-none');
    const worker = await createHealingWorker(env, taskQueue, [bridge]);
    await worker.runUntil(async () => {
      const input = incidentInput('ladder-none', { ladder: [LADDER[0] as LadderRung], remediation: 'webhook' }, await serverNow(env));
      input.report = faultReport('ladder-none', 'bridge_down');
      const handle = await startIncident(env, taskQueue, input);
      await env.sleep(MINUTE);
      const view = await handle.query(statusQuery);
      expect(view.status).toBe('ESCALATED');
      expect(view.escalation?.reason).toBe('no rung of the ladder cures this fault');
      expect((bridge.emails('critical')[0] as CriticalAlert | undefined)?.autoRestart).toMatch(/^NOT INITIATED: no rung of the ladder \(reinit\) cures this fault/);
      expect(bridge.rungs).toHaveLength(0);
      await handle.terminate('test over');
    });
  });

  test('an operator’s incident with --rung full-restart skips the reinit the diagnosis would pick', async () => {
    const bridge = new LadderBridge('ladder-forced');
    const taskQueue = uniqueTaskQueue('ladder-forced');
    const worker = await createHealingWorker(env, taskQueue, [bridge]);
    await worker.runUntil(async () => {
      const input = incidentInput('ladder-forced', { ladder: LADDER, remediation: 'webhook' }, await serverNow(env));
      input.trigger = { source: 'operator', reason: 'VPS looks wedged', by: 'carol', at: input.trigger.at, rung: 'full-restart' };
      const handle = await startIncident(env, taskQueue, input);
      const result = await finish(env, handle);
      expect(result.status).toBe('RECOVERED');
      expect(bridge.rungs).toEqual([expect.objectContaining({ rung: 'full-restart', forced: true })]);
    });
  });
});

test('`incident force --rung full-restart` on an open incident whose reinit does not cure: the forced attempt is the full restart, not another reinit', async () => {
  const bridge = new LadderBridge('ladder-force-open');
  bridge.cures = [];
  const taskQueue = uniqueTaskQueue('ladder-force-open');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const input = incidentInput('ladder-force-open', { ladder: LADDER, remediation: 'webhook', recoverySlaMs: 60 * MINUTE }, await serverNow(env));
    const handle = await startIncident(env, taskQueue, input);
    await env.sleep(20_000);
    expect((await handle.query(statusQuery)).attempts.map((a) => a.rung)).toEqual(['reinit']);
    bridge.cures = ['full-restart'];
    await handle.executeUpdate(forceRecoveryUpdate, { args: [{ reason: 'reinit is not enough', by: 'carol', rung: 'full-restart' }] });
    const result = await finish(env, handle);
    expect(result.status).toBe('RECOVERED');
    expect(bridge.rungs.map((r) => [r.rung, r.forced])).toEqual([
      ['reinit', false],
      ['full-restart', true],
    ]);
    expect(result.attempts.map((a) => [a.rung, a.outcome])).toEqual([
      ['reinit', 'not_recovered'],
      ['full-restart', 'recovered'],
    ]);
    expect(result.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ step: 'force_recovery', detail: expect.stringMatching(/by carol: reinit is not enough \(rung full-restart\)/) })]));
  });
});

test('evidence before the cure: the health fields, each account’s age, the failing checks and latencies are kept before the first rung', async () => {
  const bridge = new LadderBridge('ladder-evidence');
  const { result } = await runIncident(bridge);

  const evidence = result.evidence;
  expect(evidence).toMatchObject({
    health: { ok: true, httpStatus: 200, connected: false, tradeAllowed: true, latencyMs: 12, claimedStatus: 'healthy' },
    accountsSource: 'summary',
    accountsLatencyMs: 20,
    syncedAccounts: 0,
    expectedAccounts: 7,
    failingChecks: [
      { check: 'terminal', evidence: 'terminal_info.connected is false' },
      { check: 'sync_rate', evidence: '0/7 accounts synced (placeholders)' },
    ],
    diagnosis: { rung: 'reinit', why: 'the terminal lost its broker link' },
  });
  expect(evidence?.accounts).toHaveLength(7);
  expect(evidence?.accounts[0]).toEqual({ login: '1000', dataSource: 'no_cache', ageMs: null });
  const steps = result.timeline.map((t) => t.step);
  expect(steps.indexOf('evidence')).toBeGreaterThan(-1);
  expect(steps.indexOf('evidence')).toBeLessThan(steps.indexOf('dispatched'));
  expect(result.timeline.find((t) => t.step === 'evidence')?.detail).toMatch(/terminal connected false.* first rung: reinit/);
});

test('a reinit that does not cure hands over to the full restart without waiting for another CRITICAL, and without RESTART_COOLDOWN', async () => {
  const bridge = new LadderBridge('ladder-climb');
  bridge.cures = ['full-restart'];
  const { result } = await runIncident(bridge);

  expect(result.status).toBe('RECOVERED');
  expect(result.attempts.map((a) => [a.rung, a.outcome])).toEqual([
    ['reinit', 'not_recovered'],
    ['full-restart', 'recovered'],
  ]);
  expect(result.attempts[0]?.detail).toMatch(/not healthy after 1m \(REINIT_VERIFY_TIMEOUT\)/);
  // the full restart follows the reinit's 1 min window and one back-off, not the 5 min RESTART_COOLDOWN
  const [reinitAt, fullAt] = result.attempts.map((a) => Date.parse(a.dispatchedAt ?? ''));
  expect((fullAt as number) - (reinitAt as number)).toBeGreaterThanOrEqual(MINUTE);
  expect((fullAt as number) - (reinitAt as number)).toBeLessThan(3 * MINUTE);
  expect(result.timeline).toEqual(
    expect.arrayContaining([expect.objectContaining({ step: 'attempt_failed', outcome: 'next_rung', detail: expect.stringMatching(/the next attempt takes full-restart/) })]),
  );
  expect(bridge.emails('recovery')[0]).toMatchObject({ method: 'direct restart webhook' });
});

test('ESCALATE_AFTER counts failures across rungs: reinit, full restart, full restart (RESTART_COOLDOWN apart), then people', async () => {
  const bridge = new LadderBridge('ladder-escalate');
  bridge.cures = [];
  const taskQueue = uniqueTaskQueue('ladder-escalate');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const input = incidentInput('ladder-escalate', { ladder: LADDER, remediation: 'webhook', recoverySlaMs: 60 * MINUTE }, await serverNow(env));
    const handle = await startIncident(env, taskQueue, input);
    await env.sleep(20 * MINUTE);
    const view = await handle.query(statusQuery);
    expect(view.status).toBe('ESCALATED');
    expect(view.escalation?.reason).toBe('3 failed attempts within 1d');
    expect(view.attempts.map((a) => a.rung)).toEqual(['reinit', 'full-restart', 'full-restart']);
    const [, second, third] = view.attempts.map((a) => Date.parse(a.dispatchedAt ?? ''));
    expect((third as number) - (second as number)).toBeGreaterThanOrEqual(5 * MINUTE);
    expect(bridge.emails('escalation')).toHaveLength(1);
    await handle.terminate('test over');
  });
});

test('each rung has its own spacing across incidents: a full restart a minute ago does not hold a reinit, but holds the next full restart', async () => {
  const bridge = new LadderBridge('ladder-spacing');
  bridge.cures = ['full-restart'];
  const taskQueue = uniqueTaskQueue('ladder-spacing');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const first = await startIncident(env, taskQueue, incidentInput('ladder-spacing', { ladder: LADDER, remediation: 'webhook' }, await serverNow(env)));
    const one = await finish(env, first);
    expect(one.attempts.map((a) => a.rung)).toEqual(['reinit', 'full-restart']);
    const firstFullAt = Date.parse(one.attempts[1]?.dispatchedAt ?? '');

    // the terminal drops again: a new incident, its reinit at once, its full restart RESTART_COOLDOWN after the last one
    bridge.cured = false;
    const second = await startIncident(env, taskQueue, incidentInput('ladder-spacing', { ladder: LADDER, remediation: 'webhook' }, await serverNow(env)));
    const two = await finish(env, second);
    expect(two.attempts.map((a) => [a.rung, a.outcome])).toEqual([
      ['reinit', 'not_recovered'],
      ['full-restart', 'recovered'],
    ]);
    const [reinitAt, fullAt] = two.attempts.map((a) => Date.parse(a.dispatchedAt ?? ''));
    expect((reinitAt as number) - firstFullAt).toBeLessThan(5 * MINUTE);
    expect((fullAt as number) - firstFullAt).toBeGreaterThanOrEqual(5 * MINUTE);
    expect(two.timeline).toEqual(
      expect.arrayContaining([expect.objectContaining({ step: 'waiting', outcome: 'spacing', detail: expect.stringMatching(/RESTART_COOLDOWN 5m since the last dispatch/) })]),
    );
  });
});

test('a reinit a moment ago holds the next reinit for REINIT_COOLDOWN only', async () => {
  const bridge = new LadderBridge('ladder-reinit-spacing');
  bridge.cures = ['reinit'];
  const taskQueue = uniqueTaskQueue('ladder-reinit-spacing');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  const ladder: LadderRung[] = [{ rung: 'reinit', verifyTimeoutMs: MINUTE, cooldownMs: 3 * MINUTE }, LADDER[1] as LadderRung];
  await worker.runUntil(async () => {
    const one = await finish(env, await startIncident(env, taskQueue, incidentInput('ladder-reinit-spacing', { ladder, remediation: 'webhook' }, await serverNow(env))));
    bridge.cured = false;
    const two = await finish(env, await startIncident(env, taskQueue, incidentInput('ladder-reinit-spacing', { ladder, remediation: 'webhook' }, await serverNow(env))));
    expect(two.timeline).toEqual(
      expect.arrayContaining([expect.objectContaining({ step: 'waiting', outcome: 'spacing', detail: expect.stringMatching(/^next reinit not before .* \(REINIT_COOLDOWN 3m since the last reinit\)/) })]),
    );
    const gap = Date.parse(two.attempts[0]?.dispatchedAt ?? '') - Date.parse(one.attempts[0]?.dispatchedAt ?? '');
    expect(gap).toBeGreaterThanOrEqual(3 * MINUTE);
    expect(gap).toBeLessThan(5 * MINUTE);
  });
});

test('a reinit the bridge cannot take (no emergency-restart: non-retryable) goes on to the full restart at once instead of escalating', async () => {
  const bridge = new LadderBridge('ladder-no-endpoint');
  const { ApplicationFailure } = await import('@temporalio/common');
  const inner = bridge.dispatchBehaviour;
  bridge.dispatchBehaviour = async (request) => {
    if (request.rung === 'reinit') {
      throw ApplicationFailure.create({ type: 'RemediationTargetNotFoundError', message: 'The bridge has no emergency-restart (HTTP 404)', nonRetryable: true });
    }
    return inner(request);
  };
  const { result } = await runIncident(bridge);
  expect(result.status).toBe('RECOVERED');
  expect(result.escalation).toBeUndefined();
  expect(result.attempts.map((a) => [a.rung, a.outcome])).toEqual([
    ['reinit', 'dispatch_failed'],
    ['full-restart', 'recovered'],
  ]);
  expect(result.timeline).toEqual(
    expect.arrayContaining([expect.objectContaining({ outcome: 'next_rung', detail: expect.stringMatching(/^the reinit rung cannot be used .*going on with full-restart/) })]),
  );
});

test('without a ladder (the default), nothing changes: one full restart, "INITIATED", the full restart’s recovery words', async () => {
  const bridge = new LadderBridge('ladder-default');
  const { result } = await runIncident(bridge, { ladder: undefined });
  expect(bridge.rungs.map((r) => r.rung)).toEqual(['full-restart']);
  expect(bridge.emails('critical')[0]).toMatchObject({ autoRestart: 'INITIATED' });
  expect(bridge.emails('critical')[0]).not.toHaveProperty('expectedRecoveryMs');
  expect(result.timeline.find((t) => t.step === 'dispatched')?.detail).toMatch(/^attempt 1: POST/);
});

test('the roll-up keeps each rung tried, healed or not, and its time to recovery from its own dispatch (for `autoheal report`)', async () => {
  const bridge = new LadderBridge('ladder-rollup');
  bridge.cures = ['full-restart'];
  const summaries: IncidentSummary[] = [];
  await runIncident(bridge, {}, 'terminal', { recordIncidentClosed: async (summary: IncidentSummary) => void summaries.push(summary) });
  expect(summaries).toHaveLength(1);
  expect(summaries[0]?.rungAttempts).toEqual([
    { rung: 'reinit', dispatchedAt: expect.any(String), healed: false },
    { rung: 'full-restart', dispatchedAt: expect.any(String), healed: true, recoveryMs: expect.any(Number) },
  ]);
  expect(summaries[0]?.rungAttempts?.[1]?.recoveryMs).toBeGreaterThanOrEqual(30_000);
  expect(summaries[0]?.rungAttempts?.[1]?.recoveryMs).toBeLessThan(2 * MINUTE);
});
