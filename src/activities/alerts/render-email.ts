/**
 * The alert emails, rendered from an alert event alone (pure): the runbook's wording for the
 * CRITICAL alert and the recovery confirmation, and clear subjects for the others. Plain text
 * and a simple HTML part of the same lines. Events carry no secret, and nothing is added here.
 *
 * Text from the events (issues, diagnoses, timeline details: often the bridge's own words) is
 * data: each value is made one bounded line (src/shared/bridge-text.ts) so it cannot add lines
 * to the email, everything is HTML-escaped in the HTML part (src/shared/html-escape.ts), and the
 * only link is the dashboard link of our own configuration: no text is ever turned into a link.
 */
import { formatUtc } from '../../shared/time-format';
import type {
  AlertEvent,
  AttemptRecord,
  CriticalAlert,
  EscalationAlert,
  FlappingAlert,
  FlappingStoppedAlert,
  FleetBreakerAlert,
  RecoveryAlert,
  ReminderAlert,
  WarningAlert,
  WarningAlertCondition,
} from '../../shared/contracts';
import { singleLine } from '../../shared/bridge-text';
import { formatDurationWords } from '../../shared/duration';
import { htmlEscape } from '../../shared/html-escape';
import { describeMethod } from '../../shared/remediation-words';
import { threadingFor } from './email-threading';
import { manualRecoverySteps } from './manual-recovery-steps';
import { digestLines, digestSubject } from './render-digest';

export const SUBJECTS = {
  critical: '🚨 FIDUS MT5 CRITICAL ALERT',
  warning: '⚠️ FIDUS MT5 WARNING',
  recovery: '✅ FIDUS MT5 RECOVERED',
  escalation: '🆘 FIDUS MT5 ESCALATION: auto-healing failed',
  reminder: '🔁 FIDUS MT5 ESCALATION REMINDER',
  test: 'FIDUS MT5 test alert',
  fleet_breaker: '🛑 FIDUS MT5 FLEET BREAKER: automatic restarts withheld',
  flapping: '🔀 FIDUS MT5 FLAPPING: the bridge keeps going down and up',
  flapping_stopped: '✅ FIDUS MT5 STOPPED FLAPPING',
  digest: '📊 FIDUS MT5 digest',
} as const satisfies Record<AlertEvent['kind'], string>;

/** The runbook's recovery estimate when a restart was initiated. */
export const DEFAULT_EXPECTED_RECOVERY_MS = 5 * 60_000;

export interface RenderContext {
  /** DASHBOARD_URL, without trailing slash. */
  dashboardUrl: string;
  /** owner/repo of the restart workflow, for the escalation's manual steps. */
  githubRepository?: string;
  /** Base URL of each target's bridge, by target id, for the escalation's manual steps. */
  targetUrls?: Record<string, string>;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
}

/** The longest event text shown in an email (an issue, a diagnosis, a step's detail). */
const MAX_FIELD = 1000;

/** An event's text as one clean, bounded line. */
const t = (value: unknown): string => singleLine(String(value ?? ''), MAX_FIELD);

export function renderEmail(event: AlertEvent, ctx: RenderContext): RenderedEmail {
  const dashboard = `${ctx.dashboardUrl.replace(/\/+$/, '')}/system-health`;
  const link = `View System Health: ${dashboard}`;
  const lines = bodyLines(event, ctx, link);
  return {
    subject: event.kind === 'digest' ? digestSubject(event.digest) : SUBJECTS[event.kind],
    text: `${lines.join('\n')}\n`,
    html: toHtml(lines, link, dashboard),
    ...threadingFor(event),
  };
}

