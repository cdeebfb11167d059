/**
 * Verification follows the restart that ran, not the dispatch. On the time-skipping server, the
 * real remediation activities against the GitHub API double (its Actions runs scripted per read
 * of the runs list: one read per VERIFY_INTERVAL of 15 s):
 * - a run queued for 3 minutes with VERIFY_TIMEOUT 2 minutes is not judged failed, and nothing
 *   is dispatched again: VERIFY_TIMEOUT counts from the run's start;
 * - a failed run fails the attempt at once with the diagnosis and the run's URL;
 * - runs that cannot be read (403) fall back to timing from the dispatch's answer, said once;
 * - the webhook's window starts at its answer, not when the dispatch began.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createOctokit, createRemediationActivities } from '../src/activities/remediation';
import { renderEmail } from '../src/activities/alerts/render-email';
import { getStatus, resolve } from '../src/client/incidents';
import { loadConfig } from '../src/config/load-config';
import { createDashboardServer } from '../src/dashboard';
import { createLogger } from '../src/logging/create-logger';
import type { EscalationAlert, RemediationRequest } from '../src/shared/contracts';
import type { RestartRunQuery } from '../src/shared/restart-run';
import { exportFixture } from './healing-fixtures';
import { createGithubDouble, type GithubDouble } from './helpers/github-double';
import { timeSkippingServerPerTest, uniqueTaskQueue } from './helpers/temporal';
import {
  FakeBridge,
  MINUTE,
  createHealingWorker,
  dispatchesInHistory,
  finish,
  healthyReport,
  incidentInput,
  serverNow,
  sleepOffGrid,
  startIncident,
  terminalDownReport,
} from './healing-harness';

const TOKEN = 'ghp' + '_restartRunWorkflowToken0123456789abcdef';

let env: TestWorkflowEnvironment;
let github: GithubDouble;
const test = timeSkippingServerPerTest(async (e) => {
  env = e;
  github = await createGithubDouble({ token: TOKEN });
  return () => github.close();
});

/** The real dispatch and run-reading activities, against the double. */
function githubActivities() {
  const remediation = createRemediationActivities({
    method: 'github',
    github: {
      octokit: createOctokit({ token: TOKEN, apiUrl: github.url }),
      repository: 'owner/repo',
      eventType: 'mt5-full-restart',
      apiUrl: github.url,
    },
    log: createLogger({ level: 'silent' }),
  });
  return {
    dispatchRemediation: (r: RemediationRequest) => remediation.dispatchRemediation(r),
    readRestartRun: (q: RestartRunQuery) => remediation.readRestartRun(q),
  };
}

/** The System Health page of the real dashboard server over this test's Temporal, for one target. */
async function dashboardPage(taskQueue: string, id: string): Promise<string> {
  const config = loadConfig({ MT5_BRIDGE_URL: 'http://127.0.0.1:1', DASHBOARD_PORT: '0' });
  const base = config.targets[0]!;
  config.targets = [{ ...base, target: { ...base.target, id } }];
  const server = createDashboardServer({
    client: env.client,
    config,
    log: createLogger({ level: 'silent' }),
    taskQueue,
    webUiUrl: 'http://127.0.0.1:8233',
  });
  const { url } = await server.listen();
  try {
    return await (await fetch(`${url}/system-health`)).text();
  } finally {
    await server.close();
  }
}

