/**
 * Dry run belongs to the deployment (the incident's policy), not to the worker that runs the
 * dispatch, and a dry-run attempt that does not verify is not a failed restart: on the
 * time-skipping server with the real healing workflow, the real ledger and the real remediation
 * activity (GitHub mode, against the API double).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLedgerActivities } from '../src/activities/ledger';
import { createRemediationActivities } from '../src/activities/remediation';
import { loadConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import { remediationDepsFromConfig } from '../src/workers/remediation-deps-from-config';
import { resolveUpdate, statusQuery } from '../src/workflows/healing/messages';
import { FakeBridge, HOUR, MINUTE, createHealingWorker, finish, incidentInput, serverNow, sleepOffGrid, startIncident } from './healing-harness';
import { createGithubDouble } from './helpers/github-double';
import { timeSkippingServerPerTest, uniqueTaskQueue } from './helpers/temporal';

let env: TestWorkflowEnvironment;
const test = timeSkippingServerPerTest((e) => {
  env = e;
});

test('dry-run attempts that do not verify are not counted: after leaving dry-run a real outage still gets ESCALATE_AFTER attempts', async () => {
  const token = ['ghp', 'dryRunLedger', process.pid].join('_');
  const github = await createGithubDouble({ token, repositories: ['owner/repo'] });
  try {
    // The worker already runs the real mode (it left dry-run); the first incident was opened in dry-run.
    const config = loadConfig({
      REMEDIATION: 'github',
      GITHUB_TOKEN: token,
      GITHUB_REPOSITORY: 'owner/repo',
      GITHUB_API_URL: github.url,
      MT5_BRIDGE_URL: 'http://127.0.0.1:1',
    });
    const real = createRemediationActivities(remediationDepsFromConfig(config, createLogger({ level: 'silent' })));
    const bridge = new FakeBridge('leaving-dry-run');
    bridge.recoverOnDispatch = undefined; // no restart helps
    bridge.dispatchBehaviour = (request) => real.dispatchRemediation(request);
    const taskQueue = uniqueTaskQueue('leaving-dry-run');
    const ledger = createLedgerActivities({ client: env.client, taskQueue });
    const worker = await createHealingWorker(env, taskQueue, [bridge]);
    await worker.runUntil(async () => {
      // A long SLA so that the count, not the SLA, escalates.
      const dry = await startIncident(
        env,
        taskQueue,
        incidentInput('leaving-dry-run', { remediation: 'dry-run', recoverySlaMs: 2 * HOUR }, await serverNow(env)),
      );
      await sleepOffGrid(env, 12 * MINUTE);
      const during = await dry.query(statusQuery);
      expect(during.status).toBe('HEALING');
      const ended = during.attempts.filter((a) => a.outcome !== 'in_progress');
      expect(ended.length).toBeGreaterThanOrEqual(2);
      for (const a of ended) expect(a).toMatchObject({ method: 'dry-run', outcome: 'dry_run_not_recovered' });
      expect(during.timeline).toContainEqual(
        expect.objectContaining({ step: 'attempt_failed', outcome: 'dry_run', detail: expect.stringContaining('not counted as a failed restart') }),
      );
      expect((await ledger.readAttemptLedger('leaving-dry-run')).failures).toEqual([]);
      expect(github.dispatches()).toHaveLength(0); // the deployment's dry run, whatever the worker's mode
      await dry.executeUpdate(resolveUpdate, { args: [{ by: 'alice', note: 'leaving dry-run' }] });
      expect((await finish(env, dry)).status).toBe('RESOLVED');

      const realOutage = await startIncident(
        env,
        taskQueue,
        incidentInput('leaving-dry-run', { remediation: 'github', recoverySlaMs: 2 * HOUR }, await serverNow(env)),
      );
      await env.sleep(30 * MINUTE);
      const parked = await realOutage.query(statusQuery);
      expect(parked.status).toBe('ESCALATED');
      expect(parked.escalation?.reason).toBe('3 failed attempts within 1d');
      expect(parked.attempts.map((a) => [a.method, a.outcome])).toEqual([
        ['github', 'not_recovered'],
        ['github', 'not_recovered'],
        ['github', 'not_recovered'],
      ]);
      expect(github.dispatches()).toHaveLength(3);
      await sleepOffGrid(env, MINUTE);
      await realOutage.executeUpdate(resolveUpdate, { args: [{ by: 'alice', note: 'test over' }] });
      await finish(env, realOutage);
    });
  } finally {
    await github.close();
  }
});
