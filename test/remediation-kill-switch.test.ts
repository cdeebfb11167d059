/**
 * The kill switch stops what is already on its way: `remediation off` cancels an automatic
 * dispatch waiting on retries (a rate-limited GitHub holds one for an hour), and the dispatch
 * activity reads the switch right before each HTTP attempt, so after `off` returns no automatic
 * restart request leaves the worker. An operator's forced restart is a human decision and goes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createRemediationActivities } from '../src/activities/remediation';
import { setRemediation } from '../src/client/remediation-switch';
import { createLogger } from '../src/logging/create-logger';
import type { RemediationRequest } from '../src/shared/contracts';
import { statusQuery } from '../src/workflows/healing/messages';
import { FakeBridge, HOUR, MINUTE, createHealingWorker, dispatchesInHistory, finish, incidentInput, quiesce, serverNow, startIncident } from './healing-harness';
import { timeSkippingServerPerTest, uniqueTaskQueue } from './helpers/temporal';

describe('the dispatch activity', () => {
  let server: http.Server;
  let url: string;
  let posts = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      posts += 1;
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/system/full-restart`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const request: RemediationRequest = { targetId: 'mt5-bridge', incidentId: 'mt5-bridge-1', attempt: 2, reason: 'terminal down', trigger: 'auto_sync_service' };
  const activities = (enabled: boolean) =>
    createRemediationActivities({
      method: 'webhook',
      webhook: { urlFor: () => url, token: 'restart-token-value' },
      log: createLogger({ level: 'silent' }),
      readSwitch: async () => (enabled ? { enabled } : { enabled, last: { by: 'alice', reason: 'broker maintenance' } }),
    });

  test('reads the switch right before the HTTP attempt: off, an automatic restart fails at once, non-retryable, and nothing is sent', async () => {
    posts = 0;
    const err = await activities(false).dispatchRemediation(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'RemediationSwitchedOffError', nonRetryable: true });
    expect((err as Error).message).toMatch(/^Remediation was turned off by alice \(broker maintenance\) before this automatic restart was sent: nothing was sent/);
    expect(posts).toBe(0);
  });

  test('an operator-forced restart is sent while the switch is off; on, an automatic one is sent', async () => {
    posts = 0;
    await expect(activities(false).dispatchRemediation({ ...request, forced: true })).resolves.toMatchObject({ method: 'webhook' });
    await expect(activities(true).dispatchRemediation(request)).resolves.toMatchObject({ method: 'webhook' });
    expect(posts).toBe(2);
  });
});

describe('an incident whose dispatch waits on retries', () => {
  let env: TestWorkflowEnvironment;
  const test = timeSkippingServerPerTest((e) => {
    env = e;
  });

  test('`remediation off` cancels it at once: the attempt is withheld (not a failure), nothing is sent after, and `on` lets the next one go', async () => {
    const bridge = new FakeBridge('off-in-flight');
    let rateLimited = true;
    bridge.dispatchBehaviour = async () => {
      if (rateLimited)
        throw ApplicationFailure.create({
          type: 'RemediationRateLimitedError',
          message: 'GitHub answered 403: API rate limit exceeded; retry after 1h',
          nextRetryDelay: '1h',
        });
      return { method: 'github', dispatchedAt: new Date().toISOString(), detail: 'repository_dispatch (HTTP 204)' };
    };
    const taskQueue = uniqueTaskQueue('off-in-flight');
    const worker = await createHealingWorker(env, taskQueue, [bridge]);
    await worker.runUntil(async () => {
      const handle = await startIncident(env, taskQueue, incidentInput('off-in-flight', { recoverySlaMs: 12 * HOUR }, await serverNow(env)));
      await env.sleep(MINUTE);
      expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(1); // the next try is an hour away

      await setRemediation(env.client, taskQueue, false, { by: 'alice', reason: 'broker maintenance', targetIds: ['off-in-flight'] });
      await quiesce(handle);
      const held = await handle.query(statusQuery);
      expect(held.status).toBe('HEALING');
      expect(held.attempts).toEqual([
        expect.objectContaining({ outcome: 'dispatch_failed', detail: expect.stringMatching(/^withheld — remediation turned off by alice \(broker maintenance\) while the dispatch waited on retries/) }),
      ]);
      expect(held.activity).toContain('restart withheld: remediation off by alice (broker maintenance)');

      for (let i = 0; i < 3; i++) await env.sleep(HOUR);
      expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(1); // the retry an hour later never went
      expect((await handle.query(statusQuery)).status).toBe('HEALING'); // held, not escalated as failed attempts

      rateLimited = false;
      await setRemediation(env.client, taskQueue, true, { by: 'alice', reason: 'maintenance over' });
      const result = await finish(env, handle);
      expect(result.status).toBe('RECOVERED');
      expect(await dispatchesInHistory(handle)).toBe(2);
      expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(2);
    });
  });
});
