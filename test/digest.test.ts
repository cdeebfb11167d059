/**
 * The weekly and monthly digest: its schedule (Monday 08:00 and the 1st 08:00 in DIGEST_TIMEZONE,
 * across a change of clocks), its figures against `autoheal report --json`'s for the same week
 * over one synthetic history (the real roll-up, feed and healing facts on the time-skipping
 * server), the restart job's runs read from the GitHub double's Actions API, and the digest
 * workflow sending one email through the real alert delivery to the SMTP double at the next
 * Monday 08:00 in the zone, with no secret in it.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { createAlertActivities, createMemoryNotificationFeed, createSmtpMailer } from '../src/activities/alerts';
import { createAlertDeliveryActivities } from '../src/activities/alert-delivery';
import { createDigestActivities } from '../src/activities/digest';
import { createLedgerActivities } from '../src/activities/ledger';
import { createRollupActivities, probedSpansRecorder } from '../src/activities/rollup';
import { createOctokit } from '../src/activities/remediation/create-octokit';
import { RESTART_WORKFLOW_FILE, readRestartJobRuns } from '../src/activities/remediation/restart-job-runs';
import { readDigest } from '../src/client/digest';
import { addNotification } from '../src/client/notifications';
import { readReport } from '../src/client/operator-views';
import { loadConfig, type TargetConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import { MONTHLY_BUDGET_MS } from '../src/shared/digest';
import { nextMonthlyDigestMs, nextWeeklyDigestMs } from '../src/shared/digest-schedule';
import { digestWorkflowId } from '../src/shared/names';
import type { IncidentSummary } from '../src/shared/contracts';
import { digestWorkflow, digestScheduleQuery } from '../src/workflows/digest';
import { exportFixture } from './healing-fixtures';
import { HOUR, MINUTE, policy, serverNow, target } from './healing-harness';
import { createGithubDouble, type GithubDouble } from './helpers/github-double';
import { startSmtpServer } from './helpers/smtp';
import { timeSkippingServerPerTest, uniqueTaskQueue, workflowBundle } from './helpers/temporal';

jest.setTimeout(240_000);

const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const TOKEN = ['ghp', 'digest', 'token', String(process.pid)].join('_');

describe('the digest schedule', () => {
  it('goes out Monday 08:00 local, before and after New York changes its clocks (2025-03-09)', () => {
    // Saturday 2025-03-01, EST (UTC−5): Monday 03-03 08:00 EST is 13:00 UTC
    expect(iso(nextWeeklyDigestMs(Date.parse('2025-03-01T12:00:00Z'), 'America/New_York'))).toBe('2025-03-03T13:00:00.000Z');
    // Saturday 2025-03-08, the day before the change: Monday 03-10 08:00 EDT (UTC−4) is 12:00 UTC
    expect(iso(nextWeeklyDigestMs(Date.parse('2025-03-08T12:00:00Z'), 'America/New_York'))).toBe('2025-03-10T12:00:00.000Z');
    // at the instant itself: the next week's
    expect(iso(nextWeeklyDigestMs(Date.parse('2025-03-10T12:00:00Z'), 'America/New_York'))).toBe('2025-03-17T12:00:00.000Z');
    // a Monday before 08:00 local: the same day
    expect(iso(nextWeeklyDigestMs(Date.parse('2025-03-17T05:00:00Z'), 'Europe/Athens'))).toBe('2025-03-17T06:00:00.000Z');
  });

  it('the monthly one goes out on the 1st at 08:00 local', () => {
    expect(iso(nextMonthlyDigestMs(Date.parse('2025-03-15T00:00:00Z'), 'Europe/Athens'))).toBe('2025-04-01T05:00:00.000Z'); // EEST
    expect(iso(nextMonthlyDigestMs(Date.parse('2025-10-31T23:00:00Z'), 'Europe/Athens'))).toBe('2025-11-01T06:00:00.000Z'); // EET
  });

  it('the monthly budget is the seed\'s 4.38 minutes', () => {
    expect(MONTHLY_BUDGET_MS / MINUTE).toBeCloseTo(4.38, 2);
  });
});

describe('the digest', () => {
  let env: TestWorkflowEnvironment;
  let github: GithubDouble | undefined;
  const test = timeSkippingServerPerTest((e) => {
    env = e;
    return async () => {
      await github?.close();
      github = undefined;
    };
  });

  function summary(id: string, detectedMs: number, lengthMs: number, checks: string[], reinitHealed = false): IncidentSummary {
    // the ladder: reinit first; when it does not heal, the full restart does
    const reinitAt = iso(detectedMs + 7_000);
    const rungAttempts: IncidentSummary['rungAttempts'] = reinitHealed
      ? [{ rung: 'reinit', dispatchedAt: reinitAt, healed: true, recoveryMs: lengthMs - 7_000 }]
      : [
          { rung: 'reinit', dispatchedAt: reinitAt, healed: false },
          { rung: 'full-restart', dispatchedAt: iso(detectedMs + 70_000), healed: true, recoveryMs: lengthMs - 70_000 },
        ];
    return {
      incidentId: id,
      targetId: 'week',
      outcome: 'RECOVERED',
      detectedAt: iso(detectedMs),
      openedAt: iso(detectedMs + 6_000),
      alertedAt: iso(detectedMs + 30_000),
      dispatchedAt: iso(detectedMs + 7_000),
      closedAt: iso(detectedMs + lengthMs),
      attempts: 1,
      forcedBy: [],
      autoHealed: true,
      method: 'github',
      checks,
      rungAttempts,
    };
  }

  test('its figures are report --json\'s for the same week; WARNING trends against the week before; the restart job\'s runs from the Actions API; the rungs that stopped working', async () => {
    const taskQueue = uniqueTaskQueue('digest-figures');
    const tc: TargetConfig = { target: target('week'), policy: policy() };
    const rollup = createRollupActivities({ client: env.client, taskQueue });
    const probed = (from: number, to: number) =>
      probedSpansRecorder({ client: env.client, taskQueue })('week', { spans: [[iso(from), iso(to)]], maxGapMs: 30_000 });
    github = await createGithubDouble({ token: TOKEN });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: { ...createLedgerActivities({ client: env.client, taskQueue }) },
    });
    await worker.runUntil(async () => {
      const start = (await serverNow(env)).getTime();
      await env.sleep(14 * DAY);
      const now = (await serverNow(env)).getTime();
      // two weeks probed, but for two hours without a worker in the last one
      await probed(start, now - 3 * DAY);
      await probed(now - 3 * DAY + 2 * HOUR, now);
      // one incident the week before, two this week
      await rollup.recordIncidentClosed(summary('old', now - 10 * DAY, 8 * MINUTE, ['terminal'], true));
      await rollup.recordIncidentClosed(summary('A', now - 5 * DAY, 4 * MINUTE, ['terminal', 'sync_rate']));
      await rollup.recordIncidentClosed(summary('B', now - 2 * DAY, 12 * MINUTE, ['bridge']));
      // WARNING notices: sync_rate twice this week, once before; account:1 once before
      const warn = (at: number, keys: string[]) =>
        addNotification(env.client, { severity: 'WARNING', targetId: 'week', text: keys.join(', '), at: iso(at), conditionKeys: keys }, { taskQueue });
      await warn(now - 9 * DAY, ['sync_rate', 'account:1']);
      await warn(now - 4 * DAY, ['sync_rate']);
      await warn(now - 1 * DAY, ['sync_rate']);
      // the restart job: three runs this week, one failed; one the week before
      const run = (id: number, at: number, conclusion: string) => ({
        id,
        display_title: `restart week A attempt ${id}`,
        status: 'completed' as const,
        conclusion,
        created_at: iso(at).replace(/\.\d{3}Z$/, 'Z'),
        html_url: `https://github.com/owner/repo/actions/runs/${id}`,
      });
      github?.setWorkflowRuns('owner/repo', RESTART_WORKFLOW_FILE, [
        run(1, now - 10 * DAY, 'success'),
        run(2, now - 5 * DAY, 'success'),
        run(3, now - 2 * DAY, 'failure'),
        run(4, now - 2 * DAY + HOUR, 'success'),
      ]);
      github?.setTokenExpiry(new Date(now + 10 * DAY));
      await env.sleep(1_000);

      const at = await serverNow(env);
      const octokit = createOctokit({ token: TOKEN, apiUrl: github!.url });
      const digest = await readDigest(env.client, taskQueue, [tc], { period: 'week', now: at, timeZone: 'UTC' }, {
        restartJob: (p) => readRestartJobRuns({ octokit, repository: 'owner/repo' }, p),
      });
      const report = await readReport(env.client, taskQueue, [tc], 7, at);

      // the same figures as `autoheal report --days 7 --json` at the same instant
      expect(digest.report).toEqual(report);
      // the two hours without a worker, and the moments since the last recorded probe
      expect(digest.report.targets[0]?.period.unknownMs).toBeGreaterThanOrEqual(2 * HOUR);
      expect(digest.report.targets[0]?.period.unknownMs).toBeLessThan(2 * HOUR + MINUTE);
      expect(digest.report.overall.incidents.incidents).toBe(2);
      expect(digest.incidents.map((i) => [i.incidentId, i.detectionMs, i.recoveryMs, i.checks])).toEqual([
        ['A', 6_000, 4 * MINUTE, ['terminal', 'sync_rate']],
        ['B', 6_000, 12 * MINUTE, ['bridge']],
      ]);
      expect(digest.warnings.trends).toEqual([
        { target: 'week', condition: 'sync_rate', count: 2, previous: 1 },
        { target: 'week', condition: 'account:1', count: 0, previous: 1 },
      ]);
      expect(digest.restartJob).toMatchObject({ state: 'read', runs: 3, failed: 1, failures: [{ conclusion: 'failure', url: 'https://github.com/owner/repo/actions/runs/3' }] });
      expect(github?.workflowRunReads()[0]?.query.created).toBe(`${iso(at.getTime() - 7 * DAY).replace(/\.\d{3}Z$/, 'Z')}..${iso(at.getTime()).replace(/\.\d{3}Z$/, 'Z')}`);
      expect(digest.token).toMatchObject({ state: 'read', daysLeft: 10 });
      expect(digest.token.state === 'read' && digest.token.warnings[0]).toMatch(/GITHUB_TOKEN expires on .* \(in 10 days\)/);
      // reinit healed 1 of its 3 tries in 30 days (below RUNG_SUCCESS_THRESHOLD): it stopped working
      expect(digest.stoppedRungs).toEqual([
        { target: 'week', rung: 'reinit', failures: 2, lastWorkedAt: iso(now - 10 * DAY + 7_000), detail: expect.any(String) },
      ]);
      expect(digest.month).toBeUndefined();

      // the month: 30 days, downtime against the 4.38-minute budget, patterns by check and hour
      const month = await readDigest(env.client, taskQueue, [tc], { period: 'month', now: at, timeZone: 'UTC' });
      expect(month.report).toEqual(await readReport(env.client, taskQueue, [tc], 30, at));
      expect(month.restartJob).toEqual({ state: 'not_configured', reason: 'GITHUB_TOKEN and GITHUB_REPOSITORY are not set' });
      expect(month.month).toMatchObject({ downMs: 24 * MINUTE, budgetMs: MONTHLY_BUDGET_MS, byCheck: { terminal: 2, sync_rate: 1, bridge: 1 } });
      expect(month.month?.byHour.reduce((a, b) => a + b, 0)).toBe(3);
    });
  });

  test('the digest workflow sends one email at the next Monday 08:00 in DIGEST_TIMEZONE, through the alert delivery, with no secret in it', async () => {
    const zone = 'America/New_York';
    const smtp = await startSmtpServer();
    const password = ['smtp', 'secret', String(process.pid)].join('-');
    const config = loadConfig({
      SMTP_HOST: smtp.host,
      SMTP_PORT: String(smtp.port),
      ALERT_RECIPIENT_EMAIL: 'desk@fidus.test',
      DASHBOARD_URL: 'http://127.0.0.1:8080',
      SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true',
    });
    const taskQueue = uniqueTaskQueue('digest-weekly');
    const tc: TargetConfig = { target: target('mt5-bridge'), policy: policy() };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: {
        ...createLedgerActivities({ client: env.client, taskQueue }),
        ...createAlertDeliveryActivities({ client: env.client, taskQueue }),
        ...createAlertActivities({
          mailer: createSmtpMailer(config.smtp),
          recipients: config.smtp.recipients,
          escalationRecipients: config.smtp.escalation,
          dashboardUrl: config.dashboard.url,
          feed: createMemoryNotificationFeed(),
          log: createLogger({ level: 'silent' }),
          secrets: [password, TOKEN],
        }),
        ...createDigestActivities({
          readDigest: (period, now) => readDigest(env.client, taskQueue, [tc], { period, now, timeZone: zone }, { notConfigured: 'GITHUB_TOKEN is not set' }),
        }),
      },
    });
    try {
      await worker.runUntil(async () => {
        const startMs = (await serverNow(env)).getTime();
        // the next Monday 08:00 in New York, computed here from the week's start
        const local = DateTime.fromMillis(startMs, { zone });
        let expected = local.startOf('week').set({ hour: 8 });
        if (expected.toMillis() <= startMs) expected = expected.plus({ weeks: 1 });
        const handle = await env.client.workflow.start(digestWorkflow, {
          workflowId: digestWorkflowId(taskQueue),
          taskQueue,
          args: [{ settings: { weekly: true, monthly: false, timeZone: zone } }],
        });
        expect((await handle.query(digestScheduleQuery)).next).toEqual({ at: expected.toUTC().toISO(), periods: ['week'] });

        await env.sleep(expected.toMillis() - startMs - MINUTE);
        expect(smtp.messages).toHaveLength(0); // not a minute early
        await env.sleep(2 * MINUTE);
        const [message] = await smtp.waitForMessages(1, 60_000);
        await env.sleep(10 * MINUTE);
        expect(smtp.messages).toHaveLength(1);
        const text = message?.mail.text ?? '';
        expect(message?.mail.subject).toMatch(/^📊 FIDUS MT5 weekly digest/);
        expect(message?.recipients).toEqual(['desk@fidus.test']);
        expect(text).toContain('the weekly proof that the alert path works');
        expect(text).toContain(`to ${expected.toUTC().toFormat('yyyy-LL-dd HH:mm:ss')} UTC`);
        expect(text).toMatch(/- mt5-bridge: (not enough measured time|\d)/);
        expect(text).toContain('Restart job (GitHub Actions): not configured (GITHUB_TOKEN is not set).');
        expect(text).not.toContain('Rungs that stopped working');
        for (const secret of [password, TOKEN]) {
          expect(message?.raw).not.toContain(secret);
          expect(JSON.stringify(await handle.fetchHistory())).not.toContain(secret);
        }
        expect((await handle.query(digestScheduleQuery)).next?.at).toBe(expected.plus({ weeks: 1 }).toUTC().toISO());
        await exportFixture(handle, 'digest-weekly');
      });
    } finally {
      await smtp.stop();
    }
  });
});