function bodyLines(event: AlertEvent, ctx: RenderContext, link: string): string[] {
  switch (event.kind) {
    case 'critical':
      return critical(event, link);
    case 'warning':
      return warning(event, link);
    case 'recovery':
      return recovery(event, link);
    case 'escalation':
      return escalation(event, ctx, link);
    case 'reminder':
      return reminder(event, link);
    case 'fleet_breaker':
      return fleetBreaker(event, link);
    case 'flapping':
      return flapping(event, link);
    case 'flapping_stopped':
      return flappingStopped(event, link);
    case 'digest':
      return digestLines(event.digest, link);
    case 'test':
      return [
        'This is a test alert from fidus-autoheal.',
        'If you can read it, alert emails reach you.',
        '',
        `Timestamp: ${formatUtc(event.at)}`,
        `Target: ${t(event.targetId)}`,
        '',
        link,
      ];
  }
}

function critical(e: CriticalAlert, link: string): string[] {
  const initiated = /^INITIATED\b/.test(e.autoRestart);
  return [
    `Component: ${t(e.component)}`,
    `Status: ${t(e.status)}`,
    'Severity: CRITICAL',
    '',
    `Issue: ${t(e.issue)}`,
    '',
    `Timestamp: ${formatUtc(e.at)}`,
    '',
    `Auto-Restart: ${t(e.autoRestart)}`,
    initiated
      ? `Expected Recovery: ${formatEstimate(e.expectedRecoveryMs ?? DEFAULT_EXPECTED_RECOVERY_MS)}`
      : 'Expected Recovery: not automatic: an operator must act',
    '',
    link,
    '',
    `Target: ${t(e.targetId)}`,
    `Incident: ${t(e.incidentId)}`,
  ];
}

function warning(e: WarningAlert, link: string): string[] {
  const grouped = e.conditions && e.conditions.length > 1 ? e.conditions : undefined;
  // the product's own warnings (GITHUB_TOKEN health) are about fidus-autoheal, not a bridge
  const component = e.conditionKey.startsWith('github_token:') ? 'fidus-autoheal (GITHUB_TOKEN)' : 'MT5 Bridge';
  const lines = [`Component: ${component}`, 'Status: WARNING', 'Severity: WARNING', ''];
  if (grouped) {
    // conditions that fell due together (WARNING_GROUP_WAIT): one block each
    lines.push(`Issue: ${grouped.length} WARNING conditions`);
    for (const c of grouped) lines.push('', `Condition: ${t(c.conditionKey)}`, `Issue: ${t(c.issue)}`, ...reminderLine(c));
    lines.push('', `Timestamp: ${formatUtc(e.at)}`);
  } else {
    lines.push(`Issue: ${t(e.issue)}`, `Condition: ${t(e.conditionKey)}`, '', `Timestamp: ${formatUtc(e.at)}`, ...reminderLine(e));
  }
  lines.push(
    '',
    'Auto-Restart: NOT INITIATED (a warning is email only)',
    '',
    link,
    '',
    `Target: ${t(e.targetId)}`,
  );
  return lines;
}

function reminderLine(c: WarningAlertCondition): string[] {
  if (c.occurrence <= 1) return [];
  return [`Reminder ${c.occurrence - 1}: still observed${c.since ? ` since ${formatUtc(c.since)}` : ''}`];
}

function recovery(e: RecoveryAlert, link: string): string[] {
  return [
    '✅ MT5 Bridge automatically recovered',
    `Recovery method: ${describeMethod(e.method)}`,
    `Recovery time: ${formatDurationWords(e.recoveryTimeMs)}`,
    accountsLine(e.accountsOnline, e.accountsExpected),
    '',
    `Recovered at: ${formatUtc(e.at)}`,
    `Target: ${t(e.targetId)}`,
    `Incident: ${t(e.incidentId)}`,
    '',
    link,
  ];
}

