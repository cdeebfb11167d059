/**
 * The dead man's switch and the worker's own metrics on a running stack: `autoheal start` as its
 * own OS process against a real Temporal dev server and the bridge simulator, its heartbeat
 * pointed at a local double of healthchecks.io. While its monitor probes, a ping arrives every
 * interval and /metrics carries the SDK runtime's metrics next to the product's; a monitor whose
 * last probe is older than the stale rule turns the beat into `/fail`; once the process is
 * SIGKILLed no ping arrives any more; the URL's token is in none of its output.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import { createBridgeSimulator, type BridgeSimulator } from '../src/simulator';
import { createDeadMansSwitch } from '../src/workers/heartbeat/dead-mans-switch';
import { createMonitorsCurrentCheck } from '../src/workers/heartbeat/monitors-current-check';
import { connectTemporal } from '../src/workers/connect-temporal';
import { createDevServerEnv } from './helpers/temporal';
import { createHeartbeatDouble, manualTimers, type HeartbeatDouble } from './helpers/heartbeat-double';
import { pause, waitFor } from './helpers/wait';

jest.setTimeout(240_000);

const root = resolve(__dirname, '..');
const UUID = '0b7e4c1d-93a2-4f6e-8d15-7c2a9e4b6f38';
const INTERVAL_MS = 1_000;
const taskQueue = `heartbeat-${process.pid}`;

let env: TestWorkflowEnvironment;
let simulator: BridgeSimulator;
let double: HeartbeatDouble;
let proc: ChildProcess | undefined;
let output = '';
let dataDir: string;
let dashboardPort: number;
let serverDown = false;

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

function stackEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    MT5_BRIDGE_URL: simulator.url,
    REMEDIATION: 'none',
    CHECK_INTERVAL: '1s',
    HEARTBEAT_URL: `${double.url}/ping/${UUID}`,
    HEARTBEAT_INTERVAL: '1s',
    DASHBOARD_PORT: String(dashboardPort),
    DASHBOARD_URL: `http://127.0.0.1:${dashboardPort}`,
    AUTOHEAL_DATA_DIR: dataDir,
    LOG_LEVEL: 'debug',
  };
}

const okPings = () => double.pings.filter((p) => p.method === 'GET' && p.path === `/ping/${UUID}`);

beforeAll(async () => {
  [env, simulator, double, dashboardPort] = await Promise.all([
    createDevServerEnv(),
    createBridgeSimulator({ host: '127.0.0.1', port: 0 }),
    createHeartbeatDouble(),
    freePort(),
  ]);
  dataDir = mkdtempSync(join(tmpdir(), 'autoheal-heartbeat-'));
  proc = spawn(process.execPath, [resolve(root, 'bin/autoheal.js'), 'start'], { env: stackEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  await waitFor('the stack to come up', () => output, (o) => o.includes('fidus-autoheal is running') || proc?.exitCode !== null, { timeoutMs: 90_000, describe: () => output });
});

afterAll(async () => {
  if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  await double?.close();
  await simulator?.close();
  if (!serverDown) await env?.teardown();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the heartbeat of a running worker', () => {
  test('pings HEARTBEAT_URL every interval while its monitor probes, and says where at start without the token', async () => {
    await waitFor('three pings', () => okPings().length, (n) => n >= 3, { timeoutMs: 90_000, describe: () => output });
    expect(double.pings.filter((p) => p.path.endsWith('/fail'))).toEqual([]);
    expect(output).toContain(`Heartbeat: healthchecks.io at ${double.url}/… every 1s`);
  });

  test('/metrics carries the SDK runtime\'s metrics and the heartbeat\'s state next to the product\'s own', async () => {
    const text = await waitFor(
      'the runtime metrics on /metrics',
      async () => (await fetch(`http://127.0.0.1:${dashboardPort}/metrics`)).text(),
      (t) => /^temporal_worker_task_slots_available\{/m.test(t) && /^autoheal_heartbeat_sending 1$/m.test(t),
      { timeoutMs: 60_000, everyMs: 500 },
    );
    expect(text).toMatch(/^autoheal_target_severity\{target="mt5-bridge"\} 0$/m);
    expect(text).toMatch(/^autoheal_worker_runtime_metrics_up 1$/m);
    expect(text).toMatch(/^autoheal_heartbeat_configured 1$/m);
    expect(text).toMatch(/^temporal_num_pollers\{/m);
    expect(text).not.toContain(UUID);
  });

  test('a monitor whose last probe is past the stale rule turns the next beat into /fail naming the target', async () => {
    // The same check the worker runs, over the same Temporal data, its clock 10 minutes ahead:
    // the monitor's last probe is then stale by the dashboard's rule.
    const config = loadConfig(stackEnv());
    const timers = manualTimers();
    const dms = createDeadMansSwitch({
      url: `${double.url}/ping/${UUID}-jumped`,
      intervalMs: INTERVAL_MS,
      log: createLogger({ level: 'silent' }),
      timers,
      check: createMonitorsCurrentCheck({
        client: env.client,
        taskQueue,
        targets: config.targets,
        workerState: () => 'RUNNING',
        startedAtMs: Date.now() - 3_600_000,
        now: () => Date.now() + 10 * 60_000,
      }),
    });
    await dms.beat();
    const sent = double.pings.filter((p) => p.path.startsWith(`/ping/${UUID}-jumped`));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'POST', path: `/ping/${UUID}-jumped/fail` });
    expect(sent[0]!.body).toMatch(/^fidus-autoheal: monitor stale: mt5-bridge no probe since \d{4}-\d\d-\d\dT/);
  });

  test('stops when the worker process is killed: no ping within two intervals and more, and the token in none of its output', async () => {
    await waitFor('a fresh ping', () => okPings().length, (n) => n >= 4, { timeoutMs: 60_000 });
    proc!.kill('SIGKILL');
    await waitFor('the process to die', () => proc!.signalCode, (s) => s === 'SIGKILL');
    const atDeath = okPings().length;
    await pause(3 * INTERVAL_MS);
    expect(okPings().length).toBe(atDeath);
    expect(output).not.toContain(UUID);
  });

  test('Temporal unreachable: the next beat reports failure saying so, and leaves no call retrying behind it', async () => {
    // The worker's own check client: no automatic retries, so nothing outlives the beat's deadline.
    const config = loadConfig(stackEnv());
    const connections = await connectTemporal({ ...config.temporal, address: env.address });
    const dms = createDeadMansSwitch({
      url: `${double.url}/ping/${UUID}-cut-off`,
      intervalMs: INTERVAL_MS,
      log: createLogger({ level: 'silent' }),
      timers: manualTimers(),
      check: createMonitorsCurrentCheck({
        client: connections.checkClient,
        taskQueue,
        targets: config.targets,
        workerState: () => 'RUNNING',
        startedAtMs: Date.now(),
        deadlineMs: 3_000,
      }),
    });
    serverDown = true;
    await env.teardown();
    try {
      await dms.beat();
    } finally {
      await connections.close();
    }
    // A call left in a retry back-off would fail here, in this test, once its timer fires
    // ("Channel has been shut down"): the SDK's retries back off for well over these seconds.
    await pause(8_000);
    const sent = double.pings.filter((p) => p.path.startsWith(`/ping/${UUID}-cut-off`));
    expect(sent.map((p) => `${p.method} ${p.path}`)).toEqual([`POST /ping/${UUID}-cut-off/fail`]);
    expect(sent[0]!.body).toMatch(/^fidus-autoheal: Temporal unreachable: /);
  });
});
