import { ApplicationFailure } from '@temporalio/common';
import {
  createOctokit,
  createRemediationActivities,
  REQUIRED_GITHUB_SCOPES,
  type RemediationDeps,
} from '../src/activities/remediation';
import { createLogger } from '../src/logging/create-logger';
import { NON_RETRYABLE_REMEDIATION_ERRORS, type RemediationRequest } from '../src/shared/contracts';
import { REMEDIATION_ACTIVITY_OPTIONS, REMEDIATION_RETRY_POLICY } from '../src/shared/remediation-policy';
import { createGithubDouble, rateLimitedAnswer, type GithubDouble } from './helpers/github-double';

const TOKEN = 'ghp' + '_remediationTestToken0123456789abcdefXYZ';
const NOW = new Date('2025-10-31T11:26:00.000Z');
const request: RemediationRequest = {
  targetId: 'mt5-bridge',
  incidentId: 'heal-mt5-bridge-20251031T112600Z',
  attempt: 1,
  reason: 'MT5 Terminal disconnected',
  trigger: 'auto_sync_service',
};

let github: GithubDouble;
let logLines: string[];

beforeEach(async () => {
  github = await createGithubDouble({ token: TOKEN, repositories: ['chavapalmarubin-lab/FIDUS'] });
  logLines = [];
});
afterEach(() => github.close());

function activities(
  overrides: { token?: string; repository?: string; timeoutMs?: number; apiUrl?: string } = {},
) {
  const apiUrl = overrides.apiUrl ?? github.url;
  const deps: RemediationDeps = {
    method: 'github',
    github: {
      octokit: createOctokit({ token: overrides.token ?? TOKEN, apiUrl }),
      repository: overrides.repository ?? 'chavapalmarubin-lab/FIDUS',
      eventType: 'mt5-full-restart',
      apiUrl,
      timeoutMs: overrides.timeoutMs,
    },
    // The logger is built without the token as a known secret: nothing may leak in the first place.
    log: createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } }),
    now: () => NOW,
  };
  return createRemediationActivities(deps);
}

/** The ApplicationFailure a dispatch threw. */
async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

function expectNoSecret(...things: unknown[]) {
  for (const thing of [...things, logLines]) expect(JSON.stringify(thing)).not.toContain(TOKEN);
}

