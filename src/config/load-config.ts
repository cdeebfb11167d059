import { readFileSync, statSync } from 'node:fs';
import { type TemporalConnection, temporalConnectionFromEnv } from './temporal-connection';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../shared/errors';
import { parseDuration } from '../shared/duration';
import type { DigestSettings } from '../shared/digest-schedule';
import type { HealingPolicy, RemediationMethod, Target } from '../shared/types';
import type { RecurringWindow } from '../shared/maintenance-schedule';
import { probeActivityTimeoutMs } from '../shared/probe-timing';
import type { Rate } from '../shared/rate';
import { type AlertChannelsConfig, DEFAULT_ROUTES, configuredChannels } from './alert-channels';
import { hostnameOf, isLoopbackHost } from './loopback';
import { ladderOf, type Rung } from '../shared/remediation-ladder';
import { resolveReinitRoutes, resolveRestartRoutes } from './restart-routes';
import { envSchema, type Env } from './schema';
import { targetsFileSchema, type TargetEntry } from './targets-file';
import { timingProblem } from './timing-rules';

/** Port of the built-in bridge simulator in demo mode (MT5_BRIDGE_URL unset). */
export const DEMO_BRIDGE_PORT = 18_811;
export const DEFAULT_TARGET_ID = 'mt5-bridge';

/** One target with everything the worker needs to watch and heal it. */
export interface TargetConfig {
  target: Target;
  policy: HealingPolicy;
  /** Direct restart endpoint of this target's VPS (webhook remediation); never another target's. */
  restartUrl?: string;
  /** The name (not the value) of the variable that holds this target's restart token. */
  restartTokenEnv?: string;
  /** The name (not the value) of the variable that holds this bridge's admin token (the reinit rung). */
  reinitTokenEnv?: string;
  /** Recurring maintenance windows (targets file `maintenance:`); absent when none are declared. */
  maintenance?: RecurringWindow[];
}

export interface AppConfig {
  temporal: {
    /** undefined: the embedded dev server. */
    address?: string;
    namespace: string;
    taskQueue: string;
    apiKey?: string;
    tlsCert?: string;
    tlsKey?: string;
    /** How to reach it (src/config/temporal-connection.ts); absent in hand-made test configs. */
    connection?: TemporalConnection;
  };
  /** True when MT5_BRIDGE_URL and AUTOHEAL_TARGETS_FILE are unset: the simulator stands in. */
  demo: boolean;
  targets: TargetConfig[];
  remediation: {
    method: RemediationMethod;
    /** Why this method: shown at start ("GITHUB_TOKEN is not set", ...). */
    reason: string;
    /** routesByTarget: the restart workflow picks the VPS by client_payload.target (GITHUB_ROUTES_BY_TARGET). */
    github: { token?: string; repository?: string; apiUrl: string; eventType: string; routesByTarget: boolean };
    /**
     * url, token: RESTART_URL and RESTART_TOKEN. targetTokens: the token each target's restart
     * carries, by target id (src/config/restart-routes.ts): a secret, never in workflow data.
     */
    webhook: { url?: string; token?: string; targetTokens: Record<string, string> };
    /**
     * The reinit rung (the bridge's emergency-restart): the admin token each target's reinit
     * carries, by target id (src/config/restart-routes.ts): a secret, never in workflow data.
     */
    reinit: { targetTokens: Record<string, string> };
  };
  smtp: {
    host: string;
    port: number;
    secure: boolean;
    username?: string;
    password?: string;
    /** SMTP_ALLOW_PLAINTEXT_LOOPBACK: a plain-text session with a loopback relay is allowed. */
    allowPlaintextLoopback?: boolean;
    from: string;
    recipients: string[];
    escalation: string[];
  };
  dashboard: { host: string; port: number; url: string; token?: string };
  dataDir: string;
  logLevel: string;
  /**
   * HEARTBEAT_URL (a secret: never logged in full) and HEARTBEAT_INTERVAL: the dead man's switch
   * (src/workers/heartbeat). Absent in hand-made test configs: no heartbeat.
   */
  heartbeat?: { url?: string; intervalMs: number };
  /**
   * The alert channels besides email (Slack, Telegram, webhook, PagerDuty) with their secrets and
   * routes (src/config/alert-channels.ts). Absent in hand-made test configs: none.
   */
  channels?: AlertChannelsConfig;
  /** WORKER_METRICS: the SDK runtime's Prometheus metrics: auto, off or HOST:PORT. Absent: auto. */
  workerMetrics?: string;
  /** DIGEST_SCHEDULE and DIGEST_TIMEZONE: when the digest emails go out. Absent in hand-made test configs: weekly and monthly, UTC. */
  digest?: DigestSettings;
  /** FLEET_BREAKER: the fleet breaker's rule (distinct targets CRITICAL within a window); false: off. Absent: 3/5m. */
  fleetBreaker?: Rate | false;
  /**
   * How old this configuration is (ISO time): the targets file's modification time when targets
   * come from AUTOHEAL_TARGETS_FILE, else when it was loaded (the worker's start). Monitors keep
   * the newest they were given; a worker with an older one stops and re-points no monitor
   * (src/client/reconcile-monitors.ts, docs/operator.md).
   */
  configuredAt: string;
}

