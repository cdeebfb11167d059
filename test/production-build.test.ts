/**
 * Production build: `npm run build` compiles the project and bundles the workflow code once; a
 * worker started from the build (`node bin/autoheal.js worker`) probes its targets against a dev
 * server without TypeScript (made unloadable in its process) and without bundling, and
 * a bundle built from other sources than the running code is refused.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { readMonitor } from '../src/client/monitors';
import { monitorWorkflowId } from '../src/shared/names';
import { monitorStateQuery } from '../src/workflows/target-monitor/messages';
import { WorkflowBundleMismatchError, prebuiltWorkflowBundle } from '../src/workers/workflow-bundle';
import { startSimulator, type BridgeSimulator } from './helpers/simulator';
import { createDevServerEnv, uniqueTaskQueue } from './helpers/temporal';

const root = resolve(__dirname, '..');
const dist = join(root, 'dist');

describe('the prebuilt workflow bundle', () => {
  const copyOfBuild = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'autoheal-build-'));
    for (const part of ['workflows', 'shared', 'workflow-bundle.js', 'workflow-bundle.json']) cpSync(join(dist, part), join(dir, part), { recursive: true });
    return dir;
  };

  test('npm run build wrote it, and it matches the compiled workflow code', () => {
    expect(prebuiltWorkflowBundle(dist)).toEqual({ codePath: join(dist, 'workflow-bundle.js') });
  });

  test('a bundle built from other sources than the running code is refused, naming the file and the fix', () => {
    const dir = copyOfBuild();
    writeFileSync(join(dir, 'workflows', 'healing', 'index.js'), '// changed after the bundle was built\n', { flag: 'a' });
    expect(() => prebuiltWorkflowBundle(dir)).toThrow(WorkflowBundleMismatchError);
    expect(() => prebuiltWorkflowBundle(dir)).toThrow(/workflows\/healing\/index\.js.*run `npm run build`/);
  });

  test('no bundle at all: the worker bundles at start (development)', () => {
    expect(prebuiltWorkflowBundle(mkdtempSync(join(tmpdir(), 'autoheal-nobuild-')))).toBeUndefined();
  });
});

describe('a worker from the build alone', () => {
  let env: TestWorkflowEnvironment;
  let bridge: BridgeSimulator;
  let worker: ChildProcess | undefined;
  let output = '';
  const taskQueue = uniqueTaskQueue('prod-build');
  const targetId = `prod-${process.pid}`;

  beforeAll(async () => {
    [env, bridge] = await Promise.all([createDevServerEnv(), startSimulator()]);
  });
  afterAll(async () => {
    worker?.kill('SIGTERM');
    await bridge?.close();
    await env?.teardown();
  });

  test('node bin/autoheal.js worker probes its target with no TypeScript in its process and nothing bundled at start', async () => {
    const targetsFile = join(mkdtempSync(join(tmpdir(), 'autoheal-targets-')), 'targets.yaml');
    writeFileSync(targetsFile, `targets:\n  - id: ${targetId}\n    url: ${bridge.url}\n`);
    worker = spawn(process.execPath, ['-r', join(__dirname, 'fixtures', 'forbid-typescript.js'), join(root, 'bin', 'autoheal.js'), 'worker'], {
      env: {
        PATH: process.env.PATH,
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        AUTOHEAL_TARGETS_FILE: targetsFile,
        CHECK_INTERVAL: '2s',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    worker.stderr?.on('data', (c: Buffer) => (output += c.toString()));

    // the worker starts the target's monitor; its probe loop runs every CHECK_INTERVAL
    const monitor = env.client.workflow.getHandle(monitorWorkflowId(targetId, taskQueue));
    const deadline = Date.now() + 60_000;
    let probes = 0;
    while (probes < 2 && Date.now() < deadline && worker.exitCode === null) {
      await new Promise((r) => setTimeout(r, 500));
      const reading = await readMonitor(env.client, taskQueue, targetId).catch(() => undefined);
      probes = reading?.watch?.probes ?? (await monitor.query(monitorStateQuery).then((v) => v.probes, () => 0));
    }
    expect({ exited: worker.exitCode, output: worker.exitCode === null ? '' : output }).toEqual({ exited: null, output: '' });
    expect(probes).toBeGreaterThanOrEqual(2);
    expect(output).toContain('Workflow code: the prebuilt bundle');
    expect(output).not.toContain('forbidden in a production worker');
    expect(output).not.toContain('Workflow bundle created'); // the SDK's line when it bundles
  });
});
