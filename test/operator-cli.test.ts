/**
 * The operator commands against a real dev server, a worker with the real probe, ledger,
 * switch and roll-up activities, and the bridge simulator: `status` (table, --json, exit codes),
 * `remediation off|on|status|override-breaker --json`, `incidents --json`, `report --json`, `mail --json` (the demo
 * mail catcher); every JSON output is
 * parsed and checked field by field.
 */
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { Command } from 'commander';
import { createLedgerActivities } from '../src/activities/ledger';
import { createProbeActivities } from '../src/activities/probe/index';
import { registerOperatorCommands } from '../src/cli/commands/operator';
import { registerRemediationCommands } from '../src/cli/commands/remediation';
import { registerMailCommand } from '../src/cli/commands/mail';
import { sendTestAlertViaWorker } from '../src/client/test-alert';
import { createAlertActivities } from '../src/activities/alerts';
import { createLogger } from '../src/logging/create-logger';
import { DEMO_RECIPIENT, alertDepsFromConfig, usesMailCatcher } from '../src/workers/alert-deps-from-config';
import { AutohealClient } from '../src/client/autoheal-client';
import { type AppConfig, type TargetConfig, loadConfig } from '../src/config/load-config';
import { healingWorkflowId, mailboxWorkflowId, remediationSwitchWorkflowId, monitorWorkflowId, rollupWorkflowId } from '../src/shared/names';
import { type BridgeSimulator, createBridgeSimulator } from '../src/simulator';
import { exportFixture } from './healing-fixtures';
import { createDevServerEnv, uniqueTaskQueue, workflowBundle } from './helpers/temporal';
import { waitFor } from './helpers/wait';

jest.setTimeout(180_000);

let env: TestWorkflowEnvironment;
let simulator: BridgeSimulator;
let worker: Worker;
let running: Promise<void>;
let config: AppConfig;
let tc: TargetConfig;
const taskQueue = uniqueTaskQueue('operator');
const dispatches: string[] = [];

beforeAll(async () => {
  [env, simulator] = await Promise.all([createDevServerEnv(), createBridgeSimulator({ host: '127.0.0.1', port: 0 })]);
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      ...createProbeActivities({}),
      ...createLedgerActivities({ client: env.client, taskQueue }),
      notifyInApp: async () => undefined,
      sendAlertEmail: async () => ({ messageId: '<x@test>', accepted: ['ops@test'], rejected: [], response: '250 OK' }),
      dispatchRemediation: async (r: { targetId: string }) => {
        dispatches.push(r.targetId);
        return { method: 'github' as const, dispatchedAt: new Date().toISOString(), detail: 'test dispatch' };
      },
    },
  });
  running = worker.run();
  config = loadConfig({ MT5_BRIDGE_URL: simulator.url, CHECK_INTERVAL: '1s', CONFIRM_DELAY: '1s', PROBE_TIMEOUT: '1s', VERIFY_INTERVAL: '1s' });
  const base = config.targets[0] as TargetConfig;
  tc = { ...base, target: { ...base.target, id: `ops-${process.pid}` } };
  config = { ...config, targets: [tc], temporal: { ...config.temporal, taskQueue } };
  await new AutohealClient(env.client, taskQueue).monitors.reconcile([tc]);
});

afterAll(async () => {
  for (const id of [monitorWorkflowId(tc.target.id, taskQueue), remediationSwitchWorkflowId(taskQueue), rollupWorkflowId(tc.target.id, taskQueue), healingWorkflowId(tc.target.id, taskQueue)])
    await env?.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  worker?.shutdown();
  await running;
  await simulator?.close();
  await env?.teardown();
});

const until = <T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 60_000) =>
  waitFor(what, read, ok, { timeoutMs: ms, everyMs: 300 });

/** Runs one `autoheal` command as the CLI does; its printed output and exit code. */
async function cli(...args: string[]): Promise<{ out: string; exitCode: number | undefined }> {
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  const program = new Command('autoheal').exitOverride();
  const deps = {
    loadConfig: () => config,
    connect: async () => new AutohealClient(new Client({ connection: await Connection.connect({ address: env.address }) }), taskQueue),
  };
  registerOperatorCommands(program, deps);
  registerRemediationCommands(program, deps);
  registerMailCommand(program, deps);
  process.exitCode = undefined;
  try {
    await program.parseAsync(args, { from: 'user' });
    return { out: lines.join('\n'), exitCode: process.exitCode as number | undefined };
  } finally {
    process.exitCode = undefined;
    log.mockRestore();
  }
}
const json = async (...args: string[]) => {
  const r = await cli(...args, '--json');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON, checked field by field below
  return { ...r, body: JSON.parse(r.out) as any };
};

