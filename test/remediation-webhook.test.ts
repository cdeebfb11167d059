/**
 * Direct restart (REMEDIATION=webhook) against the bridge simulator over HTTP.
 */
import { ApplicationFailure } from '@temporalio/common';
import { createRemediationActivities, describeRemediation } from '../src/activities/remediation';
import { loadConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import { remediationDepsFromConfig } from '../src/workers/remediation-deps-from-config';
import type { RemediationRequest } from '../src/shared/contracts';
import { createBridgeSimulator, type BridgeSimulator } from '../src/simulator/create-bridge-simulator';

const RESTART_TOKEN = 'restart-token-webhook-test-5b8e1d0c9a';
const request: RemediationRequest = {
  targetId: 'mt5-bridge',
  incidentId: 'heal-mt5-bridge-20251031T112600Z',
  attempt: 2,
  reason: 'MT5 Terminal disconnected',
  trigger: 'auto_sync_service',
};

let bridge: BridgeSimulator;
let logLines: string[];
beforeEach(async () => {
  bridge = await createBridgeSimulator({ port: 0, restartToken: RESTART_TOKEN });
  logLines = [];
});
afterEach(() => bridge.close());

function activities(
  token: string | undefined,
  url: string | undefined = `${bridge.url}/api/system/full-restart`,
  timeoutMs?: number,
) {
  return createRemediationActivities({
    method: 'webhook',
    webhook: { urlFor: (id) => (id === 'mt5-bridge' ? url : undefined), token, timeoutMs },
    log: createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } }),
    now: () => new Date('2025-10-31T11:26:00Z'),
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

test('a restart is POSTed with the bearer token, the Idempotency-Key of incident and attempt, and a JSON body', async () => {
  bridge.setFault({ mode: 'terminal_disconnected', restart: 'heal' });

  const receipt = await activities(RESTART_TOKEN).dispatchRemediation(request);

  expect(receipt).toEqual({
    method: 'webhook',
    dispatchedAt: '2025-10-31T11:26:00.000Z',
    detail: `POST ${bridge.url}/api/system/full-restart (HTTP 200, success: true)`,
  });
  expect(bridge.restarts).toHaveLength(1);
  expect(bridge.restarts[0]).toMatchObject({
    idempotencyKey: 'heal-mt5-bridge-20251031T112600Z-2',
    body: {
      reason: 'MT5 Terminal disconnected',
      incident_id: 'heal-mt5-bridge-20251031T112600Z',
      attempt: 2,
    },
  });
  expect(JSON.stringify(receipt) + logLines.join('')).not.toContain(RESTART_TOKEN);
});

test('200 with success: false is a receipt, not a failure: only verification decides', async () => {
  bridge.setFault({ mode: 'terminal_disconnected', restart: 'success_false' });

  const receipt = await activities(RESTART_TOKEN).dispatchRemediation(request);

  expect(receipt.method).toBe('webhook');
  expect(receipt.detail).toContain('success: false');
  expect(receipt.detail).toContain('IPC timeout');
  expect(receipt.detail).toContain('verification decides');
});

test('401 on a wrong token: RemediationUnauthorizedError naming RESTART_TOKEN, never its value', async () => {
  const wrong = 'wrong-restart-token-0f9e8d7c6b';
  const failure = await failureOf(activities(wrong).dispatchRemediation(request));

  expect(failure.type).toBe('RemediationUnauthorizedError');
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toContain('RESTART_TOKEN');
  expect(failure.details?.[0]).toMatchObject({ httpStatus: 401 });
  expect(bridge.restarts).toHaveLength(0);
  expect(bridge.state().unauthorizedRestarts).toBe(1);
  const everything =
    JSON.stringify({ message: failure.message, details: failure.details }) + logLines.join('');
  expect(everything).not.toContain(wrong);
  expect(everything).not.toContain(RESTART_TOKEN);
});

test('no RESTART_TOKEN while the bridge requires one: the 401 says it is not set', async () => {
  const failure = await failureOf(activities(undefined).dispatchRemediation(request));
  expect(failure.type).toBe('RemediationUnauthorizedError');
  expect(failure.message).toContain('RESTART_TOKEN is not set');
});

test("404: the runbook's Issue 3, the VPS endpoint does not exist", async () => {
  const failure = await failureOf(
    activities(RESTART_TOKEN, `${bridge.url}/api/system/restart-v0`).dispatchRemediation(request),
  );
  expect(failure.type).toBe('RemediationTargetNotFoundError');
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toContain("VPS endpoint /api/system/full-restart doesn't exist");
  expect(failure.message).toContain('Update MT5 Bridge on VPS with restart endpoint');
});

test('500 from the restart endpoint and a refused connection are retryable', async () => {
  bridge.setFault({ mode: 'terminal_disconnected', restart: 'fail' });
  const failed = await failureOf(activities(RESTART_TOKEN).dispatchRemediation(request));
  expect(failed.type).toBe('RemediationUnavailableError');
  expect(failed.nonRetryable).toBe(false);
  expect(failed.message).toContain('HTTP 500');

  const url = `${bridge.url}/api/system/full-restart`;
  await bridge.close();
  const refused = await failureOf(activities(RESTART_TOKEN, url).dispatchRemediation(request));
  expect(refused.type).toBe('RemediationUnavailableError');
  expect(refused.nonRetryable).toBe(false);
  expect(refused.message).toContain('Could not reach the restart endpoint');
});

test('credentials in a restart URL never show in a receipt', async () => {
  const url = `${bridge.url.replace('http://', 'http://user:pa55word@')}/api/system/full-restart?key=abc`;
  const receipt = await activities(RESTART_TOKEN, url).dispatchRemediation(request);
  expect(receipt.detail).not.toContain('pa55word');
  expect(receipt.detail).not.toContain('key=abc');
});

test('a target without a restart URL: RemediationNotConfiguredError, and nothing is sent', async () => {
  const failure = await failureOf(
    activities(RESTART_TOKEN).dispatchRemediation({ ...request, targetId: 'other-bridge' }),
  );
  expect(failure.type).toBe('RemediationNotConfiguredError');
  expect(failure.message).toContain('RESTART_URL');
  expect(bridge.restarts).toHaveLength(0);
});

describe('built from the configuration', () => {
  test('REMEDIATION=webhook posts to RESTART_URL with RESTART_TOKEN', async () => {
    const config = loadConfig({
      MT5_BRIDGE_URL: bridge.url,
      RESTART_URL: `${bridge.url}/api/system/full-restart`,
      RESTART_TOKEN,
    });
    expect(config.remediation.method).toBe('webhook');
    const acts = createRemediationActivities(
      remediationDepsFromConfig(config, createLogger({ level: 'silent' })),
    );

    await expect(acts.dispatchRemediation(request)).resolves.toMatchObject({ method: 'webhook' });
    expect(bridge.restarts).toHaveLength(1);
  });

  test('the start-up statement shows the restart URL and never the token', () => {
    const config = loadConfig({
      MT5_BRIDGE_URL: bridge.url,
      RESTART_URL: `${bridge.url}/api/system/full-restart`,
      RESTART_TOKEN,
    });
    const { level, lines } = describeRemediation(config);
    expect(level).toBe('info');
    expect(lines.join('\n')).toContain(`POST ${bridge.url}/api/system/full-restart`);
    expect(lines.join('\n')).not.toContain(RESTART_TOKEN);
  });
});

describe('several targets: each restart reaches its own VPS', () => {
  const TOKEN_A = 'restart-token-of-desk-a-3c2b1a0f9e';
  const TOKEN_B = 'restart-token-of-desk-b-8d7c6b5a4f';
  let desks: { a: BridgeSimulator; b: BridgeSimulator };
  beforeEach(async () => {
    const [a, b] = await Promise.all([
      createBridgeSimulator({ port: 0, restartToken: TOKEN_A }),
      createBridgeSimulator({ port: 0, restartToken: TOKEN_B }),
    ]);
    desks = { a, b };
  });
  afterEach(async () => {
    await Promise.all([desks.a.close(), desks.b.close()]);
  });

  function configured() {
    const yaml = [
      'targets:',
      '  - id: desk-a',
      `    url: ${desks.a.url}`,
      `    restartUrl: ${desks.a.url}/api/system/full-restart`,
      '    restartTokenEnv: RESTART_TOKEN_DESK_A',
      '  - id: desk-b',
      `    url: ${desks.b.url}`,
      `    restartUrl: ${desks.b.url}/api/system/full-restart`,
      '    restartTokenEnv: RESTART_TOKEN_DESK_B',
    ].join('\n');
    const config = loadConfig(
      { AUTOHEAL_TARGETS_FILE: 'targets.yaml', REMEDIATION: 'webhook', RESTART_TOKEN_DESK_A: TOKEN_A, RESTART_TOKEN_DESK_B: TOKEN_B },
      { readFile: () => yaml },
    );
    const log = createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } });
    return createRemediationActivities(remediationDepsFromConfig(config, log));
  }

  test("target B's restart goes to B's webhook with B's token, and A's VPS receives nothing", async () => {
    const acts = configured();
    const receipt = await acts.dispatchRemediation({ ...request, targetId: 'desk-b', incidentId: 'heal-desk-b-1' });

    expect(receipt.detail).toContain(`POST ${desks.b.url}/api/system/full-restart (HTTP 200`);
    expect(desks.b.restarts).toHaveLength(1); // B's simulator accepts B's token only
    expect(desks.b.restarts[0]).toMatchObject({ idempotencyKey: 'heal-desk-b-1-2' });
    expect(desks.a.restarts).toHaveLength(0);
    expect(desks.a.state().unauthorizedRestarts).toBe(0);

    await acts.dispatchRemediation({ ...request, targetId: 'desk-a', incidentId: 'heal-desk-a-1' });
    expect(desks.a.restarts).toHaveLength(1);
    expect(desks.b.restarts).toHaveLength(1);
    const said = JSON.stringify(receipt) + logLines.join('');
    expect(said).not.toContain(TOKEN_A);
    expect(said).not.toContain(TOKEN_B);
  });

  test('a target id that is not configured has no route: nothing is sent to any VPS', async () => {
    const failure = await failureOf(configured().dispatchRemediation({ ...request, targetId: 'desk-c' }));
    expect(failure.type).toBe('RemediationNotConfiguredError');
    expect(desks.a.restarts).toHaveLength(0);
    expect(desks.b.restarts).toHaveLength(0);
  });

  test("a 401 names the target's own token variable", async () => {
    const yaml = [
      'targets:',
      '  - id: desk-a',
      `    url: ${desks.a.url}`,
      `    restartUrl: ${desks.a.url}/api/system/full-restart`,
      '    restartTokenEnv: RESTART_TOKEN_DESK_A',
      '  - id: desk-b',
      `    url: ${desks.b.url}`,
      `    restartUrl: ${desks.b.url}/api/system/full-restart`,
      '    restartTokenEnv: RESTART_TOKEN_DESK_B',
    ].join('\n');
    // B's variable holds A's token by mistake
    const config = loadConfig(
      { AUTOHEAL_TARGETS_FILE: 'targets.yaml', REMEDIATION: 'webhook', RESTART_TOKEN_DESK_A: TOKEN_A, RESTART_TOKEN_DESK_B: TOKEN_A },
      { readFile: () => yaml },
    );
    const acts = createRemediationActivities(remediationDepsFromConfig(config, createLogger({ level: 'silent' })));
    const failure = await failureOf(acts.dispatchRemediation({ ...request, targetId: 'desk-b' }));
    expect(failure.type).toBe('RemediationUnauthorizedError');
    expect(failure.message).toContain('The bridge refused RESTART_TOKEN_DESK_B');
    expect(failure.message).not.toContain(TOKEN_A);
  });
});

test('a real restart request that reaches a dry-run worker fails retryably and sends nothing; a dry-run request never restarts', async () => {
  bridge.setFault({ mode: 'terminal_disconnected', restart: 'heal' });
  const dryRunWorker = createRemediationActivities({
    method: 'dry-run',
    webhook: { urlFor: () => `${bridge.url}/api/system/full-restart`, token: RESTART_TOKEN },
    log: createLogger({ level: 'silent' }),
  });
  const failure = await failureOf(dryRunWorker.dispatchRemediation({ ...request, dryRun: false }));
  expect(failure.type).toBe('RemediationModeMismatchError');
  expect(failure.nonRetryable).toBe(false);
  expect(failure.message).toContain('This worker runs REMEDIATION=dry-run, but the incident of mt5-bridge asks for a real restart');

  // The deployment's dry run, on a worker whose own mode sends real restarts: nothing is sent.
  const receipt = await activities(RESTART_TOKEN).dispatchRemediation({ ...request, dryRun: true });
  expect(receipt).toMatchObject({ method: 'dry-run', detail: expect.stringContaining('DRY RUN: would have restarted mt5-bridge') });
  expect(bridge.state().requests.restart).toBe(0);
  expect(bridge.restarts).toHaveLength(0);
});
