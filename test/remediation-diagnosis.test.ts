/**
 * The diagnosis tables (pure): every answer of GitHub or of the bridge's restart endpoint says
 * what is wrong, how to fix it, and whether waiting can help.
 */
import {
  describeRemediation,
  diagnoseGithubDispatch,
  diagnoseWebhookRestart,
  missingScopes,
  parseScopes,
  toApplicationFailure,
  type RemediationError,
} from '../src/activities/remediation';
import type { HttpOutcome } from '../src/activities/remediation/http-outcome';
import { loadConfig } from '../src/config/load-config';

const now = new Date('2025-10-31T11:26:00Z');
const gh = { repository: 'owner/repo', eventType: 'mt5-full-restart', apiUrl: 'https://api.github.com', now };
const answer = (status: number, headers: Record<string, string> = {}, message?: string): HttpOutcome => ({
  kind: 'response',
  status,
  headers,
  message,
});
const github = (outcome: HttpOutcome) => diagnoseGithubDispatch(outcome, gh) as RemediationError;

describe('GitHub repository_dispatch', () => {
  test('204 is the only success', () => {
    expect(diagnoseGithubDispatch(answer(204), gh)).toBeUndefined();
    expect(github(answer(200)).name).toBe('RemediationRejectedError');
    expect(github(answer(202)).name).toBe('RemediationRejectedError');
  });

  test.each([
    [401, {}, 'RemediationUnauthorizedError', 'the token is invalid, revoked or expired'],
    [
      403,
      { 'x-oauth-scopes': 'public_repo' },
      'RemediationForbiddenError',
      'GITHUB_TOKEN lacks the repo and workflow scopes',
    ],
    [403, {}, 'RemediationForbiddenError', 'GITHUB_TOKEN is not allowed to dispatch to this repository'],
    [
      404,
      {},
      'RemediationTargetNotFoundError',
      'repository owner/repo does not exist, or GITHUB_TOKEN cannot see it',
    ],
    [422, {}, 'RemediationRejectedError', 'GitHub Actions returns HTTP 422'],
    [400, {}, 'RemediationRejectedError', 'GitHub refused'],
  ])('HTTP %i %j → %s, non-retryable: "%s"', (status, headers, type, text) => {
    const error = github(answer(status, headers));
    expect(error.name).toBe(type);
    expect(error.nonRetryable).toBe(true);
    expect(error.httpStatus).toBe(status);
    expect(error.message).toContain(text);
    expect(error.fix.length).toBeGreaterThan(10);
  });

  test("the fixes are the runbook's", () => {
    expect(github(answer(401)).fix).toContain('Verify GITHUB_TOKEN');
    expect(github(answer(401)).fix).toContain('the token is not expired');
    expect(github(answer(422)).fix).toContain('Verify event_type: "mt5-full-restart" matches workflow');
    expect(github(answer(422)).diagnosis).toContain('Invalid repository_dispatch payload');
  });

  test('403 names the scopes the endpoint accepts when GitHub says so', () => {
    const error = github(
      answer(403, { 'x-oauth-scopes': 'repo', 'x-accepted-oauth-scopes': 'repo, workflow' }),
    );
    expect(error.diagnosis).toContain('lacks the workflow scope');
    expect(error.diagnosis).toContain('endpoint accepts: repo, workflow');
  });

  test.each([
    [502, 'RemediationUnavailableError'],
    [500, 'RemediationUnavailableError'],
    [503, 'RemediationUnavailableError'],
    [408, 'RemediationUnavailableError'],
  ])('HTTP %i → %s, retryable', (status, type) => {
    const error = github(answer(status));
    expect(error.name).toBe(type);
    expect(error.nonRetryable).toBe(false);
  });

  test('a network error is retryable', () => {
    const error = github({ kind: 'network', reason: 'getaddrinfo ENOTFOUND api.github.com' });
    expect(error.name).toBe('RemediationUnavailableError');
    expect(error.nonRetryable).toBe(false);
    expect(error.diagnosis).toContain('ENOTFOUND');
  });

  test('rate limits wait until x-ratelimit-reset, or retry-after, or a minute', () => {
    const reset = String(now.getTime() / 1000 + 600);
    const primary = github(answer(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }));
    expect(primary.name).toBe('RemediationRateLimitedError');
    expect(primary.nonRetryable).toBe(false);
    expect(primary.retryAfterMs).toBe(600_000);
    expect(primary.diagnosis).toContain('retrying in 10 min');

    expect(github(answer(403, { 'retry-after': '30' })).retryAfterMs).toBe(30_000);
    expect(github(answer(429, {})).retryAfterMs).toBe(60_000);
    // A reset already past still waits a moment rather than hammering.
    expect(
      github(
        answer(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now.getTime() / 1000 - 5) }),
      ).retryAfterMs,
    ).toBe(1_000);
  });

  test('scopes are read from the header', () => {
    expect(parseScopes('repo, workflow, read:org')).toEqual(['repo', 'workflow', 'read:org']);
    expect(parseScopes('')).toEqual([]);
    expect(parseScopes(undefined)).toBeUndefined();
    expect(missingScopes(['public_repo', 'workflow'])).toEqual(['repo']);
  });
});

