/**
 * `autoheal doctor` against doubles of every link: the GitHub API double, the bridge simulator,
 * a loopback SMTP server (smtp-server) and a real Temporal dev server.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { Command } from 'commander';
import { SMTPServer } from 'smtp-server';
import { registerDoctorCommand } from '../src/cli/commands/doctor';
import { runDoctor, type DoctorCheck } from '../src/cli/doctor';
import { loadConfig } from '../src/config/load-config';
import { monitorWorkflowId } from '../src/shared/names';
import { createProbeActivities } from '../src/activities/probe/index';
import { ensureMonitors } from '../src/client/monitors';
import { createBridgeSimulator, type BridgeSimulator } from '../src/simulator/create-bridge-simulator';
import { createGithubDouble, type GithubDouble } from './helpers/github-double';
import { createDevServerEnv, workflowBundle } from './helpers/temporal';

const GITHUB_TOKEN = 'ghp' + '_doctorTestToken0123456789abcdefghijklm';
const SMTP_PASSWORD = 'smtp-app-password-doctor-test-abcd';
const RESTART_TOKEN = 'restart-token-doctor-test-9f8e7d';
/** Variant A's ADMIN_SECRET_TOKEN, which RESTART_URL carries as `?token=`. */
const ADMIN_TOKEN = 'SOME-SECRET';
const SMTP_USER = 'alerts@fidus.test';
const REPO = 'chavapalmarubin-lab/FIDUS';
const WORKFLOW_FILE = readFileSync(join(__dirname, '..', 'deploy', 'github', 'mt5-full-restart.yml'), 'utf8');
/** The task queue of the test's worker, and so the deployment doctor is run for. */
const TASK_QUEUE = 'doctor-test';
const MONITOR_ID = monitorWorkflowId('mt5-bridge', TASK_QUEUE);

let temporal: TestWorkflowEnvironment;
let github: GithubDouble;
let bridge: BridgeSimulator;
let smtp: SMTPServer;
let smtpPort: number;
const everythingPrinted: string[] = [];
/** The bridge the target's monitor probes (doctor checks the monitor runs, not what it probes). */
let monitored: BridgeSimulator;
let worker: Worker;
let running: Promise<void>;

/** Starts the target's long-lived monitor, as a worker start does. */
async function startMonitor() {
  const config = loadConfig({ MT5_BRIDGE_URL: monitored.url, CHECK_INTERVAL: '1s', PROBE_TIMEOUT: '1s' });
  await ensureMonitors(temporal.client, config.targets, TASK_QUEUE);
}

beforeAll(async () => {
  temporal = await createDevServerEnv();
  monitored = await createBridgeSimulator({ port: 0 });
  worker = await Worker.create({
    connection: temporal.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities: createProbeActivities({}),
  });
  running = worker.run();
  await startMonitor();
  smtp = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD)
        return callback(null, { user: SMTP_USER });
      const err = Object.assign(new Error('Invalid username or password'), { responseCode: 535 });
      return callback(err);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  worker?.shutdown();
  await running;
  await monitored?.close();
  await temporal?.teardown();
  for (const secret of [
    GITHUB_TOKEN,
    SMTP_PASSWORD,
    RESTART_TOKEN,
    'ghp' + '_wrongTokenForDoctor000000000000000000',
    'wrong-smtp-password-xyz',
    ADMIN_TOKEN,
  ]) {
    expect(everythingPrinted.join('\n')).not.toContain(secret);
  }
});

beforeEach(async () => {
  github = await createGithubDouble({
    token: GITHUB_TOKEN,
    repositories: [REPO],
    files: { [`${REPO}:.github/workflows/mt5-full-restart.yml`]: WORKFLOW_FILE },
  });
  bridge = await createBridgeSimulator({ port: 0, restartToken: RESTART_TOKEN });
});
afterEach(async () => {
  // doctor never restarts and never dispatches
  expect(bridge.restarts).toHaveLength(0);
  expect(bridge.state().requests.restart).toBe(0);
  expect(github.dispatches()).toHaveLength(0);
  await Promise.all([github.close(), bridge.close()]);
});

