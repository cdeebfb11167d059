/**
 * The one schema of the worker's environment (README, "Configuration").
 *
 * Every variable is listed here with its default and meaning; a bad value is reported with the
 * variable's name and the form it expects. Secrets (GITHUB_TOKEN, SMTP_APP_PASSWORD,
 * RESTART_TOKEN, TEMPORAL_API_KEY, DASHBOARD_TOKEN) are parsed here and then live only inside
 * the worker's injected clients: they are never echoed in an error.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { DURATION_FORM, parseDuration } from '../shared/duration';
import { RATE_FORM, parseRate } from '../shared/rate';
import { ALERT_ROUTES_FORM, channelUrlProblem, parseAlertRoutes } from './alert-channels';
import { heartbeatUrlProblem } from './heartbeat-url';
import { DEFAULT_LADDER, parseLadder, type Rung } from '../shared/remediation-ladder';

/** Unset and empty mean the same: an operator's `FOO=` should not count as a value. */
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** A duration; `zero: true` also accepts 0 (e.g. "0s": the feature off). */
const duration = (fallback: string, { zero = false } = {}) =>
  optionalText.transform((v, ctx) => {
    const ms = parseDuration(v ?? fallback);
    if (ms === undefined || ms < 0 || (ms === 0 && !zero)) {
      ctx.addIssue({ code: 'custom', message: `expected ${DURATION_FORM}, got "${v}"` });
      return z.NEVER;
    }
    return ms;
  });

/** A count per sliding window (`6/24h`), or `off` (false). */
const rate = (fallback: string) =>
  optionalText.transform((v, ctx) => {
    const parsed = parseRate(v ?? fallback);
    if (parsed === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected ${RATE_FORM}, got "${v}"` });
      return z.NEVER;
    }
    return parsed;
  });

const integer = (fallback: number, min: number, max: number) =>
  optionalText.transform((v, ctx) => {
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max}, got "${v}"` });
      return z.NEVER;
    }
    return n;
  });

const fraction = (fallback: number) =>
  optionalText.transform((v, ctx) => {
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isFinite(n) || n < 0 || n > 1) {
      ctx.addIssue({ code: 'custom', message: `expected a fraction from 0 to 1 such as 0.20, got "${v}"` });
      return z.NEVER;
    }
    return n;
  });

/** Flags are spelled out; never `Boolean("false")`. */
const flag = (fallback: boolean) =>
  optionalText.transform((v, ctx) => {
    if (v === undefined) return fallback;
    const lower = v.toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(lower)) return true;
    if (['false', '0', 'no', 'off'].includes(lower)) return false;
    ctx.addIssue({ code: 'custom', message: `expected true or false, got "${v}"` });
    return z.NEVER;
  });

/**
 * An http(s) URL without credentials. `http://user:pass@host` is refused: a URL is shown in logs,
 * stored in schedules and in the history of every workflow, and put in emails, so a password in it
 * would leak everywhere. Credentials go in headers (RESTART_TOKEN, GITHUB_TOKEN). The value is
 * echoed in errors only with its userinfo cut out.
 */
const httpUrl = (what: string, auth: string, options: UrlOptions = {}) =>
  optionalText.transform((v, ctx) => {
    if (v === undefined) return undefined;
    const problem = urlProblem(v, what, auth, options);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return v.replace(/\/+$/, '');
  });

export interface UrlOptions {
  /**
   * The URL is a secret itself (RESTART_URL: the bridge's emergency-restart takes its token as
   * `?token=`): it stays in the worker's environment, is called as it is, and is shown only
   * without its query string. Every other URL is shown, stored and mailed, so a credential in its
   * query string is refused.
   */
  secretQuery?: boolean;
}

/** Query parameter names that carry a credential (token=, api_key=, secret=, password=, sig=, ...). */
const CREDENTIAL_PARAM = /token|secret|passw|pwd|api[-_]?key|^key$|^auth|^sig(nature)?$|^code$/i;

/** The names of the query parameters of `url` that look like credentials (never their values). */
export function credentialParams(url: URL): string[] {
  return [...new Set([...url.searchParams.keys()].filter((name) => CREDENTIAL_PARAM.test(name)))];
}