test('status, remediation, incidents and report: tables, --json shapes and exit codes', async () => {
  // Healthy: exit code 0, every field of the target's line.
  const healthy = await until(() => json('status'), (r) => r.body.targets[0]?.state === 'HEALTHY', 'HEALTHY');
  expect(healthy.exitCode).toBeUndefined();
  expect(healthy.body).toEqual({
    generatedAt: expect.any(String),
    remediation: { enabled: true, history: [] },
    allHealthy: true,
    targets: [
      {
        target: tc.target.id,
        state: 'HEALTHY',
        lastProbeAt: expect.any(String),
        lastProbeAgeMs: expect.any(Number),
        summary: expect.any(String),
        monitorWorkflowId: monitorWorkflowId(tc.target.id, taskQueue),
        failedAttempts: { inWindow: 0, escalateAfter: 3, windowMs: 24 * 3_600_000 },
        cooldownLeftMs: 0,
      },
    ],
  });
  expect(healthy.body.targets[0].lastProbeAgeMs).toBeLessThan(60_000);
  const table = await cli('status');
  expect(table.exitCode).toBeUndefined();
  expect(table.out).toContain('remediation ON');
  expect(table.out).toMatch(new RegExp(`${tc.target.id}\\s+HEALTHY\\s+\\S+ ago\\s+—\\s+0/3 in 1d`));

  // Remediation off: --json shape; status shows it.
  const off = await json('remediation', 'off', '--reason', 'bridge migration', '--by', 'alice');
  expect(off.body).toEqual({
    enabled: false,
    last: { enabled: false, by: 'alice', reason: 'bridge migration', at: expect.any(String) },
    history: [{ enabled: false, by: 'alice', reason: 'bridge migration', at: expect.any(String) }],
  });
  expect((await cli('remediation', 'status')).out).toContain('remediation OFF since');

  // A fault: the monitor opens an incident, which withholds the restart; status exits 1.
  simulator.setFault({ mode: 'terminal_disconnected', restart: 'lie' });
  const healing = await until(() => json('status'), (r) => r.body.targets[0]?.state === 'HEALING', 'HEALING');
  expect(healing.exitCode).toBe(1);
  expect(healing.body.allHealthy).toBe(false);
  expect(healing.body.targets[0].incident).toEqual({
    incidentId: expect.stringMatching(`^${tc.target.id}-`),
    workflowId: healingWorkflowId(tc.target.id, taskQueue),
    status: 'HEALING',
    step: expect.any(String),
    openedAt: expect.any(String),
    ageMs: expect.any(Number),
    attempts: 0,
  });
  await until(() => json('status'), (r) => /restart withheld: remediation off by alice \(bridge migration\)/.test(r.body.targets[0]?.incident?.step ?? ''), 'withheld step');
  expect(dispatches).toHaveLength(0);
  expect((await cli('status')).exitCode).toBe(1);

  // On again: the open incident dispatches; the bridge is healed by hand and the incident closes.
  const on = await json('remediation', 'on', '--by', 'bob');
  expect(on.body).toMatchObject({ enabled: true, last: { enabled: true, by: 'bob', reason: '' } });
  await until(async () => dispatches.length, (n) => n >= 1, 'a dispatch after remediation on');
  simulator.clearFaults();
  await until(() => json('status'), (r) => r.body.targets[0]?.state === 'HEALTHY' && !r.body.targets[0]?.incident, 'healthy again', 90_000);
  const after = await json('status');
  expect(after.exitCode).toBeUndefined();
  expect(after.body.targets[0].cooldownLeftMs).toBeGreaterThan(0);

  // incidents --json: the closed incident with its times and attempts.
  const incidents = await until(() => json('incidents', '--since', '1d'), (r) => r.body.incidents.length >= 1, 'the incident in visibility');
  expect(incidents.body.since).toEqual(expect.any(String));
  const [incident] = incidents.body.incidents;
  expect(incident).toEqual({
    incidentId: expect.stringMatching(`^${tc.target.id}-`),
    targetId: tc.target.id,
    outcome: 'RECOVERED',
    detectedAt: expect.any(String),
    openedAt: expect.any(String),
    alertedAt: expect.any(String),
    dispatchedAt: expect.any(String),
    closedAt: expect.any(String),
    attempts: 1,
    forcedBy: [],
    autoHealed: true,
    method: 'github',
    rungAttempts: [{ rung: 'full-restart', dispatchedAt: incident.dispatchedAt, healed: true, recoveryMs: expect.any(Number) }],
    checks: ['terminal', 'trade_allowed', 'balances', 'sync_rate'],
  });
  expect(Date.parse(incident.closedAt)).toBeGreaterThan(Date.parse(incident.dispatchedAt));
  expect((await cli('incidents', '--target', tc.target.id)).out).toContain(incident.incidentId);

  // report --digest --json: the week's digest, with the incident's detection and recovery times.
  const digest = await json('report', '--digest');
  expect(digest.body).toMatchObject({ period: 'week', days: 7, report: { days: 7, objectivePct: 99.99 } });
  expect(digest.body.incidents).toEqual([expect.objectContaining({ incidentId: incident.incidentId, detectionMs: expect.any(Number), recoveryMs: expect.any(Number) })]);
  expect(digest.body.restartJob).toMatchObject({ state: expect.stringMatching(/^(not_configured|read|unreadable)$/) });
  expect((await cli('report', '--digest')).out).toContain('the weekly proof that the alert path works');

  // report --json: the shape and the incident's figures.
  const report = await json('report', '--days', '7');
  expect(report.body).toMatchObject({ days: 7, objectivePct: 99.99, generatedAt: expect.any(String) });
  // each rung tried, per target then overall (docs/operator.md, "report")
  expect(report.body.rungs).toEqual([
    expect.objectContaining({ target: tc.target.id, rung: 'full-restart', tries: 1, heals: 1, successRate: 1 }),
    expect.objectContaining({ rung: 'full-restart', tries: 1, heals: 1, last30d: { tries: 1, heals: 1, successRate: 1 } }),
  ]);
  const [t] = report.body.targets;
  expect(t.target).toBe(tc.target.id);
  for (const w of ['24h', '7d', '30d']) {
    expect(Object.keys(t.uptime[w]).sort()).toEqual(
      [
        'coveragePct', 'downMs', 'enoughCoverage', 'errorBudgetLeftMs', 'errorBudgetMs', 'maintenanceMs', 'measuredMs', 'objectivePct',
        'periodMs', 'unknownMs', 'upMs', 'uptimePct',
      ].sort(),
    );
  }
  expect(t.period.periodMs).toBe(7 * 86_400_000);
  expect(t.incidents).toMatchObject({ incidents: 1, open: 0, autoHealed: 1, autoHealRate: 1, escalations: 0 });
  expect(t.incidents.mttr).toEqual({ count: 1, p50Ms: expect.any(Number), p95Ms: expect.any(Number), maxMs: expect.any(Number) });
  expect(t.incidents.mttr.maxMs).toBe(Date.parse(incident.closedAt) - Date.parse(incident.detectedAt));
  expect(t.days).toHaveLength(7);
  expect(report.body.overall.incidents.incidents).toBe(1);
  expect((await cli('report')).out).toContain('OVERALL');

  // A maintenance window: PAUSED with its note, exit code 1; resumed: HEALTHY again.
  const admin = new AutohealClient(env.client, taskQueue);
  await admin.maintenance.pause({ targetId: tc.target.id, reason: 'OS patching', by: 'carol' });
  const paused = await json('status');
  expect(paused.exitCode).toBe(1);
  expect(paused.body.targets[0]).toMatchObject({ state: 'PAUSED', maintenance: expect.stringContaining('by carol (OS patching)') });
  await admin.maintenance.resume({ targetId: tc.target.id, by: 'carol' });
  await until(() => json('status'), (r) => r.body.targets[0]?.state === 'HEALTHY', 'HEALTHY after resume');
});