function env(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    MT5_BRIDGE_URL: bridge.url,
    PROBE_TIMEOUT: '2s',
    GITHUB_TOKEN,
    GITHUB_REPOSITORY: REPO,
    GITHUB_API_URL: github.url,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtpPort),
    // The test relay on loopback speaks plain text (test/smtp-tls.test.ts proves the TLS path).
    SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true',
    SMTP_USERNAME: SMTP_USER,
    SMTP_APP_PASSWORD: SMTP_PASSWORD,
    ALERT_RECIPIENT_EMAIL: 'chavapalmarubin@gmail.com',
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    ...overrides,
  };
}

/** Runs `autoheal doctor` through commander, as the CLI does. */
async function doctorCommand(overrides: Record<string, string | undefined> = {}, args: string[] = []) {
  const lines: string[] = [];
  let exitCode: number | undefined;
  const program = new Command('autoheal').exitOverride();
  registerDoctorCommand(program, {
    loadConfig: () => loadConfig(env(overrides)),
    write: (line) => lines.push(line),
    setExitCode: (code) => (exitCode = code),
  });
  await program.parseAsync(['node', 'autoheal', 'doctor', '--timeout', '5s', ...args]);
  everythingPrinted.push(...lines);
  return { lines, exitCode };
}

async function doctor(overrides: Record<string, string | undefined> = {}) {
  const checks = await runDoctor(loadConfig(env(overrides)), { timeoutMs: 5_000 });
  everythingPrinted.push(JSON.stringify(checks));
  const named = (name: string): DoctorCheck => {
    const check = checks.find((c) => c.name === name);
    if (!check) throw new Error(`no check named "${name}" in ${checks.map((c) => c.name).join(', ')}`);
    return check;
  };
  return { checks, named, failed: checks.filter((c) => !c.ok).map((c) => c.name) };
}

test('every link works: all ✅ and exit code 0', async () => {
  const { lines, exitCode } = await doctorCommand();

  expect(exitCode).toBe(0);
  expect(lines.filter((l) => l.startsWith('❌'))).toEqual([]);
  expect(lines).toEqual(
    expect.arrayContaining([
      expect.stringMatching(
        /^✅ automatic restart: GitHub repository_dispatch "mt5-full-restart" to chavapalmarubin-lab\/FIDUS/,
      ),
      expect.stringMatching(/^✅ GITHUB_TOKEN present/),
      expect.stringMatching(/^✅ GitHub token scopes: repo and workflow present/),
      expect.stringMatching(/^✅ GitHub repository reachable: chavapalmarubin-lab\/FIDUS/),
      expect.stringMatching(
        /^✅ restart workflow listens to the event: .*listens to repository_dispatch "mt5-full-restart"/,
      ),
      expect.stringMatching(/^✅ restart endpoint of mt5-bridge: .*exists/),
      expect.stringMatching(/^✅ SMTP login: .*logged in as alerts@fidus.test/),
      expect.stringMatching(
        /^✅ bridge mt5-bridge reachable: GET .*\/api\/mt5\/bridge\/health → HTTP 200.*; variant A "MongoDB-backed" \(version "1\.0\.0"\), mongodb\.connected true$/,
      ),
      expect.stringMatching(
        /^✅ bridge mt5-bridge restart endpoints: OPTIONS on .* \(none called\): \/api\/admin\/emergency-restart present \(HTTP 405\), \/api\/system\/full-restart present \(HTTP 405\)$/,
      ),
      expect.stringMatching(/^✅ Temporal reachable/),
      expect.stringMatching(/^✅ monitor autoheal-monitor-mt5-bridge@doctor-test: running, (first probe in progress|last probe \d+ s ago)/),
      expect.stringMatching(/^✅ alerts delivered: no undelivered-alert notice/),
    ]),
  );
  expect(lines.at(-1)).toMatch(/^All \d+ checks passed$/);
});

