/**
 * `autoheal worker` as its own OS process (the compiled CLI, bin/autoheal.js), its output kept:
 * several of them on one task queue, SIGKILLed or stopped at will.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './tools';

export interface WorkerProcess {
  name: string;
  proc: ChildProcess;
  pid: number;
  output(): string;
  /** Resolves when the output contains `text`. */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

const running = new Set<WorkerProcess>();

export function startWorkerProcess(name: string, env: NodeJS.ProcessEnv, args: string[] = []): WorkerProcess {
  const proc = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'autoheal.js'), 'worker', ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((done) => proc.once('exit', () => done()));
  const w: WorkerProcess = {
    name,
    proc,
    pid: proc.pid ?? -1,
    output: () => out,
    async waitForOutput(text, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      const seen = () => (typeof text === 'string' ? out.includes(text) : text.test(out));
      while (!seen()) {
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`worker ${name} exited before "${text}":\n${out}`);
        if (Date.now() > deadline) throw new Error(`worker ${name}: no "${text}" within ${timeoutMs} ms:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async kill(signal) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill(signal);
        const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(w);
    },
  };
  running.add(w);
  return w;
}

/** SIGKILLs every worker process still running (afterAll). */
export async function killAllWorkers(): Promise<void> {
  await Promise.all([...running].map((w) => w.kill('SIGKILL')));
}