test('a run queued for 3 minutes with VERIFY_TIMEOUT 2 minutes is not judged failed, and nothing is dispatched again', async () => {
  const id = 'run-queued';
  github.scriptRun({ status: 'queued', reads: 12 }, { status: 'in_progress', reads: 4 }, { status: 'completed', conclusion: 'success' });
  // The VPS restarts when the job runs, and its bridge is healthy 90 s later (6 probes after).
  let probesSinceStart = 0;
  const probeTarget = async () => {
    const started = github.runs()[0]?.status !== 'queued' && github.runs().length > 0;
    if (started) probesSinceStart += 1;
    return probesSinceStart > 6 ? healthyReport(id) : terminalDownReport(id);
  };
  const bridge = new FakeBridge(id);
  const taskQueue = uniqueTaskQueue(id);
  const worker = await createHealingWorker(env, taskQueue, [bridge], { ...githubActivities(), probeTarget });
  await worker.runUntil(async () => {
    const handle = await startIncident(env, taskQueue, incidentInput(id, { verifyTimeoutMs: 2 * MINUTE }, await serverNow(env)));
    await sleepOffGrid(env, 2 * MINUTE);
    expect((await getStatus(env.client, taskQueue, id)).activity).toMatch(/waiting for the GitHub Actions run .* to leave the queue/);

    const result = await finish(env, handle);
    expect(result.status).toBe('RECOVERED');
    expect(github.dispatches()).toHaveLength(1);
    expect(await dispatchesInHistory(handle)).toBe(1);
    const url = `https://github.com/owner/repo/actions/runs/${github.runs()[0]?.id}`;
    expect(result.attempts).toEqual([
      expect.objectContaining({ outcome: 'recovered', run: { url, status: 'completed', conclusion: 'success' } }),
    ]);
    const runLines = result.timeline.filter((e) => e.step === 'restart_run').map((e) => [e.outcome, e.detail]);
    expect(runLines).toEqual([
      ['queued', `attempt 1: the GitHub Actions run ${url} is queued`],
      ['in_progress', `attempt 1: the GitHub Actions run ${url} is in progress`],
      ['success', `attempt 1: the GitHub Actions run ${url} ended success`],
    ]);
    await exportFixture(handle, 'healing-restart-run-queued');
  });
});

test('a failed run fails the attempt at once with its diagnosis and URL, in the timeline, the escalation email and the dashboard', async () => {
  const id = 'run-failed';
  github.scriptRun({ status: 'queued' }, { status: 'in_progress' }, { status: 'completed', conclusion: 'failure' });
  const bridge = new FakeBridge(id);
  bridge.recoverOnDispatch = undefined;
  const taskQueue = uniqueTaskQueue(id);
  const worker = await createHealingWorker(env, taskQueue, [bridge], githubActivities());
  await worker.runUntil(async () => {
    const handle = await startIncident(env, taskQueue, incidentInput(id, { escalateAfter: 1 }, await serverNow(env)));
    await sleepOffGrid(env, 2 * MINUTE);
    const url = `https://github.com/owner/repo/actions/runs/${github.runs()[0]?.id}`;
    const diagnosis = `the GitHub Actions run ${url} ended failure: see its log`;
    const status = await getStatus(env.client, taskQueue, id);
    expect(status.status).toBe('ESCALATED');
    const [attempt] = status.attempts;
    expect(attempt).toMatchObject({
      outcome: 'restart_failed',
      detail: expect.stringContaining(diagnosis),
      run: { url, status: 'completed', conclusion: 'failure' },
    });
    // at once: on the third read of the run, well inside VERIFY_TIMEOUT (5 minutes)
    expect(Date.parse(attempt?.endedAt ?? '') - Date.parse(attempt?.dispatchedAt ?? '')).toBeLessThan(MINUTE);
    expect(status.timeline).toContainEqual(
      expect.objectContaining({ step: 'attempt_failed', outcome: 'restart_failed', detail: `attempt 1: ${diagnosis}` }),
    );
    const [escalation] = bridge.emails('escalation') as EscalationAlert[];
    const email = renderEmail(escalation!, { dashboardUrl: 'http://127.0.0.1:8080' }).text;
    expect(email).toContain(diagnosis);
    expect(email).toContain(`GitHub Actions run: ${url} (failure)`);
    const page = await dashboardPage(taskQueue, id);
    expect(page).toContain(`Restart job of attempt 1: <span class="run-state">failure</span> · GitHub Actions run <a href="${url}">`);

    await resolve(env.client, taskQueue, id, 'alice', 'restarted by hand');
    await finish(env, handle);
    expect(github.dispatches()).toHaveLength(1);
  });
});

