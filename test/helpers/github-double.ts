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
 *
 * Every answer carries `x-oauth-scopes` (configurable; null leaves it out, like a fine-grained
 * token), and any request without the right token gets 401 "Bad credentials".
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, when any. */
  body: unknown;
  at: Date;
}

export interface DoubleResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Hold the answer this long (to test timeouts). */
  delayMs?: number;
}

export interface GithubDoubleOptions {
  /** The one token the double accepts. */
  token: string;
  /** owner/repo names that exist; default ["owner/repo"]. */
  repositories?: string[];
  /** `x-oauth-scopes` of every answer; default "repo, workflow"; null: header absent. */
  scopes?: string | null;
  /** Files by "owner/repo:path". */
  files?: Record<string, string>;
  /** Called after each dispatch answered 204, like the Actions run it would start. */
  onDispatch?: (body: unknown, repository: string) => void;
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
  setScopes(scopes: string | null): void;
  setFile(repository: string, path: string, content: string | undefined): void;
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

function toResponse(a: number | DoubleResponse): DoubleResponse {
  return typeof a === 'number' ? { status: a, body: a === 204 ? undefined : { message: `HTTP ${a}` } } : a;
}

export async function createGithubDouble(options: GithubDoubleOptions): Promise<GithubDouble> {
  const repositories = new Set(options.repositories ?? ['owner/repo']);
  const files = new Map(Object.entries(options.files ?? {}));
  let scopes = options.scopes === undefined ? 'repo, workflow' : options.scopes;
  const queue: DoubleResponse[] = [];
  const queues = new Map<string, DoubleResponse[]>();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

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
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const method = req.method ?? 'GET';
      requests.push({ method, path, headers: req.headers, body, at: new Date() });
      const answer = route(method, path, req.headers, body);
      const send = () => {
        const headers: Record<string, string> = {
          ...(scopes === null ? {} : { 'x-oauth-scopes': scopes }),
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

  function route(method: string, path: string, headers: IncomingHttpHeaders, body: unknown): DoubleResponse {
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
    if (method === 'POST' && rest === '/dispatches') {
      const started = () => options.onDispatch && setImmediate(() => options.onDispatch?.(body, repository));
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
    setScopes: (s) => {
      scopes = s;
    },
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