function escalation(e: EscalationAlert, ctx: RenderContext, link: string): string[] {
  const tried = e.attempts.length ? e.attempts.flatMap(describeAttempt) : ['- No restart was attempted.'];
  return [
    '🆘 Auto-healing of MT5 Bridge failed: human action needed',
    '',
    `Target: ${t(e.targetId)}`,
    `Incident: ${t(e.incidentId)}`,
    `Issue: ${t(e.issue)}`,
    `Incident opened: ${formatUtc(e.openedAt)} (open for ${formatDurationWords(elapsed(e.openedAt, e.at))})`,
    `Escalated: ${formatUtc(e.at)}`,
    '',
    'What was tried:',
    ...tried,
    '',
    `Diagnosis: ${t(e.diagnosis)}`,
    '',
    'Automatic restarts of this target are paused until an operator resumes or resolves the incident, or the bridge recovers by itself.',
    '',
    'Manual recovery (If Auto-Healing Fails):',
    ...manualRecoverySteps({
      githubRepository: ctx.githubRepository,
      bridgeUrl: ctx.targetUrls?.[e.targetId],
    }),
    '',
    link,
  ];
}

function fleetBreaker(e: FleetBreakerAlert, link: string): string[] {
  return [
    '🛑 Several MT5 Bridges failed together: a common cause is suspected, automatic restarts are withheld on every target',
    '',
    `Rule: ${t(e.rule)}`,
    `Targets: ${t(e.targets.join(', '))}`,
    `Tripped: ${formatUtc(e.at)}`,
    '',
    'Suspected common cause: the broker, the network, or the worker\'s own host. Restarting every VPS would not fix it.',
    'Probes, incidents, alerts and verification go on; an operator\'s forceRecovery still restarts a target.',
    'Automatic restarts resume by themselves when the incidents close or a target answers again.',
    'To let them go now: autoheal remediation override-breaker --by <name> --reason <text>',
    '',
    link,
  ];
}

function flapping(e: FlappingAlert, link: string): string[] {
  return [
    `🔀 MT5 Bridge is FLAPPING: ${plural(e.incidents, 'incident')} within ${formatEstimate(e.windowMs)}`,
    '',
    'Component: MT5 Bridge',
    'Status: FLAPPING',
    'Severity: CRITICAL',
    '',
    `Issue: ${t(e.issue)}`,
    `Failing checks: ${t(e.checks.join(', ') || 'none recorded')}`,
    `Incidents: ${e.incidents} since ${formatUtc(e.since)}`,
    '',
    `Timestamp: ${formatUtc(e.at)}`,
    '',
    'What happens now:',
    `- Every incident is still recorded and healed, with restarts at least ${formatEstimate(e.restartCooldownMs)} apart (RESTART_COOLDOWN)${e.restartBudget ? ` and at most ${t(e.restartBudget)} (RESTART_BUDGET)` : ''}; an escalation is still emailed.`,
    '- Their CRITICAL and recovery emails are held back: this notice stands for them all.',
    `- One all-clear follows when no incident has opened for ${formatEstimate(e.windowMs)}.`,
    '',
    link,
    '',
    `Target: ${t(e.targetId)}`,
    `Flapping episode: ${t(e.episodeId)}`,
  ];
}

function flappingStopped(e: FlappingStoppedAlert, link: string): string[] {
  const totals = e.totals;
  const open = totals ? e.incidents - totals.closed : 0;
  return [
    `✅ MT5 Bridge stopped flapping: no incident for ${formatEstimate(e.windowMs)}`,
    '',
    `Incidents: ${e.incidents}${open > 0 ? ` (${open} not yet closed: not counted below)` : ''}`,
    `Downtime: ${totals ? formatDurationWords(totals.downtimeMs) : 'unknown (the report could not be read)'}`,
    `Restarts: ${totals ? totals.restarts : 'unknown (the report could not be read)'}`,
    `Failing checks: ${t(e.checks.join(', ') || 'none recorded')}`,
    '',
    `Flapping since: ${formatUtc(e.since)} (recognised ${formatUtc(e.recognisedAt)})`,
    `Settled at: ${formatUtc(e.at)}`,
    `Target: ${t(e.targetId)}`,
    `Flapping episode: ${t(e.episodeId)}`,
    '',
    'The next incident of this target alerts as usual.',
    '',
    link,
  ];
}