test('runs that cannot be read (403): VERIFY_TIMEOUT counts from the dispatch answer, said once in the timeline', async () => {
  const id = 'run-unreadable';
  github.failRuns(403);
  const bridge = new FakeBridge(id);
  bridge.recoverOnDispatch = undefined;
  const taskQueue = uniqueTaskQueue(id);
  const worker = await createHealingWorker(env, taskQueue, [bridge], githubActivities());
  await worker.runUntil(async () => {
    const handle = await startIncident(
      env,
      taskQueue,
      incidentInput(id, { verifyTimeoutMs: 2 * MINUTE, restartCooldownMs: MINUTE, escalateAfter: 2 }, await serverNow(env)),
    );
    await sleepOffGrid(env, 8 * MINUTE);
    const status = await getStatus(env.client, taskQueue, id);
    expect(status.status).toBe('ESCALATED');
    expect(status.attempts).toHaveLength(2);
    for (const a of status.attempts) {
      expect(a.outcome).toBe('not_recovered');
      const took = Date.parse(a.endedAt ?? '') - Date.parse(a.dispatchedAt ?? '');
      expect(took).toBeGreaterThanOrEqual(2 * MINUTE);
      expect(took).toBeLessThan(2 * MINUTE + 30_000);
    }
    const unreadable = status.timeline.filter((e) => e.step === 'restart_run');
    expect(unreadable).toEqual([
      expect.objectContaining({ outcome: 'unreadable', detail: expect.stringContaining('HTTP 403') }),
    ]);
    expect(github.runReads()).toHaveLength(2); // one per attempt, then timing from the answer
    await resolve(env.client, taskQueue, id, 'alice', 'restarted by hand');
    await finish(env, handle);
  });
});

test("the webhook's window starts at its answer: a dispatch answered after 2 minutes of retries still gets its VERIFY_TIMEOUT", async () => {
  const id = 'webhook-window';
  const bridge = new FakeBridge(id);
  let calls = 0;
  bridge.dispatchBehaviour = async () => {
    calls += 1;
    if (calls === 1)
      throw ApplicationFailure.create({ type: 'RemediationUnavailableError', message: 'restart endpoint answered 503', nextRetryDelay: '2m' });
    return { method: 'webhook', dispatchedAt: new Date().toISOString(), detail: 'POST to the restart webhook (HTTP 200)' };
  };
  const taskQueue = uniqueTaskQueue(id);
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const handle = await startIncident(env, taskQueue, incidentInput(id, { verifyTimeoutMs: MINUTE }, await serverNow(env)));
    const result = await finish(env, handle);
    expect(result.status).toBe('RECOVERED');
    expect(result.attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'recovered', method: 'webhook' })]);
    expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(2); // one try, its retry: one attempt
  });
});

test('a run still queued 10 minutes after the dispatch fails its attempt: the job would refuse it as stale', async () => {
  const id = 'run-stuck';
  github.scriptRun({ status: 'queued', reads: 10_000 });
  const bridge = new FakeBridge(id);
  bridge.recoverOnDispatch = undefined;
  const taskQueue = uniqueTaskQueue(id);
  const worker = await createHealingWorker(env, taskQueue, [bridge], githubActivities());
  await worker.runUntil(async () => {
    const handle = await startIncident(env, taskQueue, incidentInput(id, { escalateAfter: 1, recoverySlaMs: 30 * MINUTE }, await serverNow(env)));
    await sleepOffGrid(env, 12 * MINUTE);
    const status = await getStatus(env.client, taskQueue, id);
    expect(status.status).toBe('ESCALATED');
    const [attempt] = status.attempts;
    expect(attempt).toMatchObject({
      outcome: 'restart_failed',
      detail: expect.stringMatching(/the GitHub Actions run \S+ was still queued 10m after the dispatch: the restart job refuses work that old/),
    });
    const took = Date.parse(attempt?.endedAt ?? '') - Date.parse(attempt?.dispatchedAt ?? '');
    expect(took).toBeGreaterThanOrEqual(10 * MINUTE);
    expect(took).toBeLessThan(10 * MINUTE + 30_000);
    await resolve(env.client, taskQueue, id, 'alice', 'restarted by hand');
    await finish(env, handle);
  });
});
