/**
 * Domain types shared by workflows, activities and the client.
 *
 * Everything here is plain, serializable data: it travels through workflow and activity
 * arguments and results, so it must never hold a secret. This module is imported by workflow
 * code: no Node built-ins, no I/O.
 */
import type { RecurringWindow } from './maintenance-schedule';
import type { Rate } from './rate';

export type Severity = 'HEALTHY' | 'WARNING' | 'CRITICAL';

/**
 * The checks of the severity table of docs/REQUIREMENTS.md and README (`clock`: readings dated in
 * the future; `database`: variant A's MongoDB, present only when the bridge reports it).
 */
export type CheckName = 'bridge' | 'database' | 'terminal' | 'trade_allowed' | 'balances' | 'sync_rate' | 'account' | 'clock';

/** `ok`: passed; `warn`: WARNING finding; `fail`: CRITICAL finding; `skip`: not evaluated (off, or no data). */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  check: CheckName;
  status: CheckStatus;
  /** One human sentence: what was seen. Shown in emails, timelines and the Web UI. */
  evidence: string;
  /** Time spent on the HTTP call(s) behind this check, in milliseconds. */
  latencyMs?: number;
  /** Logins concerned (account and balances checks). */
  accounts?: string[];
}

/** A bridge to watch, with its per-target thresholds. Built from the config; holds no secret. */
export interface Target {
  /** Short id: letters, digits, dash. Used in schedule and workflow ids. */
  id: string;
  /** Base URL of the MT5 Bridge, without trailing slash. */
  url: string;
  /** Logins that must sync; empty: every account the bridge lists. */
  accounts: string[];
  /** How many accounts must report. */
  expectedAccounts: number;
  /** Logins allowed to read $0 (reserve / separation accounts). */
  zeroBalanceOk: string[];
  /** false turns the trade_allowed check off (investor-password logins). */
  requireTradeAllowed: boolean;
  /** Sync success rate below this is CRITICAL (0..1). */
  syncRateCritical: number;
  /** One HTTP probe, ms. */
  probeTimeoutMs: number;
  /** A live reading older than this is stale, ms. */
  staleAfterMs: number;
  /**
   * IANA zone of the bridge's timestamps that carry no offset (MT5_BRIDGE_TIMEZONE). Absent
   * (targets from before it): UTC.
   */
  bridgeTimeZone?: string;
  /**
   * MT5_WARMUP_GRACE: how long a bridge that says its cache is still filling (variant B's
   * `cache_complete: false` after a start) is WARMING UP rather than failing, ms. Absent
   * (targets from before it): DEFAULT_WARMUP_GRACE_MS (src/shared/bridge-warm-up.ts).
   */
  warmUpGraceMs?: number;
}

/** Timing and escalation policy of one target's monitoring and healing. Durations in ms. */
export interface HealingPolicy {
  checkIntervalMs: number;
  /**
   * Timeout of one probe activity, derived from PROBE_TIMEOUT (src/shared/probe-timing.ts):
   * use it as the probe's startToCloseTimeout and scheduleToCloseTimeout. Absent (policies from
   * before it): derive it from `target.probeTimeoutMs` with `probeActivityTimeoutMs()`.
   */
  probeActivityTimeoutMs?: number;
  /** Delay before the re-probe that confirms a CRITICAL finding. */
  confirmDelayMs: number;
  verifyIntervalMs: number;
  verifyTimeoutMs: number;
  restartCooldownMs: number;
  recoverySlaMs: number;
  escalateAfter: number;
  escalationWindowMs: number;
  /** Reminder interval to escalation contacts while ESCALATED and not acknowledged. */
  reminderIntervalMs: number;
  /**
   * WARNING_HOLD: a WARNING condition is emailed only once observed without a break for this
   * long. Absent (policies from before it): the watcher's default, 2 min.
   */
  warningHoldMs?: number;
  /**
   * WARNING_GROUP_WAIT: WARNING conditions that fall due within this long of the first one go
   * out as one email. Absent (policies from before it): the watcher's default, 30 s.
   */
  warningGroupWaitMs?: number;
  /**
   * INTERMITTENT_THRESHOLD / INTERMITTENT_WINDOW: this many CRITICAL findings not confirmed by
   * the re-probe within the window raise an "intermittent fault" WARNING. Absent: 3 within 1 h.
   */
  intermittentThreshold?: number;
  intermittentWindowMs?: number;
  /**
   * FLAP_THRESHOLD / FLAP_WINDOW: this many incidents opened within the window make the target
   * FLAPPING (src/shared/flapping.ts); 0: off. Absent (policies from before it): 3 within 10 min.
   */
  flapThreshold?: number;
  flapWindowMs?: number;
  /** Which remediation the worker will run (informational in workflows; the worker decides). */
  remediation: RemediationMethod;
  /**
   * RESTART_BUDGET: at most `count` restarts dispatched to the target within `windowMs` (across
   * incidents); the automatic one past it escalates instead. false: no budget. Absent (policies
   * from before it): the default, 6 within 24 h.
   */
  restartBudget?: Rate | false;
  /**
   * REMEDIATION_LADDER (or the target's `ladder`): the rungs tried in order, then people. Absent
   * (the default, and every policy from before the ladder): today's single full restart with
   * VERIFY_TIMEOUT and RESTART_COOLDOWN (`ladderOf`, src/shared/remediation-ladder.ts).
   */
  ladder?: LadderRung[];
}

/** A rung of the remediation ladder (src/shared/remediation-ladder.ts), from the least disruptive. */
export type Rung = 'reinit' | 'full-restart';