test('remediation override-breaker: refused while the fleet breaker is not tripped; tripped, status shows it; the override holds until the incidents close', async () => {
  const fleet = { targetIds: ['cli-fa', 'cli-fb', 'cli-fc'], rule: { count: 3, windowMs: 5 * 60_000 } };
  const report = createLedgerActivities({ client: env.client, taskQueue, fleet }).reportToFleetBreaker;
  const openedAt = new Date().toISOString();
  await expect(cli('remediation', 'override-breaker', '--by', 'ivan', '--reason', 'checked')).rejects.toThrow(
    'the fleet breaker is not tripped',
  );
  for (const targetId of fleet.targetIds) await report({ kind: 'opened', targetId, incidentId: `${targetId}-1`, openedAt });
  const tripped = await until(() => json('remediation', 'status'), (r) => !!r.body.breaker?.tripped, 'the breaker tripped');
  expect(tripped.body.breaker.tripped).toMatchObject({ cause: 'burst', targets: fleet.targetIds });
  expect((await cli('remediation', 'status')).out).toMatch(
    /^remediation ON.*\nfleet breaker: 3 targets CRITICAL within 5m \(FLEET_BREAKER 3\/5m\) \(cli-fa, cli-fb, cli-fc\) — suspected common cause .* autoheal remediation override-breaker --by <name> --reason <text>$/s,
  );

  const overridden = await json('remediation', 'override-breaker', '--by', 'ivan', '--reason', 'three real faults');
  expect(overridden.body.breaker).toMatchObject({ override: { by: 'ivan', reason: 'three real faults' } });
  expect(overridden.body.breaker.tripped).toBeUndefined();
  expect((await cli('remediation', 'status')).out).toContain('fleet breaker overridden by ivan');
  for (const targetId of fleet.targetIds) await report({ kind: 'closed', targetId, incidentId: `${targetId}-1`, openedAt });
  const cleared = await until(() => json('remediation', 'status'), (r) => !r.body.breaker?.override, 'the breaker cleared');
  expect(cleared.body.breaker.history.map((h: { change: string }) => h.change)).toEqual(['tripped', 'overridden', 'cleared']);
});

