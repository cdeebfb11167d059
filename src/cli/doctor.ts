/**
 * `autoheal doctor`: the runbook's verification checklist, automated. Every link of the chain from
 * detection to restart to alert is checked read-only, one line each, ✅ or ❌ with the fix:
 *
 *   automatic restart configured → GitHub token present, scopes repo + workflow, repository
 *   reachable, restart workflow listens to GITHUB_EVENT_TYPE and, with several targets, routes
 *   by client_payload.target, its runs readable (informational) (or: RESTART_URL and RESTART_TOKEN
 *   set; with several targets, each target's token variable) → each target's restart endpoint
 *   exists (OPTIONS, never POST) → SMTP login → bridge health (and which
 *   deployed bridge: variant A with its MongoDB, variant B with its cache; docs/bridge.md) → which
 *   restart endpoints the bridge has (OPTIONS, informational) → Temporal reachable → each
 *   target's monitor running and probing.
 *
 * It never dispatches, never restarts, never sends an email. Each check has a timeout. Every
 * checker is injectable, so that tests run it against doubles. No URL is printed with its query
 * string (RESTART_URL may carry the bridge's admin token), and the values of RESTART_URL's query
 * are scrubbed from every check like the other secrets (src/config/secrets.ts).
 */
import { configFingerprint } from '../config/fingerprint';
import { configSecrets } from '../config/secrets';
import type { Octokit } from '@octokit/rest';
import axios, { type AxiosInstance } from 'axios';
import { checkSmtp as checkSmtpLogin } from '../activities/alerts/check-smtp';
import { createOctokit } from '../activities/remediation/create-octokit';
import { safeUrl } from '../activities/remediation/safe-url';
import type { AppConfig } from '../config/load-config';
import { scrubSecrets } from '../logging/create-logger';
import { checkBridgeHealth, checkRestartEndpoint, checkRestartEndpoints } from './doctor-checks/bridge-checks';
import { fail, pass, withTimeout, type DoctorCheck } from './doctor-checks/doctor-check';
import {
  checkRepository,
  checkRestartRunsReadable,
  checkRestartWorkflow,
  checkTokenExpiry,
  checkTokenScopes,
  checkWorkflowRoutesByTarget,
  readRestartWorkflow,
  DEFAULT_WORKFLOW_PATH,
  type GithubCheckContext,
} from './doctor-checks/github-checks';
import { checkHeartbeat } from './doctor-checks/heartbeat-check';
import { checkChannels } from './doctor-checks/channel-checks';
import {
  checkTemporal,
  connectTemporalProbe,
  type ConnectTemporalProbe,
} from './doctor-checks/temporal-checks';

export type { DoctorCheck } from './doctor-checks/doctor-check';
export { DEFAULT_WORKFLOW_PATH } from './doctor-checks/github-checks';

export interface DoctorDeps {
  /** GitHub client; default `createOctokit(config.remediation.github)`. */
  octokit?: Octokit;
  /** HTTP client for the bridge checks; default axios. */
  http?: AxiosInstance;
  /** SMTP login check; default the alerting side's `checkSmtp` (nodemailer verify). */
  checkSmtp?: (smtp: AppConfig['smtp']) => Promise<{ ok: boolean; detail: string }>;
  /** Temporal connection; default a client connection with a connect timeout. */
  connectTemporal?: ConnectTemporalProbe;
  /** Path of the restart workflow in the repository; default .github/workflows/mt5-full-restart.yml. */
  workflowPath?: string;
  /** Timeout of each check, ms; default 10 s. */
  timeoutMs?: number;
  /** Send one test ping to HEARTBEAT_URL (`--ping-heartbeat`); default: only its shape is checked. */
  pingHeartbeat?: boolean;
  /** Send a test alert to every configured channel (`--test-channels`); default: only their shape is checked. */
  testChannels?: boolean;
  /** HTTP for the heartbeat's test ping and the channels' test alerts; default fetch. */
  fetch?: typeof fetch;
}

export const DEFAULT_DOCTOR_TIMEOUT_MS = 10_000;

const NO_RESTART_FIX =
  'Set GITHUB_TOKEN (repo and workflow scopes) and GITHUB_REPOSITORY=owner/repo, or RESTART_URL and RESTART_TOKEN, in the worker environment; then restart the worker';
const DEMO_FIX =
  'DEMO MODE: MT5_BRIDGE_URL is unset, so the target is the built-in simulator, which runs only inside `autoheal start`; set MT5_BRIDGE_URL to your bridge';
