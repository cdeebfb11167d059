/**
 * How every process of fidus-autoheal reaches Temporal: the address (TEMPORAL_ADDRESS, or the
 * embedded dev server's), TLS or mTLS, and the API key. One definition for the client, the
 * worker's native connection and `autoheal doctor`.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { AppConfig } from '../config/load-config';

/** The embedded dev server's frontend, used when TEMPORAL_ADDRESS is unset. */
export const EMBEDDED_TEMPORAL_ADDRESS = '127.0.0.1:7233';

/** TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY hold either PEM text or a file path. */
function pem(value: string): Buffer {
  return Buffer.from(value.includes('-----BEGIN') || !existsSync(value) ? value : readFileSync(value, 'utf8'));
}

/** TLS options from TEMPORAL_TLS_CERT/KEY (mTLS) or TEMPORAL_API_KEY (TLS on). */
export function tlsOptions(t: AppConfig['temporal']) {
  if (t.tlsCert && t.tlsKey) return { clientCertPair: { crt: pem(t.tlsCert), key: pem(t.tlsKey) } };
  return t.apiKey ? true : undefined;
}

/** Address, TLS and API key of the configured Temporal frontend. */
export function temporalConnectionOptions(t: AppConfig['temporal']) {
  return { address: t.address ?? EMBEDDED_TEMPORAL_ADDRESS, tls: tlsOptions(t), apiKey: t.apiKey };
}
