import type { AppConfig } from '../config/load-config';
import { formatDuration } from '../shared/duration';
import { describeRemediation } from '../activities/remediation';
import { shownHeartbeatUrl } from '../config/heartbeat-url';
import { configuredChannels } from '../config/alert-channels';
import { buildChannels } from '../activities/alerts/channels';

export interface StartupLine {
  level: 'info' | 'warn';
  text: string;
}

/**
 * What the worker says at start: what it watches, how it heals, where alerts go, and every
 * degraded part in plain words (a missing token once disabled healing silently for days).
 */
export function describeStartup(config: AppConfig, runtime: { runtimeMetricsAddress?: string } = {}): StartupLine[] {
  const lines: StartupLine[] = [];
  if (config.demo) {
    lines.push({
      level: 'warn',
      text: '⚠️  DEMO MODE: MT5_BRIDGE_URL is not set, so the built-in MT5 Bridge simulator is being watched, not a real bridge.',
    });
  }
  for (const { target, policy } of config.targets) {
    lines.push({
      level: 'info',
      text: `Watching ${target.id} at ${target.url}: every ${formatDuration(policy.checkIntervalMs)}, ${target.expectedAccounts} accounts expected, sync rate CRITICAL below ${Math.round(target.syncRateCritical * 100)}%`,
    });
  }
  const remediation = describeRemediation(config);
  for (const text of remediation.lines) lines.push({ level: remediation.level, text });
  if (config.smtp.recipients.length === 0) {
    lines.push({
      level: 'warn',
      text: '⚠️  ALERT_RECIPIENT_EMAIL is not set: no alert email can be sent (in-app notifications and logs only). Set ALERT_RECIPIENT_EMAIL to a comma list of addresses.',
    });
  } else if (!config.smtp.username || !config.smtp.password) {
    lines.push({
      level: 'warn',
      text: `⚠️  SMTP_USERNAME or SMTP_APP_PASSWORD is not set: sending through ${config.smtp.host}:${config.smtp.port} without login; most providers refuse that.`,
    });
  } else {
    lines.push({ level: 'info', text: `Alerts: email to ${config.smtp.recipients.join(', ')} via ${config.smtp.host}:${config.smtp.port}` });
  }
  lines.push(describeHeartbeat(config));
  lines.push(describeChannels(config));
  if (config.workerMetrics !== 'off') {
    lines.push({
      level: 'info',
      text: runtime.runtimeMetricsAddress
        ? `Worker runtime metrics (temporal_*: schedule-to-start latency, slots, pollers) on the dashboard's /metrics, exported by the SDK at ${runtime.runtimeMetricsAddress}`
        : 'Worker runtime metrics: not exported (see the warning above)',
    });
  }
  return lines;
}

/** The alert channels besides email: where each posts (never its secret) and what it gets. */
function describeChannels(config: AppConfig): StartupLine {
  const names = configuredChannels(config.channels);
  if (!names.length) return { level: 'info', text: 'Alert channels: email and the in-app feed (no Slack, Telegram, webhook or PagerDuty configured)' };
  const channels = buildChannels(config.channels, { dashboardUrl: config.dashboard.url });
  const parts = names.map((n) => `${channels[n]?.shown} gets ${(config.channels?.routes[n] ?? []).join(' and ') || 'nothing'}`);
  return { level: 'info', text: `Alert channels: email, in-app, ${parts.join('; ')}` };
}

/** The dead man's switch: where it reports (service and origin only: the URL holds a token), or that nothing outside watches. */
function describeHeartbeat(config: AppConfig): StartupLine {
  const hb = config.heartbeat;
  if (!hb?.url) {
    return {
      level: 'info',
      text: 'Heartbeat: HEARTBEAT_URL is not set: nothing outside this worker notices when it stops. Set it to a healthchecks.io or Uptime Kuma push URL (docs/watching-the-watcher.md)',
    };
  }
  return {
    level: 'info',
    text: `Heartbeat: ${shownHeartbeatUrl(hb.url)} every ${formatDuration(hb.intervalMs)} while Temporal answers and every monitor's probe is current; withheld (or failure reported) otherwise`,
  };
}