export interface LoadConfigOptions {
  /** Reads the targets file; injected by tests. */
  readFile?: (path: string) => string;
  /** The targets file's modification time; default its mtime (now when it cannot be read). */
  fileModifiedAt?: (path: string) => Date;
  /** The clock, for configuredAt without a targets file; default the system clock. */
  now?: () => Date;
}

/**
 * Parses the environment into the app's configuration. Takes the environment as a parameter so
 * that tests pass a fake one; only the worker and the CLI pass `process.env`.
 * Throws a ConfigError that names every bad variable and the form it expects.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error.issues));
  const e = parsed.data;

  const entries = e.AUTOHEAL_TARGETS_FILE
    ? readTargetsFile(e.AUTOHEAL_TARGETS_FILE, options.readFile ?? ((p) => readFileSync(p, 'utf8')))
    : [{ id: DEFAULT_TARGET_ID, url: e.MT5_BRIDGE_URL ?? `http://127.0.0.1:${DEMO_BRIDGE_PORT}` }];

  const demo = !e.MT5_BRIDGE_URL && !e.AUTOHEAL_TARGETS_FILE;
  const remediation = chooseRemediation(e);
  if (remediation.method === 'github' && !e.GITHUB_REPOSITORY) {
    throw new ConfigError(
      'GITHUB_REPOSITORY: required when remediation goes through GitHub; set it to owner/repo of the repository that holds the mt5-full-restart workflow (or set REMEDIATION=webhook|none)',
    );
  }
  if (remediation.method === 'webhook' && !e.RESTART_URL && !entries.every((t) => 'restartUrl' in t && t.restartUrl)) {
    throw new ConfigError(
      'RESTART_URL: required when REMEDIATION=webhook; set it to the bridge restart endpoint, e.g. http://92.118.45.135:8000/api/system/full-restart',
    );
  }
  const dashboardUrl = (e.DASHBOARD_URL ?? `http://127.0.0.1:${e.DASHBOARD_PORT}`).replace(/\/+$/, '');
  if (!e.DASHBOARD_TOKEN && dashboardExposed(e.DASHBOARD_HOST, dashboardUrl)) {
    throw new ConfigError(
      `DASHBOARD_TOKEN: required unless both DASHBOARD_HOST and DASHBOARD_URL are loopback (DASHBOARD_HOST is ${e.DASHBOARD_HOST}, ` +
        `DASHBOARD_URL's host is ${hostnameOf(dashboardUrl) || 'unreadable'}): without it, anyone who reaches the dashboard, directly or through ` +
        'the reverse proxy behind DASHBOARD_URL, could force a restart, resolve an incident or read account logins and timelines. ' +
        'Set DASHBOARD_TOKEN to a long random value (e.g. openssl rand -hex 32), or keep both DASHBOARD_HOST and DASHBOARD_URL on 127.0.0.1',
    );
  }
  if (e.SMTP_ALLOW_PLAINTEXT_LOOPBACK && !isLoopbackHost(e.SMTP_HOST)) {
    throw new ConfigError(
      `SMTP_ALLOW_PLAINTEXT_LOOPBACK: allowed only with a relay on this machine, and SMTP_HOST (${e.SMTP_HOST}) is not loopback; ` +
        'the SMTP password must not cross a network in plain text: remove SMTP_ALLOW_PLAINTEXT_LOOPBACK (STARTTLS is then required) or set SMTP_SECURE=true',
    );
  }
  const routes = resolveRestartRoutes(entries, e, remediation.method, env);
  const targets = entries.map((entry) => buildTarget(entry, e, remediation.method, entries.length > 1));
  const reinitRoutes = resolveReinitRoutes(
    entries.map((entry, i) => ({ ...entry, ladder: ladderOf(targets[i]!.policy).map((r) => r.rung) })),
    e,
    remediation.method,
    env,
  );
  for (const [i, tc] of targets.entries()) {
    const problem = timingProblem(tc, e.AUTOHEAL_TARGETS_FILE ? `target ${tc.target.id} (AUTOHEAL_TARGETS_FILE targets.${i})` : undefined);
    if (problem) throw new ConfigError(problem);
  }

  const connection = temporalConnectionFromEnv(env);
  const now = options.now ?? (() => new Date());
  const configuredAt = (e.AUTOHEAL_TARGETS_FILE ? fileTime(e.AUTOHEAL_TARGETS_FILE, options.fileModifiedAt, now) : now()).toISOString();
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      // TEMPORAL_NAMESPACE, else the profile's (TEMPORAL_PROFILE / TEMPORAL_CONFIG_FILE), else "default"
      namespace: env.TEMPORAL_NAMESPACE ? e.TEMPORAL_NAMESPACE : (connection.namespace ?? e.TEMPORAL_NAMESPACE),
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      apiKey: e.TEMPORAL_API_KEY,
      tlsCert: e.TEMPORAL_TLS_CERT,
      tlsKey: e.TEMPORAL_TLS_KEY,
      connection,
    },
    demo,
    targets,
    remediation: {
      ...remediation,
      github: {
        token: e.GITHUB_TOKEN,
        repository: e.GITHUB_REPOSITORY,
        apiUrl: e.GITHUB_API_URL,
        eventType: e.GITHUB_EVENT_TYPE,
        routesByTarget: e.GITHUB_ROUTES_BY_TARGET,
      },
      webhook: { url: e.RESTART_URL, token: e.RESTART_TOKEN, targetTokens: routes.targetTokens },
      reinit: { targetTokens: reinitRoutes.targetTokens },
    },
    smtp: {
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      secure: e.SMTP_SECURE,
      username: e.SMTP_USERNAME,
      password: e.SMTP_APP_PASSWORD,
      allowPlaintextLoopback: e.SMTP_ALLOW_PLAINTEXT_LOOPBACK,
      from: e.ALERT_FROM ?? e.SMTP_USERNAME ?? 'fidus-autoheal@localhost',
      recipients: e.ALERT_RECIPIENT_EMAIL,
      escalation: e.ESCALATION_EMAIL.length ? e.ESCALATION_EMAIL : e.ALERT_RECIPIENT_EMAIL,
    },
    dashboard: {
      host: e.DASHBOARD_HOST,
      port: e.DASHBOARD_PORT,
      url: dashboardUrl,
      token: e.DASHBOARD_TOKEN,
    },
    dataDir: e.AUTOHEAL_DATA_DIR,
    logLevel: e.LOG_LEVEL ?? 'info',
    fleetBreaker: e.FLEET_BREAKER,
    heartbeat: { url: e.HEARTBEAT_URL, intervalMs: e.HEARTBEAT_INTERVAL },
    channels: alertChannels(e),
    workerMetrics: e.WORKER_METRICS,
    digest: { ...e.DIGEST_SCHEDULE, timeZone: e.DIGEST_TIMEZONE },
    configuredAt,
  };
}

/** The alert channels from their variables; a half-configured channel or a route to an unset one is refused. */
function alertChannels(e: Env): AlertChannelsConfig {
  if (e.TELEGRAM_BOT_TOKEN && !e.TELEGRAM_CHAT_ID)
    throw new ConfigError('TELEGRAM_CHAT_ID: required with TELEGRAM_BOT_TOKEN; set it to the chat the bot posts alerts to (docs/alerting.md, "Telegram")');
  if (e.TELEGRAM_CHAT_ID && !e.TELEGRAM_BOT_TOKEN)
    throw new ConfigError('TELEGRAM_BOT_TOKEN: required with TELEGRAM_CHAT_ID; set it to the token @BotFather gave the bot');
  if (e.ALERT_WEBHOOK_TOKEN && !e.ALERT_WEBHOOK_URL)
    throw new ConfigError('ALERT_WEBHOOK_URL: required with ALERT_WEBHOOK_TOKEN; set it to the URL that receives the alerts as JSON');
  const channels: AlertChannelsConfig = {
    ...(e.SLACK_WEBHOOK_URL ? { slack: { webhookUrl: e.SLACK_WEBHOOK_URL } } : {}),
    ...(e.TELEGRAM_BOT_TOKEN && e.TELEGRAM_CHAT_ID
      ? { telegram: { botToken: e.TELEGRAM_BOT_TOKEN, chatId: e.TELEGRAM_CHAT_ID, apiUrl: e.TELEGRAM_API_URL } }
      : {}),
    ...(e.ALERT_WEBHOOK_URL ? { webhook: { url: e.ALERT_WEBHOOK_URL, ...(e.ALERT_WEBHOOK_TOKEN ? { token: e.ALERT_WEBHOOK_TOKEN } : {}) } } : {}),
    ...(e.PAGERDUTY_ROUTING_KEY ? { pagerduty: { routingKey: e.PAGERDUTY_ROUTING_KEY, eventsUrl: e.PAGERDUTY_EVENTS_URL } } : {}),
    routes: {},
  };
  const configured = configuredChannels(channels);
  for (const name of Object.keys(e.ALERT_ROUTES)) {
    if (!configured.includes(name as (typeof configured)[number]) && e.ALERT_ROUTES[name as keyof typeof e.ALERT_ROUTES]?.length)
      throw new ConfigError(`ALERT_ROUTES: routes alerts to ${name}, which is not configured; set its variables (docs/alerting.md, "Channels") or remove it from ALERT_ROUTES`);
  }
  for (const name of configured) {
    const classes = e.ALERT_ROUTES[name] ?? DEFAULT_ROUTES[name];
    if (classes.length) channels.routes[name] = classes;
  }
  return channels;
}

