/**
 * A GitHub REST API double served over HTTP on 127.0.0.1 (port 0), for Octokit's `baseUrl`.
 * It records every request and answers the endpoints remediation and doctor use:
 *
 * - `POST /repos/:owner/:repo/dispatches`: the next answer queued for the dispatch's
 *   client_payload.target, else the next queued answer (e.g. [502, 502, 204]), else 204 (404 for an
 *   unknown repository, 422 without event_type)
 * - `GET /repos/:owner/:repo`: 200, or 404 for an unknown repository
 * - `GET /repos/:owner/:repo/contents/:path`: the file, base64 as GitHub sends it, or 404
 * - `GET /user`: 200
 * - `GET /repos/:owner/:repo/actions/runs`: the Actions runs the dispatches started (each 204
 *   dispatch starts one, titled as the shipped workflow's run-name titles it), each following its
 *   script one step per read of the list (`scriptRun`: queued for N reads, in progress, then a
 *   conclusion; default: in progress on the first read, success after), or the answer set by
 *   `failRuns` (e.g. 403 for a token without Actions read access)
 * - `GET /repos/:owner/:repo/actions/workflows/:file/runs?created=<from>..<to>&per_page&page`: the
 *   runs set with `setWorkflowRuns` for that workflow file, those created within the range, paged
 *   (404 for a file with none set)
 * - `PATCH /repos/:owner/:repo/actions/variables/:name` (204, 404 when absent) and
 *   `POST /repos/:owner/:repo/actions/variables` (201): repository variables, or `failVariables`
 *
 * Every answer carries `x-oauth-scopes` (configurable; null leaves it out, like a fine-grained
 * token) and, when set, `github-authentication-token-expiration` (a token with an expiry date,
 * GitHub's spelling `2026-12-21 10:00:00 UTC`), and any request without the right token gets
 * 401 "Bad credentials".
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { restartRunTitle } from '../../src/shared/restart-run';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, when any. */
  body: unknown;
  /** The query string's parameters. */
  query: Record<string, string>;
  at: Date;
}

export interface DoubleResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Hold the answer this long (to test timeouts). */
  delayMs?: number;
}

/** One step of a run's script: its state for `reads` reads of the runs list (the last step stays). */
export interface RunStep {
  status: 'queued' | 'in_progress' | 'completed';
  conclusion?: 'success' | 'failure' | 'cancelled' | 'timed_out' | 'skipped';
  /** Default 1. */
  reads?: number;
  /** Instead of `reads`: the step lasts this long (wall clock) from where the previous one ended. */
  ms?: number;
}

/** An Actions run the double started for a dispatch, as it stands. */
export interface DoubleRun {
  id: number;
  repository: string;
  displayTitle: string;
  status: RunStep['status'];
  conclusion: string | null;
  htmlUrl: string;
  /** Wall-clock time of the first read that showed it in progress. */
  runStartedAt?: string;
  /** Reads of the runs list so far. */
  reads: number;
  /** Wall-clock time the dispatch started it (ms). */
  createdMs: number;
  script: RunStep[];
}

/** A run of a workflow file, as `GET …/actions/workflows/{file}/runs` lists it. */
export interface WorkflowFileRun {
  id: number;
  display_title: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  created_at: string;
  html_url: string;
}

export interface GithubDoubleOptions {
  /** The one token the double accepts. */
  token: string;
  /** owner/repo names that exist; default ["owner/repo"]. */
  repositories?: string[];
  /** `x-oauth-scopes` of every answer; default "repo, workflow"; null: header absent. */
  scopes?: string | null;
  /** The token's expiry, sent as `github-authentication-token-expiration` on every answer; default none. */
  tokenExpiresAt?: Date;
  /** Files by "owner/repo:path". */
  files?: Record<string, string>;
  /** Called after each dispatch answered 204, like the Actions run it would start. */
  onDispatch?: (body: unknown, repository: string) => void;
  /** The script of the run a dispatch starts, by its payload (before `scriptRun`'s queue); undefined: the default. */
  runScriptFor?: (clientPayload: Record<string, unknown>) => RunStep[] | undefined;
}

