/**
 * The System Health Dashboard that alert emails link to (`<DASHBOARD_URL>/system-health`):
 * node:http, no framework. Reads go to Temporal on every request (shared by concurrent
 * requests); a Temporal outage degrades the page, never breaks it.
 *
 * GET  /system-health, /api/status, /api/notifications, /metrics, /healthz
 * POST /api/targets/:id/force-recovery | acknowledge | resolve, /api/notifications/read
 */
import { describeError } from '../shared/errors';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import type { AppConfig } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { scrubSecrets } from '../logging/create-logger';
import { dashboardExposed } from '../config/load-config';
import { hostnameOf, isLoopbackHost } from '../config/loopback';
import { type AccessRule, type AuthDecision, authorizeCommand, authorizeSensitiveRead, proxyHeaderOf } from './authorize';
import { configSecrets } from '../config/secrets';
import { CommandRejectedError, TemporalTimeoutError, UnknownTargetError } from './errors';
import { registerEventLoopLag } from './event-loop-lag';
import { BadRequestError, readJsonBody, sendJson, sendText } from './http-io';
import { createDashboardMetrics } from './metrics';
import { REQUEST_LIMITS } from './request-limits';
import { MAX_URL_LENGTH, routePath } from './route-path';
import { createTemporalNotificationFeed } from '../client/notifications';
import type { NotificationFeed } from '../shared/alert-feed';
import { FeedUnavailableError } from './notification-feed';
import { renderFailurePage, renderPage } from './render-page';
import {
  acknowledgeBody,
  describeBodyIssues,
  forceRecoveryBody,
  markReadBody,
  remediationOffBody,
  remediationOnBody,
  resolveBody,
} from './request-bodies';
import { createStatusReader } from './status-reader';
import { readReport, readStatusOverview } from '../client/operator-views';
import { readMailbox } from '../client/mailbox';
import { setRemediation } from '../client/remediation-switch';
import { sendTestAlertViaWorker } from '../client/test-alert';
import { createTemporalStatusSource } from './temporal-status-source';
import type { DashboardStatus, StatusSource, TargetStatus } from './types';
import { guessWebUiUrl, targetLinks } from './web-ui-url';

export interface DashboardDeps {
  client: Client;
  config: AppConfig;
  log: Logger;
  taskQueue: string;
  /** Replaces the Temporal-backed source (tests of the HTTP layer). */
  source?: StatusSource;
  /** The in-app notification feed; default: the Temporal-backed feed. */
  feed?: NotificationFeed;
  /** Base URL of the Temporal Web UI; default: guessed from TEMPORAL_ADDRESS. */
  webUiUrl?: string;
  /**
   * The worker's own metrics (heartbeat, the SDK runtime's temporal_*), appended to /metrics when
   * the dashboard runs in the worker's process; a failure leaves the product's figures alone.
   */
  workerMetrics?: () => Promise<string>;
}

export interface DashboardServer {
  listen(): Promise<{ url: string }>;
  close(): Promise<void>;
}

type Route = (
  req: IncomingMessage,
  res: ServerResponse,
  params: { targetId?: string; query: URLSearchParams },
) => Promise<void>;


