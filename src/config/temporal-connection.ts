/**
 * Where Temporal is and how to reach it, from the environment, with the SDK's standard
 * environment configuration (`@temporalio/envconfig`): the same TEMPORAL_* variables and
 * profiles as the `temporal` CLI (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 * TEMPORAL_TLS_CLIENT_CERT_PATH/_DATA, TEMPORAL_TLS_CLIENT_KEY_PATH/_DATA,
 * TEMPORAL_TLS_SERVER_CA_CERT_PATH/_DATA, TEMPORAL_TLS_SERVER_NAME, TEMPORAL_TLS,
 * TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE, TEMPORAL_GRPC_META_*). The two older names stay as
 * aliases: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY, each a PEM text or a file path.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { ConfigError } from '../shared/errors';

/** The embedded dev server's frontend, used when no address is configured. */
export const EMBEDDED_TEMPORAL_ADDRESS = '127.0.0.1:7233';

type TlsOptions = boolean | { serverNameOverride?: string; serverRootCACertificate?: Buffer; clientCertPair?: { crt: Buffer; key: Buffer } };

export interface TemporalConnection {
  /** undefined: nothing configured, the embedded dev server. */
  address?: string;
  namespace?: string;
  apiKey?: string;
  tls?: TlsOptions;
  metadata?: Record<string, string>;
}

/** Maps the aliases onto the standard names (PEM text → _DATA, anything else → _PATH). */
function withAliases(env: NodeJS.ProcessEnv): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string' && v !== '') vars[k] = v;
  const alias = (from: string, data: string, path: string) => {
    const value = vars[from];
    if (value === undefined || vars[data] !== undefined || vars[path] !== undefined) return;
    vars[value.includes('-----BEGIN') ? data : path] = value;
  };
  alias('TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_CLIENT_CERT_DATA', 'TEMPORAL_TLS_CLIENT_CERT_PATH');
  alias('TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CLIENT_KEY_DATA', 'TEMPORAL_TLS_CLIENT_KEY_PATH');
  return vars;
}

/** The connection settings; a certificate, key or profile file that cannot be read is a ConfigError naming it. */
export function temporalConnectionFromEnv(env: NodeJS.ProcessEnv): TemporalConnection {
  const vars = withAliases(env);
  for (const what of ['CLIENT_CERT', 'CLIENT_KEY', 'SERVER_CA_CERT']) {
    const [data, path] = [`TEMPORAL_TLS_${what}_DATA`, `TEMPORAL_TLS_${what}_PATH`];
    if (vars[data] !== undefined && vars[path] !== undefined)
      throw new ConfigError(`${data} and ${path}: set one of them, not both`);
  }
  const hasCert = vars.TEMPORAL_TLS_CLIENT_CERT_DATA ?? vars.TEMPORAL_TLS_CLIENT_CERT_PATH;
  const hasKey = vars.TEMPORAL_TLS_CLIENT_KEY_DATA ?? vars.TEMPORAL_TLS_CLIENT_KEY_PATH;
  if (!!hasCert !== !!hasKey)
    throw new ConfigError(
      `${hasCert ? 'TEMPORAL_TLS_CLIENT_KEY_PATH (or TEMPORAL_TLS_KEY)' : 'TEMPORAL_TLS_CLIENT_CERT_PATH (or TEMPORAL_TLS_CERT)'}: mTLS needs both the client certificate and its key`,
    );
  try {
    const { connectionOptions: c, namespace } = loadClientConnectConfig({
      overrideEnvVars: vars,
      ...(vars.TEMPORAL_PROFILE ? { profile: vars.TEMPORAL_PROFILE } : {}),
    });
    return {
      address: c.address,
      namespace,
      apiKey: typeof c.apiKey === 'string' ? c.apiKey : undefined,
      tls: c.tls as TlsOptions | undefined,
      metadata: c.metadata as Record<string, string> | undefined,
    };
  } catch (err) {
    throw new ConfigError(unreadable(err, vars));
  }
}

/** The message for a file that could not be read: which variable named it, and the fix. */
function unreadable(err: unknown, vars: Record<string, string>): string {
  const e = err as NodeJS.ErrnoException;
  const file = typeof e.path === 'string' ? e.path : undefined;
  const variable =
    Object.entries(vars).find(([k, v]) => k.startsWith('TEMPORAL_') && file !== undefined && v === file)?.[0] ??
    (file ? 'TEMPORAL_CONFIG_FILE' : undefined);
  if (file && variable)
    return `${variable}: cannot read ${file} (${e.code ?? e.message}); set it to a readable PEM file (or, for certificates, put the PEM text in the matching _DATA variable)`;
  return `Temporal connection settings (TEMPORAL_* variables, TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE) could not be loaded: ${e.message ?? String(err)}`;
}
