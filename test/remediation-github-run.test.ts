/**
 * The Actions run a restart dispatch started, read through the GitHub API double: found by its
 * title (the shipped workflow's run-name), queued → in progress → concluded, the first of two
 * runs of a repeated dispatch, `unreadable` on a token without Actions read access, and never a
 * secret in what it returns.
 */
import { createOctokit, createRemediationActivities, RestartRunUnavailableError } from '../src/activities/remediation';
import { createLogger } from '../src/logging/create-logger';
import type { RemediationRequest } from '../src/shared/contracts';
import { createGithubDouble, type GithubDouble } from './helpers/github-double';

const TOKEN = 'ghp' + '_followRunTestToken0123456789abcdefXYZ';
const REPOSITORY = 'chavapalmarubin-lab/FIDUS';
const request: RemediationRequest = {
  targetId: 'mt5-bridge',
  incidentId: 'mt5-bridge-20251031-112600',
  attempt: 1,
  reason: 'MT5 Terminal disconnected',
  trigger: 'auto_sync_service',
};

let github: GithubDouble;
beforeEach(async () => {
  github = await createGithubDouble({ token: TOKEN, repositories: [REPOSITORY] });
});
afterEach(() => github.close());

function activities() {
  return createRemediationActivities({
    method: 'github',
    github: {
      octokit: createOctokit({ token: TOKEN, apiUrl: github.url }),
      repository: REPOSITORY,
      eventType: 'mt5-full-restart',
      apiUrl: github.url,
    },
    log: createLogger({ level: 'silent' }),
  });
}

async function dispatchAndQuery(r: RemediationRequest = request) {
  const a = activities();
  const receipt = await a.dispatchRemediation(r);
  return { a, receipt, query: { title: receipt.runTitle ?? '', dispatchedAt: receipt.dispatchedAt } };
}

describe('following the Actions run of a restart dispatch', () => {
  test('the receipt names the run by the title the shipped workflow gives it', async () => {
    const { receipt } = await dispatchAndQuery();
    expect(receipt.runTitle).toBe('MT5 restart mt5-bridge mt5-bridge-20251031-112600#1');
  });

  test('queued for two reads, in progress, then success: each read says where the run stands, with its URL', async () => {
    github.scriptRun({ status: 'queued', reads: 2 }, { status: 'in_progress' }, { status: 'completed', conclusion: 'success' });
    const { a, query } = await dispatchAndQuery();
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await a.readRestartRun(query));
    const url = `https://github.com/${REPOSITORY}/actions/runs/${github.runs()[0]?.id}`;
    expect(seen).toEqual([
      { kind: 'run', status: 'queued', conclusion: null, url },
      { kind: 'run', status: 'queued', conclusion: null, url },
      { kind: 'run', status: 'in_progress', conclusion: null, url, runStartedAt: expect.any(String) },
      { kind: 'run', status: 'completed', conclusion: 'success', url, runStartedAt: expect.any(String) },
    ]);
    const [read] = github.runReads();
    expect(read?.query).toMatchObject({ event: 'repository_dispatch', created: expect.stringMatching(/^>=\d{4}-\d\d-\d\dT/) });
    expect(JSON.stringify(seen)).not.toContain(TOKEN);
  });

  test("another attempt's run is not this one's; before its run is listed it is unseen", async () => {
    const a = activities();
    const first = await a.dispatchRemediation(request);
    expect(await a.readRestartRun({ title: 'MT5 restart mt5-bridge mt5-bridge-20251031-112600#2', dispatchedAt: first.dispatchedAt })).toEqual({
      kind: 'unseen',
    });
  });

  test('a dispatch repeated after a lost answer starts two runs of one title: the first is followed', async () => {
    github.scriptRun({ status: 'completed', conclusion: 'failure' });
    github.scriptRun({ status: 'completed', conclusion: 'success' });
    const { a, query } = await dispatchAndQuery();
    await a.dispatchRemediation(request);
    expect(await a.readRestartRun(query)).toMatchObject({ conclusion: 'failure', url: expect.stringContaining(`/runs/${github.runs()[0]?.id}`) });
  });

  test.each([403, 404])('HTTP %i on the runs list (a token without Actions read access): unreadable, with the fix', async (status) => {
    github.failRuns(status);
    const { a, query } = await dispatchAndQuery();
    const seen = await a.readRestartRun(query);
    expect(seen).toEqual({ kind: 'unreadable', httpStatus: status, detail: expect.stringContaining('Actions: read') });
    expect(JSON.stringify(seen)).not.toContain(TOKEN);
  });

  test('a 502 or a rate limit is no answer this time, not unreadable: it throws for the next poll to retry', async () => {
    github.failRuns(502);
    const { a, query } = await dispatchAndQuery();
    await expect(a.readRestartRun(query)).rejects.toThrow(RestartRunUnavailableError);
    github.failRuns({ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' }, body: { message: 'API rate limit exceeded' } });
    await expect(a.readRestartRun(query)).rejects.toThrow(/HTTP 403/);
  });
});
