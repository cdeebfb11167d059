/**
 * AUTOHEAL_TARGETS_FILE: several bridges, each with optional overrides of the MT5_* and timing
 * variables. Example (docs/targets.example.yaml):
 *
 *   targets:
 *     - id: mt5-bridge
 *       url: http://92.118.45.135:8000
 *       accounts: [886557, 886066]
 *       expectedAccounts: 7
 *       zeroBalanceOk: [891215]
 *       requireTradeAllowed: false
 *       checkInterval: 15s
 *       restartUrl: http://92.118.45.135:8000/api/system/full-restart
 *       restartTokenEnv: RESTART_TOKEN_MT5_BRIDGE
 *       ladder: [reinit, full-restart]
 *       reinitTokenEnv: REINIT_TOKEN_MT5_BRIDGE
 *       timezone: Europe/Athens
 *       maintenance:
 *         - { name: broker weekly, days: [sat], start: "22:00", duration: 2h, timeZone: Europe/London }
 *         - { name: nightly backup, start: "02:30", duration: 30m, timeZone: Europe/Athens }
 *
 * Tokens never go in this file: they stay in the worker's environment (`restartTokenEnv` names
 * the variable). A URL with credentials
 * (`http://user:pass@host`) is refused, naming the entry and field.
 */
import { z } from 'zod';
import { IANAZone } from 'luxon';
import { DURATION_FORM, parseDuration } from '../shared/duration';
import { parseLadder } from '../shared/remediation-ladder';
import { MAX_WINDOW_MS, WEEKDAYS, type Weekday, parseLocalTime } from '../shared/maintenance-schedule';
import { BRIDGE_AUTH_HINT, urlProblem } from './schema';

const durationText = z.string().refine((v) => parseDuration(v) !== undefined, { message: `expected ${DURATION_FORM}` });
/** An http(s) URL without credentials (see `urlProblem`); the error never echoes a password. */
const bridgeUrl = (example: string) =>
  z.string().transform((v, ctx) => {
    const problem = urlProblem(v.trim(), example, BRIDGE_AUTH_HINT);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return v.trim().replace(/\/+$/, '');
  });
/** A ladder: a list of rung names (or one comma-separated string), as REMEDIATION_LADDER. */
const ladder = z.union([z.array(z.string()), z.string().transform((v) => v.split(','))]).transform((names, ctx) => {
  const parsed = parseLadder(names);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }
  return parsed;
});
const variableName = (example: string) =>
  z.string().regex(/^[A-Z_][A-Z0-9_]{0,127}$/, { message: `expected the name of an environment variable, such as ${example}` });

const ianaZone = (example: string) =>
  z.string().refine((v) => IANAZone.isValidZone(v), { message: `expected an IANA time zone name such as UTC or ${example}` });

