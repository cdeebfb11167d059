/**
 * The real Temporal server (go.temporal.io/server, built into .tools/temporal-server) on
 * PostgreSQL: schema set up with its SQL tool, a config derived from the module's
 * config/development-postgres12.yaml on loopback ports of its own (never 7233: a dev server may
 * run there), started as a child process that can be stopped and started again mid-test.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Connection } from '@temporalio/client';
import { DATABASES, NUM_HISTORY_SHARDS, SQL_PLUGIN } from '../../../src/config/cluster-settings';
import { freeLowPorts } from './free-port';
import type { Postgres } from './postgres';
import { SCHEMA_ROOT, TEMPORAL_SERVER_BIN, TEMPORAL_SQL_TOOL_BIN } from './tools';

/** Creates the two databases and brings their schemas to the version of the installed module. */
export function setupSchemas(pg: Postgres): void {
  const base = ['--ep', pg.host, '-p', String(pg.port), '-u', pg.user, '--pw', pg.password, '--pl', SQL_PLUGIN];
  for (const db of [DATABASES.default, DATABASES.visibility]) {
    const sql = (...args: string[]) => execFileSync(TEMPORAL_SQL_TOOL_BIN, [...base, '--db', db.name, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    sql('create');
    sql('setup-schema', '-v', '0.0');
    sql('update-schema', '-d', join(SCHEMA_ROOT, db.schemaDir));
  }
}

export interface ServerPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  membership: [number, number, number, number];
}

export async function allocateServerPorts(): Promise<ServerPorts> {
  const [frontend, frontendHttp, history, matching, worker, m1, m2, m3, m4] = (await freeLowPorts(9)) as [number, number, number, number, number, number, number, number, number];
  return { frontend, frontendHttp, history, matching, worker, membership: [m1, m2, m3, m4] };
}

/** Dynamic config: the module's development-sql.yaml essentials, search attributes visible at once. */
const DYNAMIC_CONFIG = {
  'limit.maxIDLength': [{ value: 255, constraints: {} }],
  'system.forceSearchAttributesCacheRefreshOnRead': [{ value: true, constraints: {} }],
};

/** Writes the server's config (and its dynamic config) into `dir`; returns the config file's path. */
export function writeServerConfig(dir: string, pg: Postgres, ports: ServerPorts): string {
  const datastore = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: SQL_PLUGIN,
      databaseName,
      connectAddr: `${pg.host}:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: pg.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (grpcPort: number, membershipPort: number, extra: object = {}) => ({ rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra } });
  const dynamicConfigFile = join(dir, 'dynamicconfig.yaml');
  writeFileSync(dynamicConfigFile, stringify(DYNAMIC_CONFIG));
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: NUM_HISTORY_SHARDS,
      datastores: {
        'postgres-default': datastore(DATABASES.default.name, 20),
        'postgres-visibility': datastore(DATABASES.visibility.name, 10),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: rpc(ports.frontend, ports.membership[0], { httpPort: ports.frontendHttp }),
      history: rpc(ports.history, ports.membership[1]),
      matching: rpc(ports.matching, ports.membership[2]),
      worker: rpc(ports.worker, ports.membership[3]),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${ports.frontend}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
  const file = join(dir, 'temporal-server.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

export interface ServerProcess {
  pid: number;
  /** Stops the server (SIGTERM, SIGKILL after `graceMs`); resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `temporal-server start` and resolves once its frontend answers GetSystemInfo. */
export async function startServerProcess(configFile: string, address: string, logFile: string): Promise<ServerProcess> {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn(TEMPORAL_SERVER_BIN, ['--config-file', configFile, '--allow-no-auth', 'start'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`temporal-server exited (${child.exitCode}) at start: see ${logFile}`);
    if (await answers(address)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`temporal-server did not answer on ${address} within 120 s: see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    pid: child.pid ?? -1,
    async stop(graceMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}

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
