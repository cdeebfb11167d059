/**
 * The GitHub links of the runbook's verification checklist: the token is there, has the repo and
 * workflow scopes, sees the repository, and the restart workflow there listens to the event
 * type. Read-only calls: nothing here dispatches.
 */
import type { Octokit } from '@octokit/rest';
import { parse as parseYaml } from 'yaml';
import { missingScopes, parseScopes, VERIFY_TOKEN_FIX } from '../../activities/remediation/diagnose-github';
import { normalizeHeaders, shortText } from '../../activities/remediation/http-outcome';
import { parseTokenExpiry, rotateTokenFix, TOKEN_EXPIRY_HEADER, TOKEN_EXPIRY_WARN_DAYS } from '../../activities/remediation/token-health';
import { fail, pass, type DoctorCheck } from './doctor-check';

/** Where the restart workflow lives in the user's repository. */
export const DEFAULT_WORKFLOW_PATH = '.github/workflows/mt5-full-restart.yml';

export interface GithubCheckContext {
  octokit: Octokit;
  repository: string;
  eventType: string;
  workflowPath: string;
  timeoutMs: number;
}

interface Failed {
  status?: number;
  headers: Record<string, string | undefined>;
  message: string;
}

/** Status, headers and message of an Octokit failure (status undefined: no answer). */
function failed(err: unknown): Failed {
  const e = err as {
    response?: { status?: number; headers?: Record<string, unknown>; data?: unknown };
    message?: string;
  };
  if (e.response && typeof e.response.status === 'number') {
    const data = e.response.data as { message?: unknown } | undefined;
    const said = typeof data?.message === 'string' ? data.message : undefined;
    return {
      status: e.response.status,
      headers: normalizeHeaders(e.response.headers),
      message: shortText(said) ?? `HTTP ${e.response.status}`,
    };
  }
  return { headers: {}, message: shortText(e.message) ?? 'no answer' };
}

/** The ❌ of an answer that is the same whatever was asked: 401, or no answer at all. */
function commonFailure(name: string, f: Failed, apiUrl: string): DoctorCheck | undefined {
  if (f.status === 401)
    return fail(
      name,
      `GitHub refused GITHUB_TOKEN (HTTP 401: ${f.message}): it is invalid, revoked or expired`,
      VERIFY_TOKEN_FIX,
    );
  if (f.status === undefined)
    return fail(
      name,
      `no answer from the GitHub API at ${apiUrl} (${f.message})`,
      'Check the network of this host and GITHUB_API_URL',
    );
  return undefined;
}

const apiUrlOf = (octokit: Octokit) => String(octokit.request.endpoint.DEFAULTS.baseUrl);
const split = (repository: string) => {
  const [owner, repo] = repository.split('/') as [string, string];
  return { owner, repo };
};

/** `x-oauth-scopes` of GET /user holds repo and workflow. */
export async function checkTokenScopes(ctx: GithubCheckContext): Promise<DoctorCheck> {
  const name = 'GitHub token scopes';
  let headers: Record<string, string | undefined>;
  try {
    const res = await ctx.octokit.request('GET /user', {
      request: { signal: AbortSignal.timeout(ctx.timeoutMs) },
    });
    headers = normalizeHeaders(res.headers);
  } catch (err) {
    const f = failed(err);
    return (
      commonFailure(name, f, apiUrlOf(ctx.octokit)) ??
      fail(name, `GET /user answered HTTP ${f.status}: ${f.message}`, VERIFY_TOKEN_FIX)
    );
  }
  const scopes = parseScopes(headers['x-oauth-scopes']);
  if (scopes === undefined) {
    return pass(
      name,
      'the token lists no scopes (fine-grained token or GitHub App): it needs "Contents: read and write" on the repository; the checks below show what it can see',
    );
  }
  const missing = missingScopes(scopes);
  if (missing.length) {
    return fail(
      name,
      `GITHUB_TOKEN lacks the ${missing.join(' and ')} scope${missing.length > 1 ? 's' : ''} (it has: ${scopes.join(', ') || 'none'})`,
      'Give GITHUB_TOKEN the repo and workflow scopes (GitHub → Settings → Developer settings → Personal access tokens), then restart the worker',
    );
  }
  return pass(name, `repo and workflow present (${scopes.join(', ')})`);
}

