/**
 * One direct restart (REMEDIATION=webhook): `POST <restart URL>` of the target's bridge with
 * `Authorization: Bearer RESTART_TOKEN` and `Idempotency-Key: <incidentId>-<attempt>`, so that a
 * retry of the same attempt (after a timeout, say) can be recognised by the bridge. Minutes
 * faster than the Actions queue. Any 2xx is a receipt, `success: false` included: only the
 * verification probes decide whether the bridge recovered.
 */
import axios, { type AxiosInstance } from 'axios';
import type { RemediationReceipt, RemediationRequest } from '../../shared/contracts';
import { diagnoseWebhookRestart } from './diagnose-webhook';
import { RemediationNotConfiguredError } from './errors';
import { normalizeHeaders, shortText, type HttpOutcome } from './http-outcome';
import { safeUrl, withoutCredentials } from './safe-url';

export interface WebhookRemediation {
  /** The HTTP client; default a plain axios instance. */
  http?: AxiosInstance;
  /** The restart URL of a target (its restartUrl, else RESTART_URL); undefined: none configured. */
  urlFor: (targetId: string) => string | undefined;
  /** RESTART_TOKEN; sent as a bearer token (when `tokenFor` is not given). */
  token?: string;
  /**
   * The bearer token of a target's own restart endpoint (src/config/restart-routes.ts); when
   * given, it alone decides: a target without a token of its own is sent none, never another's.
   */
  tokenFor?: (targetId: string) => string | undefined;
  /** The name of the variable a target's token comes from, for diagnoses; default RESTART_TOKEN. */
  tokenNameFor?: (targetId: string) => string | undefined;
  /** One HTTP call; default 25 s (inside the activity's 30 s start-to-close). */
  timeoutMs?: number;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 25_000;

/** The Idempotency-Key of one attempt of one incident. */
export const idempotencyKey = (request: RemediationRequest): string =>
  `${request.incidentId}-${request.attempt}`;

export async function dispatchViaWebhook(
  webhook: WebhookRemediation,
  request: RemediationRequest,
  now: Date,
  signal?: AbortSignal,
): Promise<RemediationReceipt> {
  const rawUrl = webhook.urlFor(request.targetId);
  if (!rawUrl) {
    throw new RemediationNotConfiguredError({
      diagnosis: `No restart URL is configured for target ${request.targetId}, so it cannot be restarted directly`,
      fix: 'Set RESTART_URL (or restartUrl of this target in AUTOHEAL_TARGETS_FILE) to the bridge restart endpoint, e.g. http://VPS:8000/api/system/full-restart',
    });
  }
  const url = safeUrl(rawUrl);
  const token = webhook.tokenFor ? webhook.tokenFor(request.targetId) : webhook.token;
  const timeoutMs = webhook.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  const http = webhook.http ?? axios.create();

  let outcome: HttpOutcome;
  let data: unknown;
  try {
    const res = await http.post(
      withoutCredentials(rawUrl),
      { reason: request.reason, incident_id: request.incidentId, attempt: request.attempt },
      {
        headers: {
          'Content-Type': 'application/json',
          'Idempotency-Key': idempotencyKey(request),
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
        timeout: timeoutMs,
        maxRedirects: 0,
        validateStatus: () => true,
        ...(signal ? { signal } : {}),
      },
    );
    data = res.data;
    outcome = {
      kind: 'response',
      status: res.status,
      headers: normalizeHeaders(res.headers as Record<string, unknown>),
      message: messageOf(res.data),
    };
  } catch (err) {
    if (signal?.aborted) throw err; // the activity was cancelled: no diagnosis to give
    const e = err as { code?: string; message?: string };
    const timedOut = e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT';
    outcome = {
      kind: 'network',
      reason: timedOut ? `timeout after ${timeoutMs} ms` : e.message || e.code || 'network error',
    };
  }

  const error = diagnoseWebhookRestart(outcome, {
    url,
    now,
    tokenSet: Boolean(token),
    tokenName: webhook.tokenNameFor?.(request.targetId),
  });
  if (error) throw error;
  const status = outcome.kind === 'response' ? outcome.status : 0;
  return {
    method: 'webhook',
    dispatchedAt: now.toISOString(),
    detail: `POST ${url} (HTTP ${status}${describeSuccess(data)})`,
  };
}

/** ", success: false: IPC timeout; verification decides" and the like. */
export function describeSuccess(data: unknown): string {
  if (!data || typeof data !== 'object' || !('success' in data)) return '';
  const success = (data as { success: unknown }).success;
  const said = messageOf(data);
  if (success === false) return `, success: false${said ? `: ${said}` : ''}; verification decides`;
  return `, success: ${String(success)}`;
}

/** The bridge's own explanation: message, error or detail, shortened. */
export function messageOf(data: unknown): string | undefined {
  if (typeof data === 'string') return shortText(data, 160);
  if (!data || typeof data !== 'object') return undefined;
  const d = data as Record<string, unknown>;
  for (const key of ['message', 'error', 'detail']) {
    const value = d[key];
    if (typeof value === 'string') return shortText(value, 160);
  }
  return undefined;
}
