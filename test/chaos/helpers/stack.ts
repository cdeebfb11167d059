/**
 * One chaos stack, all on loopback: the dev server (test/chaos/helpers/dev-server.ts), one bridge
 * simulator per target, the GitHub API double (a dispatch POSTs the bridge's restart endpoint
 * with the bearer token and the Idempotency-Key, as the shipped Actions workflow
 * deploy/github/mt5-full-restart.yml does), a loopback SMTP server that requires a login, and
 * `autoheal worker` processes (the compiled CLI, real configuration through the environment) on a
 * task queue of the stack's own. Every secret is made up at run time, so that a leak can be
 * searched for.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createBridgeSimulator, SIM_ACCOUNT_PASSWORD, type BridgeSimulator, type BridgeSimulatorOptions } from '../../../src/simulator';
import { monitorWorkflowId } from '../../../src/shared/names';
import { createGithubDouble, type GithubDouble } from '../../helpers/github-double';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp';
import { startWorkerProcess, type WorkerProcess } from '../../cluster/helpers/worker-process';
import { startDevServer, type ChaosServer } from './dev-server';

/** One target: its id and its overrides in AUTOHEAL_TARGETS_FILE (verifyTimeout, restartCooldown, ...). */
export interface TargetSpec {
  id: string;
  overrides?: Record<string, string | number | boolean>;
  /** The target's simulator: which deployed bridge (`variant`, default A), its warm-up, ... */
  simulator?: Pick<BridgeSimulatorOptions, 'variant' | 'warmUpMs' | 'refreshMs'>;
  /**
   * How long each of this target's Actions runs sits queued before its job restarts the bridge
   * (the run is listed queued, then in progress, then completed 5 s later). Default 0.
   */
  actionsQueueMs?: number;
}

export interface StackOptions {
  name: string;
  targets: TargetSpec[];
  /** Worker environment on top of the chaos defaults. */
  env?: NodeJS.ProcessEnv;
  /** The SMTP server starts with nothing listening (`stack.smtp.up()` later). */
  smtpDown?: boolean;
  /** `defaults`: the product's default timings instead of CHAOS_TIMINGS (benchmarks of the defaults). */
  timings?: 'chaos' | 'defaults';
}

export interface Stack {
  server: ChaosServer;
  taskQueue: string;
  sims: Map<string, BridgeSimulator>;
  github: GithubDouble;
  smtp: TestSmtpServer;
  /**
   * The secret values the workers hold, and the account password variant A's summary hands out:
   * none may appear in a history, a log or an email.
   */
  secrets: Record<string, string>;
  /** Worker processes still running. */
  workers(): WorkerProcess[];
  /** Every worker process started, killed ones included (their logs are checked too). */
  allWorkers: WorkerProcess[];
  /** Starts one more worker; resolves once it has started and reconciled the monitors. */
  startWorker(label: string): Promise<WorkerProcess>;
  sim(targetId: string): BridgeSimulator;
  close(): Promise<void>;
}

/**
 * Timings for quick scenarios, within the configuration's rules (src/config/timing-rules.ts):
 * 2 × (2 × PROBE_TIMEOUT + 5 s) + CONFIRM_DELAY + 5 s = 32 s ≤ max(60 s, 4 × CHECK_INTERVAL);
 * 2 × PROBE_TIMEOUT + 5 s = 13 s < the watch's 16 s heartbeat timeout, and < VERIFY_TIMEOUT.
 */
export const CHAOS_TIMINGS = {
  CHECK_INTERVAL: '2s',
  PROBE_TIMEOUT: '4s',
  CONFIRM_DELAY: '1s',
  VERIFY_INTERVAL: '2s',
  VERIFY_TIMEOUT: '40s',
  RESTART_COOLDOWN: '5s',
  ESCALATE_AFTER: '2',
  WARNING_HOLD: '0s',
} as const;

const secret = (prefix: string) => `${prefix}${randomBytes(18).toString('hex')}`;

