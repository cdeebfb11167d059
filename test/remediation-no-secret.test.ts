/**
 * After an incident, no secret anywhere: the healingWorkflow runs on a real Temporal dev server
 * with the real activities as the worker builds them (buildActivities: probe, alerts over SMTP,
 * remediation over HTTP, ledger), against the bridge simulator, the GitHub API double and a
 * loopback SMTP server. Then the whole
 * workflow history, every log line (ours and the SDK's) and every email are searched for the
 * values of GITHUB_TOKEN, RESTART_TOKEN and SMTP_APP_PASSWORD.
 *
 * The logger is built without the secrets to scrub: nothing may leak in the first place.
 */
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { SUBJECTS } from '../src/activities/alerts';
import { loadConfig, type AppConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import { healingWorkflowId } from '../src/shared/names';
import { createBridgeSimulator, type BridgeSimulator } from '../src/simulator/create-bridge-simulator';
import { SIM_ACCOUNT_PASSWORD } from '../src/simulator';
import { createDashboardServer } from '../src/dashboard';
import { healingWorkflow } from '../src/workflows/healing';
import { buildActivities } from '../src/workers/build-activities';
import { createGithubDouble, type GithubDouble } from './helpers/github-double';
import { createDevServerEnv, uniqueTaskQueue, workflowBundle } from './helpers/temporal';

const GITHUB_TOKEN = 'ghp' + '_incidentSecretToken0123456789abcdefghij';
const WRONG_GITHUB_TOKEN = 'ghp' + '_incidentWrongToken0123456789abcdefghij';
const RESTART_TOKEN = 'restart-incident-secret-4c3b2a1f0e';
const SMTP_PASSWORD = 'smtp-incident-secret-password-77';
const SMTP_USER = 'alerts@fidus.test';
const SECRETS = [GITHUB_TOKEN, WRONG_GITHUB_TOKEN, RESTART_TOKEN, SMTP_PASSWORD];

// One task queue for the file: the attempt ledger of a target lives on it across incidents.
const TASK_QUEUE = uniqueTaskQueue('no-secret');
const logLines: string[] = [];
const emails: string[] = [];
let temporal: TestWorkflowEnvironment;
let smtp: SMTPServer;
let smtpPort: number;
let bridge: BridgeSimulator;
let github: GithubDouble;

beforeAll(async () => {
  Runtime.install({
    logger: new DefaultLogger(
      'WARN',
      (entry) => void logLines.push(`${entry.message} ${JSON.stringify(entry.meta ?? {})}`),
    ),
  });
  temporal = await createDevServerEnv();
  smtp = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD)
        return callback(null, { user: SMTP_USER });
      return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        emails.push(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  await temporal?.teardown();
});

beforeEach(async () => {
  logLines.length = 0;
  emails.length = 0;
  bridge = await createBridgeSimulator({ port: 0, restartToken: RESTART_TOKEN });
  // The GitHub double plays the Actions job too: a dispatch restarts the bridge with the restart token.
  github = await createGithubDouble({
    token: GITHUB_TOKEN,
    repositories: ['owner/repo'],
    onDispatch: () =>
      void fetch(`${bridge.url}/api/system/full-restart`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${RESTART_TOKEN}` },
      }).catch(() => undefined),
  });
});
afterEach(async () => {
  await Promise.all([bridge.close(), github.close()]);
});

function configFor(overrides: Record<string, string | undefined>): AppConfig {
  return loadConfig({
    MT5_BRIDGE_URL: bridge.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    GITHUB_TOKEN,
    GITHUB_REPOSITORY: 'owner/repo',
    GITHUB_API_URL: github.url,
    RESTART_TOKEN,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtpPort),
    // The test relay on loopback speaks plain text (test/smtp-tls.test.ts proves the TLS path).
    SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true',
    SMTP_USERNAME: SMTP_USER,
    SMTP_APP_PASSWORD: SMTP_PASSWORD,
    ALERT_RECIPIENT_EMAIL: 'ops@fidus.test',
    DASHBOARD_TOKEN: 'dashboard-token-not-a-secret-here-1',
    PROBE_TIMEOUT: '2s',
    VERIFY_INTERVAL: '1s',
    VERIFY_TIMEOUT: '30s',
    RESTART_COOLDOWN: '1s',
    ...overrides,
  });
}

/** Runs one incident of the configured target to `until`, with the activities the worker builds. */
async function incident<T>(
  config: AppConfig,
  until: (handle: { result: () => Promise<unknown> }) => Promise<T>,
) {
  const log = createLogger({
    level: 'debug',
    destination: { write: (line: string) => void logLines.push(line) },
  });
  const { target, policy } = config.targets[0]!;
  const taskQueue = config.temporal.taskQueue;
  const activities = buildActivities({ config, log, client: temporal.client });
  const report = await activities.probeTarget(target);
  expect(report.severity).toBe('CRITICAL');
  const worker = await Worker.create({
    connection: temporal.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  return worker.runUntil(async () => {
    const handle = await temporal.client.workflow.start(healingWorkflow, {
      taskQueue,
      workflowId: healingWorkflowId(target.id, taskQueue),
      args: [
        {
          target,
          policy,
          trigger: { source: 'monitor', reason: report.summary, at: new Date().toISOString() },
          report,
        },
      ],
    });
    const outcome = await until(handle);
    const history = JSON.stringify(await handle.fetchHistory());
    await handle.terminate('test over').catch(() => undefined);
    return { outcome, history };
  });
}

async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Subjects and text bodies of the received emails, decoded. */
async function decoded(): Promise<Array<{ subject: string; text: string }>> {
  return Promise.all(
    emails.map(async (raw) =>
      simpleParser(raw).then((m) => ({ subject: m.subject ?? '', text: m.text ?? '' })),
    ),
  );
}

function expectNoSecretIn(what: string, text: string) {
  for (const secret of SECRETS) {
    if (text.includes(secret)) throw new Error(`${what} holds a secret (${secret.slice(0, 8)}…)`);
  }
}

test('a GitHub-healed incident: dispatched, recovered, emailed, and no secret in history, logs or emails', async () => {
  bridge.setFault({ mode: 'terminal_disconnected', restart: 'heal' });
  const config = configFor({});

  const { outcome, history } = await incident(config, (handle) => handle.result());

  expect((outcome as { status: string }).status).toBe('RECOVERED');
  expect(github.dispatches()).toHaveLength(1);
  expect(bridge.restarts).toHaveLength(1);
  const subjects = (await decoded()).map((m) => m.subject);
  expect(subjects).toEqual(expect.arrayContaining([SUBJECTS.critical, SUBJECTS.recovery]));
  expectNoSecretIn('the workflow history', history);
  expectNoSecretIn('a log line', logLines.join('\n'));
  expectNoSecretIn('an email', emails.join('\n'));
}, 120_000);

test('a refused token: escalated at once with the diagnosis, and the diagnosis holds no token anywhere', async () => {
  bridge.setFault({ mode: 'terminal_disconnected' });
  const config = configFor({ GITHUB_TOKEN: WRONG_GITHUB_TOKEN });

  const { history } = await incident(config, async () => {
    // CRITICAL, then the escalation email: the workflow parks in ESCALATED and does not end.
    await waitFor(() => emails.length >= 2, 60_000);
  });

  expect(github.dispatches()).toHaveLength(1); // 401 is not retried
  expect(history).toContain('RemediationUnauthorizedError');
  expect(history).toContain('Verify GITHUB_TOKEN');
  expect(bridge.restarts).toHaveLength(0);
  const escalation = (await decoded()).find((m) => m.subject === SUBJECTS.escalation);
  expect(escalation?.text).toContain('Verify GITHUB_TOKEN');
  expectNoSecretIn('the workflow history', history);
  expectNoSecretIn('a log line', logLines.join('\n'));
  expectNoSecretIn('an email', emails.join('\n'));
}, 120_000);

test('variant A healed through its own emergency-restart, RESTART_URL=<bridge>/api/admin/emergency-restart?token=…: the token reaches the endpoint and stays out of history, logs, emails and the dashboard; the bridge\'s account passwords too', async () => {
  const ADMIN_TOKEN = 'admin-query-token-9f8e7d6c5b4a';
  const variantA = await createBridgeSimulator({ port: 0, variant: 'a', adminToken: ADMIN_TOKEN });
  try {
    variantA.setFault({ mode: 'terminal_disconnected', restart: 'heal' });
    const config = configFor({
      MT5_BRIDGE_URL: variantA.url,
      REMEDIATION: 'webhook',
      GITHUB_TOKEN: undefined,
      RESTART_URL: `${variantA.url}/api/admin/emergency-restart?token=${ADMIN_TOKEN}`,
    });

    const { outcome, history } = await incident(config, async (handle) => {
      const result = await handle.result();
      // the recovery email is delivered by the target's alert delivery after the close: while the worker runs
      await waitFor(() => emails.length >= 2, 30_000);
      return result;
    });

    expect((outcome as { status: string }).status).toBe('RECOVERED');
    expect(variantA.restarts.map((r) => [r.endpoint, r.status])).toEqual([['emergency-restart', 200]]);
    expect(variantA.state().unauthorizedRestarts).toBe(0);
    expect(variantA.state().terminalLogins).toBe(0);

    const dashboard = createDashboardServer({ client: temporal.client, config, log: createLogger({ level: 'silent' }), taskQueue: config.temporal.taskQueue, webUiUrl: 'http://127.0.0.1:8233' });
    const { url } = await dashboard.listen();
    const auth = { headers: { Authorization: `Bearer ${config.dashboard.token}` } };
    const pages = await Promise.all(['/system-health', '/api/status', '/metrics', '/api/notifications'].map(async (path) => (await fetch(`${url}${path}`, auth)).text()));
    await dashboard.close();

    const leaks = (text: string) => [ADMIN_TOKEN, SIM_ACCOUNT_PASSWORD].filter((s) => text.includes(s));
    expect(leaks(history)).toEqual([]);
    expect(leaks(logLines.join('\n'))).toEqual([]);
    expect(leaks(emails.join('\n'))).toEqual([]);
    expect(leaks(pages.join('\n'))).toEqual([]);
    expect(emails.length).toBeGreaterThanOrEqual(2);
    expectNoSecretIn('the workflow history', history);
  } finally {
    await variantA.close();
  }
}, 120_000);
