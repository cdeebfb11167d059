/**
 * The lines of the weekly and monthly digest (pure): the email's body and `autoheal report
 * --digest`'s text are the same lines. Every figure comes from the digest (src/shared/digest.ts),
 * whose uptime figures are `autoheal report --json`'s own; text from outside (run titles, check
 * names) is made one bounded line. No secret is in a digest, and nothing is added here.
 */
import { singleLine } from '../../shared/bridge-text';
import type { Digest, DigestIncident } from '../../shared/digest';
import { formatDurationWords } from '../../shared/duration';
import { uptimeText } from '../../shared/report-math';
import { formatUtc } from '../../shared/time-format';

const t = (value: unknown): string => singleLine(String(value ?? ''), 300);
const dur = (ms: number | undefined): string => (ms === undefined ? '—' : formatDurationWords(ms));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function digestSubject(d: Digest): string {
  return `📊 FIDUS MT5 ${d.period === 'month' ? 'monthly' : 'weekly'} digest: ${formatUtc(d.from).slice(0, 10)} to ${formatUtc(d.to).slice(0, 10)}`;
}

/** The proof-of-path sentence every digest carries. */
export const ALERT_PATH_PROOF =
  'This digest arriving is the weekly proof that the alert path works: the worker ran, composed it, and the SMTP server accepted it. ' +
  'If a Monday passes without one, alert emails are not reaching you: run autoheal doctor and autoheal test-alert.';

export function digestLines(d: Digest, link?: string): string[] {
  const lines: string[] = [
    `${d.period === 'month' ? 'Monthly' : 'Weekly'} digest of fidus-autoheal: the ${d.days} days from ${formatUtc(d.from)} to ${formatUtc(d.to)}`,
    '',
    ALERT_PATH_PROOF,
    '',
    `Uptime and coverage (objective ${d.report.objectivePct}%):`,
    ...d.report.targets.map((r) => `- ${t(r.target)}: ${uptimeText(r.period)}, down ${dur(r.period.downMs)}, unknown ${dur(r.period.unknownMs)}, maintenance ${dur(r.period.maintenanceMs)}`),
    `- all targets: ${uptimeText(d.report.overall.period)}, down ${dur(d.report.overall.period.downMs)}`,
    '',
    ...incidents(d),
    '',
    ...warnings(d),
    '',
    ...restartJob(d),
    ...stoppedRungs(d),
    '',
    ...token(d),
    ...month(d),
  ];
  if (link) lines.push('', link);
  return lines;
}

function incidents(d: Digest): string[] {
  const f = d.report.overall.incidents;
  if (!d.incidents.length) return ['Incidents: none.'];
  const head = `Incidents: ${f.incidents} (${f.open} open, ${f.autoHealed} healed without a person, ${f.escalations} escalated); detection p50 ${dur(f.mttd.p50Ms)}, recovery p50 ${dur(f.mttr.p50Ms)}, p95 ${dur(f.mttr.p95Ms)}`;
  return [head, ...d.incidents.slice(0, 50).map(incidentLine), ...(d.incidents.length > 50 ? [`- … and ${d.incidents.length - 50} more (autoheal incidents)`] : [])];
}

function incidentLine(i: DigestIncident): string {
  const checks = i.checks?.length ? ` [${i.checks.map(t).join(', ')}]` : '';
  const recovery = i.recoveryMs === undefined ? 'still open' : `closed after ${dur(i.recoveryMs)}`;
  return `- ${formatUtc(i.detectedAt)} ${t(i.target)} ${t(i.incidentId)}${checks}: detected in ${dur(i.detectionMs)}, ${recovery} (${t(i.outcome)}${i.escalated ? ', escalated' : ''})`;
}

function warnings(d: Digest): string[] {
  const w = d.warnings;
  const head = `WARNING alerts by condition, against the ${d.days} days before:`;
  const rows = w.trends.map((x) => {
    const arrow = x.count > x.previous ? '↑' : x.count < x.previous ? '↓' : '=';
    return `- ${t(x.target)} ${t(x.condition)}: ${x.count} (before: ${x.previous}) ${arrow}`;
  });
  const note = w.incompleteBefore ? [`  (the in-app feed keeps its newest notices only: counts before ${formatUtc(w.incompleteBefore)} are incomplete)`] : [];
  return rows.length ? [head, ...rows, ...note] : ['WARNING alerts: none in this period or the one before.', ...note];
}

function restartJob(d: Digest): string[] {
  const r = d.restartJob;
  if (r.state === 'not_configured') return [`Restart job (GitHub Actions): not configured (${t(r.reason)}).`];
  if (r.state === 'unreadable') return [`Restart job (GitHub Actions): could not be read: ${t(r.detail)}`];
  return [
    `Restart job ${t(r.workflowFile)} in ${t(r.repository)}: ${plural(r.runs, 'run')}, ${plural(r.failed, 'failure')}`,
    ...r.failures.map((f) => `- ${formatUtc(f.createdAt)} ${t(f.conclusion)}: ${t(f.title)} ${t(f.url)}`),
  ];
}

/** HOOK: the remediation ladder's rungs that stopped working; nothing is shown until some are recorded. */
function stoppedRungs(d: Digest): string[] {
  if (!d.stoppedRungs.length) return [];
  return [
    '',
    'Rungs that stopped working:',
    ...d.stoppedRungs.map(
      (r) => `- ${t(r.target)} ${t(r.rung)}: ${plural(r.failures, 'failure')}${r.lastWorkedAt ? `, last worked ${formatUtc(r.lastWorkedAt)}` : ', never worked in the period'}${r.detail ? ` (${t(r.detail)})` : ''}`,
    ),
  ];
}

function token(d: Digest): string[] {
  const k = d.token;
  if (k.state === 'not_configured') return [`GITHUB_TOKEN: not configured (${t(k.reason)}).`];
  if (k.state === 'unknown') return [`GITHUB_TOKEN: expiry not read (${t(k.detail)}).`];
  const when = k.expiresAt ? `expires ${formatUtc(k.expiresAt)} (in ${plural(k.daysLeft ?? 0, 'day')})` : 'no expiry date (a classic token, or one without expiration); rotate it every 90 days';
  return [`GITHUB_TOKEN: ${when}`, ...k.warnings.map((w) => `- ${t(w)}`)];
}

function month(d: Digest): string[] {
  const m = d.month;
  if (!m) return [];
  const over = m.budgetLeftMs < 0;
  const hours = m.byHour.map((n, h) => [h, n] as const).filter(([, n]) => n > 0);
  return [
    '',
    `Downtime over the ${d.days} days: ${dur(m.downMs)} against the 4.38-minute monthly budget of 99.99% (${over ? `over by ${dur(-m.budgetLeftMs)}` : `${dur(m.budgetLeftMs)} left`})`,
    'Failure patterns:',
    `- by check: ${entries(m.byCheck)}`,
    `- by target: ${entries(m.byTarget)}`,
    `- by hour of detection (${t(d.timeZone)}): ${hours.length ? hours.map(([h, n]) => `${String(h).padStart(2, '0')}h ${n}`).join(', ') : 'none'}`,
  ];
}

function entries(counts: Record<string, number>): string {
  const list = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return list.length ? list.map(([k, n]) => `${t(k)} ${n}`).join(', ') : 'none';
}