const SMTP_FIX =
  'Verify SMTP_HOST, SMTP_PORT, SMTP_USERNAME and SMTP_APP_PASSWORD (for Gmail: a valid app password of that account) and ALERT_RECIPIENT_EMAIL';

/** Runs every check and returns them in the order of the chain. Never throws for a broken link. */
export async function runDoctor(config: AppConfig, deps: DoctorDeps = {}): Promise<DoctorCheck[]> {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_DOCTOR_TIMEOUT_MS;
  const http = deps.http ?? axios.create();
  const r = config.remediation;
  const timed = (name: string, fix: string, check: () => Promise<DoctorCheck>) =>
    withTimeout(name, timeoutMs, check, fix);

  const remediation: Array<Promise<DoctorCheck>> = [];
  if (r.method === 'none') {
    remediation.push(
      Promise.resolve(
        fail(
          'automatic restart',
          `OFF: ${r.reason}; alerts still go out, incidents escalate without a restart`,
          NO_RESTART_FIX,
        ),
      ),
    );
  } else if (r.method === 'github') {
    remediation.push(
      Promise.resolve(
        pass(
          'automatic restart',
          `GitHub repository_dispatch "${r.github.eventType}" to ${r.github.repository ?? '(GITHUB_REPOSITORY unset)'} (${r.reason})`,
        ),
      ),
    );
    if (!r.github.token) {
      remediation.push(
        Promise.resolve(
          fail(
            'GITHUB_TOKEN present',
            'GITHUB_TOKEN is not set: no restart can be requested',
            `${NO_RESTART_FIX} (a platform that does not redeploy after adding a variable keeps running without it: docs/remediation.md)`,
          ),
        ),
      );
    } else if (!r.github.repository) {
      remediation.push(
        Promise.resolve(
          fail(
            'GITHUB_REPOSITORY set',
            'GITHUB_REPOSITORY is not set',
            'Set GITHUB_REPOSITORY=owner/repo of the repository that holds the restart workflow',
          ),
        ),
      );
    } else {
      remediation.push(
        Promise.resolve(
          pass('GITHUB_TOKEN present', `set (${r.github.token.length} characters), API ${r.github.apiUrl}`),
        ),
      );
      const ctx: GithubCheckContext = {
        octokit: deps.octokit ?? createOctokit(r.github),
        repository: r.github.repository,
        eventType: r.github.eventType,
        workflowPath: deps.workflowPath ?? DEFAULT_WORKFLOW_PATH,
        timeoutMs,
      };
      const githubFix = 'Check the network of this host and GITHUB_API_URL';
      remediation.push(timed('GitHub token scopes', githubFix, () => checkTokenScopes(ctx)));
      remediation.push(timed('GitHub token expiry', githubFix, () => checkTokenExpiry(ctx)));
      remediation.push(timed('GitHub repository reachable', githubFix, () => checkRepository(ctx)));
      const workflowFile = readRestartWorkflow(ctx);
      remediation.push(
        timed('restart workflow listens to the event', githubFix, () => checkRestartWorkflow(ctx, workflowFile)),
      );
      // Several targets: the workflow must restart the VPS of the payload's target, not one host.
      if (config.targets.length > 1) {
        const ids = config.targets.map((t) => t.target.id);
        remediation.push(
          timed('restart workflow routes by target', githubFix, () => checkWorkflowRoutesByTarget(ctx, ids, workflowFile)),
        );
      }
      remediation.push(timed('restart runs readable', githubFix, () => checkRestartRunsReadable(ctx)));
    }
  } else {
    const urls = config.targets.map((t) => t.restartUrl).filter((u): u is string => Boolean(u));
    remediation.push(
      Promise.resolve(
        urls.length
          ? pass(
              'automatic restart',
              `direct restart: POST ${[...new Set(urls.map(safeUrl))].join(', ')} (${r.reason})`,
            )
          : fail('automatic restart', 'REMEDIATION=webhook but no restart URL is configured', NO_RESTART_FIX),
      ),
    );
    const lone = config.targets.length === 1 && !config.targets[0]?.restartTokenEnv;
    if (lone) {
      remediation.push(
        Promise.resolve(
          r.webhook.token
            ? pass('RESTART_TOKEN present', `set (${r.webhook.token.length} characters)`)
            : fail(
                'RESTART_TOKEN present',
                'RESTART_TOKEN is not set: the bridge will refuse the restart (401)',
                'Set RESTART_TOKEN to the restart token the MT5 Bridge on the VPS expects, then restart the worker',
              ),
        ),
      );
    } else {
      // Each target's own token: the variable its restartTokenEnv names (src/config/restart-routes.ts).
      for (const t of config.targets) remediation.push(Promise.resolve(checkTargetToken(t, r.webhook.targetTokens[t.target.id])));
    }
  }

  // The restart endpoint of each bridge: what the webhook calls directly, or the GitHub job calls.
  const endpoints =
    r.method === 'none'
      ? []
      : config.targets.map((t) => {
          const url =
            r.method === 'webhook'
              ? t.restartUrl
              : (t.restartUrl ?? `${t.target.url}/api/system/full-restart`);
          return timed(`restart endpoint of ${t.target.id}`, 'Check the VPS', () =>
            checkRestartEndpoint(http, t.target.id, url, Math.min(timeoutMs, t.target.probeTimeoutMs)),
          );
        });

  const smtpCheck = deps.checkSmtp ?? ((smtp: AppConfig['smtp']) => checkSmtpLogin(smtp));
  const smtp = timed('SMTP login', SMTP_FIX, async () => {
    const result = await smtpCheck(config.smtp);
    return result.ok ? pass('SMTP login', result.detail) : fail('SMTP login', result.detail, SMTP_FIX);
  });

  const bridges = config.targets.map((t) =>
    timed(`bridge ${t.target.id} reachable`, 'Check VPS Status', async () => {
      const check = await checkBridgeHealth(http, t.target);
      if (check.ok || !config.demo) return check;
      return { ...check, fix: `${DEMO_FIX}; ${check.fix ?? ''}` };
    }),
  );
  // Informational: which of the known restart endpoints each bridge has (OPTIONS only, always ✅).
  // Each request stays within the check's own timeout, so that a slow bridge reads "unreachable".
  const restartEndpoints = config.targets.map((t) =>
    timed(`bridge ${t.target.id} restart endpoints`, 'Check the VPS', () =>
      checkRestartEndpoints(http, t.target, Math.max(1, Math.min(t.target.probeTimeoutMs, Math.floor(timeoutMs * 0.9)))),
    ),
  );
  const temporal = checkTemporal(config, deps.connectTemporal ?? connectTemporalProbe, timeoutMs, configFingerprint(config));
  const heartbeat = timed('heartbeat (dead man\'s switch)', 'Check the network of this host and HEARTBEAT_URL', () =>
    checkHeartbeat(config, { ping: deps.pingHeartbeat === true, fetch: deps.fetch, timeoutMs }),
  );

  const channels = checkChannels(config, { send: deps.testChannels === true, fetch: deps.fetch, timeoutMs });

  const checks = [
    ...(await Promise.all([...remediation, ...endpoints, smtp, ...bridges, ...restartEndpoints, heartbeat])),
    ...(await channels),
    ...(await temporal),
  ];
  const secrets = configSecrets(config);
  return scrubSecrets(checks, secrets) as DoctorCheck[];
}