/** One rung as a policy carries it: its verification window and its own restart spacing. */
export interface LadderRung {
  rung: Rung;
  /** VERIFY_TIMEOUT of this rung, ms (reinit: REINIT_VERIFY_TIMEOUT; full-restart: VERIFY_TIMEOUT). */
  verifyTimeoutMs: number;
  /** Least time between two dispatches of this rung to the target, ms (reinit: REINIT_COOLDOWN; full-restart: RESTART_COOLDOWN). */
  cooldownMs: number;
}

/** One rung tried in one incident: what the roll-up keeps of each attempt (src/shared/rung-stats.ts). */
export interface RungAttempt {
  rung: Rung;
  /** ISO time of its dispatch. */
  dispatchedAt: string;
  healed: boolean;
  /** Its dispatch to verified healthy, ms (healed ones only). */
  recoveryMs?: number;
}

/** `dry-run`: everything runs, each restart that would be sent is recorded and announced, none is sent. */
export type RemediationMethod = 'github' | 'webhook' | 'none' | 'dry-run';

/** One account as read in one probe, normalised from the bridge's shapes. */
export interface AccountReading {
  login: string;
  name?: string;
  /** A finite balance, or null when none was returned. */
  balance: number | null;
  equity?: number | null;
  /**
   * The bridge's `data_source` word. Only `no_cache` means something to the checks (a
   * placeholder, its 0.0 is not a reading); `live` (also "mt5_live"), `cached` (variant B's normal
   * answer) and `unknown` (variant A sends none) are all real readings, fresh or not by `readAt`.
   */
  dataSource: 'live' | 'cached' | 'no_cache' | 'unknown';
  /** ISO time (UTC) of the reading; a bridge time without offset is read in the target's bridgeTimeZone. Null when none. */
  readAt: string | null;
}

/**
 * What one probe saw, before judgement. `classify()` turns it into checks and a severity.
 * Raw enough to re-judge, small enough to store in history.
 */
export interface Observation {
  targetId: string;
  /** ISO time the probe started. */
  probedAt: string;
  health: {
    /** The health endpoint answered 2xx with a JSON object. */
    ok: boolean;
    httpStatus?: number;
    /** Why not ok: "connection refused", "timeout after 5000 ms", "HTTP 502", "not JSON", ... */
    error?: string;
    latencyMs: number;
    /** The `status` string the bridge claimed, when any. */
    claimedStatus?: string;
    mt5Available: boolean | null;
    connected: boolean | null;
    tradeAllowed: boolean | null;
    /** Variant A's `mongodb.connected`; null or absent when the bridge does not report a database. */
    databaseConnected?: boolean | null;
    /** Variant B's `cache`: false while its first refresh round after a start is not done. */
    cacheComplete?: boolean | null;
    cachedAccounts?: number | null;
    /** `version` (B) or `service.version` (A), one bounded line. */
    version?: string;
  };
  /**
   * ISO time this worker first saw the bridge warming up (cache_complete false) in the current
   * warm-up; absent when it is not warming up. Set by the probe activity, judged by classify().
   */
  warmUpSince?: string;
  accounts: {
    /** Which endpoint gave the readings. */
    source: 'summary' | 'accounts' | 'balance' | 'info' | 'none';
    readings: AccountReading[];
    /** Why no (or partial) readings were obtained. */
    error?: string;
    /** Entries the bridge listed that could not be read as an account (login not digits): dropped, reported. */
    malformed?: number;
    latencyMs: number;
  };
}

export interface Classification {
  severity: Severity;
  checks: CheckResult[];
  /** Synced accounts / expected accounts, 0..1. */
  syncRate: number;
  syncedAccounts: number;
  expectedAccounts: number;
  /** One line: the most important finding, for subjects, summaries and logs. */
  summary: string;
  /**
   * Set while the bridge is WARMING UP within MT5_WARMUP_GRACE: its placeholders are not judged
   * as faults (severity stays what the other checks say), and verification does not count the
   * probe as recovered. Absent otherwise.
   */
  warmingUp?: { since: string; forMs: number; graceMs: number; cached: number | null; total: number | null };
}

/** The probe activity's result: what was seen and what it means. */
export interface ProbeReport extends Classification {
  observation: Observation;
}

/** Who or what started an incident or an attempt. */
export interface Trigger {
  source: 'monitor' | 'operator';
  reason: string;
  /** Operator name, for operator triggers. */
  by?: string;
  at: string;
  /** The ladder rung an operator asked for (`incident force --rung`); absent: the diagnosis chooses. */
  rung?: Rung;
}

/** The input of one healingWorkflow execution (one incident). */
export interface HealingInput {
  target: Target;
  policy: HealingPolicy;
  trigger: Trigger;
  /** The confirmed CRITICAL report that opened the incident (absent for operator triggers). */
  report?: ProbeReport;
  /**
   * The target is FLAPPING (src/shared/flapping.ts): the incident is folded into this episode,
   * and its CRITICAL and recovery emails (and channel pages) are not sent; the monitor's FLAPPING
   * notice stands for them. Absent: alerts as usual.
   */
  flapping?: { episodeId: string };
}

/** The target and policy of the long-lived monitor (targetMonitorWorkflow). */
export interface MonitorInput {
  target: Target;
  policy: HealingPolicy;
  /**
   * Recurring maintenance windows of the target (targets file `maintenance:`): the monitor pauses
   * itself during each occurrence. Absent: none (and from workers before them).
   */
  maintenance?: RecurringWindow[];
}
