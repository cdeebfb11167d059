import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * The structured logger (pino), passed into everything that logs. Every secret value the worker
 * holds is replaced by [REDACTED] wherever it would appear: in messages and in any field, even
 * nested inside an error's text.
 */
export function createLogger(
  options: { level?: string; secrets?: Array<string | undefined>; destination?: pino.DestinationStream; pretty?: boolean } = {},
): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 4);
  const scrub = (value: unknown): unknown => scrubSecrets(value, secrets);
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: 'fidus-autoheal' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { log: (object) => scrub(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => scrub(a)) as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? (options.pretty ?? process.stdout.isTTY ? prettyStream() : pino.destination(1)),
  );
}

/** Human-readable lines for an operator's terminal; JSON lines everywhere else (pipes, files, CI). */
function prettyStream(): pino.DestinationStream {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = require('pino-pretty') as (o: object) => pino.DestinationStream;
  return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app', singleLine: true });
}

/** Replaces every occurrence of each secret in strings found anywhere inside `value`. */
export function scrubSecrets(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (!secrets.length || depth > 8) return value;
  if (typeof value === 'string') return secrets.reduce((s, secret) => s.split(secret).join('[REDACTED]'), value);
  if (value instanceof Error) {
    return { type: value.name, message: scrubSecrets(value.message, secrets), stack: scrubSecrets(value.stack, secrets) };
  }
  if (Array.isArray(value)) return value.map((v) => scrubSecrets(v, secrets, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubSecrets(v, secrets, depth + 1)]));
  }
  return value;
}
