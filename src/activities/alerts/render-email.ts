/**
 * The alert emails, rendered from an alert event alone (pure): the runbook's wording for the
 * CRITICAL alert and the recovery confirmation, and clear subjects for the others. Plain text
 * and a simple HTML part of the same lines. Events carry no secret, and nothing is added here.
 */
import { formatUtc } from '../../shared/time-format';
import type {
  AlertEvent,
  AttemptRecord,
  CriticalAlert,
  EscalationAlert,
  RecoveryAlert,
  ReminderAlert,
  WarningAlert,
} from '../../shared/contracts';
import { formatDurationWords } from '../../shared/duration';
import { describeMethod } from '../../shared/remediation-words';
import { threadingFor } from './email-threading';
import { manualRecoverySteps } from './manual-recovery-steps';

export const SUBJECTS = {
  critical: '🚨 FIDUS MT5 CRITICAL ALERT',
  warning: '⚠️ FIDUS MT5 WARNING',
  recovery: '✅ FIDUS MT5 RECOVERED',
  escalation: '🆘 FIDUS MT5 ESCALATION: auto-healing failed',
  reminder: '🔁 FIDUS MT5 ESCALATION REMINDER',
  test: 'FIDUS MT5 test alert',
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

export function renderEmail(event: AlertEvent, ctx: RenderContext): RenderedEmail {
  const link = `View System Health: ${ctx.dashboardUrl.replace(/\/+$/, '')}/system-health`;
  const lines = bodyLines(event, ctx, link);
  return {
    subject: SUBJECTS[event.kind],
    text: `${lines.join('\n')}\n`,
    html: toHtml(lines),
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
    case 'test':
      return [
        'This is a test alert from fidus-autoheal.',
        'If you can read it, alert emails reach you.',
        '',
        `Timestamp: ${formatUtc(event.at)}`,
        `Target: ${event.targetId}`,
        '',
        link,
      ];
  }
}

function critical(e: CriticalAlert, link: string): string[] {
  const initiated = /^INITIATED\b/.test(e.autoRestart);
  return [
    `Component: ${e.component}`,
    `Status: ${e.status}`,
    'Severity: CRITICAL',
    '',
    `Issue: ${e.issue}`,
    '',
    `Timestamp: ${formatUtc(e.at)}`,
    '',
    `Auto-Restart: ${e.autoRestart}`,
    initiated
      ? `Expected Recovery: ${formatEstimate(e.expectedRecoveryMs ?? DEFAULT_EXPECTED_RECOVERY_MS)}`
      : 'Expected Recovery: not automatic: an operator must act',
    '',
    link,
    '',
    `Target: ${e.targetId}`,
    `Incident: ${e.incidentId}`,
  ];
}

function warning(e: WarningAlert, link: string): string[] {
  const lines = [
    'Component: MT5 Bridge',
    'Status: WARNING',
    'Severity: WARNING',
    '',
    `Issue: ${e.issue}`,
    `Condition: ${e.conditionKey}`,
    '',
    `Timestamp: ${formatUtc(e.at)}`,
  ];
  if (e.occurrence > 1) {
    lines.push(
      `Reminder ${e.occurrence - 1}: still observed${e.since ? ` since ${formatUtc(e.since)}` : ''}`,
    );
  }
  lines.push(
    '',
    'Auto-Restart: NOT INITIATED (a warning is email only)',
    '',
    link,
    '',
    `Target: ${e.targetId}`,
  );
  return lines;
}

function recovery(e: RecoveryAlert, link: string): string[] {
  return [
    '✅ MT5 Bridge automatically recovered',
    `Recovery method: ${describeMethod(e.method)}`,
    `Recovery time: ${formatDurationWords(e.recoveryTimeMs)}`,
    accountsLine(e.accountsOnline, e.accountsExpected),
    '',
    `Recovered at: ${formatUtc(e.at)}`,
    `Target: ${e.targetId}`,
    `Incident: ${e.incidentId}`,
    '',
    link,
  ];
}

function escalation(e: EscalationAlert, ctx: RenderContext, link: string): string[] {
  const tried = e.attempts.length ? e.attempts.map(describeAttempt) : ['- No restart was attempted.'];
  return [
    '🆘 Auto-healing of MT5 Bridge failed: human action needed',
    '',
    `Target: ${e.targetId}`,
    `Incident: ${e.incidentId}`,
    `Issue: ${e.issue}`,
    `Incident opened: ${formatUtc(e.openedAt)} (open for ${formatDurationWords(elapsed(e.openedAt, e.at))})`,
    `Escalated: ${formatUtc(e.at)}`,
    '',
    'What was tried:',
    ...tried,
    '',
    `Diagnosis: ${e.diagnosis}`,
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

function reminder(e: ReminderAlert, link: string): string[] {
  return [
    `🔁 MT5 Bridge is still not recovered (reminder ${e.reminder})`,
    '',
    `Target: ${e.targetId}`,
    `Incident: ${e.incidentId}`,
    `Issue: ${e.issue}`,
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
  skipped: 'skipped',
  in_progress: 'in progress',
};

function describeAttempt(a: AttemptRecord): string {
  const when = a.dispatchedAt ? `, dispatched ${formatUtc(a.dispatchedAt)}` : '';
  const ended = a.endedAt ? ` (ended ${formatUtc(a.endedAt)})` : '';
  return `- Attempt ${a.attempt} (${describeMethod(a.method)}${when}): ${OUTCOMES[a.outcome]}: ${a.detail}${ended}`;
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

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/** The same lines as HTML: paragraphs at blank lines, links clickable, everything escaped. */
function toHtml(lines: string[]): string {
  const paragraphs: string[][] = [[]];
  for (const line of lines) {
    if (line === '') paragraphs.push([]);
    else (paragraphs[paragraphs.length - 1] as string[]).push(line);
  }
  const body = paragraphs
    .filter((p) => p.length)
    .map((p) => `<p>${p.map(htmlLine).join('<br>\n')}</p>`)
    .join('\n');
  return `<!doctype html>\n<html><body style="font-family: sans-serif; font-size: 14px;">\n${body}\n</body></html>\n`;
}

function htmlLine(line: string): string {
  const indent = line.match(/^ */)?.[0].length ?? 0;
  const escaped = escapeHtml(line.trimStart()).replace(
    /https?:\/\/[^\s<]+/g,
    (url) => `<a href="${url}">${url}</a>`,
  );
  return '&nbsp;'.repeat(indent) + escaped;
}
