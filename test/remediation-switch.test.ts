/**
 * The remediation kill switch and dry-run, on the time-skipping server with the real healing
 * workflow and the real ledger and switch activities:
 * - remediation off: a confirmed CRITICAL opens an incident, emails (saying the restart is
 *   withheld, by whom and why), verifies, and makes zero dispatches; turned back on, the open
 *   incident dispatches at its next attempt and recovers;
 * - REMEDIATION=dry-run: the real remediation activity, configured with the GitHub API double and
 *   the simulator's restart URL, sends nothing to either; the would-be restart is in the timeline
 *   and the CRITICAL email says "DRY RUN: would have restarted".
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createRemediationActivities } from '../src/activities/remediation';
import { renderEmail } from '../src/activities/alerts/render-email';
import { readRemediationSwitch, setRemediation } from '../src/client/remediation-switch';
import { getStatus } from '../src/client/incidents';
import { loadConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import { remediationDepsFromConfig } from '../src/workers/remediation-deps-from-config';
import type { CriticalAlert } from '../src/shared/contracts';
import { remediationSwitchWorkflowId } from '../src/shared/names';
import { FakeBridge, MINUTE, createHealingWorker, dispatchesInHistory, finish, incidentInput, serverNow, startIncident } from './healing-harness';
import { exportFixture } from './healing-fixtures';
import { createGithubDouble } from './helpers/github-double';
import { startSimulator } from './helpers/simulator';
import { timeSkippingServerPerTest, uniqueTaskQueue } from './helpers/temporal';

let env: TestWorkflowEnvironment;
const test = timeSkippingServerPerTest((e) => {
  env = e;
});

test('remediation off: the incident opens, emails, verifies and withholds every restart; back on, it dispatches at its next attempt', async () => {
  const bridge = new FakeBridge('switch');
  const taskQueue = uniqueTaskQueue('switch');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    expect((await readRemediationSwitch(env.client, taskQueue)).enabled).toBe(true);
    await expect(setRemediation(env.client, taskQueue, false, { by: 'alice', reason: '' })).rejects.toThrow('--reason');
    const off = await setRemediation(env.client, taskQueue, false, { by: 'alice', reason: 'bridge migration' });
    expect(off).toMatchObject({ enabled: false, last: { enabled: false, by: 'alice', reason: 'bridge migration' } });

    const handle = await startIncident(env, taskQueue, incidentInput('switch', {}, await serverNow(env)));
    await env.sleep(3 * MINUTE);

    const held = await getStatus(env.client, taskQueue, 'switch');
    expect(held.status).toBe('HEALING');
    expect(held.attempts).toHaveLength(0);
    expect(held.timeline).toContainEqual(
      expect.objectContaining({
        step: 'withheld',
        outcome: 'remediation_off',
        detail: 'restart withheld: remediation off by alice (bridge migration)',
      }),
    );
    expect(held.activity).toContain('restart withheld: remediation off by alice (bridge migration)');
    expect(bridge.dispatchRemediation).not.toHaveBeenCalled();
    expect(await dispatchesInHistory(handle)).toBe(0);
    // verification goes on: a probe every VERIFY_INTERVAL (15 s) for 3 minutes
    expect(bridge.probeTarget.mock.calls.length).toBeGreaterThanOrEqual(10);
    const [critical] = bridge.emails('critical') as CriticalAlert[];
    expect(critical?.autoRestart).toBe('WITHHELD: restart withheld: remediation off by alice (bridge migration)');
    const email = renderEmail(critical as CriticalAlert, { dashboardUrl: 'http://127.0.0.1:8080' });
    expect(email.text).toContain('Auto-Restart: WITHHELD: restart withheld: remediation off by alice (bridge migration)');
    expect(bridge.notifyInApp).toHaveBeenCalled();

    await setRemediation(env.client, taskQueue, true, { by: 'bob', reason: '' });
    const result = await finish(env, handle, 15_000);
    expect(result.status).toBe('RECOVERED');
    expect(await dispatchesInHistory(handle)).toBe(1);
    expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(1);
    const steps = result.timeline.map((t) => `${t.step}:${t.outcome}`);
    expect(steps.indexOf('withheld:remediation_on')).toBeGreaterThan(steps.indexOf('withheld:remediation_off'));
    expect(steps.indexOf('dispatched:ok')).toBeGreaterThan(steps.indexOf('withheld:remediation_on'));
    expect(result.timeline.find((t) => t.outcome === 'remediation_on')?.detail).toContain('turned back on by bob');
    expect((await readRemediationSwitch(env.client, taskQueue)).history.map((c) => [c.enabled, c.by])).toEqual([
      [false, 'alice'],
      [true, 'bob'],
    ]);
    await exportFixture(handle, 'remediation-withheld');
    await exportFixture(env.client.workflow.getHandle(remediationSwitchWorkflowId(taskQueue)), 'remediation-switch');
    // The switch lives on this test's task queue: gone with its worker, so it goes too.
    await env.client.workflow.getHandle(remediationSwitchWorkflowId(taskQueue)).terminate('test over');
  });
});

test('REMEDIATION=dry-run: zero calls reach GitHub or the restart URL; the would-be restart is in the timeline and the email', async () => {
  const token = ['ghp', 'dryRunToken', process.pid].join('_');
  const github = await createGithubDouble({ token, repositories: ['owner/repo'] });
  const simulator = await startSimulator({ restartToken: 'restart-secret-123' });
  try {
    const config = loadConfig({
      REMEDIATION: 'dry-run',
      GITHUB_TOKEN: token,
      GITHUB_REPOSITORY: 'owner/repo',
      GITHUB_API_URL: github.url,
      RESTART_URL: `${simulator.url}/api/system/full-restart`,
      RESTART_TOKEN: 'restart-secret-123',
      MT5_BRIDGE_URL: simulator.url,
    });
    expect(config.remediation.method).toBe('dry-run');
    const real = createRemediationActivities(remediationDepsFromConfig(config, createLogger({ level: 'silent' })));

    const bridge = new FakeBridge('dry');
    bridge.recoverOnDispatch = 1;
    bridge.dispatchBehaviour = (request) => real.dispatchRemediation(request);
    const taskQueue = uniqueTaskQueue('dry');
    const worker = await createHealingWorker(env, taskQueue, [bridge]);
    await worker.runUntil(async () => {
      const handle = await startIncident(env, taskQueue, incidentInput('dry', { remediation: 'dry-run' }, await serverNow(env)));
      const result = await finish(env, handle, 15_000);
      expect(result.status).toBe('RECOVERED');
      const dispatched = result.timeline.find((t) => t.step === 'dispatched');
      expect(dispatched?.detail).toBe(
        'attempt 1: DRY RUN: would have restarted dry by repository_dispatch mt5-full-restart to owner/repo (REMEDIATION=dry-run: nothing was sent)',
      );
      expect(result.attempts[0]).toMatchObject({ method: 'dry-run', outcome: 'recovered' });
      const [critical] = bridge.emails('critical') as CriticalAlert[];
      expect(critical?.autoRestart).toContain('DRY RUN: would have restarted');
      const email = renderEmail(critical as CriticalAlert, { dashboardUrl: 'http://127.0.0.1:8080' });
      expect(email.text).toContain('Auto-Restart: DRY RUN: would have restarted');
      const recovery = bridge.emails('recovery')[0];
      expect(recovery).toMatchObject({ method: expect.stringContaining('DRY RUN') });
    });
    expect(github.requests).toHaveLength(0);
    expect(simulator.restarts).toHaveLength(0);
    expect(simulator.state().requests.restart).toBe(0);
    expect(simulator.state().unauthorizedRestarts).toBe(0);
  } finally {
    await github.close();
    await simulator.close();
  }
});
