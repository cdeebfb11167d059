import { existsSync, readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { AppConfig } from '../config/load-config';

/** The embedded dev server's frontend, used when TEMPORAL_ADDRESS is unset. */
export const EMBEDDED_TEMPORAL_ADDRESS = '127.0.0.1:7233';

export interface TemporalConnections {
  address: string;
  client: Client;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

/** TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY hold either PEM text or a file path. */
function pem(value: string): Buffer {
  return Buffer.from(
    value.includes('-----BEGIN') || !existsSync(value) ? value : readFileSync(value, 'utf8'),
  );
}

/** TLS options from TEMPORAL_TLS_CERT/KEY (mTLS) or TEMPORAL_API_KEY (TLS on). */
export function tlsOptions(t: AppConfig['temporal']) {
  if (t.tlsCert && t.tlsKey) return { clientCertPair: { crt: pem(t.tlsCert), key: pem(t.tlsKey) } };
  return t.apiKey ? true : undefined;
}

/** A client only, for CLI commands (close it with `client.connection.close()`). */
export async function connectClient(t: AppConfig['temporal']): Promise<Client> {
  const connection = await Connection.connect({
    address: t.address ?? EMBEDDED_TEMPORAL_ADDRESS,
    tls: tlsOptions(t),
    apiKey: t.apiKey,
    connectTimeout: '10s',
  });
  return new Client({ connection, namespace: t.namespace });
}

/** Connects the client and the worker's native connection to one Temporal frontend. */
export async function connectTemporal(t: AppConfig['temporal']): Promise<TemporalConnections> {
  const address = t.address ?? EMBEDDED_TEMPORAL_ADDRESS;
  const tls = tlsOptions(t);
  const connection = await Connection.connect({ address, tls, apiKey: t.apiKey, connectTimeout: '10s' });
  const nativeConnection = await NativeConnection.connect({ address, tls, apiKey: t.apiKey });
  const client = new Client({ connection, namespace: t.namespace });
  return {
    address,
    client,
    nativeConnection,
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}