/** The targets file's modification time: when its configuration was written. */
function fileTime(path: string, modifiedAt: ((p: string) => Date) | undefined, now: () => Date): Date {
  try {
    return modifiedAt ? modifiedAt(path) : statSync(path).mtime;
  } catch {
    return now(); // read a moment ago; a file that cannot be stat'ed now is as new as this start
  }
}

/**
 * True when someone other than this machine's processes can reach the dashboard: it is bound off
 * loopback, or DASHBOARD_URL (the address in emails) names another host, which means a reverse
 * proxy forwards to it. Then state-changing calls and sensitive reads need DASHBOARD_TOKEN.
 */
export function dashboardExposed(host: string, url: string): boolean {
  return !isLoopbackHost(host) || !isLoopbackHost(hostnameOf(url));
}

function chooseRemediation(e: Env): { method: RemediationMethod; reason: string } {
  if (e.REMEDIATION) return { method: e.REMEDIATION, reason: `REMEDIATION=${e.REMEDIATION}` };
  if (e.GITHUB_TOKEN) return { method: 'github', reason: 'GITHUB_TOKEN is set' };
  if (e.RESTART_URL) return { method: 'webhook', reason: 'GITHUB_TOKEN is not set and RESTART_URL is set' };
  return {
    method: 'none',
    reason: 'neither GITHUB_TOKEN nor RESTART_URL is set: set GITHUB_TOKEN and GITHUB_REPOSITORY (or RESTART_URL and RESTART_TOKEN)',
  };
}