describe('the bridge restart endpoint', () => {
  const hook = { url: 'http://92.118.45.135:8000/api/system/full-restart', now, tokenSet: true };
  const webhook = (outcome: HttpOutcome) => diagnoseWebhookRestart(outcome, hook) as RemediationError;

  test('any 2xx is a receipt: whether the bridge recovered is for verification to decide', () => {
    expect(diagnoseWebhookRestart(answer(200), hook)).toBeUndefined();
    expect(diagnoseWebhookRestart(answer(202), hook)).toBeUndefined();
  });

  test.each([
    [401, 'RemediationUnauthorizedError', 'refused RESTART_TOKEN'],
    [403, 'RemediationForbiddenError', 'forbade the restart'],
    [404, 'RemediationTargetNotFoundError', "VPS endpoint /api/system/full-restart doesn't exist"],
    [405, 'RemediationTargetNotFoundError', "VPS endpoint /api/system/full-restart doesn't exist"],
    [422, 'RemediationRejectedError', 'rejected the request'],
    [301, 'RemediationRejectedError', 'redirected'],
  ])('HTTP %i → %s, non-retryable: "%s"', (status, type, text) => {
    const error = webhook(answer(status));
    expect(error.name).toBe(type);
    expect(error.nonRetryable).toBe(true);
    expect(error.message).toContain(text);
  });

  test("404 carries the runbook's Issue 3 fix", () => {
    expect(webhook(answer(404)).fix).toContain('Update MT5 Bridge on VPS with restart endpoint');
  });

  test('5xx, timeouts and network errors are retryable; 429 waits as told', () => {
    for (const outcome of [
      answer(500),
      answer(502),
      answer(504),
      { kind: 'network', reason: 'timeout after 25000 ms' } as HttpOutcome,
    ]) {
      const error = webhook(outcome);
      expect(error.name).toBe('RemediationUnavailableError');
      expect(error.nonRetryable).toBe(false);
    }
    const limited = webhook(answer(429, { 'retry-after': '5' }));
    expect(limited.name).toBe('RemediationRateLimitedError');
    expect(limited.retryAfterMs).toBe(5_000);
  });
});

describe('the ApplicationFailure the workflow sees', () => {
  test('type is the class name; message is diagnosis and fix; details[0] is structured; secrets scrubbed', () => {
    const error = github(answer(401, {}, 'Bad credentials for ghp_leakedTokenValue123'));
    const failure = toApplicationFailure(error, ['ghp_leakedTokenValue123']);
    expect(failure.type).toBe('RemediationUnauthorizedError');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(
      `${error.diagnosis.replace('ghp_leakedTokenValue123', '[REDACTED]')}. Fix: ${error.fix}`,
    );
    expect(failure.details).toEqual([{ httpStatus: 401, diagnosis: expect.any(String), fix: error.fix }]);
    expect(JSON.stringify({ m: failure.message, d: failure.details })).not.toContain(
      'ghp_leakedTokenValue123',
    );
  });

  test('a rate limit carries nextRetryDelay', () => {
    const failure = toApplicationFailure(github(answer(403, { 'retry-after': '12' })));
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(12_000);
  });
});

describe('the start-up statement', () => {
  test('github: ✅ GITHUB_TOKEN configured, with repository and event type, never the token', () => {
    const token = 'ghp' + '_startupLineToken0123456789abcdefghij';
    const { level, lines } = describeRemediation(
      loadConfig({ GITHUB_TOKEN: token, GITHUB_REPOSITORY: 'chavapalmarubin-lab/FIDUS' }),
    );
    expect(level).toBe('info');
    expect(lines[0]).toBe('✅ GITHUB_TOKEN configured');
    expect(lines.join('\n')).toContain('repository_dispatch "mt5-full-restart" to chavapalmarubin-lab/FIDUS');
    expect(lines.join('\n')).not.toContain(token);
  });

  test('none: says plainly that automatic restart is OFF, why, and that alerts still go out', () => {
    const { level, lines } = describeRemediation(loadConfig({}));
    expect(level).toBe('warn');
    expect(lines[0]).toContain('Automatic restart is OFF: neither GITHUB_TOKEN nor RESTART_URL is set');
    expect(lines.join('\n')).toContain('Alerts still go out');
  });

  test('REMEDIATION=github without a token is OFF too, and says which variable is missing', () => {
    const { level, lines } = describeRemediation(
      loadConfig({ REMEDIATION: 'github', GITHUB_REPOSITORY: 'o/r' }),
    );
    expect(level).toBe('warn');
    expect(lines[0]).toContain('GITHUB_TOKEN is not set');
  });

  test('webhook without RESTART_TOKEN warns', () => {
    const { level, lines } = describeRemediation(
      loadConfig({ RESTART_URL: 'http://92.118.45.135:8000/api/system/full-restart' }),
    );
    expect(level).toBe('warn');
    expect(lines.join('\n')).toContain('POST http://92.118.45.135:8000/api/system/full-restart');
    expect(lines.join('\n')).toContain('RESTART_TOKEN is not set');
  });
});
