/**
 * The worker's start-up statement about automatic restart. The deployed system's missing token
 * silently disabled healing for days: here "off" is said plainly, with the reason.
 */
import type { AppConfig } from '../../config/load-config';
import { safeUrl } from './safe-url';

export interface RemediationDescription {
  level: 'info' | 'warn';
  lines: string[];
}

export function describeRemediation(config: AppConfig): RemediationDescription {
  const described = describeMethodOf(config);
  const ladders = ladderLines(config);
  return ladders.length ? { ...described, lines: [...described.lines, ...ladders] } : described;
}

/** One line per distinct ladder other than the default single full restart: what each target tries first. */
function ladderLines(config: AppConfig): string[] {
  if (config.remediation.method === 'none') return [];
  const byLadder = new Map<string, string[]>();
  for (const t of config.targets) {
    if (!t.policy.ladder) continue;
    const words = [...t.policy.ladder.map((r) => (r.rung === 'reinit' ? `reinit (verified within ${Math.round(r.verifyTimeoutMs / 1000)} s)` : r.rung)), 'people'].join(' → ');
    byLadder.set(words, [...(byLadder.get(words) ?? []), t.target.id]);
  }
  return [...byLadder].map(([words, ids]) =>
    `Remediation ladder${config.targets.length > 1 ? ` of ${ids.join(', ')}` : ''}: ${words}; the diagnosis picks the first rung (a bridge that does not answer skips reinit)`,
  );
}

function describeMethodOf(config: AppConfig): RemediationDescription {
  const r = config.remediation;
  if (r.method === 'github') {
    if (!r.github.token || !r.github.repository) {
      return {
        level: 'warn',
        lines: [
          `❌ Automatic restart is OFF: REMEDIATION=github but ${!r.github.token ? 'GITHUB_TOKEN' : 'GITHUB_REPOSITORY'} is not set.`,
          'Alerts still go out (email and in-app); CRITICAL incidents escalate to the support contacts without a restart.',
        ],
      };
    }
    return {
      level: 'info',
      lines: [
        '✅ GITHUB_TOKEN configured',
        `Automatic restart: repository_dispatch "${r.github.eventType}" to ${r.github.repository} (${r.github.apiUrl})`,
        ...(config.targets.length > 1
          ? [
              `Each dispatch carries client_payload.target (${config.targets.map((t) => t.target.id).join(', ')}); the restart workflow picks that target's VPS (GITHUB_ROUTES_BY_TARGET=true)`,
            ]
          : []),
      ],
    };
  }
  if (r.method === 'dry-run') {
    return {
      level: 'warn',
      lines: [
        '⚠️  DRY RUN (REMEDIATION=dry-run): probes, incidents, alerts and verification run; each restart that would be sent is recorded in the timeline and emailed as "DRY RUN: would have restarted", and none is sent.',
      ],
    };
  }
  if (r.method === 'webhook') {
    const tokens = r.webhook.targetTokens;
    const urls = [
      ...new Set(
        config.targets.map((t) =>
          t.restartUrl
            ? `${t.target.id}: POST ${safeUrl(t.restartUrl)}${tokens[t.target.id] ? ` with the token of ${t.restartTokenEnv ?? 'RESTART_TOKEN'}` : ''}`
            : `${t.target.id}: no restart URL`,
        ),
      ),
    ];
    const missing = config.targets.filter((t) => !t.restartUrl).map((t) => t.target.id);
    const tokenless = config.targets.filter((t) => !tokens[t.target.id]).map((t) => t.target.id);
    const lines = [
      `✅ Direct restart configured (${r.reason})`,
      ...urls.map((u) => `Automatic restart: ${u}`),
    ];
    if (tokenless.length && config.targets.length === 1)
      lines.push('⚠️ RESTART_TOKEN is not set: restart requests go without Authorization');
    else if (tokenless.length)
      lines.push(`⚠️ No restartTokenEnv for ${tokenless.join(', ')}: their restart requests go without Authorization`);
    if (missing.length)
      lines.push(
        `⚠️ No restart URL for ${missing.join(', ')}: those targets are alerted and escalated, never restarted`,
      );
    return { level: !tokenless.length && !missing.length ? 'info' : 'warn', lines };
  }
  return {
    level: 'warn',
    lines: [
      `⚠️ Automatic restart is OFF: ${r.reason}.`,
      'Alerts still go out (email and in-app); CRITICAL incidents escalate to the support contacts without a restart.',
    ],
  };
}
