/**
 * GITHUB_TOKEN health against the GitHub API double: the token's expiry header and classic
 * scopes, read at the worker's check and from every answer the remediation gets, raise a WARNING
 * 14 and 3 days before expiry, when `repo` or `workflow` is missing, and when a dispatch is
 * answered 401; each names the fix, goes out once, and never carries the token. On a running
 * worker the warning reaches the desk where every WARNING does: an email and the in-app feed.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createOctokit } from '../src/activities/remediation/create-octokit';
import { dispatchViaGithub } from '../src/activities/remediation/dispatch-github';
import { parseTokenExpiry } from '../src/activities/remediation/token-health';
import { loadConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import type { AlertDelivery } from '../src/shared/contracts';
import { createGithubTokenWatch } from '../src/workers/github-token-watch';
import { startWorker, type RunningWorker } from '../src/workers/run-worker';
import { installRuntimeLogger } from '../src/workers/create-worker';
import { listNotifications } from '../src/client/notifications';
import { createGithubDouble, type GithubDouble } from './helpers/github-double';
import { startSmtpServer, type TestSmtpServer } from './helpers/smtp';
import { createDevServerEnv, uniqueTaskQueue } from './helpers/temporal';
import { waitFor } from './helpers/wait';

jest.setTimeout(120_000);

const TOKEN = 'ghp_' + 'T0k3nValue'.repeat(4);
const DAY = 24 * 60 * 60_000;
const NOW = new Date('2026-03-02T09:00:00Z');
const ROTATE = 'rotate GITHUB_TOKEN: create a fine-grained token with "Contents: read and write" and "Actions: read" on owner/repo';

let github: GithubDouble;
beforeEach(async () => {
  github = await createGithubDouble({ token: TOKEN });
});
afterEach(() => github.close());

function watchOf(token = TOKEN) {
  const delivered: AlertDelivery[] = [];
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', secrets: [TOKEN], destination: { write: (l: string) => void lines.push(l) } });
  const watch = createGithubTokenWatch({
    octokit: createOctokit({ token, apiUrl: github.url }),
    repository: 'owner/repo',
    log,
    now: () => NOW,
    deliver: async (_target, deliveries) => void delivered.push(...deliveries),
  });
  const emails = () => delivered.filter((d) => d.email).map((d) => d.email as { conditionKey: string; issue: string; targetId: string });
  return { watch, delivered, emails, lines };
}

describe('GITHUB_TOKEN health', () => {
  test('parses both spellings of GitHub\'s expiry header', () => {
    expect(parseTokenExpiry('2026-03-12 09:00:00 UTC')?.toISOString()).toBe('2026-03-12T09:00:00.000Z');
    expect(parseTokenExpiry('2026-03-12 09:00:00 -0800')?.toISOString()).toBe('2026-03-12T17:00:00.000Z');
    expect(parseTokenExpiry('soon')).toBeUndefined();
  });

  test('a healthy token (no expiry near, repo and workflow scopes) raises nothing', async () => {
    github.setTokenExpiry(new Date(NOW.getTime() + 60 * DAY));
    const w = watchOf();
    expect(await w.watch.check()).toEqual([]);
    expect(w.delivered).toEqual([]);
  });

  test('14 days before expiry: one WARNING email and in-app notice naming the date and the fix, not repeated at the next check', async () => {
    github.setTokenExpiry(new Date(NOW.getTime() + 10 * DAY));
    const w = watchOf();
    await w.watch.check();
    await w.watch.check();
    await w.watch.settled();
    expect(w.emails()).toEqual([
      expect.objectContaining({
        targetId: 'fleet',
        conditionKey: 'github_token:expiry_14d',
        issue: expect.stringMatching(/^GITHUB_TOKEN expires on 2026-03-12 09:00 UTC \(in 10 days\): after that no automatic restart can be requested\. Fix: rotate GITHUB_TOKEN/),
      }),
    ]);
    expect(w.emails()[0]!.issue).toContain(ROTATE);
    expect(w.delivered.filter((d) => d.inApp)).toEqual([
      expect.objectContaining({ inApp: expect.objectContaining({ severity: 'WARNING', targetId: 'fleet', text: w.emails()[0]!.issue }) }),
    ]);
    expect(w.lines.join('')).toContain('GITHUB_TOKEN expires on 2026-03-12 09:00 UTC');
  });

  test('3 days before expiry: the last WARNING, a condition of its own', async () => {
    github.setTokenExpiry(new Date(NOW.getTime() + 2 * DAY + 60_000));
    const w = watchOf();
    await w.watch.check();
    await w.watch.settled();
    expect(w.emails().map((e) => e.conditionKey)).toEqual(['github_token:expiry_3d']);
    expect(w.emails()[0]!.issue).toMatch(/expires on .* \(in 3 days\).*Fix: rotate GITHUB_TOKEN/);
  });

  test('a classic token without the workflow scope: a WARNING naming the missing scope and the fix', async () => {
    github.setScopes('repo, read:org');
    const w = watchOf();
    await w.watch.check();
    await w.watch.settled();
    expect(w.emails().map((e) => e.conditionKey)).toEqual(['github_token:scopes']);
    expect(w.emails()[0]!.issue).toMatch(/lacks the workflow scope \(it has: repo, read:org\).*Fix: give GITHUB_TOKEN the repo and workflow scopes, or rotate GITHUB_TOKEN/);
  });

  test('a dispatch answered 401: the remediation\'s own answer raises the WARNING, with the fix, and the token is nowhere in it', async () => {
    const revoked = 'ghp_' + 'R3v0kedTok'.repeat(4);
    const w = watchOf();
    const octokit = createOctokit({ token: revoked, apiUrl: github.url }, { onAnswer: w.watch.observe });
    await expect(
      dispatchViaGithub(
        { octokit, repository: 'owner/repo', eventType: 'mt5-full-restart' },
        { targetId: 'mt5-bridge', incidentId: 'heal-mt5-bridge-1', attempt: 1, trigger: 'auto_sync_service', reason: 'terminal down' },
        NOW,
      ),
    ).rejects.toMatchObject({ name: 'RemediationUnauthorizedError' });
    await w.watch.settled();
    expect(w.emails().map((e) => e.conditionKey)).toEqual(['github_token:unauthorized']);
    expect(w.emails()[0]!.issue).toMatch(/^GitHub answered 401 to POST \/repos\/\{owner\}\/\{repo\}\/dispatches: GITHUB_TOKEN is invalid, revoked or expired.*Fix: rotate GITHUB_TOKEN/);
    const everything = JSON.stringify(w.delivered) + w.lines.join('');
    expect(everything).not.toContain(revoked);
    expect(everything).not.toContain(TOKEN);
  });
});

describe('GITHUB_TOKEN health on a running worker', () => {
  let env: TestWorkflowEnvironment;
  let smtp: TestSmtpServer;
  let worker: RunningWorker | undefined;
  const lines: string[] = [];
  const taskQueue = uniqueTaskQueue('token-health');

  beforeAll(async () => {
    installRuntimeLogger(createLogger({ level: 'silent' })); // before anything creates the SDK's runtime
    [env, smtp] = await Promise.all([createDevServerEnv(), startSmtpServer()]);
  });
  afterAll(async () => {
    await worker?.stop();
    await smtp?.stop();
    await env?.teardown();
  });

  test('a token expiring in two days: the worker\'s check at start sends the WARNING email and in-app notice, without the token', async () => {
    github.setTokenExpiry(new Date(Date.now() + 2 * DAY));
    const config = loadConfig({
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      MT5_BRIDGE_URL: 'http://127.0.0.1:9',
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: 'owner/repo',
      GITHUB_API_URL: github.url,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true',
      ALERT_RECIPIENT_EMAIL: 'ops@fidus.test',
    });
    const log = createLogger({ level: 'info', secrets: [TOKEN], destination: { write: (l: string) => void lines.push(l) } });
    worker = await startWorker(config, log);
    const [message] = await smtp.waitForMessages(1, 60_000);
    expect(message!.mail.subject).toBe('⚠️ FIDUS MT5 WARNING');
    expect(message!.mail.text).toMatch(/Issue: GITHUB_TOKEN expires on .* \(in 2 days\): after that no automatic restart can be requested\. Fix: rotate GITHUB_TOKEN/);
    expect(message!.mail.text).toContain('Condition: github_token:expiry_3d');
    expect(message!.mail.text).toMatch(/^Component: fidus-autoheal \(GITHUB_TOKEN\)$/m);
    const feed = await waitFor(
      'the in-app notice',
      () => listNotifications(env.client, { taskQueue }),
      (items) => items.some((n) => n.severity === 'WARNING' && n.text.startsWith('GITHUB_TOKEN expires on')),
    );
    for (const text of [message!.raw, JSON.stringify(feed), lines.join('')]) expect(text).not.toContain(TOKEN);
  });
});
