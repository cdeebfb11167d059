/**
 * The promise no other monitor keeps: a remediation in flight when the orchestrator dies is
 * finished by the next one. A real worker process (`autoheal worker`) dispatches a restart and
 * is SIGKILLed while verification waits; a second worker process finishes the incident, on a
 * real Temporal dev server, against the bridge simulator and a loopback SMTP server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createProbeActivities } from '../src/activities/probe/index';
import { loadConfig, type TargetConfig } from '../src/config/load-config';
import { createBridgeSimulator, type BridgeSimulator } from '../src/simulator';
import { healingWorkflowId } from '../src/shared/names';
import { healingWorkflow } from '../src/workflows/healing';
import type { HealingResult } from '../src/workflows/healing/messages';
import { createDevServerEnv } from './helpers/temporal';
import { startSmtpServer, type TestSmtpServer } from './helpers/smtp';

jest.setTimeout(240_000);

const RESTART_TOKEN = 'rst_' + 'k3y'.repeat(12);
const root = resolve(__dirname, '..');
const taskQueue = `crash-${process.pid}`;

let env: TestWorkflowEnvironment;
let simulator: BridgeSimulator;
let smtp: TestSmtpServer;
const workers: Array<{ proc: ChildProcess; output: () => string }> = [];

beforeAll(async () => {
  [env, simulator, smtp] = await Promise.all([
    createDevServerEnv(),
    createBridgeSimulator({ host: '127.0.0.1', port: 0, restartToken: RESTART_TOKEN }),
    startSmtpServer(),
  ]);
});

afterAll(async () => {
  for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGKILL');
  await smtp?.stop();
  await simulator?.close();
  await env?.teardown();
});

function workerEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    MT5_BRIDGE_URL: simulator.url,
    REMEDIATION: 'webhook',
    RESTART_URL: `${simulator.url}/api/system/full-restart`,
    RESTART_TOKEN,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    // The test relay on loopback speaks plain text (test/smtp-tls.test.ts proves the TLS path).
    SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true',
    ALERT_RECIPIENT_EMAIL: 'ops@fidus.test',
    VERIFY_INTERVAL: '2s',
    VERIFY_TIMEOUT: '2m',
    LOG_LEVEL: 'info',
  };
}

/** `autoheal worker` as its own OS process, its output kept for the secret check. */
function startWorkerProcess(): { proc: ChildProcess; output: () => string } {
  const proc = spawn(process.execPath, [resolve(root, 'bin/autoheal.js'), 'worker', '--no-monitors'], { env: workerEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const w = { proc, output: () => out };
  workers.push(w);
  return w;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

it('a new worker finishes an incident whose worker was SIGKILLed after the dispatch: one restart, one recovery email', async () => {
  const tc = loadConfig(workerEnv()).targets[0] as TargetConfig;
  simulator.setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 5_000, placeholderMs: 2_000 } as never);
  const report = await createProbeActivities({}).probeTarget(tc.target);
  expect(report.severity).toBe('CRITICAL');

  const first = startWorkerProcess();
  const handle = await env.client.workflow.start(healingWorkflow, {
    taskQueue,
    workflowId: healingWorkflowId(tc.target.id, taskQueue),
    args: [{ target: tc.target, policy: tc.policy, report, trigger: { source: 'monitor', reason: report.summary, at: new Date().toISOString() } }],
  });

  // The dispatch (and the CRITICAL email sent beside it) have completed, and verification is
  // waiting on a durable timer. (Killed while an email is in flight, the worker's send is
  // retried by the next one: same Message-ID, at-least-once; that is not this test.)
  await waitFor('the dispatch, the alert, then a verification timer', async () => {
    const events = (await handle.fetchHistory()).events ?? [];
    const names = new Map<string, string>();
    events.forEach((e) => {
      const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
      if (name) names.set(String(e.eventId), name);
    });
    const completed = events.flatMap((e, i) => {
      const id = e.activityTaskCompletedEventAttributes?.scheduledEventId;
      return id ? [{ name: names.get(String(id)), at: i }] : [];
    });
    const dispatched = completed.find((c) => c.name === 'dispatchRemediation');
    const alerted = completed.find((c) => c.name === 'sendAlertEmail');
    if (!dispatched || !alerted) return false;
    const after = Math.max(dispatched.at, alerted.at);
    return events.some((e, i) => i > after && e.timerStartedEventAttributes);
  });
  expect(simulator.restarts).toHaveLength(1);
  first.proc.kill('SIGKILL');
  await new Promise((r) => first.proc.once('exit', r));

  const second = startWorkerProcess();
  const result = (await handle.result()) as HealingResult;
  expect(result.status).toBe('RECOVERED');

  // Exactly one restart for that attempt, and one recovery email.
  expect(simulator.restarts).toHaveLength(1);
  await smtp.waitForMessages(2, 60_000);
  await sleep(1_000);
  const subjects = smtp.messages.map((m) => m.mail.subject);
  expect(subjects.filter((s) => s === '🚨 FIDUS MT5 CRITICAL ALERT')).toHaveLength(1);
  // One thread: the recovery email answers the CRITICAL one.
  const critical = smtp.messages.find((m) => m.mail.subject === '🚨 FIDUS MT5 CRITICAL ALERT');
  const recovery = smtp.messages.filter((m) => m.mail.subject?.startsWith('✅'));
  expect(recovery).toHaveLength(1);
  expect(recovery[0]?.mail.text).toContain('✅ MT5 Bridge automatically recovered');
  expect(recovery[0]?.mail.inReplyTo).toBe(critical?.mail.messageId);

  // The restart token stayed in the workers' environment: not in history, logs or emails.
  const history = JSON.stringify(await handle.fetchHistory());
  expect(history).not.toContain(RESTART_TOKEN);
  for (const w of [first, second]) expect(w.output()).not.toContain(RESTART_TOKEN);
  for (const m of smtp.messages) expect(m.raw).not.toContain(RESTART_TOKEN);
  second.proc.kill('SIGTERM');
});