describe('repository_dispatch through the GitHub API double', () => {
  test('sends the runbook payload with incident id and attempt, and a 204 is a receipt', async () => {
    const receipt = await activities().dispatchRemediation(request);

    expect(receipt).toEqual({
      method: 'github',
      dispatchedAt: NOW.toISOString(),
      detail: 'repository_dispatch mt5-full-restart to chavapalmarubin-lab/FIDUS (HTTP 204)',
      runTitle: 'MT5 restart mt5-bridge heal-mt5-bridge-20251031T112600Z#1',
    });
    const [call] = github.dispatches();
    expect(github.dispatches()).toHaveLength(1);
    expect(call?.path).toBe('/repos/chavapalmarubin-lab/FIDUS/dispatches');
    expect(call?.headers.authorization).toBe(`token ${TOKEN}`);
    expect(call?.body).toEqual({
      event_type: 'mt5-full-restart',
      client_payload: {
        trigger: 'auto_sync_service',
        reason: 'MT5 Terminal disconnected',
        timestamp: '2025-10-31T11:26:00Z',
        incident_id: 'heal-mt5-bridge-20251031T112600Z',
        attempt: 1,
        target: 'mt5-bridge',
        idempotency_key: 'heal-mt5-bridge-20251031T112600Z-1',
      },
    });
    expect(logLines.join('')).toContain('Restart requested: repository_dispatch mt5-full-restart');
    expectNoSecret(receipt);
  });

  test('401: the token is invalid or expired, one call, non-retryable', async () => {
    const failure = await failureOf(
      activities({ token: 'ghp' + '_revokedTokenThatGithubRefuses0123456789' }).dispatchRemediation(request),
    );

    expect(github.dispatches()).toHaveLength(1);
    expect(failure.type).toBe('RemediationUnauthorizedError');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('invalid, revoked or expired');
    expect(failure.message).toContain('Verify GITHUB_TOKEN');
    expect(failure.message).toContain('the token is not expired');
    expect(failure.details?.[0]).toMatchObject({
      httpStatus: 401,
      fix: expect.stringContaining('rotate it'),
    });
    expect(JSON.stringify(failure)).not.toContain('ghp' + '_revokedTokenThatGithubRefuses0123456789');
    expect(logLines.join('')).not.toContain('ghp' + '_revokedTokenThatGithubRefuses0123456789');
  });

  test('403 without the workflow scope: names the missing scope from x-oauth-scopes, one call, non-retryable', async () => {
    github.queueDispatch({
      status: 403,
      headers: { 'x-oauth-scopes': 'repo', 'x-accepted-oauth-scopes': 'repo, workflow' },
      body: { message: 'Resource not accessible by personal access token' },
    });
    const failure = await failureOf(activities().dispatchRemediation(request));

    expect(github.dispatches()).toHaveLength(1);
    expect(failure.type).toBe('RemediationForbiddenError');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('GITHUB_TOKEN lacks the workflow scope');
    expect(failure.message).toContain('token scopes: repo');
    expect(failure.details?.[0]).toMatchObject({ httpStatus: 403 });
    expectNoSecret(failure);
  });

  test('404: the repository does not exist or the token cannot see it, one call, non-retryable', async () => {
    const failure = await failureOf(
      activities({ repository: 'chavapalmarubin-lab/NOPE' }).dispatchRemediation(request),
    );

    expect(github.dispatches()).toHaveLength(1);
    expect(failure.type).toBe('RemediationTargetNotFoundError');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain(
      'repository chavapalmarubin-lab/NOPE does not exist, or GITHUB_TOKEN cannot see it',
    );
    expect(failure.message).toContain('Check GITHUB_REPOSITORY');
    expectNoSecret(failure);
  });

  test("422: the runbook's Issue 1, invalid repository_dispatch payload, one call, non-retryable", async () => {
    github.queueDispatch({
      status: 422,
      body: { message: "Invalid request.\n\nFor 'properties/client_payload', nil is not an object." },
    });
    const failure = await failureOf(activities().dispatchRemediation(request));

    expect(github.dispatches()).toHaveLength(1);
    expect(failure.type).toBe('RemediationRejectedError');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('GitHub Actions returns HTTP 422');
    expect(failure.message).toContain('Invalid repository_dispatch payload');
    expect(failure.message).toContain('Verify event_type: "mt5-full-restart" matches workflow');
    expectNoSecret(failure);
  });

  test('every non-retryable failure type is one the workflow escalates on', async () => {
    const types = new Set<string>();
    github.queueDispatch(403, 422);
    for (const acts of [
      activities({ token: 'ghp_wrongwrongwrongwrong' }),
      activities(),
      activities(),
      activities({ repository: 'x/y' }),
    ]) {
      types.add((await failureOf(acts.dispatchRemediation(request))).type ?? '');
    }
    const none = createRemediationActivities({
      method: 'none',
      reason: 'neither GITHUB_TOKEN nor RESTART_URL is set',
      log: createLogger({ level: 'silent' }),
    });
    types.add((await failureOf(none.dispatchRemediation(request))).type ?? '');
    expect([...types].sort()).toEqual([...NON_RETRYABLE_REMEDIATION_ERRORS].sort());
  });

  test('502 twice then 204: two retryable failures, then the receipt (the three calls Temporal makes)', async () => {
    github.queueDispatch(502, 502, 204);
    const acts = activities();

    for (const attempt of [1, 2]) {
      const failure = await failureOf(acts.dispatchRemediation(request));
      expect(failure.type).toBe('RemediationUnavailableError');
      expect(failure.nonRetryable).toBe(false);
      expect(failure.message).toContain('HTTP 502');
      expect(github.dispatches()).toHaveLength(attempt);
    }
    await expect(acts.dispatchRemediation(request)).resolves.toMatchObject({ method: 'github' });
    expect(github.dispatches()).toHaveLength(3);
    expectNoSecret();
  });

  test('403 rate limit with a reset time: retryable, nextRetryDelay is the wait until the reset, then success', async () => {
    const resetAt = NOW.getTime() / 1000 + 42;
    github.queueDispatch(rateLimitedAnswer(resetAt), 204);
    const acts = activities();

    const failure = await failureOf(acts.dispatchRemediation(request));
    expect(failure.type).toBe('RemediationRateLimitedError');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(42_000);
    expect(failure.message).toContain('rate limit');
    expect(failure.message).toContain('retrying in 42 s');

    await expect(acts.dispatchRemediation(request)).resolves.toMatchObject({ method: 'github' });
    expect(github.dispatches()).toHaveLength(2);
  });

  test('a secondary rate limit with retry-after waits that many seconds', async () => {
    github.queueDispatch({
      status: 403,
      headers: { 'retry-after': '90' },
      body: { message: 'You have exceeded a secondary rate limit.' },
    });
    const failure = await failureOf(activities().dispatchRemediation(request));
    expect(failure.type).toBe('RemediationRateLimitedError');
    expect(failure.nextRetryDelay).toBe(90_000);
  });

  test('a 200 instead of 204 is not a success: GITHUB_API_URL is suspect', async () => {
    github.queueDispatch({ status: 200, body: { ok: true } });
    const failure = await failureOf(activities().dispatchRemediation(request));
    expect(failure.type).toBe('RemediationRejectedError');
    expect(failure.message).toContain('answered HTTP 200 instead of 204');
    expect(failure.message).toContain('GITHUB_API_URL');
  });

  test('a network error and a timeout are retryable', async () => {
    const closed = await createGithubDouble({ token: TOKEN });
    const closedUrl = closed.url;
    await closed.close();
    const refused = await failureOf(activities({ apiUrl: closedUrl }).dispatchRemediation(request));
    expect(refused.type).toBe('RemediationUnavailableError');
    expect(refused.nonRetryable).toBe(false);
    expect(refused.message).toContain('Could not reach the GitHub API');

    github.queueDispatch({ status: 204, delayMs: 2_000 });
    const slow = await failureOf(activities({ timeoutMs: 200 }).dispatchRemediation(request));
    expect(slow.type).toBe('RemediationUnavailableError');
    expect(slow.message).toContain('timeout after 200 ms');
    expectNoSecret(refused, slow);
  });

  test('no token or repository configured: RemediationNotConfiguredError, and no call', async () => {
    const acts = createRemediationActivities({ method: 'github', log: createLogger({ level: 'silent' }) });
    const failure = await failureOf(acts.dispatchRemediation(request));
    expect(failure.type).toBe('RemediationNotConfiguredError');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('GITHUB_TOKEN');
    expect(github.requests).toHaveLength(0);
  });
});

describe('the retry policy the healing workflow uses for dispatchRemediation', () => {
  test('allows at least three attempts with backoff, and stops at once on the non-retryable types', () => {
    expect(REMEDIATION_RETRY_POLICY.maximumAttempts).toBeGreaterThanOrEqual(3);
    expect(REMEDIATION_RETRY_POLICY.backoffCoefficient).toBeGreaterThan(1);
    expect(REMEDIATION_RETRY_POLICY.nonRetryableErrorTypes).toEqual([...NON_RETRYABLE_REMEDIATION_ERRORS]);
    expect(REMEDIATION_RETRY_POLICY.nonRetryableErrorTypes).not.toContain('RemediationUnavailableError');
    expect(REMEDIATION_RETRY_POLICY.nonRetryableErrorTypes).not.toContain('RemediationRateLimitedError');
    expect(REMEDIATION_ACTIVITY_OPTIONS.retry).toBe(REMEDIATION_RETRY_POLICY);
    expect(REMEDIATION_ACTIVITY_OPTIONS.startToCloseTimeout).toBeDefined();
  });

  test("the scopes doctor and the diagnosis require are the runbook's", () => {
    expect(REQUIRED_GITHUB_SCOPES).toEqual(['repo', 'workflow']);
  });
});
