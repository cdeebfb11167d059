import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { temporalConnectionOptions } from '../client/connection-options';
import type { AppConfig } from '../config/load-config';

export interface TemporalConnections {
  address: string;
  client: Client;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

/** Connects the client and the worker's native connection to one Temporal frontend. */
export async function connectTemporal(t: AppConfig['temporal']): Promise<TemporalConnections> {
  const options = temporalConnectionOptions(t);
  const connection = await Connection.connect({ ...options, connectTimeout: '10s' });
  const nativeConnection = await NativeConnection.connect(options);
  const client = new Client({ connection, namespace: t.namespace });
  return {
    address: options.address,
    client,
    nativeConnection,
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}