test('a token that cannot read Actions runs (403): doctor says once that restart jobs are not followed, and still passes', async () => {
  const { lines: before } = await doctorCommand();
  expect(before).toContainEqual(expect.stringMatching(/^✅ restart runs readable: GITHUB_TOKEN reads the Actions runs/));
  github.failRuns(403);
  const { lines, exitCode } = await doctorCommand();
  const said = lines.filter((l) => l.includes('cannot read the Actions runs'));
  expect(said).toEqual([
    expect.stringMatching(/^✅ restart runs readable: GITHUB_TOKEN cannot read the Actions runs of chavapalmarubin-lab\/FIDUS \(HTTP 403: .*\): restarts still go out, .*VERIFY_TIMEOUT from the dispatch's answer/),
  ]);
  expect(exitCode).toBe(0);
});

test('a bad token: ❌ on the token scopes, the repository and the workflow, with the rotate fix; exit 1', async () => {
  const { named, failed } = await doctor({ GITHUB_TOKEN: 'ghp' + '_wrongTokenForDoctor000000000000000000' });
  expect(failed).toEqual([
    'GitHub token scopes',
    'GitHub repository reachable',
    'restart workflow listens to the event',
  ]);
  expect(named('GitHub token scopes').detail).toContain('HTTP 401');
  expect(named('GitHub token scopes').fix).toContain('Verify GITHUB_TOKEN');

  const { exitCode, lines } = await doctorCommand({
    GITHUB_TOKEN: 'ghp' + '_wrongTokenForDoctor000000000000000000',
  });
  expect(exitCode).toBe(1);
  expect(lines.at(-1)).toBe('3 of 17 checks failed'); // with the configuration-in-force, restart endpoints, restart runs, token expiry, heartbeat and alert channel checks
});

test('a token expiring within 14 days: ❌ GitHub token expiry with the date and the rotate fix; one further out: ✅ with its date', async () => {
  github.setTokenExpiry(new Date(Date.now() + 5 * 24 * 60 * 60_000 - 60_000));
  try {
    const { named, failed } = await doctor();
    expect(failed).toEqual(['GitHub token expiry']);
    expect(named('GitHub token expiry').detail).toMatch(/^GITHUB_TOKEN expires on \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in 5 days\)$/);
    expect(named('GitHub token expiry').fix).toMatch(/^rotate GITHUB_TOKEN: create a fine-grained token .* on chavapalmarubin-lab\/FIDUS/);
    github.setTokenExpiry(new Date(Date.now() + 40 * 24 * 60 * 60_000));
    expect((await doctor()).named('GitHub token expiry')).toMatchObject({ ok: true, detail: expect.stringMatching(/\(in 40 days\); the worker warns 14 and 3 days before$/) });
  } finally {
    github.setTokenExpiry(undefined);
  }
});

