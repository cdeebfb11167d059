/**
 * The ladder's `reinit` rung: `POST <bridge>/api/admin/emergency-restart?token=<ADMIN_SECRET_TOKEN>`
 * on the target's own bridge (variant A), which shuts the terminal API down and initialises it
 * again in seconds. It cures a terminal that lost its broker link or its trading permission, not a
 * dead process, database or VPS (those get the full restart).
 *
 * The token travels in the query string, so the URL is a secret: it is built by the worker from
 * the target's bridge URL and its admin token (src/workers/remediation-deps-from-config.ts), never
 * logged, stored or shown; receipts and diagnoses carry it without its query. Every call carries
 * `Idempotency-Key: <incidentId>-<attempt>`, like the webhook, so a bridge that honours it
 * re-initialises once per attempt (a bridge that ignores it re-initialises again on a retry: a
 * matter of seconds, never a full restart). Any 2xx is a receipt, `success: false` included: only
 * the verification probes decide.
 */
import axios, { type AxiosInstance } from 'axios';
import type { RemediationReceipt, RemediationRequest } from '../../shared/contracts';
import { diagnoseWebhookRestart } from './diagnose-webhook';
import { describeSuccess, idempotencyKey, messageOf } from './dispatch-webhook';
import { RemediationNotConfiguredError, RemediationTargetNotFoundError } from './errors';
import { normalizeHeaders, type HttpOutcome } from './http-outcome';
import { safeUrl } from './safe-url';

export const EMERGENCY_RESTART_PATH = '/api/admin/emergency-restart';

export interface ReinitRemediation {
  /** The HTTP client; default a plain axios instance. */
  http?: AxiosInstance;
  /** The emergency-restart URL of a target's bridge, its `?token=` included (a secret); undefined: no reinit route. */
  urlFor: (targetId: string) => string | undefined;
  /** The name of the variable a target's admin token comes from, for diagnoses; default REINIT_TOKEN. */
  tokenNameFor?: (targetId: string) => string | undefined;
  /** One HTTP call; default 25 s (inside the activity's 30 s start-to-close). */
  timeoutMs?: number;
}

/** The emergency-restart URL of a bridge, with its admin token (a secret: build it only in the worker). */
export function emergencyRestartUrl(bridgeUrl: string, token: string): string {
  return `${bridgeUrl.replace(/\/+$/, '')}${EMERGENCY_RESTART_PATH}?token=${encodeURIComponent(token)}`;
}

export async function dispatchViaReinit(
  reinit: ReinitRemediation | undefined,
  request: RemediationRequest,
  now: Date,
  signal?: AbortSignal,
): Promise<RemediationReceipt> {
  const rawUrl = reinit?.urlFor(request.targetId);
  const tokenName = reinit?.tokenNameFor?.(request.targetId) ?? 'REINIT_TOKEN';
  if (!reinit || !rawUrl) {
    throw new RemediationNotConfiguredError({
      diagnosis: `No reinit route is configured for target ${request.targetId}: the bridge's emergency-restart needs its admin token (${tokenName}), and this worker has none`,
      fix: `Set ${tokenName} to the bridge's ADMIN_SECRET_TOKEN in the worker environment and restart the worker, or remove reinit from the target's ladder (REMEDIATION_LADDER)`,
    });
  }
  const url = safeUrl(rawUrl);
  const timeoutMs = reinit.timeoutMs ?? 25_000;
  const http = reinit.http ?? axios.create();
  let outcome: HttpOutcome;
  let data: unknown;
  try {
    const res = await http.post(
      rawUrl,
      { reason: request.reason, incident_id: request.incidentId, attempt: request.attempt },
      {
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey(request) },
        timeout: timeoutMs,
        maxRedirects: 0,
        validateStatus: () => true,
        ...(signal ? { signal } : {}),
      },
    );
    data = res.data;
    outcome = { kind: 'response', status: res.status, headers: normalizeHeaders(res.headers as Record<string, unknown>), message: messageOf(res.data) };
  } catch (err) {
    if (signal?.aborted) throw err;
    const e = err as { code?: string; message?: string };
    const timedOut = e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT';
    outcome = { kind: 'network', reason: timedOut ? `timeout after ${timeoutMs} ms` : e.message || e.code || 'network error' };
  }
  if (outcome.kind === 'response' && (outcome.status === 404 || outcome.status === 405)) {
    throw new RemediationTargetNotFoundError({
      httpStatus: outcome.status,
      diagnosis: `The bridge has no emergency-restart (HTTP ${outcome.status} from ${url}): the "4.0-multi-account" bridge (variant B) has none, so it cannot be re-initialised`,
      fix: `Remove reinit from this target's ladder (its ladder in AUTOHEAL_TARGETS_FILE, or REMEDIATION_LADDER=full-restart); the full restart cures what reinit would`,
    });
  }
  const error = diagnoseWebhookRestart(outcome, { url, now, tokenSet: true, tokenName });
  if (error) throw error;
  const status = outcome.kind === 'response' ? outcome.status : 0;
  return {
    method: 'reinit',
    dispatchedAt: now.toISOString(),
    detail: `MT5 re-initialisation: POST ${url} (HTTP ${status}${describeSuccess(data)})`,
  };
}