export interface GithubDouble {
  url: string;
  requests: RecordedRequest[];
  /** The requests to the dispatches endpoint. */
  dispatches(): RecordedRequest[];
  /** Answers for the next dispatches, in order: a status or a full response. */
  queueDispatch(...answers: Array<number | DoubleResponse>): void;
  /** Answers for the next dispatches whose client_payload.target is `target`, in order (before the shared queue). */
  queueDispatchFor(target: string, ...answers: Array<number | DoubleResponse>): void;
  /** Scripts the run of the next dispatch (then the one after, ...): e.g. queued for 12 reads, in progress, failure. */
  scriptRun(...steps: RunStep[]): void;
  /** The runs the dispatches started, as they stand. */
  runs(): DoubleRun[];
  /** While set, every read of the runs list gets this answer (e.g. 403). */
  failRuns(answer: number | DoubleResponse | undefined): void;
  /** The reads of the runs list. */
  runReads(): RecordedRequest[];
  /** Repository variables by "owner/repo:NAME". */
  variables: Map<string, string>;
  /** While set, every write of a repository variable gets this answer (e.g. 403). */
  failVariables(answer: number | DoubleResponse | undefined): void;
  setScopes(scopes: string | null): void;
  /** The token's expiry from now on (undefined: a token without one). */
  setTokenExpiry(at: Date | undefined): void;
  setFile(repository: string, path: string, content: string | undefined): void;
  /** The runs `GET /repos/{repository}/actions/workflows/{file}/runs` lists. */
  setWorkflowRuns(repository: string, file: string, runs: WorkflowFileRun[]): void;
  /** The reads of a workflow file's runs. */
  workflowRunReads(): RecordedRequest[];
  close(): Promise<void>;
}

/** A 403 primary rate limit answer, resetting at `resetEpochSeconds`. */
export function rateLimitedAnswer(resetEpochSeconds: number): DoubleResponse {
  return {
    status: 403,
    headers: {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(resetEpochSeconds),
    },
    body: {
      message: 'API rate limit exceeded for user ID 1.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
    },
  };
}

