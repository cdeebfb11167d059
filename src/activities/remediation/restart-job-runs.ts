/**
 * The restart job's runs in a period, for the digest: `GET /repos/{owner}/{repo}/actions/workflows/{file}/runs?created=<from>..<to>`
 * (paged, at most 1000 runs), counted and their failures listed, and the GITHUB_TOKEN's expiry read
 * from the same answer's headers (src/activities/remediation/token-health.ts). Read-only; a token
 * that cannot read Actions, a missing workflow file or an unreachable GitHub is said, not thrown:
 * a digest goes out anyway. Nothing returned holds the token.
 */
import type { Octokit } from '@octokit/rest';
import type { RestartJobSummary, TokenExpirySummary } from '../../shared/digest';
import { describeError } from '../../shared/errors';
import { normalizeHeaders, shortText } from './http-outcome';
import { parseTokenExpiry, TOKEN_EXPIRY_HEADER, tokenHealthWarnings, unauthorizedTokenWarning } from './token-health';

/** The shipped restart workflow's file name (deploy/github/mt5-full-restart.yml). */
export const RESTART_WORKFLOW_FILE = 'mt5-full-restart.yml';

const PAGE = 100;
const MAX_PAGES = 10;
const MAX_FAILURES = 20;
const DAY_MS = 86_400_000;

interface ListedRun {
  display_title?: string;
  name?: string;
  status?: string | null;
  conclusion?: string | null;
  html_url?: string;
  created_at?: string;
}

export interface RestartJobRead {
  restartJob: RestartJobSummary;
  token: TokenExpirySummary;
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function readRestartJobRuns(
  github: { octokit: Octokit; repository: string; workflowFile?: string; timeoutMs?: number },
  period: { fromMs: number; toMs: number; now: Date },
): Promise<RestartJobRead> {
  const [owner, repo] = github.repository.split('/') as [string, string];
  const workflowFile = github.workflowFile ?? RESTART_WORKFLOW_FILE;
  const runs: ListedRun[] = [];
  let headers: Record<string, string | undefined> = {};
  try {
    for (let page = 1; page <= MAX_PAGES; page++) {
      const res = await github.octokit.request('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', {
        owner,
        repo,
        workflow_id: workflowFile,
        created: `${isoSeconds(period.fromMs)}..${isoSeconds(period.toMs)}`,
        per_page: PAGE,
        page,
        request: { signal: AbortSignal.timeout(github.timeoutMs ?? 15_000) },
      });
      headers = normalizeHeaders(res.headers as Record<string, unknown>);
      const list = (res.data as { workflow_runs?: ListedRun[] }).workflow_runs ?? [];
      runs.push(...list);
      if (list.length < PAGE) break;
    }
  } catch (err) {
    const e = err as { response?: { status?: number; headers?: Record<string, unknown>; data?: unknown } };
    const status = e.response?.status;
    const said = shortText((e.response?.data as { message?: unknown } | undefined)?.message as string | undefined);
    const where = `GET /repos/${github.repository}/actions/workflows/${workflowFile}/runs`;
    const detail =
      typeof status === 'number'
        ? `${where} answered HTTP ${status}${said ? ` (${said})` : ''}${status === 404 ? `: is ${workflowFile} installed in ${github.repository}?` : status === 403 || status === 401 ? ': GITHUB_TOKEN cannot read Actions runs (a fine-grained token needs "Actions: read")' : ''}`
        : `${where} failed: ${describeError(err)}`;
    const token: TokenExpirySummary =
      status === 401
        ? { state: 'read', warnings: [unauthorizedTokenWarning({ repository: github.repository, now: period.now, what: where }).text] }
        : typeof status === 'number'
          ? tokenOf(normalizeHeaders(e.response?.headers), github.repository, period.now)
          : { state: 'unknown', detail: 'GitHub did not answer' };
    return { restartJob: { state: 'unreadable', detail }, token };
  }
  const failed = runs.filter((r) => r.status === 'completed' && r.conclusion !== 'success' && r.conclusion !== 'skipped' && r.conclusion !== 'neutral');
  return {
    restartJob: {
      state: 'read',
      repository: github.repository,
      workflowFile,
      runs: runs.length,
      failed: failed.length,
      failures: failed.slice(0, MAX_FAILURES).map((r) => ({
        title: r.display_title ?? r.name ?? '',
        conclusion: r.conclusion ?? 'unknown',
        createdAt: r.created_at ?? '',
        url: r.html_url ?? '',
      })),
    },
    token: tokenOf(headers, github.repository, period.now),
  };
}

function tokenOf(headers: Record<string, string | undefined>, repository: string, now: Date): TokenExpirySummary {
  const expiry = parseTokenExpiry(headers[TOKEN_EXPIRY_HEADER]);
  const warnings = tokenHealthWarnings(headers, { repository, now }).map((w) => `${w.text}. Fix: ${w.fix}`);
  return {
    state: 'read',
    ...(expiry ? { expiresAt: expiry.toISOString(), daysLeft: Math.max(0, Math.ceil((expiry.getTime() - now.getTime()) / DAY_MS)) } : {}),
    warnings,
  };
}