const FULL_DAY_NAMES: Record<Weekday, string> = {
  mon: 'monday',
  tue: 'tuesday',
  wed: 'wednesday',
  thu: 'thursday',
  fri: 'friday',
  sat: 'saturday',
  sun: 'sunday',
};
/** "sat", "Saturday", "SAT" → "sat". */
const weekday = z.string().transform((v, ctx) => {
  const word = v.trim().toLowerCase();
  const day = WEEKDAYS.find((d) => word === d || word === FULL_DAY_NAMES[d]);
  if (!day) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a day of the week: write mon, tue, wed, thu, fri, sat or sun` });
    return z.NEVER;
  }
  return day;
});

/**
 * One recurring maintenance window (src/shared/maintenance-schedule.ts): during each occurrence the
 * target's monitor is paused by "schedule", with `name` as the reason. Overlapping windows are fine.
 */
export const maintenanceWindowSchema = z
  .object({
    /** Shown as the pause's reason, on the dashboard and in `autoheal pause`. */
    name: z.string({ message: 'give the window a name, such as "broker weekly"' }).trim().min(1, { message: 'give the window a name, such as "broker weekly"' }).max(80),
    /** Local days the window starts on (mon … sun); leave out for a daily window. */
    days: z.array(weekday).min(1, { message: 'list at least one day, such as [sat], or leave days out for a daily window' }).optional(),
    /** Local start, "HH:MM" (24 h), in timeZone. */
    start: z.unknown().transform((v, ctx) => {
      if (typeof v === 'string' && parseLocalTime(v)) return v.trim();
      ctx.addIssue({ code: 'custom', message: `expected a local start time "HH:MM" (24 h), such as "22:00" (quoted in YAML); got ${JSON.stringify(v)}` });
      return z.NEVER;
    }),
    /** Length in real time (30m, 2h, 1h30m): above zero, at most 7d. */
    duration: z.unknown().transform((v, ctx) => {
      const ms = typeof v === 'string' ? parseDuration(v) : undefined;
      if (ms === undefined || ms <= 0 || ms > MAX_WINDOW_MS) {
        ctx.addIssue({ code: 'custom', message: `expected a duration above zero and at most 7d, such as 30m, 2h or 1h30m; got ${JSON.stringify(v)}` });
        return z.NEVER;
      }
      return ms;
    }),
    /** IANA zone of start and days (daylight saving time applied). Required: a window has no sensible default zone. */
    timeZone: z.string({ message: 'required: the IANA time zone of start and days, such as Europe/London' }).pipe(ianaZone('Europe/London')),
  })
  .strict();

const login = z.union([z.string().regex(/^\d+$/), z.number().int().positive()]).transform(String);

export const targetEntrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'expected lowercase letters, digits and dashes' }),
    url: bridgeUrl('http://92.118.45.135:8000'),
    accounts: z.array(login).optional(),
    expectedAccounts: z.number().int().min(1).max(1000).optional(),
    zeroBalanceOk: z.array(login).optional(),
    requireTradeAllowed: z.boolean().optional(),
    syncRateCritical: z.number().min(0).max(1).optional(),
    staleAfter: durationText.optional(),
    /** MT5_WARMUP_GRACE of this bridge. */
    warmUpGrace: durationText.optional(),
    checkInterval: durationText.optional(),
    probeTimeout: durationText.optional(),
    verifyInterval: durationText.optional(),
    verifyTimeout: durationText.optional(),
    restartCooldown: durationText.optional(),
    recoverySla: durationText.optional(),
    escalateAfter: z.number().int().min(1).max(100).optional(),
    escalationWindow: durationText.optional(),
    /** FLAP_THRESHOLD / FLAP_WINDOW of this bridge (0: no flap detection for it). */
    flapThreshold: z.number().int().min(0).max(1000).optional(),
    flapWindow: durationText.optional(),
    /**
     * Direct restart endpoint of this bridge's VPS (REMEDIATION=webhook); with one target, default
     * RESTART_URL; with several, required (src/config/restart-routes.ts).
     */
    restartUrl: bridgeUrl('http://92.118.45.135:8000/api/system/full-restart').optional(),
    /**
     * The name of the environment variable that holds this VPS's restart token (sent as
     * `Authorization: Bearer`), e.g. RESTART_TOKEN_DESK_A. The token itself never goes here.
     */
    restartTokenEnv: variableName('RESTART_TOKEN_DESK_A').optional(),
    /** This bridge's remediation ladder; default REMEDIATION_LADDER (docs/remediation.md, "The ladder"). */
    ladder: ladder.optional(),
    /**
     * The name of the environment variable that holds this bridge's ADMIN_SECRET_TOKEN, for the
     * reinit rung (`?token=` of its emergency-restart), e.g. REINIT_TOKEN_DESK_A. The token
     * itself never goes here. One target: default REINIT_TOKEN.
     */
    reinitTokenEnv: variableName('REINIT_TOKEN_DESK_A').optional(),
    /** IANA zone of this bridge's timestamps without offset; default MT5_BRIDGE_TIMEZONE. */
    timezone: ianaZone('Europe/Athens').optional(),
    /** Recurring maintenance windows: the monitor pauses itself during each occurrence (docs/maintenance.md). */
    maintenance: z.array(maintenanceWindowSchema).optional(),
  })
  .strict();

export const targetsFileSchema = z
  .object({ targets: z.array(targetEntrySchema).min(1, { message: 'list at least one target' }) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.targets.forEach((t, i) => {
      if (seen.has(t.id)) ctx.addIssue({ code: 'custom', path: ['targets', i, 'id'], message: `duplicate id "${t.id}"` });
      seen.add(t.id);
    });
  });

export type TargetEntry = z.output<typeof targetEntrySchema>;
