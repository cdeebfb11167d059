import type { AppConfig } from './load-config';
import { credentialParams } from './schema';
import { heartbeatUrlSecrets } from './heartbeat-url';
import { channelSecrets } from './alert-channels';

/**
 * Every secret value the configuration holds: scrubbed from logs and from what the dashboard
 * serves. RESTART_URL (and a target's restart URL) may carry the bridge's admin token in its
 * query string (`/api/admin/emergency-restart?token=…`): its query counts as a secret too.
 */
export function configSecrets(config: AppConfig): string[] {
  return [
    config.dashboard.token,
    config.remediation.github.token,
    config.remediation.webhook.token,
    ...Object.values(config.remediation.webhook.targetTokens ?? {}),
    ...Object.values(config.remediation.reinit?.targetTokens ?? {}),
    config.smtp.password,
    config.temporal.apiKey,
    config.temporal.connection?.apiKey,
    config.temporal.tlsKey,
    ...restartUrlSecrets([config.remediation.webhook.url, ...config.targets.map((t) => t.restartUrl)]),
    ...heartbeatUrlSecrets(config.heartbeat?.url),
    ...channelSecrets(config.channels),
  ].filter((s): s is string => typeof s === 'string' && s.length >= 4);
}

/**
 * The query of each restart URL and the values of its credential-like parameters, raw and
 * decoded, longest first (a value inside the whole query is scrubbed with it).
 */
export function restartUrlSecrets(urls: ReadonlyArray<string | undefined>): string[] {
  const secrets: string[] = [];
  for (const text of urls) {
    if (!text) continue;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      continue; // an invalid URL is refused at start-up; nothing to scrub
    }
    const query = url.search.slice(1);
    if (query) secrets.push(query);
    const names = new Set(credentialParams(url));
    for (const part of query.split('&')) {
      const at = part.indexOf('=');
      if (at > 0 && names.has(decodeQueryPart(part.slice(0, at)))) secrets.push(part.slice(at + 1));
    }
    for (const name of names) secrets.push(...url.searchParams.getAll(name));
  }
  return [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
}

function decodeQueryPart(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