export function createDashboardServer(deps: DashboardDeps): DashboardServer {
  const { config, log } = deps;
  const { host, port, token } = config.dashboard;
  const access: AccessRule = { token, exposed: dashboardExposed(host, config.dashboard.url) };
  const namespace = config.temporal.namespace;
  const webUiUrl = (deps.webUiUrl ?? guessWebUiUrl(config.temporal)).replace(/\/+$/, '');
  const source =
    deps.source ??
    createTemporalStatusSource({
      client: deps.client,
      config,
      taskQueue: deps.taskQueue,
      webUiUrl,
      feed: deps.feed ?? createTemporalNotificationFeed(deps.client, { taskQueue: deps.taskQueue }),
    });
  const placeholders: TargetStatus[] = config.targets.map((tc) => ({
    id: tc.target.id,
    severity: 'UNKNOWN',
    stale: true,
    note: 'not read yet',
    links: targetLinks(webUiUrl, namespace, tc.target.id, deps.taskQueue),
  }));
  const reader = createStatusReader(source, { namespace, webUiUrl, placeholders });
  const metrics = createDashboardMetrics();
  const eventLoopLag = registerEventLoopLag(metrics.registry);
  const publicHost = hostnameOf(config.dashboard.url);

  const secrets = configSecrets(config);
  let temporalReachable = true;
  /** Defence in depth: no secret the process holds ever leaves in a page (error texts included). */
  const readStatus = async (): Promise<DashboardStatus> => {
    const status = scrubSecrets(await reader.read(), secrets) as DashboardStatus;
    metrics.update(status);
    // Said once per change, not on every refresh of every open page.
    if (status.temporal.reachable !== temporalReachable) {
      if (status.temporal.reachable) log.info('Dashboard: Temporal is reachable again');
      else
        log.warn({ error: status.temporal.error }, 'Dashboard: Temporal is unreachable; serving stale data');
      temporalReachable = status.temporal.reachable;
    }
    return status;
  };

  /** Said once: a proxy forwards to a dashboard that has no token, so what it forwards is refused. */
  let proxyWithoutTokenSaid = false;
  const refused = (req: IncomingMessage, res: ServerResponse, decision: Exclude<AuthDecision, { ok: true }>): void => {
    const header = proxyHeaderOf(req);
    if (decision.status === 403 && header && !access.exposed && !proxyWithoutTokenSaid) {
      proxyWithoutTokenSaid = true;
      log.warn(
        { header },
        `Dashboard: a request came through a proxy (${header}) and DASHBOARD_TOKEN is not set: state changes and sensitive reads through it are refused; set DASHBOARD_TOKEN`,
      );
    }
    refuse(res, decision);
  };

  function command<S extends z.ZodType>(
    schema: S,
    run: (targetId: string, body: z.output<S>) => Promise<unknown>,
    action: string,
  ): Route {
    return async (req, res, { targetId = '' }) => {
      const decision = authorizeCommand(req, access);
      if (!decision.ok) return refused(req, res, decision);
      const parsed = schema.safeParse(await readJsonBody(req));
      if (!parsed.success) return sendJson(res, 400, { error: describeBodyIssues(parsed.error) });
      const result = await run(targetId, parsed.data);
      const by = (parsed.data as { by?: string }).by;
      log.info(
        { action, target: targetId || undefined, by },
        `Dashboard: ${action}${targetId ? ` on ${targetId}` : ''}${by ? ` by ${by}` : ''}`,
      );
      sendJson(res, 200, result);
    };
  }

  /** A read that shows logins, operator names or timelines: the token when the dashboard is exposed. */
  const sensitive =
    (route: Route, challenge: 'Basic' | 'Bearer' = 'Bearer'): Route =>
    async (req, res, params) => {
      const decision = authorizeSensitiveRead(req, access, challenge);
      if (!decision.ok) return refused(req, res, decision);
      await route(req, res, params);
    };

  const routes: Record<string, Route> = {
    'GET /healthz': async (_req, res) => sendJson(res, 200, { ok: true }),
    'GET /': async (_req, res) => {
      res.writeHead(302, { location: '/system-health' });
      res.end();
    },
    'GET /system-health': sensitive(async (_req, res) => {
      const nonce = randomBytes(16).toString('base64');
      let html: string;
      try {
        html = renderPage(await readStatus(), nonce);
      } catch (err) {
        // Never a 500 page: say what went wrong, in plain text, and keep refreshing.
        log.warn({ err }, 'Dashboard: the page could not be built');
        html = renderFailurePage(describeError(err));
      }
      sendText(res, 200, 'text/html; charset=utf-8', html, {
        'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      });
    }, 'Basic'),
    'GET /api/status': sensitive(async (_req, res) => sendJson(res, 200, await readStatus())),
    'GET /api/notifications': sensitive(async (_req, res, { query }) => {
      const limit = Number(query.get('limit') ?? 100);
      const notifications = await source.listNotifications({
        unreadOnly: query.get('unread') === 'true' || query.get('unread') === '1',
        targetId: query.get('target') ?? undefined,
        limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, 500) : 100,
      });
      sendJson(
        res,
        200,
        scrubSecrets({ notifications, unread: notifications.filter((n) => !n.read).length }, secrets),
      );
    }),
    'GET /metrics': async (_req, res) => {
      await readStatus();
      const own = await metrics.registry.metrics();
      const worker = deps.workerMetrics
        ? await deps.workerMetrics().catch((err: unknown) => {
            log.warn({ err }, 'Dashboard: the worker\'s metrics could not be read');
            return '';
          })
        : '';
      sendText(res, 200, metrics.registry.contentType, worker ? `${own.trimEnd()}\n${worker}` : own);
    },
    'POST /api/targets/:id/force-recovery': command(
      forceRecoveryBody,
      (id, body) => source.forceRecovery(id, body),
      'force-recovery',
    ),
    'POST /api/targets/:id/acknowledge': command(
      acknowledgeBody,
      (id, body) => source.acknowledge(id, body),
      'acknowledge',
    ),
    'POST /api/targets/:id/resolve': command(resolveBody, (id, body) => source.resolve(id, body), 'resolve'),
    'GET /api/operator': sensitive(async (_req, res) => {
      const [status, report] = await Promise.all([
        readStatusOverview(deps.client, deps.taskQueue, config.targets),
        readReport(deps.client, deps.taskQueue, config.targets, 30),
      ]);
      sendJson(res, 200, scrubSecrets({ status, report, webUiUrl, namespace }, secrets));
    }),
    'GET /api/mail': sensitive(async (_req, res) => sendJson(res, 200, scrubSecrets(await readMailbox(deps.client, deps.taskQueue), secrets))),
    'POST /api/test-alert': command(
      acknowledgeBody,
      (_id, body) =>
        sendTestAlertViaWorker(deps.client, deps.taskQueue, { targetId: config.targets[0]?.target.id ?? 'mt5-bridge', by: body.by }),
      'test alert',
    ),
    'POST /api/remediation/off': command(
      remediationOffBody,
      (_id, body) =>
        setRemediation(deps.client, deps.taskQueue, false, { ...body, targetIds: config.targets.map((t) => t.target.id) }),
      'remediation off',
    ),
    'POST /api/remediation/on': command(
      remediationOnBody,
      (_id, body) => setRemediation(deps.client, deps.taskQueue, true, { by: body.by, reason: body.reason ?? '' }),
      'remediation on',
    ),
    'POST /api/notifications/read': command(
      markReadBody,
      (_id, body) => source.markNotificationsRead(body.ids),
      'mark notifications read',
    ),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    if (target.length > MAX_URL_LENGTH) {
      return sendJson(res, 414, { error: `request target longer than ${MAX_URL_LENGTH} characters` });
    }
    if (!access.exposed) {
      // A dashboard only this machine can reach answers its own names only (DNS rebinding).
      const requestHost = hostnameOf(`http://${req.headers.host ?? ''}`);
      if (!isLoopbackHost(requestHost) && requestHost !== publicHost) {
        return sendJson(res, 421, { error: 'unexpected Host header for a loopback-bound dashboard' });
      }
    }
    const url = new URL(target, 'http://dashboard.invalid');
    const { path, rawTargetId } = routePath(url.pathname);
    const route = routes[`${req.method} ${path}`];
    if (!route) {
      const known = Object.keys(routes).some((k) => k.endsWith(` ${path}`));
      return sendJson(res, known ? 405 : 404, {
        error: known ? `method ${req.method} not allowed on ${path}` : `no such page: ${url.pathname}`,
      });
    }
    let targetId: string | undefined;
    try {
      targetId = rawTargetId === undefined ? undefined : decodeURIComponent(rawTargetId);
    } catch {
      return sendJson(res, 400, { error: 'target id: not valid URL encoding' });
    }
    await route(req, res, { targetId, query: url.searchParams });
  }

  const server = createServer(REQUEST_LIMITS.server, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      const [status, message] = errorStatus(err);
      if (status >= 500) log.warn({ err, url: req.url, method: req.method }, 'Dashboard request failed');
      if (res.headersSent) return res.end();
      // The rest of an oversized body is not read: close the connection rather than drain it.
      sendJson(res, status, { error: scrubSecrets(message, secrets) }, status === 413 ? { connection: 'close' } : {});
    });
  });
  server.maxConnections = REQUEST_LIMITS.maxConnections;
  server.maxRequestsPerSocket = REQUEST_LIMITS.maxRequestsPerSocket;

  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          const url = `http://${shownHost}:${address.port}`;
          eventLoopLag.start();
          resolve({ url });
        });
      }),
    close: () =>
      new Promise((resolve, reject) => {
        eventLoopLag.stop();
        if (!server.listening) return resolve();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Answers a refused request; a 401 carries its challenge (Basic makes a browser ask for the token). */
function refuse(res: ServerResponse, decision: Exclude<AuthDecision, { ok: true }>): void {
  sendJson(res, decision.status, { error: decision.message }, decision.challenge ? { 'www-authenticate': decision.challenge } : {});
}

/** Maps a failure to its HTTP status and a message safe to show. */
function errorStatus(err: unknown): [number, string] {
  if (err instanceof BadRequestError) return [err.status, err.message];
  if (err instanceof UnknownTargetError) return [404, err.message];
  if (err instanceof CommandRejectedError) return [409, err.message];
  if (err instanceof FeedUnavailableError) return [503, err.message];
  if (err instanceof TemporalTimeoutError) return [504, err.message];
  return [502, `Temporal call failed: ${describeError(err)}`];
}