function buildTarget(
  entry: Partial<TargetEntry> & { id: string; url: string },
  e: Env,
  method: RemediationMethod,
  several: boolean,
): TargetConfig {
  const ms = (text: string | undefined, fallback: number) => (text === undefined ? fallback : (parseDuration(text) as number));
  const checkIntervalMs = ms(entry.checkInterval, e.CHECK_INTERVAL);
  const probeTimeoutMs = ms(entry.probeTimeout, e.PROBE_TIMEOUT);
  const verifyTimeoutMs = ms(entry.verifyTimeout, e.VERIFY_TIMEOUT);
  const restartCooldownMs = ms(entry.restartCooldown, e.RESTART_COOLDOWN);
  const rungs: Rung[] = entry.ladder ?? e.REMEDIATION_LADDER;
  return {
    target: {
      id: entry.id,
      url: entry.url,
      accounts: entry.accounts ?? e.MT5_ACCOUNTS,
      expectedAccounts: entry.expectedAccounts ?? (entry.accounts?.length || e.MT5_ACCOUNTS.length || e.MT5_EXPECTED_ACCOUNTS),
      zeroBalanceOk: entry.zeroBalanceOk ?? e.MT5_ZERO_BALANCE_OK,
      requireTradeAllowed: entry.requireTradeAllowed ?? e.MT5_REQUIRE_TRADE_ALLOWED,
      syncRateCritical: entry.syncRateCritical ?? e.SYNC_RATE_CRITICAL,
      probeTimeoutMs,
      staleAfterMs: ms(entry.staleAfter, e.MT5_STALE_AFTER),
      bridgeTimeZone: entry.timezone ?? e.MT5_BRIDGE_TIMEZONE,
      warmUpGraceMs: ms(entry.warmUpGrace, e.MT5_WARMUP_GRACE),
    },
    policy: {
      checkIntervalMs,
      probeActivityTimeoutMs: probeActivityTimeoutMs(probeTimeoutMs),
      confirmDelayMs: Math.min(e.CONFIRM_DELAY, checkIntervalMs),
      verifyIntervalMs: ms(entry.verifyInterval, e.VERIFY_INTERVAL),
      verifyTimeoutMs,
      restartCooldownMs,
      recoverySlaMs: ms(entry.recoverySla, e.RECOVERY_SLA),
      escalateAfter: entry.escalateAfter ?? e.ESCALATE_AFTER,
      escalationWindowMs: ms(entry.escalationWindow, e.ESCALATION_WINDOW),
      reminderIntervalMs: e.REMINDER_INTERVAL,
      warningHoldMs: e.WARNING_HOLD,
      warningGroupWaitMs: e.WARNING_GROUP_WAIT,
      intermittentThreshold: e.INTERMITTENT_THRESHOLD,
      intermittentWindowMs: e.INTERMITTENT_WINDOW,
      flapThreshold: entry.flapThreshold ?? e.FLAP_THRESHOLD,
      flapWindowMs: ms(entry.flapWindow, e.FLAP_WINDOW),
      remediation: method,
      restartBudget: e.RESTART_BUDGET,
      // today's single full restart stays implicit: a policy without `ladder` (nothing changes
      // for an installation that sets no ladder, its fingerprint included)
      ...(rungs.length === 1 && rungs[0] === 'full-restart'
        ? {}
        : {
            ladder: rungs.map((rung) =>
              rung === 'reinit'
                ? { rung, verifyTimeoutMs: e.REINIT_VERIFY_TIMEOUT, cooldownMs: e.REINIT_COOLDOWN }
                : { rung, verifyTimeoutMs, cooldownMs: restartCooldownMs },
            ),
          }),
    },
    // RESTART_URL is one VPS's endpoint: the fallback of a lone target only.
    restartUrl: entry.restartUrl ?? (several ? undefined : e.RESTART_URL),
    ...(entry.restartTokenEnv ? { restartTokenEnv: entry.restartTokenEnv } : {}),
    ...(entry.reinitTokenEnv ? { reinitTokenEnv: entry.reinitTokenEnv } : {}),
    ...(entry.maintenance?.length
      ? {
          maintenance: entry.maintenance.map(({ name, days, start, duration, timeZone }) => ({
            name,
            ...(days ? { days: [...new Set(days)] } : {}),
            start,
            durationMs: duration,
            timeZone,
          })),
        }
      : {}),
  };
}

function readTargetsFile(path: string, readFile: (p: string) => string): TargetEntry[] {
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    throw new ConfigError(`AUTOHEAL_TARGETS_FILE: cannot read "${path}"; check the path`, { cause: err });
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`AUTOHEAL_TARGETS_FILE: "${path}" is not valid YAML`, { cause: err });
  }
  const parsed = targetsFileSchema.safeParse(data);
  if (!parsed.success) {
    throw new ConfigError(`AUTOHEAL_TARGETS_FILE (${path}): ${describeIssues(parsed.error.issues, '.')}`);
  }
  return parsed.data.targets;
}

/** "CHECK_INTERVAL: expected a duration ...; SYNC_RATE_CRITICAL: expected ..." */
function describeIssues(issues: z.core.$ZodIssue[], joiner = ''): string {
  return issues
    .map((issue) => {
      const where = issue.path.map(String).join(joiner || '.');
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
