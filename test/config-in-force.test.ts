/**
 * Configuration reaches what runs, and doctor says when it does not: every worker carries the
 * configuration it runs in its Temporal identity (and sends its settings to every monitor at
 * start); `autoheal doctor` run with another configuration (a changed interval not yet rolled
 * out) names the worker still on the old one.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { AutohealClient } from '../src/client/autoheal-client';
import { runDoctor } from '../src/cli/doctor';
import { configFingerprint, fingerprintInIdentity } from '../src/config/fingerprint';
import { loadConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import { installRuntimeLogger } from '../src/workers/create-worker';
import { type RunningWorker, startWorker } from '../src/workers/run-worker';
import { startSimulator, type BridgeSimulator } from './helpers/simulator';
import { createDevServerEnv, uniqueTaskQueue } from './helpers/temporal';

let env: TestWorkflowEnvironment;
let bridge: BridgeSimulator;
let worker: RunningWorker | undefined;
const taskQueue = uniqueTaskQueue('config-in-force');

beforeAll(async () => {
  installRuntimeLogger(createLogger({ level: 'silent' })); // before anything creates the SDK's runtime
  [env, bridge] = await Promise.all([createDevServerEnv(), startSimulator()]);
});
afterAll(async () => {
  await worker?.stop();
  await bridge?.close();
  await env?.teardown();
});

const configWith = (interval: string) =>
  loadConfig({
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    MT5_BRIDGE_URL: bridge.url,
    CHECK_INTERVAL: interval,
    SMTP_HOST: '127.0.0.1',
    SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true',
  });

const inForce = async (config: ReturnType<typeof configWith>) =>
  (await runDoctor(config, { timeoutMs: 5_000 })).find((c) => c.name === 'configuration in force');

test('the fingerprint changes with what changes behaviour, never with a secret', () => {
  const base = configWith('15s');
  expect(configFingerprint(configWith('15s'))).toBe(configFingerprint(base));
  expect(configFingerprint(configWith('30s'))).not.toBe(configFingerprint(base));
  const rotated = { ...base, smtp: { ...base.smtp, password: 'rotated-' + process.pid } };
  expect(configFingerprint(rotated)).toBe(configFingerprint(base));
  expect(fingerprintInIdentity(`123@host config=${configFingerprint(base)}`)).toBe(configFingerprint(base));
});

test('doctor: ✅ when the workers run this configuration, ❌ naming the worker that runs another', async () => {
  const running = configWith('15s');
  worker = await startWorker(running, createLogger({ level: 'silent' }));
  const client = new AutohealClient(worker.connections.client, taskQueue);
  await client.monitors.reconcile(running.targets);

  const same = await inForce(running);
  expect(same).toMatchObject({ ok: true, detail: expect.stringContaining(`configuration ${configFingerprint(running)}`) });
  expect(same?.detail).toMatch(/[1-9]\d* worker\(s\) polling/);

  const changed = configWith('30s'); // edited, not yet rolled out
  const other = await inForce(changed);
  expect(other).toMatchObject({ ok: false });
  expect(other?.detail).toContain(`this configuration is ${configFingerprint(changed)}`);
  expect(other?.detail).toContain(`config=${configFingerprint(running)}`);
  expect(other?.fix).toMatch(/Restart the workers/);
});
