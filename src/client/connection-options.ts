/**
 * How every process of fidus-autoheal reaches Temporal: the connection settings of the
 * configuration (src/config/temporal-connection.ts: address, TLS or mTLS, API key, gRPC
 * metadata), the embedded dev server's address when none is set. One definition for the
 * client, the worker's native connection and `autoheal doctor`.
 */
import type { AppConfig } from '../config/load-config';
import { EMBEDDED_TEMPORAL_ADDRESS } from '../config/temporal-connection';

export { EMBEDDED_TEMPORAL_ADDRESS };

/** Address, TLS, API key and metadata of the configured Temporal frontend. */
export function temporalConnectionOptions(t: AppConfig['temporal']) {
  const c = t.connection ?? { address: t.address, apiKey: t.apiKey, tls: t.apiKey ? true : undefined };
  return {
    address: t.address ?? c.address ?? EMBEDDED_TEMPORAL_ADDRESS,
    ...(c.tls === undefined ? {} : { tls: c.tls }),
    ...(c.apiKey === undefined ? {} : { apiKey: c.apiKey }),
    ...(c.metadata === undefined ? {} : { metadata: c.metadata }),
  };
}