/** The token's expiry (`github-authentication-token-expiration` of GET /user): ❌ within 14 days of it. */
export async function checkTokenExpiry(ctx: GithubCheckContext, now: Date = new Date()): Promise<DoctorCheck> {
  const name = 'GitHub token expiry';
  let header: string | undefined;
  try {
    const res = await ctx.octokit.request('GET /user', { request: { signal: AbortSignal.timeout(ctx.timeoutMs) } });
    header = normalizeHeaders(res.headers)[TOKEN_EXPIRY_HEADER];
  } catch (err) {
    // the token scopes line (the same GET /user) says what is wrong: not a second ❌ for it
    const f = failed(err);
    return pass(name, `not read (${f.status === undefined ? f.message : `HTTP ${f.status}`}): see the GitHub token scopes line`);
  }
  const expiry = parseTokenExpiry(header);
  if (!expiry) return pass(name, 'no expiry date (a token without one, or a GitHub App): nothing to rotate on a date');
  const days = Math.ceil((expiry.getTime() - now.getTime()) / (24 * 60 * 60_000));
  const when = `${expiry.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
  if (days <= 0) return fail(name, `GITHUB_TOKEN expired on ${when}`, rotateTokenFix(ctx.repository));
  if (days <= TOKEN_EXPIRY_WARN_DAYS[0])
    return fail(name, `GITHUB_TOKEN expires on ${when} (in ${days} day${days === 1 ? '' : 's'})`, rotateTokenFix(ctx.repository));
  return pass(name, `expires on ${when} (in ${days} days); the worker warns ${TOKEN_EXPIRY_WARN_DAYS.join(' and ')} days before`);
}

/** GET /repos/{owner}/{repo} answers, and the token's owner may write to it. */
export async function checkRepository(ctx: GithubCheckContext): Promise<DoctorCheck> {
  const name = 'GitHub repository reachable';
  const { owner, repo } = split(ctx.repository);
  try {
    const res = await ctx.octokit.request('GET /repos/{owner}/{repo}', {
      owner,
      repo,
      request: { signal: AbortSignal.timeout(ctx.timeoutMs) },
    });
    const data = res.data as { private?: boolean; permissions?: { push?: boolean } };
    if (data.permissions && data.permissions.push === false) {
      return fail(
        name,
        `${ctx.repository} is visible but the token's owner cannot write to it: a dispatch would be refused`,
        `Give the token's owner write access to ${ctx.repository}, or use a token of an account that has it`,
      );
    }
    return pass(
      name,
      `${ctx.repository} (${data.private ? 'private' : 'public'}${data.permissions?.push ? ', write access' : ''})`,
    );
  } catch (err) {
    const f = failed(err);
    const common = commonFailure(name, f, apiUrlOf(ctx.octokit));
    if (common) return common;
    if (f.status === 404) {
      return fail(
        name,
        `repository ${ctx.repository} does not exist, or GITHUB_TOKEN cannot see it (HTTP 404)`,
        'Check GITHUB_REPOSITORY (owner/repo of the repository that holds the restart workflow) and that the token has the repo scope and access to it',
      );
    }
    return fail(
      name,
      `GET /repos/${ctx.repository} answered HTTP ${f.status}: ${f.message}`,
      VERIFY_TOKEN_FIX,
    );
  }
}

/** The restart workflow file as read through the contents API, or the ❌ of a check that needs it. */
export type WorkflowFile = { text: string } | { failure: (name: string) => DoctorCheck };

const installFix = (ctx: GithubCheckContext) =>
  `Copy deploy/github/mt5-full-restart.yml to ${ctx.workflowPath} in ${ctx.repository} (default branch), with the variable MT5_BRIDGE_URL and the secret MT5_RESTART_TOKEN (docs/remediation.md)`;

/** Reads the restart workflow file once, for every check that looks at it. */
export async function readRestartWorkflow(ctx: GithubCheckContext): Promise<WorkflowFile> {
  const { owner, repo } = split(ctx.repository);
  const install = installFix(ctx);
  try {
    const res = await ctx.octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner,
      repo,
      path: ctx.workflowPath,
      request: { signal: AbortSignal.timeout(ctx.timeoutMs) },
    });
    const data = res.data as { type?: string; content?: string; encoding?: string };
    if (Array.isArray(res.data) || data.type !== 'file' || typeof data.content !== 'string') {
      return { failure: (name) => fail(name, `${ctx.workflowPath} in ${ctx.repository} is not a file`, install) };
    }
    return { text: data.encoding === 'base64' ? Buffer.from(data.content, 'base64').toString('utf8') : data.content };
  } catch (err) {
    const f = failed(err);
    return {
      failure: (name) => {
        const common = commonFailure(name, f, apiUrlOf(ctx.octokit));
        if (common) return common;
        if (f.status === 404)
          return fail(name, `no ${ctx.workflowPath} in ${ctx.repository} (or the repository is not visible)`, install);
        return fail(name, `reading ${ctx.workflowPath} answered HTTP ${f.status}: ${f.message}`, install);
      },
    };
  }
}

/** The restart workflow file is in the repository and listens to repository_dispatch of the event type. */
export async function checkRestartWorkflow(
  ctx: GithubCheckContext,
  file: Promise<WorkflowFile> = readRestartWorkflow(ctx),
): Promise<DoctorCheck> {
  const name = 'restart workflow listens to the event';
  const install = installFix(ctx);
  const read = await file;
  if ('failure' in read) return read.failure(name);
  const { text } = read;

  const types = repositoryDispatchTypes(text);
  const where = `${ctx.workflowPath} in ${ctx.repository}`;
  const fixTypes = `Set on.repository_dispatch.types: [${ctx.eventType}] in ${where}, or GITHUB_EVENT_TYPE to the type it listens to`;
  if (types === 'invalid') return fail(name, `${where} is not valid YAML`, install);
  if (types === 'absent') return fail(name, `${where} does not listen to repository_dispatch`, fixTypes);
  if (types === 'all')
    return pass(name, `${where} listens to every repository_dispatch type, ${ctx.eventType} included`);
  if (!types.includes(ctx.eventType)) {
    return fail(
      name,
      `${where} listens to repository_dispatch types [${types.join(', ')}], not "${ctx.eventType}": dispatches would start nothing`,
      fixTypes,
    );
  }
  return pass(name, `${where} listens to repository_dispatch "${ctx.eventType}"`);
}