/** GitHub's spelling of a token's expiry: `2026-12-21 10:00:00 UTC`. */
function githubExpiry(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function toResponse(a: number | DoubleResponse): DoubleResponse {
  return typeof a === 'number' ? { status: a, body: a === 204 ? undefined : { message: `HTTP ${a}` } } : a;
}

export async function createGithubDouble(options: GithubDoubleOptions): Promise<GithubDouble> {
  const repositories = new Set(options.repositories ?? ['owner/repo']);
  const files = new Map(Object.entries(options.files ?? {}));
  let scopes = options.scopes === undefined ? 'repo, workflow' : options.scopes;
  let tokenExpiresAt = options.tokenExpiresAt;
  const queue: DoubleResponse[] = [];
  const queues = new Map<string, DoubleResponse[]>();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const runScripts: RunStep[][] = [];
  const runs: DoubleRun[] = [];
  const variables = new Map<string, string>();
  const workflowRuns = new Map<string, WorkflowFileRun[]>();
  let runsFailure: DoubleResponse | undefined;
  let variablesFailure: DoubleResponse | undefined;

  /** Starts the run of a dispatch the double answered 204 (titled like the shipped workflow's run-name). */
  function startRun(body: unknown, repository: string): void {
    const p = (body as { client_payload?: Record<string, unknown> } | undefined)?.client_payload ?? {};
    const id = 9000 + runs.length + 1;
    runs.push({
      id,
      repository,
      displayTitle: restartRunTitle({
        targetId: String(p.target ?? ''),
        incidentId: String(p.incident_id ?? ''),
        attempt: Number(p.attempt ?? 0),
      }),
      status: 'queued',
      conclusion: null,
      htmlUrl: `https://github.com/${repository}/actions/runs/${id}`,
      reads: 0,
      createdMs: Date.now(),
      script: options.runScriptFor?.(p) ?? runScripts.shift() ?? [{ status: 'in_progress' }, { status: 'completed', conclusion: 'success' }],
    });
  }

  /** One read of the list: every run of the repository moves one read along its script. */
  function readRuns(repository: string) {
    const listed = runs.filter((r) => r.repository === repository);
    for (const run of listed) {
      let left = run.reads;
      let leftMs = Date.now() - run.createdMs;
      run.reads += 1;
      const step =
        run.script.find((st) => {
          if (st.ms !== undefined) {
            leftMs -= st.ms;
            return leftMs < 0;
          }
          left -= st.reads ?? 1;
          return left < 0;
        }) ?? run.script[run.script.length - 1]!;
      run.status = step.status;
      run.conclusion = step.status === 'completed' ? (step.conclusion ?? 'success') : null;
      if (step.status !== 'queued') run.runStartedAt ??= new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    return listed.map((r) => ({
      id: r.id,
      name: 'MT5 full restart',
      display_title: r.displayTitle,
      event: 'repository_dispatch',
      status: r.status,
      conclusion: r.conclusion,
      html_url: r.htmlUrl,
      run_started_at: r.runStartedAt ?? null,
    }));
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const [path = '/', search = ''] = (req.url ?? '/').split('?');
      const method = req.method ?? 'GET';
      const query = Object.fromEntries(new URLSearchParams(search));
      requests.push({ method, path, headers: req.headers, body, query, at: new Date() });
      const answer = route(method, path, req.headers, body, query);
      const send = () => {
        const headers: Record<string, string> = {
          ...(scopes === null ? {} : { 'x-oauth-scopes': scopes }),
          ...(tokenExpiresAt ? { 'github-authentication-token-expiration': githubExpiry(tokenExpiresAt) } : {}),
          ...answer.headers,
        };
        if (answer.body === undefined || answer.status === 204) {
          res.writeHead(answer.status, headers).end();
        } else {
          res
            .writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...headers })
            .end(JSON.stringify(answer.body));
        }
      };
      if (!answer.delayMs) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, answer.delayMs);
      timers.add(timer);
    });
  });

  /** `created=<from>..<to>` (GitHub's range syntax; either end may be `*`). */
  function createdWithin(created: string | undefined, at: string): boolean {
    if (!created) return true;
    const [from = '*', to = '*'] = created.split('..');
    const ms = Date.parse(at);
    return (from === '*' || ms >= Date.parse(from)) && (to === '*' || ms <= Date.parse(to));
  }

  function route(method: string, path: string, headers: IncomingHttpHeaders, body: unknown, query: Record<string, string> = {}): DoubleResponse {
    const auth = headers.authorization ?? '';
    if (auth !== `token ${options.token}` && auth !== `Bearer ${options.token}`) {
      return {
        status: 401,
        body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' },
      };
    }
    const notFound: DoubleResponse = {
      status: 404,
      body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
    };
    if (method === 'GET' && path === '/user') return { status: 200, body: { login: 'autoheal-test', id: 1 } };

    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) return notFound;
    const repository = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
    const rest = m[3] ?? '';
    if (!repositories.has(repository)) return notFound;

    if (method === 'GET' && rest === '') {
      return {
        status: 200,
        body: { full_name: repository, private: true, permissions: { admin: false, push: true, pull: true } },
      };
    }
    if (method === 'GET' && rest.startsWith('/contents/')) {
      const filePath = decodeURIComponent(rest.slice('/contents/'.length));
      const content = files.get(`${repository}:${filePath}`);
      if (content === undefined) return notFound;
      // GitHub wraps base64 content at 60 characters.
      const b64 = (
        Buffer.from(content, 'utf8')
          .toString('base64')
          .match(/.{1,60}/g) ?? []
      ).join('\n');
      return {
        status: 200,
        body: {
          type: 'file',
          encoding: 'base64',
          path: filePath,
          name: filePath.split('/').pop(),
          content: b64,
        },
      };
    }
    if (method === 'GET' && rest === '/actions/runs') {
      if (runsFailure) return runsFailure;
      const workflowRuns = readRuns(repository);
      return { status: 200, body: { total_count: workflowRuns.length, workflow_runs: workflowRuns } };
    }
    const fileRuns = /^\/actions\/workflows\/([^/]+)\/runs$/.exec(rest);
    if (method === 'GET' && fileRuns) {
      if (runsFailure) return runsFailure;
      const list = workflowRuns.get(`${repository}:${decodeURIComponent(fileRuns[1]!)}`);
      if (!list) return notFound;
      const within = list.filter((r) => createdWithin(query.created, r.created_at)).sort((a, b) => b.created_at.localeCompare(a.created_at));
      const perPage = Number(query.per_page ?? 30);
      const page = Number(query.page ?? 1);
      return { status: 200, body: { total_count: within.length, workflow_runs: within.slice((page - 1) * perPage, page * perPage) } };
    }
    const variable = /^\/actions\/variables(?:\/([^/]+))?$/.exec(rest);
    if (variable && (method === 'PATCH' || method === 'POST')) {
      if (variablesFailure) return variablesFailure;
      const v = body as { name?: string; value?: string } | undefined;
      const name = variable[1] ? decodeURIComponent(variable[1]) : v?.name;
      if (!name || typeof v?.value !== 'string') return { status: 422, body: { message: 'Invalid request.' } };
      const key = `${repository}:${name}`;
      if (method === 'PATCH') {
        if (!variables.has(key)) return notFound;
        variables.set(key, v.value);
        return { status: 204 };
      }
      if (variables.has(key)) return { status: 409, body: { message: 'Already exists - Variable already exists' } };
      variables.set(key, v.value);
      return { status: 201, body: {} };
    }
    if (method === 'POST' && rest === '/dispatches') {
      const started = () => {
        startRun(body, repository);
        if (options.onDispatch) setImmediate(() => options.onDispatch?.(body, repository));
      };
      const target = (body as { client_payload?: { target?: unknown } } | undefined)?.client_payload?.target;
      const next = (typeof target === 'string' ? queues.get(target)?.shift() : undefined) ?? queue.shift();
      if (next) {
        if (next.status === 204) started();
        return next;
      }
      const eventType = (body as { event_type?: unknown } | undefined)?.event_type;
      if (typeof eventType !== 'string' || !eventType) {
        return { status: 422, body: { message: 'Invalid request.\n\n"event_type" wasn\'t supplied.' } };
      }
      started();
      return { status: 204 };
    }
    return notFound;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    dispatches: () => requests.filter((r) => r.method === 'POST' && r.path.endsWith('/dispatches')),
    queueDispatch: (...answers) => queue.push(...answers.map(toResponse)),
    queueDispatchFor: (target, ...answers) => {
      const list = queues.get(target) ?? [];
      list.push(...answers.map(toResponse));
      queues.set(target, list);
    },
    scriptRun: (...steps) => void runScripts.push(steps),
    runs: () => runs,
    failRuns: (answer) => {
      runsFailure = answer === undefined ? undefined : toResponse(answer);
    },
    runReads: () => requests.filter((r) => r.method === 'GET' && r.path.endsWith('/actions/runs')),
    variables,
    failVariables: (answer) => {
      variablesFailure = answer === undefined ? undefined : toResponse(answer);
    },
    setScopes: (s) => {
      scopes = s;
    },
    setTokenExpiry: (at) => {
      tokenExpiresAt = at;
    },
    setWorkflowRuns: (repository, file, list) => {
      workflowRuns.set(`${repository}:${file}`, list);
    },
    workflowRunReads: () => requests.filter((r) => r.method === 'GET' && /\/actions\/workflows\/[^/]+\/runs$/.test(r.path)),
    setFile: (repository, path, content) => {
      if (content === undefined) files.delete(`${repository}:${path}`);
      else files.set(`${repository}:${path}`, content);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
