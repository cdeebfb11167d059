/**
 * A production-shaped Temporal cluster for tests, on this machine: PostgreSQL (Debian's packages)
 * and the real Temporal server built from the Go module, set up with the settings of
 * docker-compose.yml (src/config/cluster-settings.ts): the `default` namespace with 30 days of
 * retention and the custom search attributes. Loopback only; everything it starts, it stops.
 *
 *   const cluster = await startCluster();
 *   ... cluster.address, cluster.client ...
 *   const { downMs } = await cluster.restartServer();   // the server process, mid-test
 *   await cluster.stop();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { CLUSTER_SEARCH_ATTRIBUTES, NAMESPACE, NAMESPACE_RETENTION_DAYS } from '../../../src/config/cluster-settings';
import { startPostgres, type Postgres } from './postgres';
import { allocateServerPorts, setupSchemas, startServerProcess, writeServerConfig, type ServerProcess } from './temporal-server';

export interface Cluster {
  address: string;
  namespace: string;
  client: Client;
  /** Directory of the data, configs and logs (removed by stop() unless KEEP_CLUSTER_DIR is set). */
  dir: string;
  serverLog: string;
  /** Figures of the start, for the test's report. */
  timings: { postgresMs: number; schemaMs: number; serverMs: number; namespaceMs: number };
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  /** Stops the server process and starts it again; resolves once it answers. */
  restartServer(): Promise<{ downMs: number }>;
  stop(): Promise<void>;
}

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
const ALREADY_EXISTS = 6;

export async function startCluster(): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'autoheal-cluster-'));
  let pg: Postgres | undefined;
  let server: ServerProcess | undefined;
  let connection: Connection | undefined;
  try {
    let t = Date.now();
    pg = await startPostgres(dir);
    const postgresMs = Date.now() - t;
    t = Date.now();
    setupSchemas(pg);
    const schemaMs = Date.now() - t;

    const ports = await allocateServerPorts();
    const configFile = writeServerConfig(dir, pg, ports);
    const address = `127.0.0.1:${ports.frontend}`;
    const serverLog = join(dir, 'temporal-server.log');
    t = Date.now();
    server = await startServerProcess(configFile, address, serverLog);
    const serverMs = Date.now() - t;

    t = Date.now();
    connection = await Connection.connect({ address });
    await ensureNamespace(connection);
    const client = new Client({ connection, namespace: NAMESPACE });
    const namespaceMs = Date.now() - t;

    const startServer = async () => {
      server = await startServerProcess(configFile, address, serverLog);
    };
    const stopServer = async () => {
      await server?.stop();
      server = undefined;
    };
    const ownedPg = pg;
    const ownedConnection = connection;
    return {
      address,
      namespace: NAMESPACE,
      client,
      dir,
      serverLog,
      timings: { postgresMs, schemaMs, serverMs, namespaceMs },
      startServer,
      stopServer,
      async restartServer() {
        const down = Date.now();
        await stopServer();
        await startServer();
        return { downMs: Date.now() - down };
      },
      async stop() {
        await ownedConnection.close().catch(() => undefined);
        await stopServer();
        await ownedPg.stop();
        if (!process.env.KEEP_CLUSTER_DIR) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await connection?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    await pg?.stop().catch(() => undefined);
    throw err;
  }
}

/**
 * The `default` namespace with 30 days of retention and the custom search attributes, as the
 * compose stack's admin-tools service sets them up; idempotent. Resolves once a visibility query
 * on the attributes is accepted (the namespace cache and search attributes are live).
 */
export async function ensureNamespace(connection: Connection): Promise<void> {
  try {
    await connection.workflowService.registerNamespace({
      namespace: NAMESPACE,
      workflowExecutionRetentionPeriod: msToTs(NAMESPACE_RETENTION_DAYS * 86_400_000),
    });
  } catch (err) {
    if ((err as { code?: number }).code !== ALREADY_EXISTS) throw err;
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await connection.operatorService.addSearchAttributes({
        namespace: NAMESPACE,
        searchAttributes: Object.fromEntries(CLUSTER_SEARCH_ATTRIBUTES.map((a) => [a.name, KEYWORD])),
      });
      break;
    } catch (err) {
      if ((err as { code?: number }).code === ALREADY_EXISTS) break;
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const query = CLUSTER_SEARCH_ATTRIBUTES.map((a) => `${a.name} = "probe"`).join(' AND ');
  for (;;) {
    try {
      await connection.workflowService.listWorkflowExecutions({ namespace: NAMESPACE, query });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