function reminder(e: ReminderAlert, link: string): string[] {
  return [
    `🔁 MT5 Bridge is still not recovered (reminder ${e.reminder})`,
    '',
    `Target: ${t(e.targetId)}`,
    `Incident: ${t(e.incidentId)}`,
    `Issue: ${t(e.issue)}`,
    `Incident opened: ${formatUtc(e.openedAt)} (open for ${formatDurationWords(elapsed(e.openedAt, e.at))})`,
    `Timestamp: ${formatUtc(e.at)}`,
    '',
    'The incident is escalated and not acknowledged; automatic restarts of this target are paused.',
    'Acknowledge the incident in the dashboard to stop these reminders.',
    '',
    link,
  ];
}

const OUTCOMES: Record<AttemptRecord['outcome'], string> = {
  recovered: 'recovered',
  not_recovered: 'not recovered (verification timed out)',
  dispatch_failed: 'dispatch failed',
  restart_failed: 'the restart job failed',
  skipped: 'skipped',
  in_progress: 'in progress',
  dry_run_not_recovered: 'not recovered (dry run: nothing was sent; not a failed restart)',
};

function describeAttempt(a: AttemptRecord): string[] {
  const when = a.dispatchedAt ? `, dispatched ${formatUtc(a.dispatchedAt)}` : '';
  const ended = a.endedAt ? ` (ended ${formatUtc(a.endedAt)})` : '';
  const line = `- Attempt ${a.attempt} (${describeMethod(a.method)}${when}): ${OUTCOMES[a.outcome]}: ${t(a.detail)}${ended}`;
  return a.run ? [line, `  ${describeRun(a.run)}`] : [line];
}

/** "GitHub Actions run: <url> (failure)", or "(queued)" / "(in progress)" before it ends. */
export function describeRun(run: NonNullable<AttemptRecord['run']>): string {
  const state = run.status === 'completed' ? (run.conclusion ?? 'completed') : run.status === 'in_progress' ? 'in progress' : 'queued';
  return `GitHub Actions run: ${t(run.url)} (${t(state)})`;
}

/** "All 7 accounts online with live balances", or the honest count when fewer. */
export function accountsLine(online: number, expected: number): string {
  if (online >= expected) return `All ${online} accounts online with live balances`;
  return `${online} of ${expected} accounts online with live balances (${expected - online} not reporting live data yet)`;
}

/** "5 minutes" for whole minutes, else "4 minutes 30 seconds". */
function formatEstimate(ms: number): string {
  if (ms % 60_000 === 0 && ms > 0) {
    const minutes = ms / 60_000;
    return minutes % 60 === 0 ? plural(minutes / 60, 'hour') : plural(minutes, 'minute');
  }
  return formatDurationWords(ms);
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

function elapsed(fromIso: string, toIso: string): number {
  const d = Date.parse(toIso) - Date.parse(fromIso);
  return Number.isFinite(d) ? Math.max(0, d) : 0;
}

/** The same lines as HTML: paragraphs at blank lines, everything escaped, the dashboard link the only link. */
function toHtml(lines: string[], linkLine: string, dashboardUrl: string): string {
  const paragraphs: string[][] = [[]];
  for (const line of lines) {
    if (line === '') paragraphs.push([]);
    else (paragraphs[paragraphs.length - 1] as string[]).push(line);
  }
  const render = (line: string) =>
    line === linkLine
      ? `View System Health: <a href="${htmlEscape(dashboardUrl)}">${htmlEscape(dashboardUrl)}</a>`
      : htmlLine(line);
  const body = paragraphs
    .filter((p) => p.length)
    .map((p) => `<p>${p.map(render).join('<br>\n')}</p>`)
    .join('\n');
  return `<!doctype html>\n<html><body style="font-family: sans-serif; font-size: 14px;">\n${body}\n</body></html>\n`;
}

function htmlLine(line: string): string {
  let indent = 0;
  while (line.charCodeAt(indent) === 32) indent += 1;
  return '&nbsp;'.repeat(indent) + htmlEscape(line.slice(indent));
}