describe('the heartbeat (dead man\'s switch)', () => {
  const UUID = '7a1e2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b';
  let pings: string[];
  let service: Server;
  let serviceUrl: string;
  beforeAll(async () => {
    pings = [];
    service = createServer((req, res) => {
      pings.push(`${req.method} ${req.url}`);
      res.writeHead(req.url?.includes('gone') ? 404 : 200).end('OK');
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => service.close(() => resolve())));

  test('unset: ✅ saying nothing outside watches the worker; set: its service and failure signal, and no ping unless asked', async () => {
    expect((await doctor()).named("heartbeat (dead man's switch)").detail).toMatch(/^HEARTBEAT_URL is not set: nothing outside this worker notices when it stops/);
    const { lines, exitCode } = await doctorCommand({ HEARTBEAT_URL: `${serviceUrl}/ping/${UUID}`, HEARTBEAT_INTERVAL: '1m' });
    expect(exitCode).toBe(0);
    expect(lines).toContainEqual(
      `✅ heartbeat (dead man's switch): healthchecks.io at ${serviceUrl}/… every 1m; failures are reported (/fail with the reason); set the check's period to 1m and its grace to 2m (not pinged: autoheal doctor --ping-heartbeat sends one test ping)`,
    );
    expect(pings).toEqual([]);
    expect(lines.join('\n')).not.toContain(UUID);
  });

  test('--ping-heartbeat: one test ping, ✅ when accepted, ❌ with the fix when the service refuses it; the token never printed', async () => {
    const ok = await doctorCommand({ HEARTBEAT_URL: `${serviceUrl}/ping/${UUID}` }, ['--ping-heartbeat']);
    expect(ok.lines).toContainEqual(expect.stringMatching(/^✅ heartbeat \(dead man's switch\): .*; a test ping was accepted \(HTTP 200\)$/));
    expect(pings).toEqual([`GET /ping/${UUID}`]);
    const refused = await doctorCommand({ HEARTBEAT_URL: `${serviceUrl}/api/push/gone${UUID}` }, ['--ping-heartbeat', '--json']);
    const check = (JSON.parse(refused.lines.join('\n')) as DoctorCheck[]).find((c) => c.name === "heartbeat (dead man's switch)");
    expect(check).toMatchObject({ ok: false, detail: `Uptime Kuma push monitor at ${serviceUrl}/… answered HTTP 404 to a test ping`, fix: expect.stringContaining('HEARTBEAT_URL') });
    expect(refused.exitCode).toBe(1);
    expect([...ok.lines, ...refused.lines].join('\n')).not.toContain(UUID);
  });
});

test('a token without the workflow scope: ❌ naming the missing scope', async () => {
  github.setScopes('repo, read:org');
  const { named, failed } = await doctor();
  expect(failed).toEqual(['GitHub token scopes']);
  expect(named('GitHub token scopes').detail).toBe(
    'GITHUB_TOKEN lacks the workflow scope (it has: repo, read:org)',
  );
  expect(named('GitHub token scopes').fix).toContain('repo and workflow scopes');
});

test('an unknown repository: ❌ repository not found or not visible', async () => {
  const { named, failed } = await doctor({ GITHUB_REPOSITORY: 'chavapalmarubin-lab/NOPE' });
  expect(failed).toContain('GitHub repository reachable');
  expect(named('GitHub repository reachable').detail).toContain(
    'does not exist, or GITHUB_TOKEN cannot see it',
  );
  expect(named('GitHub repository reachable').fix).toContain('GITHUB_REPOSITORY');
});

test('a workflow file listening to another event type: ❌ with the event types it listens to', async () => {
  github.setFile(
    REPO,
    '.github/workflows/mt5-full-restart.yml',
    WORKFLOW_FILE.replace('types: [mt5-full-restart]', 'types: [deploy-backend]'),
  );
  const { named, failed } = await doctor();
  expect(failed).toEqual(['restart workflow listens to the event']);
  expect(named('restart workflow listens to the event').detail).toContain(
    'types [deploy-backend], not "mt5-full-restart"',
  );
});

test('no workflow file in the repository: ❌ with the install instructions', async () => {
  github.setFile(REPO, '.github/workflows/mt5-full-restart.yml', undefined);
  const { named, failed } = await doctor();
  expect(failed).toEqual(['restart workflow listens to the event']);
  expect(named('restart workflow listens to the event').fix).toContain(
    'Copy deploy/github/mt5-full-restart.yml',
  );
});

test('the SMTP server refuses the login: ❌ SMTP login', async () => {
  const { named, failed } = await doctor({ SMTP_APP_PASSWORD: 'wrong-smtp-password-xyz' });
  expect(failed).toEqual(['SMTP login']);
  expect(named('SMTP login').detail).toMatch(/login refused|Invalid login|535/i);
});

test("the bridge is down: ❌ bridge reachable, with the runbook's VPS checks", async () => {
  bridge.setFault({ mode: 'bridge_down' });
  const { named, failed } = await doctor();
  expect(failed).toEqual(['bridge mt5-bridge reachable']);
  expect(named('bridge mt5-bridge reachable').fix).toContain('is the VPS powered on');
});

test('Temporal unreachable: ❌ Temporal, and the monitor not checked', async () => {
  const closed = await createGithubDouble({ token: 'x' });
  const port = new URL(closed.url).port;
  await closed.close();
  const { named, failed } = await doctor({ TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
  expect(failed).toEqual(['Temporal reachable', `monitor ${MONITOR_ID}`]);
  expect(named('Temporal reachable').detail).toContain(`cannot connect to 127.0.0.1:${port}`);
  expect(named('Temporal reachable').fix).toContain('autoheal start');
});

test('the monitor is not running: ❌ with the command that starts it', async () => {
  await temporal.client.workflow.getHandle(MONITOR_ID).terminate('doctor test');
  try {
    const { named, failed } = await doctor();
    expect(failed).toEqual([`monitor ${MONITOR_ID}`]);
    expect(named(`monitor ${MONITOR_ID}`).detail).toContain('TERMINATED: the target is not monitored');
    expect(named(`monitor ${MONITOR_ID}`).fix).toContain('autoheal worker');
  } finally {
    await startMonitor();
  }
});

test('automatic restart off: ❌ saying so and why', async () => {
  const { named, failed } = await doctor({ GITHUB_TOKEN: undefined, GITHUB_REPOSITORY: undefined });
  expect(failed).toEqual(['automatic restart']);
  expect(named('automatic restart').detail).toContain('OFF: neither GITHUB_TOKEN nor RESTART_URL is set');
});

describe('direct restart (REMEDIATION=webhook)', () => {
  const webhook = (overrides: Record<string, string | undefined> = {}) => ({
    GITHUB_TOKEN: undefined,
    GITHUB_REPOSITORY: undefined,
    RESTART_URL: `${bridge.url}/api/system/full-restart`,
    RESTART_TOKEN,
    ...overrides,
  });

  test('RESTART_URL, RESTART_TOKEN and the endpoint: all ✅, and the endpoint is only asked OPTIONS', async () => {
    const { checks, failed } = await doctor(webhook());
    expect(failed).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'automatic restart',
        'RESTART_TOKEN present',
        'restart endpoint of mt5-bridge',
      ]),
    );
  });

  test("the restart endpoint does not exist: ❌ with the runbook's Issue 3", async () => {
    const { named, failed } = await doctor(webhook({ RESTART_URL: `${bridge.url}/api/system/restart-v0` }));
    expect(failed).toEqual(['restart endpoint of mt5-bridge']);
    expect(named('restart endpoint of mt5-bridge').detail).toContain(
      "VPS endpoint /api/system/full-restart doesn't exist",
    );
    expect(named('restart endpoint of mt5-bridge').fix).toContain(
      'Update MT5 Bridge on VPS with restart endpoint',
    );
  });

  test('RESTART_TOKEN unset: ❌', async () => {
    const { failed } = await doctor(webhook({ RESTART_TOKEN: undefined }));
    expect(failed).toEqual(['RESTART_TOKEN present']);
  });
});

describe('several targets: every target\'s restart route is checked', () => {
  const TOKEN_A = 'restart-token-doctor-desk-a-4e5f6a';
  let other: BridgeSimulator;
  let dir: string;
  beforeEach(async () => {
    other = await createBridgeSimulator({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'doctor-targets-'));
  });
  afterEach(() => other.close());

  /** desk-a on the test's bridge, desk-b on another; `extra` lines go under each entry. */
  function targetsFile(extra: { a?: string[]; b?: string[] } = {}): string {
    const file = join(dir, 'targets.yaml');
    writeFileSync(
      file,
      ['targets:', '  - id: desk-a', `    url: ${bridge.url}`, ...(extra.a ?? []), '  - id: desk-b', `    url: ${other.url}`, ...(extra.b ?? [])].join('\n'),
    );
    return file;
  }

  const FIXED_HOST = [
    'on:',
    '  repository_dispatch:',
    '    types: [mt5-full-restart]',
    'jobs:',
    '  restart:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - env:',
    '          BRIDGE_URL: ${{ vars.MT5_BRIDGE_URL }}',
    "          TARGET: ${{ github.event.client_payload.target || 'mt5-bridge' }}",
    '        run: curl -X POST "$BRIDGE_URL/api/system/full-restart"',
  ].join('\n');
  const ROUTED = [
    'on:',
    '  repository_dispatch:',
    '    types: [mt5-full-restart]',
    'jobs:',
    '  restart:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - id: route',
    '        env:',
    '          TARGET: ${{ github.event.client_payload.target }}',
    '        run: echo "suffix=$(printf %s "$TARGET" | tr a-z A-Z | tr -c A-Z0-9 _)" >> "$GITHUB_OUTPUT"',
    '      - env:',
    "          BRIDGE_URL: ${{ vars[format('MT5_BRIDGE_URL_{0}', steps.route.outputs.suffix)] }}",
    "          TOKEN: ${{ secrets[format('MT5_RESTART_TOKEN_{0}', steps.route.outputs.suffix)] }}",
    '        run: curl -X POST "$BRIDGE_URL/api/system/full-restart"',
  ].join('\n');

  test('github: a workflow that restarts one fixed host for every target is ❌; one that routes by client_payload.target is ✅', async () => {
    const github2 = { MT5_BRIDGE_URL: undefined, AUTOHEAL_TARGETS_FILE: targetsFile(), GITHUB_ROUTES_BY_TARGET: 'true' };
    github.setFile(REPO, '.github/workflows/mt5-full-restart.yml', FIXED_HOST);
    const fixed = await doctor(github2);
    expect(fixed.named('restart workflow listens to the event').ok).toBe(true);
    const route = fixed.named('restart workflow routes by target');
    expect(route.ok).toBe(false);
    expect(route.detail).toContain('does not pick the VPS by client_payload.target (it reads the target but calls a fixed URL)');
    expect(route.detail).toContain('2 targets (desk-a, desk-b)');
    expect(route.fix).toContain("vars[format('MT5_BRIDGE_URL_{0}'");

    github.setFile(REPO, '.github/workflows/mt5-full-restart.yml', ROUTED);
    const routed = await doctor(github2);
    expect(routed.named('restart workflow routes by target')).toMatchObject({ ok: true });
    // each target's own endpoint is asked OPTIONS
    expect(routed.named('restart endpoint of desk-a').detail).toContain(bridge.url);
    expect(routed.named('restart endpoint of desk-b').detail).toContain(other.url);
  });

  test('github with one target: no routing check (the file may call its one host)', async () => {
    github.setFile(REPO, '.github/workflows/mt5-full-restart.yml', FIXED_HOST);
    const { checks } = await doctor();
    expect(checks.map((c) => c.name)).not.toContain('restart workflow routes by target');
  });

  test("webhook: each target's own endpoint (OPTIONS) and its own token variable, one line each", async () => {
    const file = targetsFile({
      a: [`    restartUrl: ${bridge.url}/api/system/full-restart`, '    restartTokenEnv: RESTART_TOKEN_DESK_A'],
      b: [`    restartUrl: ${other.url}/api/system/restart-v0`],
    });
    const { named } = await doctor({
      MT5_BRIDGE_URL: undefined,
      AUTOHEAL_TARGETS_FILE: file,
      GITHUB_TOKEN: undefined,
      GITHUB_REPOSITORY: undefined,
      REMEDIATION: 'webhook',
      RESTART_TOKEN_DESK_A: TOKEN_A,
    });
    expect(named('restart token of desk-a')).toMatchObject({ ok: true, detail: `RESTART_TOKEN_DESK_A set (${TOKEN_A.length} characters)` });
    expect(named('restart token of desk-b')).toMatchObject({ ok: true });
    expect(named('restart token of desk-b').detail).toContain('sent without Authorization');
    expect(named('restart endpoint of desk-a').ok).toBe(true);
    const b = named('restart endpoint of desk-b');
    expect(b.ok).toBe(false);
    expect(b.detail).toContain(`${other.url}/api/system/restart-v0`);
    expect(other.state().requests.restart).toBe(0);
    expect(everythingPrinted.join('\n')).not.toContain(TOKEN_A);
  });
});

describe('which bridge answers, and which restart endpoints it has (docs/bridge.md)', () => {
  let simulators: BridgeSimulator[] = [];
  async function simulator(options: { variant: 'a' | 'b'; warmUpMs?: number }) {
    const sim = await createBridgeSimulator({ host: '127.0.0.1', port: 0, adminToken: ADMIN_TOKEN, restartToken: RESTART_TOKEN, ...options });
    simulators.push(sim);
    return sim;
  }
  afterEach(async () => {
    // OPTIONS only: no restart, no refused restart, and never A's info (which logs the terminal in)
    for (const sim of simulators) {
      expect(sim.restarts).toHaveLength(0);
      expect(sim.state().requests.restart).toBe(0);
      expect(sim.state().unauthorizedRestarts).toBe(0);
      expect(sim.state().terminalLogins).toBe(0);
    }
    await Promise.all(simulators.map((sim) => sim.close()));
    simulators = [];
  });

  test('variant A: "MongoDB-backed" with mongodb.connected, and both restart endpoints present', async () => {
    const a = await simulator({ variant: 'a' });
    const { named, failed } = await doctor({ MT5_BRIDGE_URL: a.url });
    expect(failed).toEqual([]);
    expect(named('bridge mt5-bridge reachable').detail).toMatch(
      /→ HTTP 200 in \d+ ms, status "healthy"; variant A "MongoDB-backed" \(version "1\.0\.0"\), mongodb\.connected true$/,
    );
    expect(named('bridge mt5-bridge restart endpoints')).toEqual({
      name: 'bridge mt5-bridge restart endpoints',
      ok: true,
      detail: `OPTIONS on ${a.url} (none called): /api/admin/emergency-restart present (HTTP 405), /api/system/full-restart present (HTTP 405)`,
    });
  });

  test('variant A with MongoDB down: reachable, and mongodb.connected FALSE said', async () => {
    const a = await simulator({ variant: 'a' });
    a.setFault({ mode: 'mongo_down' });
    const { named } = await doctor({ MT5_BRIDGE_URL: a.url });
    expect(named('bridge mt5-bridge reachable')).toMatchObject({
      ok: true,
      detail: expect.stringContaining(
        'status "degraded"; variant A "MongoDB-backed" (version "1.0.0"), mongodb.connected FALSE: the bridge cannot read its database',
      ),
    });
  });

  test('variant B: "4.0-multi-account" with its cache complete, and no emergency-restart of its own', async () => {
    const b = await simulator({ variant: 'b' });
    const { named, failed } = await doctor({ MT5_BRIDGE_URL: b.url });
    expect(failed).toEqual([]);
    expect(named('bridge mt5-bridge reachable').detail).toMatch(
      /; variant B "4\.0-multi-account", cache complete \(7\/7 accounts cached\)$/,
    );
    expect(named('bridge mt5-bridge restart endpoints')).toEqual({
      name: 'bridge mt5-bridge restart endpoints',
      ok: true, // absent is information, not a failure
      detail: `OPTIONS on ${b.url} (none called): /api/admin/emergency-restart absent (HTTP 404), /api/system/full-restart present (HTTP 405)`,
    });
  });

  test('variant B warming up after a start: the cache reported incomplete, within MT5_WARMUP_GRACE', async () => {
    const b = await simulator({ variant: 'b', warmUpMs: 60_000 });
    const { lines, exitCode } = await doctorCommand({ MT5_BRIDGE_URL: b.url });
    expect(exitCode).toBe(0);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^✅ bridge mt5-bridge reachable: .*; variant B "4\.0-multi-account", cache INCOMPLETE \([0-6]\/7 accounts cached\): warming up after a start, not a fault for MT5_WARMUP_GRACE \(2m\), CRITICAL after that$/,
      ),
    );
  });

  test('a bridge that is down: its restart endpoints line says unreachable, still informational', async () => {
    const b = await simulator({ variant: 'b' });
    const port = b.port;
    await b.close();
    const { named } = await doctor({ MT5_BRIDGE_URL: `http://127.0.0.1:${port}` });
    expect(named('bridge mt5-bridge reachable').ok).toBe(false);
    expect(named('bridge mt5-bridge restart endpoints')).toMatchObject({
      ok: true,
      detail: expect.stringMatching(
        /: \/api\/admin\/emergency-restart unreachable \(.+\), \/api\/system\/full-restart unreachable \(.+\)$/,
      ),
    });
  });

  test("RESTART_URL at emergency-restart on a variant B bridge: ❌ saying that route is variant A's only", async () => {
    const b = await simulator({ variant: 'b' });
    const { named, failed } = await doctor({
      GITHUB_TOKEN: undefined,
      GITHUB_REPOSITORY: undefined,
      MT5_BRIDGE_URL: b.url,
      RESTART_URL: `${b.url}/api/admin/emergency-restart?token=${ADMIN_TOKEN}`,
      RESTART_TOKEN,
    });
    expect(failed).toEqual(['restart endpoint of mt5-bridge']);
    expect(named('restart endpoint of mt5-bridge').detail).toBe(
      `VPS endpoint /api/admin/emergency-restart doesn't exist (OPTIONS ${b.url}/api/admin/emergency-restart → HTTP 404): ` +
        'it exists only on the MongoDB-backed bridge (variant A); for a 4.0-multi-account bridge use the VPS restart service, /api/system/full-restart with RESTART_TOKEN',
    );
  });

  test('RESTART_URL with ?token=: doctor never prints the token, in lines or in JSON', async () => {
    const a = await simulator({ variant: 'a' });
    const overrides = {
      GITHUB_TOKEN: undefined,
      GITHUB_REPOSITORY: undefined,
      MT5_BRIDGE_URL: a.url,
      RESTART_URL: `${a.url}/api/admin/emergency-restart?token=${ADMIN_TOKEN}`,
      RESTART_TOKEN,
    };
    const { lines, exitCode } = await doctorCommand(overrides);
    const json = await doctorCommand(overrides, ['--json']);
    expect(exitCode).toBe(0);
    const shown = `${a.url}/api/admin/emergency-restart`;
    expect(lines.filter((l) => l.startsWith('✅ automatic restart:') || l.startsWith('✅ restart endpoint of'))).toEqual([
      expect.stringContaining(`direct restart: POST ${shown} (`),
      `✅ restart endpoint of mt5-bridge: ${shown} exists (OPTIONS → HTTP 405; not called)`,
    ]);
    for (const output of [lines.join('\n'), json.lines.join('\n')]) {
      expect(output).not.toContain(ADMIN_TOKEN);
      expect(output).not.toContain('token=');
      expect(output).toContain(`${a.url}/api/admin/emergency-restart`);
    }
  });
});

test('an unread "Alerts cannot be delivered" notice in the in-app feed: ❌ alerts delivered, with the fix', async () => {
  const notice = { text: 'Alerts cannot be delivered: the SMTP server refused the login (535)', at: '2026-11-28T10:00:00.000Z' };
  const checks = await runDoctor(loadConfig(env()), {
    timeoutMs: 5_000,
    connectTemporal: async () => ({
      describeMonitor: async () => ({ found: true, status: 'RUNNING', lastProbeAt: new Date().toISOString() }),
      undeliverableAlerts: async () => [notice, notice],
      close: async () => undefined,
    }),
  });
  const delivery = checks.find((c) => c.name === 'alerts delivered');
  expect(delivery).toMatchObject({ ok: false, detail: expect.stringContaining('refused the login (535)') });
  expect(delivery?.detail).toContain('2 notices unread');
  expect(delivery?.fix).toMatch(/autoheal test-alert/);
});

describe('a paused monitor', () => {
  const check = async (state: { paused: string; scheduledPause?: boolean }) =>
    (
      await runDoctor(loadConfig(env()), {
        timeoutMs: 5_000,
        connectTemporal: async () => ({
          describeMonitor: async () => ({ found: true, status: 'RUNNING', ...state }),
          undeliverableAlerts: async () => [],
          close: async () => undefined,
        }),
      })
    ).find((c) => c.name.startsWith('monitor '));

  it('by a recurring maintenance window (by "schedule") passes: it is expected and ends by itself', async () => {
    const note = 'PAUSED until 2026-12-13T00:00:00.000Z by schedule (broker weekly)';
    expect(await check({ paused: note, scheduledPause: true })).toMatchObject({
      ok: true,
      detail: `${note}: a recurring maintenance window of the targets file; monitoring resumes at its end`,
    });
  });

  it('by an operator fails, with how to resume', async () => {
    expect(await check({ paused: 'PAUSED with no end (until "autoheal resume") by alice (hardware)' })).toMatchObject({
      ok: false,
      fix: expect.stringContaining('autoheal resume --target'),
    });
  });
});
