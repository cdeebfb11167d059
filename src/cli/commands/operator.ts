/**
 * `autoheal status`, `autoheal incidents [--target] [--since 30d]`, `autoheal report [--days 30]`
 * (`--digest [--week|--month]`: the digest email's contents):
 * every target at a glance (exit code 1 when any target is not HEALTHY), the incidents of a
 * period, and the uptime and SLO report. `--json` prints the documented shapes (docs/operator.md).
 */
import type { Command } from 'commander';
import { formatDuration, parseDuration } from '../../shared/duration';
import { MIN_COVERAGE, type Percentiles, type UptimeFigures, uptimeText } from '../../shared/report-math';
import type { Report, StatusOverview } from '../../client/operator-views';
import { RUNG_MIN_TRIES, RUNG_SUCCESS_THRESHOLD, type RungFigures } from '../../shared/rung-stats';
import { type CommandDeps, chooseTarget, withClient } from './command-context';
import { describeSwitch } from './remediation';
import { digestLines } from '../../activities/alerts/render-digest';
import { createLogger } from '../../logging/create-logger';
import { digestSourcesFromConfig } from '../../workers/digest-sources';
import type { IncidentFacts } from '../../shared/contracts';

const age = (ms: number | undefined): string => (ms === undefined ? '—' : `${formatDuration(Math.round(ms / 1000) * 1000 || 0)}`);

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

export function formatStatus(s: StatusOverview): string {
  const rows = [['TARGET', 'STATE', 'LAST PROBE', 'INCIDENT', 'FAILED ATTEMPTS', 'COOLDOWN', 'MAINTENANCE']];
  for (const t of s.targets) {
    rows.push([
      t.target,
      t.state,
      t.lastProbeAgeMs === undefined ? '—' : `${age(t.lastProbeAgeMs)} ago`,
      t.incident ? `${t.incident.incidentId} ${t.incident.status} ${age(t.incident.ageMs)}: ${t.incident.step}` : '—',
      `${t.failedAttempts.inWindow}/${t.failedAttempts.escalateAfter} in ${formatDuration(t.failedAttempts.windowMs)}`,
      t.cooldownLeftMs > 0 ? age(t.cooldownLeftMs) : '—',
      t.maintenance ?? '—',
    ]);
  }
  return `${describeSwitch(s.remediation)}\n${table(rows)}`;
}

const at = (iso: string | undefined): string => (iso ? iso.replace('T', ' ').slice(0, 19) : '—');
const after = (from: string, to: string | undefined): string =>
  to ? `+${age(Date.parse(to) - Date.parse(from))}` : '—';

export function formatIncidents(list: IncidentFacts[]): string {
  if (!list.length) return 'no incidents in the period';
  const rows = [['INCIDENT', 'TARGET', 'OUTCOME', 'DETECTED (UTC)', 'ALERTED', 'DISPATCHED', 'CLOSED', 'ATTEMPTS', 'RUNGS', 'ACK', 'RESOLVED BY']];
  for (const i of list) {
    rows.push([
      i.incidentId,
      i.targetId,
      i.outcome + (i.escalation ? ` (escalated: ${i.escalation.reason})` : ''),
      at(i.detectedAt),
      i.flappingEpisode ? `folded into ${i.flappingEpisode}` : after(i.detectedAt, i.alertedAt),
      after(i.detectedAt, i.dispatchedAt),
      after(i.detectedAt, i.closedAt),
      String(i.attempts),
      rungsText(i),
      i.acknowledged?.by ?? '—',
      i.resolvedBy ?? '—',
    ]);
  }
  return table(rows);
}

/** "reinit ✗ → full-restart ✓": each rung tried and whether it healed ("—" before the ladder or before any try). */
function rungsText(i: IncidentFacts): string {
  const tries = i.rungAttempts ?? [];
  return tries.length ? tries.map((t) => `${t.rung} ${t.healed ? '✓' : '✗'}`).join(' → ') : '—';
}

/** The rung table of the report: tries, heals, time to recovery, and the 30-day flag. */
export function formatRungs(rungs: RungFigures[] | undefined): string {
  if (!rungs?.length) return 'Remediation rungs: none tried in the period.';
  const rows = [['TARGET', 'RUNG', 'TRIES', 'HEALED', 'SUCCESS', 'TIME TO RECOVERY', '30D', 'FLAG']];
  for (const r of rungs) {
    rows.push([
      r.target ?? 'OVERALL',
      r.rung,
      String(r.tries),
      String(r.heals),
      r.successRate === undefined ? '—' : `${Math.round(r.successRate * 100)}%`,
      r.timeToRecovery.count ? `p50 ${age(r.timeToRecovery.p50Ms)}, p95 ${age(r.timeToRecovery.p95Ms)}` : '—',
      r.last30d.successRate === undefined ? '—' : `${r.last30d.heals}/${r.last30d.tries}`,
      r.flag ? `⚠️ ${r.flag}` : '',
    ]);
  }
  return (
    `Remediation rungs: a try is a restart sent; healed when its verification proved recovery; time to recovery from its dispatch. ` +
    `Flagged when fewer than ${Math.round(RUNG_SUCCESS_THRESHOLD * 100)}% of at least ${RUNG_MIN_TRIES} tries over the last 30 days healed.\n${table(rows)}`
  );
}

