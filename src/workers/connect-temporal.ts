import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { temporalConnectionOptions } from '../client/connection-options';
import type { AppConfig } from '../config/load-config';

export interface TemporalConnections {
  address: string;
  client: Client;
  /**
   * A client without the SDK's automatic retries, for checks that keep their own deadline and
   * repeat anyway (the dead man's switch): a retry in back-off outlives the check that gave up on
   * it, keeps calling a Temporal that is down, and fails outside any caller once the connection
   * closes ("Channel has been shut down").
   */
  checkClient: Client;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

/** Connects the client and the worker's native connection to one Temporal frontend. */
export async function connectTemporal(t: AppConfig['temporal']): Promise<TemporalConnections> {
  const options = temporalConnectionOptions(t);
  const connection = await Connection.connect({ ...options, connectTimeout: '10s' });
  const nativeConnection = await NativeConnection.connect(options);
  const checkConnection = await Connection.connect({ ...options, connectTimeout: '10s', interceptors: [] });
  const client = new Client({ connection, namespace: t.namespace });
  return {
    address: options.address,
    client,
    checkClient: new Client({ connection: checkConnection, namespace: t.namespace }),
    nativeConnection,
    async close() {
      await nativeConnection.close();
      await connection.close();
      await checkConnection.close();
    },
  };
}