/**
 * Informational (always ✅): whether GITHUB_TOKEN can read the repository's Actions runs, which
 * the worker follows to know what each restart job did. Without it restarts still go out, and
 * verification times VERIFY_TIMEOUT from the dispatch's answer instead of the job's start.
 */
export async function checkRestartRunsReadable(ctx: GithubCheckContext): Promise<DoctorCheck> {
  const name = 'restart runs readable';
  const { owner, repo } = split(ctx.repository);
  try {
    await ctx.octokit.request('GET /repos/{owner}/{repo}/actions/runs', {
      owner,
      repo,
      event: 'repository_dispatch',
      per_page: 1,
      request: { signal: AbortSignal.timeout(ctx.timeoutMs) },
    });
    return pass(name, `GITHUB_TOKEN reads the Actions runs of ${ctx.repository}: each restart job is followed (queued, in progress, its conclusion)`);
  } catch (err) {
    const f = failed(err);
    const answer = f.status === undefined ? `no answer (${f.message})` : `HTTP ${f.status}: ${f.message}`;
    return pass(
      name,
      `GITHUB_TOKEN cannot read the Actions runs of ${ctx.repository} (${answer}): restarts still go out, but the worker cannot follow the restart job and times VERIFY_TIMEOUT from the dispatch's answer (a fine-grained token needs "Actions: read" to follow it)`,
    );
  }
}

/** The repository_dispatch types a workflow file listens to: a list, 'all' (no filter), 'absent' or 'invalid'. */
export function repositoryDispatchTypes(text: string): string[] | 'all' | 'absent' | 'invalid' {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return 'invalid';
  }
  if (!doc || typeof doc !== 'object') return 'invalid';
  // YAML 1.1 readers turn an unquoted `on` into true; accept both spellings.
  const on = (doc as Record<string, unknown>).on ?? (doc as Record<string, unknown>).true;
  if (on === 'repository_dispatch') return 'all';
  if (Array.isArray(on)) return on.includes('repository_dispatch') ? 'all' : 'absent';
  if (!on || typeof on !== 'object' || !('repository_dispatch' in on)) return 'absent';
  const rd = (on as Record<string, unknown>).repository_dispatch as { types?: unknown } | null;
  if (!rd || rd.types === undefined || rd.types === null) return 'all';
  if (typeof rd.types === 'string') return [rd.types];
  return Array.isArray(rd.types) ? rd.types.map(String) : 'absent';
}

/**
 * With several targets, the restart workflow must restart the VPS of `client_payload.target`,
 * never one fixed host for every target. Seen as: the file reads `client_payload.target` and
 * picks a variable by a computed name (`vars[format('MT5_BRIDGE_URL_{0}', …)]`, or a lookup in
 * `toJSON(vars)` / `fromJSON(vars.…)`). A file that only logs the target and calls
 * `vars.MT5_BRIDGE_URL` fails. A text check, not a proof: docs/remediation.md says what it reads.
 */
export async function checkWorkflowRoutesByTarget(
  ctx: GithubCheckContext,
  targetIds: string[],
  file: Promise<WorkflowFile> = readRestartWorkflow(ctx),
): Promise<DoctorCheck> {
  const name = 'restart workflow routes by target';
  const read = await file;
  if ('failure' in read) return read.failure(name);
  const where = `${ctx.workflowPath} in ${ctx.repository}`;
  const readsTarget = /client_payload\s*(\.\s*target\b|\[\s*['"]target['"]\s*\])/.test(read.text);
  const computedLookup = /\bvars\s*\[|toJSON\(\s*vars\s*\)|fromJSON\(\s*vars\./i.test(read.text);
  const fix =
    "Install the shipped deploy/github/mt5-full-restart.yml (it picks vars[format('MT5_BRIDGE_URL_{0}', <ID>)] and that target's token secret by client_payload.target; <ID> = the target id upper-cased, other characters as _), " +
    `and set one URL variable and one token secret per target (${targetIds.join(', ')}); or use REMEDIATION=webhook with each target its own restartUrl`;
  if (!readsTarget || !computedLookup) {
    return fail(
      name,
      `${where} does not pick the VPS by client_payload.target${readsTarget ? ' (it reads the target but calls a fixed URL)' : ''}: with ${targetIds.length} targets (${targetIds.join(', ')}) it would restart the same host for every target's incident`,
      fix,
    );
  }
  return pass(name, `${where} picks each restart's VPS by client_payload.target (${targetIds.length} targets: ${targetIds.join(', ')})`);
}