/** Why `text` is not an acceptable http(s) URL, or undefined when it is. Never echoes credentials. */
export function urlProblem(text: string, what: string, auth: string, options: UrlOptions = {}): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `expected an http(s) URL such as ${what}, got "${withoutUserinfo(text)}"`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `expected an http(s) URL such as ${what}, got "${withoutUserinfo(text)}"`;
  }
  if (url.username || url.password || hasUserinfo(text)) {
    return `must not carry credentials (user:password@host): a URL is shown in logs and stored in workflow history; remove them and ${auth}`;
  }
  const params = options.secretQuery ? [] : credentialParams(url);
  if (params.length > 0) {
    return (
      `must not carry a credential in its query string (${params.map((p) => `${p}=…`).join(', ')}): this URL is not treated as a secret ` +
      `(it is shown in logs, stored in workflow history and put in emails); remove it and ${auth}. Only RESTART_URL may carry one ` +
      '(the bridge\'s POST /api/admin/emergency-restart?token=…), because RESTART_URL never leaves the worker'
    );
  }
  return undefined;
}

/** The authority part of a URL-like text: after "//", up to the next "/", "?" or "#". */
function authorityBounds(text: string): [number, number] | undefined {
  const start = text.indexOf('//');
  if (start < 0) return undefined;
  let end = text.length;
  for (const ch of ['/', '?', '#']) {
    const at = text.indexOf(ch, start + 2);
    if (at >= 0 && at < end) end = at;
  }
  return [start + 2, end];
}

function hasUserinfo(text: string): boolean {
  const bounds = authorityBounds(text);
  return bounds !== undefined && text.slice(bounds[0], bounds[1]).includes('@');
}

/** `http://user:pass@host/x` → `http://***@host/x` (plain string search, no regular expression). */
export function withoutUserinfo(text: string): string {
  const bounds = authorityBounds(text);
  if (!bounds) return text.includes('@') ? '***' : text;
  const authority = text.slice(bounds[0], bounds[1]);
  const at = authority.lastIndexOf('@');
  if (at < 0) return text;
  return `${text.slice(0, bounds[0])}***@${authority.slice(at + 1)}${text.slice(bounds[1])}`;
}

/** What to do instead of credentials in a bridge URL. */
export const BRIDGE_AUTH_HINT =
  'use header-based auth instead: the probes need no credentials, and RESTART_TOKEN is sent to the restart endpoint as Authorization: Bearer';

/** An IANA time zone name (Europe/Athens, UTC); luxon knows the zones of the runtime's ICU data. */
const timeZone = (fallback: string) =>
  optionalText.transform((v, ctx) => {
    const name = v ?? fallback;
    if (!IANAZone.isValidZone(name)) {
      ctx.addIssue({
        code: 'custom',
        message: `expected an IANA time zone name such as UTC, Europe/Athens or America/New_York, got "${name}"`,
      });
      return z.NEVER;
    }
    return name;
  });

/** REMEDIATION_LADDER: rung names, from the least disruptive (src/shared/remediation-ladder.ts). */
const ladder = optionalText.transform((v, ctx): Rung[] => {
  if (v === undefined) return [...DEFAULT_LADDER];
  const parsed = parseLadder(v.split(','));
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }
  return parsed;
});

const list = optionalText.transform((v) =>
  v === undefined
    ? []
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
);

const emailList = list.superRefine((emails, ctx) => {
  for (const email of emails) {
    if (!/^[^\s@<>]+@[^\s@<>]+$/.test(email)) {
      ctx.addIssue({ code: 'custom', message: `expected comma-separated email addresses, got "${email}"` });
    }
  }
});

const loginList = list.superRefine((logins, ctx) => {
  for (const login of logins) {
    if (!/^\d+$/.test(login)) ctx.addIssue({ code: 'custom', message: `expected MT5 logins (digits), got "${login}"` });
  }
});

/** A secret: parsed, never echoed in an error message. */
const secret = optionalText;

/** A secret that must match `pattern`; the error names the form, never the value. */
const secretOfForm = (pattern: RegExp, form: string) =>
  optionalText.refine((v) => v === undefined || pattern.test(v), {
    message: `expected ${form} (the value is not shown: it is a secret)`,
  });

