/**
 * A throwaway PostgreSQL for the cluster test: a fresh data directory under the OS temp dir,
 * listening on 127.0.0.1 only, on a free port, user `temporal`. Started and stopped with pg_ctl.
 */
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePort } from './free-port';
import { asRoot, postgresBinDir, runPostgresCommand } from './tools';

export interface Postgres {
  host: string;
  port: number;
  user: string;
  password: string;
  dataDir: string;
  logFile: string;
  stop(): Promise<void>;
}

export const PG_USER = 'temporal';
export const PG_PASSWORD = 'temporal';

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** `dir` must exist; the data directory and the log go inside it. */
export async function startPostgres(dir: string): Promise<Postgres> {
  const bin = postgresBinDir();
  const dataDir = join(dir, 'pgdata');
  const logFile = join(dir, 'postgres.log');
  mkdirSync(dataDir, { recursive: true });
  if (asRoot) {
    // The postgres user must reach its data directory through the temp dir.
    chmodSync(dir, 0o755);
    const { uid, gid } = postgresIds();
    chownSync(dataDir, uid, gid);
    chownSync(dir, uid, gid);
  }
  chmodSync(dataDir, 0o700);
  runPostgresCommand(join(bin, 'initdb'), ['-D', dataDir, '-U', PG_USER, '--auth=trust', '--encoding=UTF8', '--no-sync']);
  const port = await freePort();
  const options = [`-p ${port}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${dataDir}`, '-c max_connections=200'].join(' ');
  runPostgresCommand(join(bin, 'pg_ctl'), ['-D', dataDir, '-o', options, '-l', logFile, '-w', '-t', '60', 'start']);
  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    user: PG_USER,
    password: PG_PASSWORD,
    dataDir,
    logFile,
    async stop() {
      if (stopped) return;
      stopped = true;
      runPostgresCommand(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
    },
  };
}
