/**
 * A Temporal dev server for a benchmark, in its own process (so that its CPU and memory can be
 * read apart from the worker's): `temporal server start-dev`, headless, with a fresh SQLite file,
 * the custom search attributes, and its Prometheus metrics (heartbeats are counted there).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporalCliPath } from '../../src/config/toolchain';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/shared/names';
import { isListening } from '../../src/workers/dev-server';

export interface BenchServer {
  address: string;
  pid: number;
  /** Sum of a Prometheus counter's samples whose labels contain every `labels` fragment. */
  counter(name: string, labels?: string[]): Promise<number>;
  stop(): Promise<void>;
}

export async function startBenchServer(port: number): Promise<BenchServer> {
  if (await isListening('127.0.0.1', port)) throw new Error(`127.0.0.1:${port} is taken: a server left by an earlier run?`);
  const dir = mkdtempSync(join(tmpdir(), 'autoheal-bench-'));
  const metricsPort = port + 1000;
  const args = [
    'server', 'start-dev', '--headless',
    '--ip', '127.0.0.1', '--port', String(port), '--metrics-port', String(metricsPort),
    '--db-filename', join(dir, 'temporal.sqlite'), '--log-level', 'error',
    ...SEARCH_ATTRIBUTE_KEYS.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
  ];
  const child: ChildProcess = spawn(temporalCliPath(), args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 60_000;
  while (!(await isListening('127.0.0.1', port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the bench dev server did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  const exited = new Promise((r) => child.once('exit', r));
  // A benchmark stopped half-way (Ctrl-C, an error) leaves no server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    address: `127.0.0.1:${port}`,
    pid: child.pid as number,
    async counter(name, labels = []) {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
        if (labels.every((l) => line.includes(l))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    },
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