/** A URL that is a secret itself (a Slack or webhook URL): https (http on loopback), never echoed. */
const secretUrl = (example: string) =>
  optionalText.transform((v, ctx) => {
    if (v === undefined) return undefined;
    const problem = channelUrlProblem(v, example);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return v;
  });

export const envSchema = z.object({
  /** Temporal frontend host:port; unset: the embedded dev server on 127.0.0.1:7233. */
  TEMPORAL_ADDRESS: optionalText.refine((v) => v === undefined || /^[^\s/]+:\d+$/.test(v), {
    message: 'expected host:port such as 127.0.0.1:7233 or my-ns.tmprl.cloud:7233',
  }),
  TEMPORAL_NAMESPACE: optionalText.transform((v) => v ?? 'default'),
  TEMPORAL_TASK_QUEUE: optionalText.transform((v) => v ?? 'autoheal'),
  /** Temporal Cloud API key (secret). */
  TEMPORAL_API_KEY: secret,
  /** mTLS client certificate and key: file paths or PEM text. */
  TEMPORAL_TLS_CERT: optionalText,
  TEMPORAL_TLS_KEY: secret,

  /** Base URL of the MT5 Bridge; unset: `autoheal start` runs the built-in simulator (demo). */
  MT5_BRIDGE_URL: httpUrl('http://92.118.45.135:8000', BRIDGE_AUTH_HINT),
  /** YAML file listing several bridges; unset: one target `mt5-bridge` from the MT5_* variables. */
  AUTOHEAL_TARGETS_FILE: optionalText,
  /** Logins that must sync; empty: every account the bridge lists. */
  MT5_ACCOUNTS: loginList,
  MT5_EXPECTED_ACCOUNTS: integer(7, 1, 1000),
  /** Logins allowed to read $0 (separation / reserve accounts). */
  MT5_ZERO_BALANCE_OK: loginList,
  MT5_REQUIRE_TRADE_ALLOWED: flag(true),
  /**
   * A reading whose own time is older than this is stale (not synced), whatever its data_source.
   * 10 min: variant B refreshes every account every 5 min (plus its round and one 60 s back-off),
   * variant A's sync service writes every few minutes; a dead refresh loop shows within 10 min.
   */
  MT5_STALE_AFTER: duration('10m'),
  /**
   * How long a bridge that says its cache is still filling (`cache_complete: false`, variant B
   * after a start) is WARMING UP, not failing (src/shared/bridge-warm-up.ts says why 2 min).
   */
  MT5_WARMUP_GRACE: duration('2m', { zero: true }),
  /** IANA zone of bridge timestamps that carry no offset (the VPS's local time). */
  MT5_BRIDGE_TIMEZONE: timeZone('UTC'),

  /**
   * Detection at the defaults (a fault to its incident) is at most about 10 s for every fault
   * kind, a hung bridge included: docs/PERFORMANCE.md, "Detection", `npm run bench:detection`.
   */
  CHECK_INTERVAL: duration('5s'),
  PROBE_TIMEOUT: duration('2s'),
  /** Delay before the re-probe that confirms a CRITICAL finding (counted from the first probe's start). */
  CONFIRM_DELAY: duration('2s'),
  SYNC_RATE_CRITICAL: fraction(0.2),
  VERIFY_INTERVAL: duration('15s'),
  VERIFY_TIMEOUT: duration('5m'),
  RESTART_COOLDOWN: duration('5m'),
  RECOVERY_SLA: duration('15m'),
  ESCALATE_AFTER: integer(3, 1, 100),
  ESCALATION_WINDOW: duration('24h'),
  /** Reminder to escalation contacts while an escalation is not acknowledged. */
  REMINDER_INTERVAL: duration('1h'),
  /**
   * A WARNING condition is emailed only once observed without a break for this long (a bridge
   * refilling its cache after a restart shows lagging accounts for a minute or two). 0s: at once.
   */
  WARNING_HOLD: duration('2m', { zero: true }),
  /**
   * WARNING conditions that fall due within this long of the first one go out as one email
   * naming them all (like Alertmanager's group_wait, also 30s by default): two accounts failing
   * together are one email, not two seconds apart. Short next to WARNING_HOLD, so a WARNING is
   * delayed little. 0s: no wait (conditions due at the same probe still share one email).
   */
  WARNING_GROUP_WAIT: duration('30s', { zero: true }),
  /**
   * Intermittent faults: this many CRITICAL findings that the re-probe did not confirm, within
   * INTERMITTENT_WINDOW, raise one WARNING saying how often and over how long (never a restart).
   * 3 within 1 h: one blip is noise; more than one every 20 minutes is a bridge failing on and off.
   */
  INTERMITTENT_THRESHOLD: integer(3, 1, 1000),
  INTERMITTENT_WINDOW: duration('1h'),
  /**
   * Flapping (docs/alerting.md, "Flapping"): this many incidents opened within FLAP_WINDOW make
   * the target FLAPPING: one FLAPPING notice instead of each incident's CRITICAL and recovery
   * emails, and one all-clear once no incident has opened for a whole FLAP_WINDOW. 3 within
   * 10m: two incidents can be a restart that did not stick; three in ten minutes is a pattern,
   * and a bridge going down and up every few seconds reaches it within minutes. 0: off.
   */
  FLAP_THRESHOLD: integer(3, 0, 1000),
  FLAP_WINDOW: duration('10m'),

  // ---- the safety envelope of automatic restarts (docs/remediation.md, "Safety envelope")
  /**
   * At most this many restarts dispatched to one target within the window (across incidents,
   * forced ones counted); the automatic restart past it escalates to people instead. 6/24h: a
   * healthy bridge needs none, a bad day two or three (each incident is up to ESCALATE_AFTER
   * attempts); six is two exhausted incidents: a restart loop, not a fault restarts fix. off: no budget.
   */
  RESTART_BUDGET: rate('6/24h'),
  /**
   * Fleet breaker: this many distinct targets opening incidents within the window (or every
   * target, at least 2, failing its bridge check) suspects a common cause (the broker, the
   * network, the worker's host) and withholds automatic restarts fleet-wide until it clears or an
   * operator overrides it. 3/5m: unrelated faults of three VPSs within five minutes are rare; a
   * broker or network outage reaches them all within one or two CHECK_INTERVALs. off: no breaker.
   */
  FLEET_BREAKER: rate('3/5m'),

  /**
   * github | webhook | none | dry-run; unset: github with GITHUB_TOKEN, else webhook with
   * RESTART_URL, else none. dry-run: everything runs, each restart that would be sent is recorded
   * and announced ("DRY RUN: would have restarted"), none is sent.
   */
  REMEDIATION: optionalText.pipe(z.enum(['github', 'webhook', 'none', 'dry-run']).optional()),
  GITHUB_TOKEN: secret,
  GITHUB_REPOSITORY: optionalText.refine((v) => v === undefined || /^[\w.-]+\/[\w.-]+$/.test(v), {
    message: 'expected owner/repo such as chavapalmarubin-lab/FIDUS',
  }),
  GITHUB_API_URL: httpUrl('https://api.github.com', 'put the token in GITHUB_TOKEN (sent as a header)').transform((v) => v ?? 'https://api.github.com'),
  GITHUB_EVENT_TYPE: optionalText.transform((v) => v ?? 'mt5-full-restart'),
  /**
   * true: the restart workflow picks each target's VPS URL and token by `client_payload.target`
   * (the shipped deploy/github/mt5-full-restart.yml does). Required with several targets and
   * REMEDIATION=github (src/config/restart-routes.ts); `autoheal doctor` reads the file and checks.
   */
  GITHUB_ROUTES_BY_TARGET: flag(false),
  /**
   * Direct restart endpoint. A secret itself: it may carry the bridge's admin token in its query
   * string (`http://VPS:8000/api/admin/emergency-restart?token=…`); it never leaves the worker and
   * is shown only without its query string.
   */
  RESTART_URL: httpUrl('http://92.118.45.135:8000/api/system/full-restart', BRIDGE_AUTH_HINT, { secretQuery: true }),
  RESTART_TOKEN: secret,

  // ---- the remediation ladder (docs/remediation.md, "The ladder")
  /**
   * The rungs tried in order before people: `reinit` (the bridge's emergency-restart, seconds)
   * and `full-restart` (REMEDIATION's github or webhook restart, minutes). Default `full-restart`
   * alone: an installation that sets nothing behaves as before. The diagnosis of each incident
   * picks its first rung (a dead bridge skips reinit); a target's `ladder` overrides it.
   */
  REMEDIATION_LADDER: ladder,
  /**
   * The bridge's ADMIN_SECRET_TOKEN (secret), for the reinit rung: sent as the `?token=` of
   * `POST <bridge url>/api/admin/emergency-restart`. Lives only in the worker; never in the
   * targets file, workflow data, logs or pages. With several targets each names its own
   * (`reinitTokenEnv`).
   */
  REINIT_TOKEN: secret,
  /** The reinit rung's verification window: a re-initialisation takes seconds, about a minute proves it. */
  REINIT_VERIFY_TIMEOUT: duration('60s'),
  /** Least time between two reinits of one target (a reinit does not consume RESTART_COOLDOWN, which spaces full restarts). */
  REINIT_COOLDOWN: duration('1m', { zero: true }),

  SMTP_HOST: optionalText.transform((v) => v ?? 'smtp.gmail.com'),
  SMTP_PORT: integer(587, 1, 65535),
  /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
  SMTP_SECURE: flag(false),
  SMTP_USERNAME: optionalText,
  SMTP_APP_PASSWORD: secret,
  /**
   * Credentials go only over TLS (implicit with SMTP_SECURE, else STARTTLS is required). true
   * allows a plain-text session with a relay on this machine (SMTP_HOST must be loopback).
   */
  SMTP_ALLOW_PLAINTEXT_LOOPBACK: flag(false),
  ALERT_FROM: optionalText,
  ALERT_RECIPIENT_EMAIL: emailList,
  /** Support contacts for escalations; unset: ALERT_RECIPIENT_EMAIL. */
  ESCALATION_EMAIL: emailList,

  DASHBOARD_HOST: optionalText.transform((v) => v ?? '127.0.0.1'),
  DASHBOARD_PORT: integer(8080, 0, 65535),
  DASHBOARD_URL: httpUrl('http://127.0.0.1:8080', 'protect the dashboard with DASHBOARD_TOKEN'),
  /** Bearer token for state-changing dashboard calls (secret). */
  DASHBOARD_TOKEN: secret,

  /**
   * Dead man's switch: the push URL of an outside service (healthchecks.io, Uptime Kuma's push
   * monitor…) the worker calls every HEARTBEAT_INTERVAL while it is healthy and every monitor's
   * probe is current; it stops (or reports failure) otherwise, and that service pages someone.
   * A secret: its path or query holds the check's token (src/config/heartbeat-url.ts).
   */
  HEARTBEAT_URL: optionalText.transform((v, ctx) => {
    if (v === undefined) return undefined;
    const problem = heartbeatUrlProblem(v);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return v;
  }),
  // ---- alert channels besides email (docs/alerting.md, "Channels"); each secret stays in the worker
  /** Slack incoming webhook (a secret: the URL is the credential). */
  SLACK_WEBHOOK_URL: secretUrl('https://hooks.slack.com/services/T…/B…/…'),
  /** Telegram bot token from @BotFather (secret) and the chat the bot posts to. */
  TELEGRAM_BOT_TOKEN: secretOfForm(/^\d+:[A-Za-z0-9_-]{20,}$/, 'the token @BotFather gives, <digits>:<35 characters>'),
  TELEGRAM_CHAT_ID: optionalText.refine((v) => v === undefined || /^(-?\d+|@[A-Za-z][A-Za-z0-9_]{4,})$/.test(v), {
    message: 'expected a chat id (digits, "-100…" for a group or channel) or @channelusername',
  }),
  /** The Bot API's base URL (a local Bot API server, or a test double). */
  TELEGRAM_API_URL: httpUrl('https://api.telegram.org', 'put the bot token in TELEGRAM_BOT_TOKEN').transform(
    (v) => v ?? 'https://api.telegram.org',
  ),
  /** A generic JSON webhook: every routed event POSTed as JSON (a secret: the URL may hold a token). */
  ALERT_WEBHOOK_URL: secretUrl('https://alerts.example.com/hooks/fidus'),
  /** Sent to ALERT_WEBHOOK_URL as Authorization: Bearer (secret). */
  ALERT_WEBHOOK_TOKEN: secret,
  /** PagerDuty Events API v2 integration (routing) key of a service (secret). */
  PAGERDUTY_ROUTING_KEY: secretOfForm(/^[A-Za-z0-9_-]{20,64}$/, 'the 32-character integration key of an Events API v2 integration'),
  /** The Events API v2 endpoint (events.eu.pagerduty.com for an EU account). */
  PAGERDUTY_EVENTS_URL: httpUrl('https://events.pagerduty.com/v2/enqueue', 'put the routing key in PAGERDUTY_ROUTING_KEY').transform(
    (v) => v ?? 'https://events.pagerduty.com/v2/enqueue',
  ),
  /**
   * Which events each channel gets: `pagerduty=critical;telegram=critical;slack=all`. A channel
   * not named gets what email gets (PagerDuty: CRITICAL incidents only). Email gets every alert.
   */
  ALERT_ROUTES: optionalText.transform((v, ctx) => {
    const routes = parseAlertRoutes(v);
    if (typeof routes === 'string') {
      ctx.addIssue({ code: 'custom', message: `${routes} (${ALERT_ROUTES_FORM})` });
      return z.NEVER;
    }
    return routes;
  }),

  /** How often the heartbeat goes out; the outside check's period should be this, its grace two of them. */
  HEARTBEAT_INTERVAL: duration('60s'),
  /**
   * The Temporal SDK runtime's own Prometheus metrics (schedule-to-start latency, slots, pollers):
   * auto (default) serves them on a free loopback port and appends them to the dashboard's
   * /metrics; HOST:PORT binds there (scrape it directly as well); off turns them off.
   */
  WORKER_METRICS: optionalText.transform((v, ctx) => {
    const value = (v ?? 'auto').toLowerCase();
    if (value === 'auto' || value === 'off') return value;
    if (/^[^\s/]+:\d{1,5}$/.test(v ?? '')) return v as string;
    ctx.addIssue({ code: 'custom', message: `expected auto, off or HOST:PORT such as 127.0.0.1:9464, got "${v}"` });
    return z.NEVER;
  }),

  /**
   * The digest emails (src/workflows/digest.ts): `weekly` (every Monday 08:00), `monthly` (the
   * 1st of every month, 08:00), both (the default, `weekly,monthly`) or `off`. The weekly one's
   * arrival is the proof that the alert path works.
   */
  DIGEST_SCHEDULE: optionalText.transform((v, ctx) => {
    const words = (v ?? 'weekly,monthly').toLowerCase().split(',').map((w) => w.trim()).filter(Boolean);
    if (words.length === 1 && words[0] === 'off') return { weekly: false, monthly: false };
    if (!words.length || words.some((w) => w !== 'weekly' && w !== 'monthly')) {
      ctx.addIssue({ code: 'custom', message: `expected weekly, monthly, weekly,monthly or off, got "${v}"` });
      return z.NEVER;
    }
    return { weekly: words.includes('weekly'), monthly: words.includes('monthly') };
  }),
  /** IANA zone of the digests' 08:00 (daylight saving time applied). */
  DIGEST_TIMEZONE: timeZone('UTC'),

  AUTOHEAL_DATA_DIR: optionalText.transform((v) => v ?? '.data'),
  /** pino level: fatal, error, warn, info, debug, trace. */
  LOG_LEVEL: optionalText.pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional()),
});

export type Env = z.output<typeof envSchema>;

/** Names of the variables that hold secrets: never logged, never in workflow data. */
export const SECRET_VARIABLES = [
  'GITHUB_TOKEN',
  'SMTP_APP_PASSWORD',
  'RESTART_TOKEN',
  'REINIT_TOKEN',
  'TEMPORAL_API_KEY',
  'DASHBOARD_TOKEN',
  'TEMPORAL_TLS_KEY',
  'HEARTBEAT_URL',
  'SLACK_WEBHOOK_URL',
  'TELEGRAM_BOT_TOKEN',
  'ALERT_WEBHOOK_URL',
  'ALERT_WEBHOOK_TOKEN',
  'PAGERDUTY_ROUTING_KEY',
] as const;
