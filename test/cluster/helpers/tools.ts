/**
 * Where the cluster test's tools live (.tools/temporal-server, built by
 * scripts/cluster/install-temporal-server.sh) and how to run a command as the PostgreSQL user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TEMPORAL_SERVER_VERSION } from '../../../src/config/cluster-settings';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const SERVER_TOOLS = join(REPO_ROOT, '.tools', 'temporal-server');
export const TEMPORAL_SERVER_BIN = join(SERVER_TOOLS, 'bin', 'temporal-server');
export const TEMPORAL_SQL_TOOL_BIN = join(SERVER_TOOLS, 'bin', 'temporal-sql-tool');
export const SCHEMA_ROOT = join(SERVER_TOOLS, 'schema');

/** Builds the server and the SQL tool, installs PostgreSQL when missing (idempotent, quiet when all is there). */
export function installClusterTools(): void {
  const script = join(REPO_ROOT, 'scripts', 'cluster', 'install-temporal-server.sh');
  const result = spawnSync('bash', [script], { stdio: 'inherit', env: { ...process.env, TEMPORAL_SERVER_VERSION } });
  if (result.status !== 0) throw new Error(`${script} failed (exit ${result.status ?? result.signal})`);
}

/** The bin directory of the newest PostgreSQL installed from the distribution's packages. */
export function postgresBinDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error(`no PostgreSQL under ${base}: run scripts/cluster/install-temporal-server.sh`);
  return join(base, versions[0], 'bin');
}

/** PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user. */
export const asRoot = process.getuid?.() === 0;
export function postgresCommand(bin: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

export function runPostgresCommand(bin: string, args: string[]): string {
  const [cmd, full] = postgresCommand(bin, args);
  return execFileSync(cmd, full, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
