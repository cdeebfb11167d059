/**
 * One notifier interface for the alert channels besides email. Each channel is a small file
 * (slack.ts, telegram.ts, webhook.ts, pagerduty.ts) that builds its request from the event and
 * posts it over injected HTTP (`fetch`) with an injected clock. A channel holds its own secret
 * (a URL, a token, a routing key) in the closure the worker built: nothing that leaves it (an
 * answer, an error) carries that secret.
 */
import type { AlertChannelName, ChannelEvent } from '../../../shared/contracts';
import { AutohealError } from '../../../shared/errors';

export interface ChannelDeps {
  /** HTTP; default the global fetch. Tests inject it, or point the channel at a loopback double. */
  fetch?: typeof fetch;
  /** The clock (timestamps in payloads); default the system clock. */
  now?: () => Date;
  /** DASHBOARD_URL: the link put in messages. */
  dashboardUrl: string;
  /** Time allowed for one request (ms); default 15 s, short of the activity's 2 min. */
  timeoutMs?: number;
}

/** What the channel answered, without a secret. */
export interface ChannelAnswer {
  status: number;
  /** A short summary of the answer ("ok", "dedup_key <incident>"). */
  detail: string;
}

export interface AlertChannel {
  name: AlertChannelName;
  /** How it is configured, for doctor and the start-up lines: never the secret. */
  shown: string;
  send(event: ChannelEvent): Promise<ChannelAnswer>;
}

/** The channel refused the request (4xx: a revoked URL, a bad token or routing key): retrying can't fix it. */
export class ChannelRefusedError extends AutohealError {
  constructor(
    readonly channel: AlertChannelName,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The channel is down, slow, or asked us to wait (timeout, socket error, 408, 429, 5xx): retry later. */
export class ChannelUnavailableError extends AutohealError {
  constructor(
    readonly channel: AlertChannelName,
    message: string,
  ) {
    super(message);
  }
}

export const DEFAULT_CHANNEL_TIMEOUT_MS = 15_000;
/** The longest piece of a channel's answer quoted in an error. */
const MAX_QUOTED = 200;

/**
 * POSTs JSON to a channel and sorts the answer: 2xx returned, 408/429/5xx and no answer
 * `ChannelUnavailableError`, any other status `ChannelRefusedError`. Errors name the channel,
 * the status and a bounded part of its answer; never the URL (it may be the secret).
 */
export async function postJson(
  channel: AlertChannelName,
  url: string,
  body: unknown,
  deps: ChannelDeps,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  let res: Response;
  try {
    res = await (deps.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(deps.timeoutMs ?? DEFAULT_CHANNEL_TIMEOUT_MS),
    });
  } catch (err) {
    throw new ChannelUnavailableError(channel, `${channel} did not answer (${networkReason(err)})`);
  }
  const text = await res.text().catch(() => '');
  if (res.ok) return { status: res.status, text };
  const quoted = text.replace(/\s+/g, ' ').trim().slice(0, MAX_QUOTED);
  const said = `${channel} answered HTTP ${res.status}${quoted ? `: ${quoted}` : ''}`;
  if (res.status === 408 || res.status === 429 || res.status >= 500) throw new ChannelUnavailableError(channel, said);
  throw new ChannelRefusedError(channel, res.status, said);
}

/** The code of a network failure (ECONNREFUSED, a timeout), never the message (it may quote the URL). */
function networkReason(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out';
  return e?.cause?.code ?? e?.code ?? e?.cause?.name ?? 'network error';
}
