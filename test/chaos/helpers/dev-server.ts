/**
 * The `temporal` CLI's dev server (the one `autoheal start` embeds) for the chaos suite: headless,
 * its SQLite database in a temp dir so that the server process can be killed mid-incident and
 * started again on the same port and data, the custom search attributes registered.
 *
 *   const server = await startDevServer();
 *   await server.kill('SIGKILL'); await server.start();   // the server dies and comes back
 *   await server.stop();                                    // and its temp dir is removed
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporalCliPath } from '../../../src/config/toolchain';
import { SEARCH_ATTRIBUTE_KEYS } from '../../../src/shared/names';
import { freeLowPorts } from '../../cluster/helpers/free-port';

export interface ChaosServer {
  address: string;
  client: Client;
  dir: string;
  /** Starts the server again on the same port and database (after kill). */
  start(): Promise<void>;
  /** Kills the server process; resolves once it is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export async function startDevServer(): Promise<ChaosServer> {
  const dir = mkdtempSync(join(tmpdir(), 'autoheal-chaos-'));
  const [port] = (await freeLowPorts(1)) as [number];
  const address = `127.0.0.1:${port}`;
  const log = createWriteStream(join(dir, 'temporal.log'), { flags: 'a' });
  const args = [
    'server', 'start-dev', '--headless',
    '--ip', '127.0.0.1', '--port', String(port),
    '--db-filename', join(dir, 'temporal.sqlite'), '--log-level', 'warn',
    ...SEARCH_ATTRIBUTE_KEYS.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
  ];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const proc = spawn(temporalCliPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout?.pipe(log, { end: false });
    proc.stderr?.pipe(log, { end: false });
    child = proc;
    exited = new Promise<void>((done) => proc.once('exit', () => done()));
    const deadline = Date.now() + 120_000;
    while (!(await answers(address))) {
      if (proc.exitCode !== null) throw new Error(`temporal server start-dev exited (${proc.exitCode}): see ${join(dir, 'temporal.log')}`);
      if (Date.now() > deadline) throw new Error(`temporal server start-dev did not answer on ${address} within 120 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const kill = async (signal: NodeJS.Signals) => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const timer = setTimeout(() => child?.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  };
  // A run stopped half-way leaves no server behind.
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  await start();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  return {
    address,
    client,
    dir,
    start,
    kill,
    async stop() {
      await connection.close().catch(() => undefined);
      await kill('SIGTERM');
      process.off('exit', killOnExit);
      log.end();
      if (!process.env.KEEP_CHAOS_DIR) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** True once the frontend answers GetSystemInfo. */
async function answers(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1_000 });
    await connection.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}
