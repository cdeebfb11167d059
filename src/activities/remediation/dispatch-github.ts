/**
 * One restart through GitHub Actions: `POST /repos/{owner}/{repo}/dispatches` with the event
 * the restart workflow listens to (deploy/github/mt5-full-restart.yml). Success is HTTP 204 only.
 */
import type { Octokit } from '@octokit/rest';
import type { RemediationReceipt, RemediationRequest } from '../../shared/contracts';
import { restartRunTitle } from '../../shared/restart-run';
import { diagnoseGithubDispatch } from './diagnose-github';
import { idempotencyKey } from './dispatch-webhook';
import { normalizeHeaders, type HttpOutcome } from './http-outcome';

export interface GithubRemediation {
  octokit: Octokit;
  /** owner/repo that holds the restart workflow. */
  repository: string;
  /** repository_dispatch event_type, GITHUB_EVENT_TYPE. */
  eventType: string;
  /** For diagnoses only; defaults to Octokit's base URL. */
  apiUrl?: string;
  /** One HTTP call; default 15 s. */
  timeoutMs?: number;
}

export const DEFAULT_GITHUB_TIMEOUT_MS = 15_000;

/**
 * The repository_dispatch body: the runbook's client_payload plus incident id, attempt, target and
 * the attempt's idempotency key (`<incident>-<attempt>`, the webhook's Idempotency-Key): the
 * shipped restart workflow skips a key that already ran, so a dispatch retried after a lost
 * answer does not restart the VPS twice.
 */
export function dispatchBody(eventType: string, request: RemediationRequest, now: Date) {
  return {
    event_type: eventType,
    client_payload: {
      trigger: request.trigger,
      reason: request.reason,
      timestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      incident_id: request.incidentId,
      attempt: request.attempt,
      target: request.targetId,
      idempotency_key: idempotencyKey(request),
    },
  };
}

export async function dispatchViaGithub(
  github: GithubRemediation,
  request: RemediationRequest,
  now: Date,
  signal?: AbortSignal,
): Promise<RemediationReceipt> {
  const [owner, repo] = github.repository.split('/') as [string, string];
  const apiUrl = github.apiUrl ?? String(github.octokit.request.endpoint.DEFAULTS.baseUrl);
  const timeoutMs = github.timeoutMs ?? DEFAULT_GITHUB_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const body = dispatchBody(github.eventType, request, now);

  let outcome: HttpOutcome;
  try {
    const res = await github.octokit.request('POST /repos/{owner}/{repo}/dispatches', {
      owner,
      repo,
      ...body,
      request: { signal: signal ? AbortSignal.any([timeout, signal]) : timeout },
    });
    outcome = { kind: 'response', status: res.status, headers: normalizeHeaders(res.headers) };
  } catch (err) {
    if (signal?.aborted) throw err; // the activity was cancelled: no diagnosis to give
    outcome = toOutcome(err, timeout.aborted ? `timeout after ${timeoutMs} ms` : undefined);
  }

  const error = diagnoseGithubDispatch(outcome, {
    repository: github.repository,
    eventType: github.eventType,
    apiUrl,
    now,
  });
  if (error) throw error;
  return {
    method: 'github',
    dispatchedAt: now.toISOString(),
    detail: `repository_dispatch ${github.eventType} to ${github.repository} (HTTP 204)`,
    runTitle: restartRunTitle(request),
  };
}

/** An Octokit RequestError with a response is an answer; without one it is a network error. */
function toOutcome(err: unknown, timedOut: string | undefined): HttpOutcome {
  if (timedOut) return { kind: 'network', reason: timedOut };
  const e = err as {
    status?: number;
    response?: { status: number; headers?: Record<string, unknown>; data?: unknown };
    message?: string;
    name?: string;
  };
  if (e.response && typeof e.response.status === 'number') {
    const data = e.response.data as { message?: unknown } | string | undefined;
    const message =
      typeof data === 'string' ? data : typeof data?.message === 'string' ? data.message : undefined;
    return {
      kind: 'response',
      status: e.response.status,
      headers: normalizeHeaders(e.response.headers),
      message,
    };
  }
  return { kind: 'network', reason: e.message || e.name || 'network error' };
}