/** A target's restart token line: its variable is set, or the target sends none on purpose. */
function checkTargetToken(t: AppConfig['targets'][number], token: string | undefined): DoctorCheck {
  const name = `restart token of ${t.target.id}`;
  if (token) return pass(name, `${t.restartTokenEnv ?? 'RESTART_TOKEN'} set (${token.length} characters)`);
  if (!t.restartTokenEnv)
    return pass(name, 'no restartTokenEnv: its restart is sent without Authorization (its restartUrl may carry the token)');
  return fail(
    name,
    `${t.restartTokenEnv} is not set: ${t.target.id}'s VPS will refuse the restart (401)`,
    `Set ${t.restartTokenEnv} to the restart token of ${t.target.id}'s VPS in the worker environment, then restart the worker`,
  );
}

/** The report: one line per check, then a summary; exit code 1 on any ❌. */
export function formatDoctorReport(checks: DoctorCheck[]): { lines: string[]; exitCode: 0 | 1 } {
  const lines = checks.map((c) =>
    c.ok ? `✅ ${c.name}: ${c.detail}` : `❌ ${c.name}: ${c.detail}${c.fix ? ` — Fix: ${c.fix}` : ''}`,
  );
  const failed = checks.filter((c) => !c.ok).length;
  lines.push(failed ? `${failed} of ${checks.length} checks failed` : `All ${checks.length} checks passed`);
  return { lines, exitCode: failed ? 1 : 0 };
}