test('demo mode without SMTP: the mail catcher captures the alert emails, and `autoheal mail --json` reads them', async () => {
  const demo = loadConfig({});
  expect(demo.demo).toBe(true);
  const demoConfig = { ...demo, temporal: { ...demo.temporal, taskQueue } };
  expect(usesMailCatcher(demoConfig)).toBe(true);
  const deps = alertDepsFromConfig(demoConfig, { client: env.client, log: createLogger({ level: 'silent' }) });
  const alerts = createAlertActivities(deps);
  const at = new Date().toISOString();
  const receipt = await alerts.sendAlertEmail({
    kind: 'critical', targetId: 'mt5-bridge', at, incidentId: 'mt5-bridge-demo-1', component: 'MT5 Bridge',
    status: 'DEGRADED', issue: 'MT5 Terminal disconnected from broker', autoRestart: 'INITIATED',
  });
  expect(receipt).toMatchObject({ accepted: [DEMO_RECIPIENT], rejected: [], response: expect.stringContaining('demo mail catcher') });
  await alerts.sendAlertEmail({
    kind: 'recovery', targetId: 'mt5-bridge', at, incidentId: 'mt5-bridge-demo-1', method: 'GitHub Actions workflow restart',
    recoveryTimeMs: 263_000, accountsOnline: 7, accountsExpected: 7,
  });
  const mail = await until(() => json('mail'), (r) => r.body.length >= 2, 'two caught emails');
  expect(mail.body.map((e: { subject: string }) => e.subject)).toEqual(['✅ FIDUS MT5 RECOVERED', '🚨 FIDUS MT5 CRITICAL ALERT']);
  expect(mail.body[1]).toEqual({ messageId: expect.any(String), to: [DEMO_RECIPIENT], subject: '🚨 FIDUS MT5 CRITICAL ALERT', text: expect.stringContaining('Auto-Restart: INITIATED'), at: expect.any(String) });
  expect(mail.body[0].text).toContain('Recovery time: 4 minutes 23 seconds');
  expect((await cli('mail')).out).toContain('🚨 FIDUS MT5 CRITICAL ALERT');
  await exportFixture(env.client.workflow.getHandle(mailboxWorkflowId(taskQueue)), 'mailbox');
  await env.client.workflow.getHandle(mailboxWorkflowId(taskQueue)).terminate('test over');
});

test('the dashboard\'s test alert goes through the worker\'s mailer and answers with the SMTP server\'s reply', async () => {
  const outcome = await sendTestAlertViaWorker(env.client, taskQueue, { targetId: tc.target.id, by: 'alice' });
  expect(outcome).toEqual({ sent: true, receipt: { messageId: '<x@test>', accepted: ['ops@test'], rejected: [], response: '250 OK' } });
  const runs: Array<{ workflowId: string; runId: string }> = [];
  await until(
    async () => {
      runs.length = 0;
      for await (const r of env.client.workflow.list({ query: `WorkflowType="testAlertWorkflow" AND TaskQueue="${taskQueue}"` })) runs.push(r);
      return runs.length;
    },
    (n) => n >= 1,
    'the test alert run in visibility',
  );
  await exportFixture(env.client.workflow.getHandle(runs[0]!.workflowId, runs[0]!.runId), 'test-alert');
});
