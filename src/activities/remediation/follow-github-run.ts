/**
 * The Actions run a restart dispatch started: `GET /repos/{owner}/{repo}/actions/runs` filtered
 * to repository_dispatch runs created from a minute before the dispatch, matched on the run's
 * title (`display_title`, set by the shipped workflow's run-name from the payload). Read-only.
 *
 * A token that cannot read Actions (HTTP 403 that is not a rate limit, 404, 401) gives
 * `unreadable`: the caller falls back to timing from the dispatch. Anything else that stands in
 * the way (5xx, a rate limit, the network) is thrown as RestartRunUnavailableError: the next poll
 * tries again. The result holds the run's URL and states, never a secret.
 */
import type { Octokit } from '@octokit/rest';
import { AutohealError } from '../../shared/errors';
import type { RestartRunQuery, RestartRunState, RestartRunStatus } from '../../shared/restart-run';
import { isRateLimited, normalizeHeaders, shortText } from './http-outcome';

/** Thrown when the runs list did not answer this time (5xx, rate limit, network): the next poll may. */
export class RestartRunUnavailableError extends AutohealError {}

/** How far before the dispatch the runs are listed (clocks of the worker and GitHub differ). */
const CREATED_SLACK_MS = 60_000;

interface ListedRun {
  id: number;
  display_title?: string;
  status?: string | null;
  conclusion?: string | null;
  html_url: string;
  run_started_at?: string | null;
}

export async function followGithubRun(
  github: { octokit: Octokit; repository: string; timeoutMs?: number },
  query: RestartRunQuery,
  signal?: AbortSignal,
): Promise<RestartRunState> {
  const [owner, repo] = github.repository.split('/') as [string, string];
  const since = new Date(Date.parse(query.dispatchedAt) - CREATED_SLACK_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const timeout = AbortSignal.timeout(github.timeoutMs ?? 15_000);
  let runs: ListedRun[];
  try {
    const res = await github.octokit.request('GET /repos/{owner}/{repo}/actions/runs', {
      owner,
      repo,
      event: 'repository_dispatch',
      created: `>=${since}`,
      per_page: 100,
      request: { signal: signal ? AbortSignal.any([timeout, signal]) : timeout },
    });
    runs = (res.data as { workflow_runs?: ListedRun[] }).workflow_runs ?? [];
  } catch (err) {
    const e = err as { response?: { status?: number; headers?: Record<string, unknown>; data?: unknown }; message?: string };
    const status = e.response?.status;
    if (typeof status === 'number') {
      const headers = normalizeHeaders(e.response?.headers);
      const said = shortText((e.response?.data as { message?: unknown } | undefined)?.message as string | undefined);
      if ((status === 403 && !isRateLimited(status, headers)) || status === 404 || status === 401) {
        return {
          kind: 'unreadable',
          httpStatus: status,
          detail: `GET /repos/${github.repository}/actions/runs answered HTTP ${status}${said ? ` (${said})` : ''}: GITHUB_TOKEN cannot read Actions runs (a fine-grained token needs "Actions: read")`,
        };
      }
      throw new RestartRunUnavailableError(`GET /repos/${github.repository}/actions/runs answered HTTP ${status}${said ? ` (${said})` : ''}`);
    }
    throw new RestartRunUnavailableError(
      `GET /repos/${github.repository}/actions/runs: ${timeout.aborted ? 'no answer in time' : (shortText(e.message) ?? 'no answer')}`,
    );
  }
  // A dispatch repeated after a lost answer starts a second run of the same title, which the
  // workflow's idempotency check skips: the first run is the one that restarts.
  const run = runs.filter((r) => r.display_title === query.title).sort((a, b) => a.id - b.id)[0];
  if (!run) return { kind: 'unseen' };
  return {
    kind: 'run',
    status: runStatus(run.status),
    conclusion: run.status === 'completed' ? (run.conclusion ?? null) : null,
    url: run.html_url,
    ...(run.run_started_at ? { runStartedAt: run.run_started_at } : {}),
  };
}

/** GitHub's statuses: queued, waiting, requested, pending (all waiting to run), in_progress, completed. */
function runStatus(status: string | null | undefined): RestartRunStatus {
  if (status === 'completed') return 'completed';
  if (status === 'in_progress') return 'in_progress';
  return 'queued';
}
