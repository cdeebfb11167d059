/**
 * The ladder's reinit rung against the bridge simulator over HTTP: the activities the worker
 * builds from its configuration (remediationDepsFromConfig), the bridge's own
 * `POST /api/admin/emergency-restart?token=…`, with the same kill switch, dry run, idempotency key
 * and secret keeping as the full restart.
 */
import { ApplicationFailure } from '@temporalio/common';
import { createRemediationActivities } from '../src/activities/remediation';
import { loadConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import type { RemediationRequest } from '../src/shared/contracts';
import { createBridgeSimulator, type BridgeSimulator } from '../src/simulator/create-bridge-simulator';
import { remediationDepsFromConfig } from '../src/workers/remediation-deps-from-config';

const ADMIN_TOKEN = 'bridge-admin-secret-token-7f3a9c';
const GITHUB_TOKEN = 'ghp' + '_reinitTestToken0123456789abcdefghij';
const request: RemediationRequest = {
  targetId: 'mt5-bridge',
  incidentId: 'mt5-bridge-20251031-112600',
  attempt: 1,
  reason: 'MT5 Terminal disconnected',
  trigger: 'auto_sync_service',
  rung: 'reinit',
  dryRun: false,
};

let bridge: BridgeSimulator;
let logLines: string[];
beforeEach(async () => {
  logLines = [];
});
afterEach(() => bridge?.close());

async function activitiesFor(
  options: { variant?: 'a' | 'b'; token?: string; env?: Record<string, string>; switchOn?: boolean } = {},
) {
  bridge = await createBridgeSimulator({ port: 0, variant: options.variant ?? 'a', adminToken: ADMIN_TOKEN });
  const config = loadConfig({
    MT5_BRIDGE_URL: bridge.url,
    GITHUB_TOKEN,
    GITHUB_REPOSITORY: 'owner/repo',
    REMEDIATION_LADDER: 'reinit,full-restart',
    REINIT_TOKEN: options.token ?? ADMIN_TOKEN,
    ...options.env,
  });
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } });
  return createRemediationActivities({
    ...remediationDepsFromConfig(config, log),
    now: () => new Date('2025-10-31T11:26:00Z'),
    ...(options.switchOn === false
      ? { readSwitch: async () => ({ enabled: false, last: { by: 'carol', reason: 'VPS maintenance' } }) }
      : {}),
  });
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

test('a reinit POSTs the bridge’s own emergency-restart with its admin token and the attempt’s Idempotency-Key; the token is in no receipt or log', async () => {
  const activities = await activitiesFor();
  bridge.setFault({ mode: 'terminal_disconnected', restart: 'heal' });

  const receipt = await activities.dispatchRemediation(request);

  expect(receipt).toEqual({
    method: 'reinit',
    dispatchedAt: '2025-10-31T11:26:00.000Z',
    detail: `MT5 re-initialisation: POST ${bridge.url}/api/admin/emergency-restart (HTTP 200, success: true)`,
  });
  expect(bridge.restarts).toEqual([
    expect.objectContaining({ endpoint: 'emergency-restart', idempotencyKey: 'mt5-bridge-20251031-112600-1', duplicate: false }),
  ]);
  expect(bridge.state().phase).toBe('healthy');
  expect(JSON.stringify(receipt) + logLines.join('')).not.toContain(ADMIN_TOKEN);
});

test('the same attempt sent twice (a lost answer) re-initialises once: the bridge answers the repeated key with its first answer', async () => {
  const activities = await activitiesFor();
  bridge.setFault({ mode: 'trade_not_allowed', restart: 'heal' });

  await activities.dispatchRemediation(request);
  await activities.dispatchRemediation(request);

  expect(bridge.restarts.map((r) => [r.endpoint, r.duplicate])).toEqual([
    ['emergency-restart', false],
    ['emergency-restart', true],
  ]);
});

test('the kill switch holds an automatic reinit (nothing sent); an operator’s forced one goes', async () => {
  const activities = await activitiesFor({ switchOn: false });
  bridge.setFault({ mode: 'terminal_disconnected', restart: 'heal' });

  const failure = await failureOf(activities.dispatchRemediation(request));
  expect(failure.type).toBe('RemediationSwitchedOffError');
  expect(bridge.restarts).toHaveLength(0);

  await activities.dispatchRemediation({ ...request, forced: true, trigger: 'operator:carol' });
  expect(bridge.restarts).toHaveLength(1);
});

test('a dry-run reinit sends nothing and says what it would have done', async () => {
  const activities = await activitiesFor();
  bridge.setFault({ mode: 'terminal_disconnected', restart: 'heal' });

  const receipt = await activities.dispatchRemediation({ ...request, dryRun: true });

  expect(receipt.method).toBe('dry-run');
  expect(receipt.detail).toMatch(/^DRY RUN: would have re-initialised mt5-bridge by POST to its bridge's emergency-restart/);
  expect(bridge.restarts).toHaveLength(0);
});

test('a wrong admin token is a non-retryable failure naming REINIT_TOKEN, never its value', async () => {
  const wrong = 'wrong-admin-token-0000000000';
  const activities = await activitiesFor({ token: wrong });
  bridge.setFault({ mode: 'terminal_disconnected', restart: 'heal' });

  const failure = await failureOf(activities.dispatchRemediation(request));

  expect(failure.type).toBe('RemediationUnauthorizedError');
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toMatch(/The bridge refused REINIT_TOKEN at http:\/\/127\.0\.0\.1:\d+\/api\/admin\/emergency-restart/);
  expect(JSON.stringify(failure) + failure.message + logLines.join('')).not.toContain(wrong);
  expect(bridge.restarts).toHaveLength(0);
});

test('a bridge without emergency-restart (variant B) fails non-retryably, saying so and how to take reinit off the ladder', async () => {
  const activities = await activitiesFor({ variant: 'b' });

  const failure = await failureOf(activities.dispatchRemediation(request));

  expect(failure.type).toBe('RemediationTargetNotFoundError');
  expect(failure.message).toMatch(/The bridge has no emergency-restart \(HTTP 404 .*variant B.* Fix: Remove reinit from this target's ladder/);
});

test('a full-restart request of the same worker still goes by REMEDIATION (GitHub), never to the emergency-restart', async () => {
  const activities = await activitiesFor({ env: { GITHUB_API_URL: 'http://127.0.0.1:1' } });
  const failure = await failureOf(activities.dispatchRemediation({ ...request, rung: 'full-restart' }));
  expect(failure.type).toBe('RemediationUnavailableError'); // GitHub (here unreachable), not the bridge
  expect(bridge.restarts).toHaveLength(0);
});