export async function startStack(options: StackOptions): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'autoheal-chaos-desk-'));
  const secrets = {
    GITHUB_TOKEN: secret('ghp_'),
    SMTP_APP_PASSWORD: secret('smtp-'),
    RESTART_TOKEN: secret('rst_'),
    DASHBOARD_TOKEN: secret('dash_'),
  };
  const sims = new Map<string, BridgeSimulator>();
  for (const t of options.targets) {
    sims.set(t.id, await createBridgeSimulator({ ...t.simulator, host: '127.0.0.1', port: 0, restartToken: secrets.RESTART_TOKEN }));
  }
  const queueMs = (target: unknown) => options.targets.find((t) => t.id === target)?.actionsQueueMs ?? 0;
  const github = await createGithubDouble({
    token: secrets.GITHUB_TOKEN,
    runScriptFor: (payload) => {
      const ms = queueMs(payload.target);
      return ms ? [{ status: 'queued', ms }, { status: 'in_progress', ms: 5_000 }, { status: 'completed', conclusion: 'success' }] : undefined;
    },
    // The shipped Actions workflow: POST the bridge's restart endpoint with the incident's key.
    onDispatch: (body) => {
      const payload = (body as { client_payload?: { target?: string; idempotency_key?: string; incident_id?: string; attempt?: number; reason?: string } }).client_payload;
      const sim = payload?.target ? sims.get(payload.target) : undefined;
      if (!sim) return;
      const restart = () => void fetch(`${sim.url}/api/system/full-restart`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${secrets.RESTART_TOKEN}`,
          'Content-Type': 'application/json',
          ...(payload?.idempotency_key ? { 'Idempotency-Key': payload.idempotency_key } : {}),
        },
        body: JSON.stringify({ reason: payload?.reason, incident_id: payload?.incident_id, attempt: payload?.attempt }),
      }).catch(() => undefined);
      // the job runs once its run leaves the queue
      setTimeout(restart, queueMs(payload?.target)).unref();
    },
  });
  const smtp = await startSmtpServer({ auth: { username: 'autoheal@fidus.test', password: secrets.SMTP_APP_PASSWORD }, down: options.smtpDown });
  const targetsFile = join(dir, 'targets.yaml');
  writeFileSync(
    targetsFile,
    stringify({ targets: options.targets.map((t) => ({ id: t.id, url: sims.get(t.id)?.url, ...t.overrides })) }),
  );

  const server = await startDevServer();
  const taskQueue = `chaos-${options.name}-${process.pid}`;
  const env: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    AUTOHEAL_TARGETS_FILE: targetsFile,
    AUTOHEAL_DATA_DIR: join(dir, 'data'),
    REMEDIATION: 'github',
    GITHUB_TOKEN: secrets.GITHUB_TOKEN,
    GITHUB_REPOSITORY: 'owner/repo',
    GITHUB_API_URL: github.url,
    GITHUB_ROUTES_BY_TARGET: 'true', // the double restarts the simulator the payload's target names, as the shipped workflow does
    // Scenarios run side by side, one target each, and break them together on purpose: the fleet
    // breaker would rightly suspect a common cause and hold them (test/safety-envelope.test.ts).
    FLEET_BREAKER: 'off',
    RESTART_TOKEN: secrets.RESTART_TOKEN,
    SMTP_HOST: smtp.host,
    SMTP_PORT: String(smtp.port),
    SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true', // the test's SMTP server is a plain-text relay on loopback
    SMTP_USERNAME: 'autoheal@fidus.test',
    SMTP_APP_PASSWORD: secrets.SMTP_APP_PASSWORD,
    ALERT_FROM: 'autoheal@fidus.test',
    ALERT_RECIPIENT_EMAIL: 'ops@fidus.test',
    ESCALATION_EMAIL: 'support@fidus.test',
    DASHBOARD_PORT: '0',
    DASHBOARD_TOKEN: secrets.DASHBOARD_TOKEN,
    LOG_LEVEL: 'info',
    ...(options.timings === 'defaults' ? {} : CHAOS_TIMINGS),
    ...options.env,
  };
  const allWorkers: WorkerProcess[] = [];
  const lastTarget = options.targets[options.targets.length - 1]?.id ?? '';
  return {
    server,
    taskQueue,
    sims,
    github,
    smtp,
    secrets: { ...secrets, BRIDGE_ACCOUNT_PASSWORD: SIM_ACCOUNT_PASSWORD },
    allWorkers,
    workers: () => allWorkers.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null),
    async startWorker(label) {
      const w = startWorkerProcess(`${options.name}-${label}`, env);
      allWorkers.push(w);
      await w.waitForOutput('Worker started', 180_000);
      await w.waitForOutput(`Monitor ${monitorWorkflowId(lastTarget, taskQueue)}`, 180_000);
      return w;
    },
    sim(targetId) {
      const sim = sims.get(targetId);
      if (!sim) throw new Error(`no simulator for ${targetId}`);
      return sim;
    },
    async close() {
      await Promise.all(allWorkers.map((w) => w.kill('SIGTERM')));
      await server.stop();
      await Promise.all([...sims.values()].map((s) => s.close()));
      await github.close();
      await smtp.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