const pct = (f: UptimeFigures): string => uptimeText(f);
const minutes = (ms: number): string => `${(ms / 60_000).toFixed(1)} min`;
const pcts = (p: Percentiles): string =>
  p.count ? `p50 ${age(p.p50Ms)}, p95 ${age(p.p95Ms)}, max ${age(p.maxMs)}` : '—';

export function formatReport(r: Report): string {
  const rows = [['TARGET', '24H', '7D', '30D', `BUDGET LEFT (${r.days}D)`, 'DOWN', 'UNKNOWN', 'MAINTENANCE', 'INCIDENTS', 'MTTD', 'MTTA', 'MTTR', 'AUTO-HEALED', 'ESCALATIONS']];
  const line = (name: string, t: Pick<Report['targets'][number], 'uptime' | 'period' | 'incidents'>): string[] => [
    name,
    pct(t.uptime['24h']),
    pct(t.uptime['7d']),
    pct(t.uptime['30d']),
    minutes(t.period.errorBudgetLeftMs),
    minutes(t.period.downMs),
    minutes(t.period.unknownMs),
    minutes(t.period.maintenanceMs),
    String(t.incidents.incidents),
    pcts(t.incidents.mttd),
    pcts(t.incidents.mtta),
    pcts(t.incidents.mttr),
    t.incidents.autoHealRate === undefined ? '—' : `${Math.round(t.incidents.autoHealRate * 100)}%`,
    t.incidents.escalations
      ? `${t.incidents.escalations} (${Object.entries(t.incidents.escalationCauses).map(([k, v]) => `${k}: ${v}`).join('; ')})`
      : '0',
  ];
  for (const t of r.targets) rows.push(line(t.target, t));
  rows.push(line('OVERALL', r.overall));
  return (
    `Objective ${r.objectivePct}% over the last ${r.days} days. Uptime = up / (up + down), with its coverage (measured / period); ` +
    `below ${MIN_COVERAGE * 100}% coverage: "not enough measured time". Unknown time (no probe within two check intervals) and ` +
    `maintenance (paused) are neither up nor down, and only down time spends the error budget.\n${table(rows)}\n\n${formatRungs(r.rungs)}`
  );
}

function sinceMs(text: string): number {
  const ms = parseDuration(text.endsWith('d') ? `${Number(text.slice(0, -1)) * 24}h` : text);
  if (ms === undefined || !(ms > 0)) throw new Error(`--since: expected a duration such as 30d, 12h or 90m, got "${text}"`);
  return Date.now() - ms;
}

export function registerOperatorCommands(program: Command, deps: CommandDeps): void {
  program
    .command('status')
    .description('every target at a glance; exit code 1 when any target is not HEALTHY')
    .option('--json', 'print the documented JSON shape (docs/operator.md)')
    .action((opts: { json?: boolean }) =>
      withClient(deps, async (client, config) => {
        const s = await client.operator.status(config.targets);
        console.log(opts.json ? JSON.stringify(s, null, 2) : formatStatus(s));
        if (!s.allHealthy) process.exitCode = 1;
      }),
    );

  program
    .command('incidents')
    .description('open and closed incidents of the period: outcome, detection, alert, dispatch and recovery times, who acted')
    .option('--target <id>', 'one target (default: every target)')
    .option('--since <duration>', 'how far back, e.g. 30d, 12h', '30d')
    .option('--json', 'print the documented JSON shape (docs/operator.md)')
    .action((opts: { target?: string; since: string; json?: boolean }) =>
      withClient(deps, async (client, config) => {
        const ids = opts.target ? [chooseTarget(config, opts.target).target.id] : config.targets.map((t) => t.target.id);
        const list = await client.operator.incidents(ids, sinceMs(opts.since));
        console.log(opts.json ? JSON.stringify({ since: new Date(sinceMs(opts.since)).toISOString(), incidents: list }, null, 2) : formatIncidents(list));
      }),
    );

  program
    .command('report')
    .description('uptime against 99.99% with error budget, MTTD/MTTA/MTTR, auto-heal rate and escalations, per target and overall')
    .option('--days <n>', 'the period in days', '30')
    .option('--json', 'print the documented JSON shape (docs/operator.md)')
    .option('--digest', 'the digest email\'s contents now: uptime, incidents, WARNING trends, restart job runs, token expiry (with --week, the default, or --month)')
    .option('--week', 'with --digest: the last 7 days')
    .option('--month', 'with --digest: the last 30 days, downtime against the 4.38-minute budget and failure patterns')
    .action((opts: { days: string; json?: boolean; digest?: boolean; week?: boolean; month?: boolean }) =>
      withClient(deps, async (client, config) => {
        if (opts.digest || opts.week || opts.month) {
          if (opts.week && opts.month) throw new Error('--week and --month: choose one');
          const digest = await client.operator.digest(
            config.targets,
            { period: opts.month ? 'month' : 'week', now: new Date(), timeZone: config.digest?.timeZone ?? 'UTC' },
            digestSourcesFromConfig(config, createLogger({ level: 'silent' })),
          );
          console.log(opts.json ? JSON.stringify(digest, null, 2) : digestLines(digest).join('\n'));
          return;
        }
        const days = Number(opts.days);
        if (!Number.isInteger(days) || days < 1 || days > 400) throw new Error(`--days: expected 1 to 400, got "${opts.days}"`);
        const r = await client.operator.report(config.targets, days);
        console.log(opts.json ? JSON.stringify(r, null, 2) : formatReport(r));
      }),
    );
}
