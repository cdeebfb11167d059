/**
 * `npm start` on the embedded defaults, as a new user runs it: the dev server with its Web UI,
 * the worker, the target's monitor and the simulator, from one command; within a minute the
 * monitor `autoheal-monitor-mt5-bridge` runs and has probed the bridge (its state says HEALTHY,
 * and its watch's heartbeat carries the latest probe); Ctrl-C stops all of it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { isListening } from '../src/workers/dev-server';
import { queryMonitor, readMonitor } from '../src/client/monitors';

jest.setTimeout(180_000);

const root = resolve(__dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let proc: ChildProcess | undefined;
let dataDir: string;

afterAll(() => {
  if (proc && proc.exitCode === null) proc.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

it('runs everything from one command and shows the monitor probing within a minute', async () => {
  expect(await isListening('127.0.0.1', 7233)).toBe(false); // the embedded server is ours to start
  dataDir = mkdtempSync(join(tmpdir(), 'autoheal-start-'));
  proc = spawn(process.execPath, [resolve(root, 'bin/autoheal.js'), 'start'], {
    env: { PATH: process.env.PATH, AUTOHEAL_DATA_DIR: dataDir, DASHBOARD_PORT: '18080', DASHBOARD_URL: 'http://127.0.0.1:18080' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const startedAt = Date.now();

  const deadline = startedAt + 60_000;
  while (!output.includes('fidus-autoheal is running')) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`start did not come up:\n${output}`);
    await sleep(200);
  }
  expect(output).toContain('DEMO MODE');
  expect(output).toContain('http://127.0.0.1:8233');

  const connection = await Connection.connect({ address: '127.0.0.1:7233' });
  try {
    const client = new Client({ connection });
    let probed: Awaited<ReturnType<typeof readMonitor>> | undefined;
    while (!probed?.watch) {
      if (Date.now() - startedAt > 60_000) throw new Error(`the monitor did not probe within a minute:\n${output}\n${JSON.stringify(probed)}`);
      probed = await readMonitor(client, 'autoheal', 'mt5-bridge');
      if (!probed.watch) await sleep(500);
    }
    expect(probed).toMatchObject({ workflowId: 'autoheal-monitor-mt5-bridge', status: 'RUNNING', watch: { severity: 'HEALTHY' } });
    expect(await queryMonitor(client, 'autoheal', 'mt5-bridge')).toMatchObject({ phase: 'watching', last: { severity: 'HEALTHY' } });
    // the demo runs the seed's bridge (variant B), which warms up after its start: HEALTHY throughout,
    // then the full cache; never an incident
    const health = (await (await fetch('http://127.0.0.1:18811/api/mt5/bridge/health')).json()) as { version?: string };
    expect(health.version).toBe('4.0-multi-account');
    while (!probed.watch?.summary.includes('7/7 accounts synced with live balances')) {
      if (Date.now() - startedAt > 150_000) throw new Error(`the demo bridge was not fully synced within 150 s:\n${JSON.stringify(probed)}`);
      expect(probed.watch?.severity ?? 'HEALTHY').toBe('HEALTHY');
      await sleep(1_000);
      probed = await readMonitor(client, 'autoheal', 'mt5-bridge');
    }
    await expect(client.workflow.getHandle('heal-mt5-bridge').describe()).rejects.toThrow();
  } finally {
    await connection.close();
  }

  const ui = await fetch('http://127.0.0.1:8233/');
  expect(ui.status).toBe(200);
  const page = await fetch('http://127.0.0.1:18080/system-health');
  expect(page.status).toBe(200);

  const exited = new Promise<number | null>((done) => proc!.once('exit', (code) => done(code)));
  proc.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(await isListening('127.0.0.1', 7233)).toBe(false);
  expect(await isListening('127.0.0.1', 18811)).toBe(false);
});
