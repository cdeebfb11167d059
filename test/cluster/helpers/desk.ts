/**
 * What the workers of a cluster test watch and talk to, all on loopback: one bridge simulator per
 * target (with injected faults), the GitHub API double (a dispatch restarts the target it names,
 * as the Actions run would), and an SMTP server; plus the targets file and the workers' env.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBridgeSimulator, type BridgeSimulator } from '../../../src/simulator';
import { createGithubDouble, type GithubDouble } from '../../helpers/github-double';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp';

export const GITHUB_TOKEN = 'ghp' + '_clusterTestToken0123456789abcdefghijk';
export const RESTART_TOKEN = 'rst_' + 'cl5'.repeat(12);
const CRITICAL_SUBJECT = '🚨 FIDUS MT5 CRITICAL ALERT';

export interface Desk {
  simulators: Map<string, BridgeSimulator>;
  github: GithubDouble;
  smtp: TestSmtpServer;
  targetsFile: string;
  /** Rewrites the targets file (ids with optional per-target interval). */
  writeTargets(targets: Array<{ id: string; checkInterval?: string }>): void;
  /** Environment of `autoheal worker` against `address` on `taskQueue`. */
  workerEnv(address: string, taskQueue: string, extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  dispatchesFor(targetId: string): number;
  criticalEmailsFor(targetId: string): number;
  recoveryEmailsFor(targetId: string): number;
  close(): Promise<void>;
}

export async function startDesk(targetIds: string[]): Promise<Desk> {
  const dir = mkdtempSync(join(tmpdir(), 'autoheal-desk-'));
  const simulators = new Map<string, BridgeSimulator>();
  for (const id of targetIds) simulators.set(id, await createBridgeSimulator({ host: '127.0.0.1', port: 0, restartToken: RESTART_TOKEN }));
  const github = await createGithubDouble({
    token: GITHUB_TOKEN,
    onDispatch: (body) => {
      const target = (body as { client_payload?: { target?: string } }).client_payload?.target;
      const sim = target ? simulators.get(target) : undefined;
      if (sim) void fetch(`${sim.url}/api/system/full-restart`, { method: 'POST', headers: { Authorization: `Bearer ${RESTART_TOKEN}` } }).catch(() => undefined);
    },
  });
  const smtp = await startSmtpServer();
  const targetsFile = join(dir, 'targets.yaml');
  const writeTargets: Desk['writeTargets'] = (targets) => {
    const lines = ['targets:'];
    for (const t of targets) {
      const sim = simulators.get(t.id);
      if (!sim) throw new Error(`no simulator for ${t.id}`);
      lines.push(`  - id: ${t.id}`, `    url: ${sim.url}`);
      if (t.checkInterval) lines.push(`    checkInterval: ${t.checkInterval}`);
    }
    writeFileSync(targetsFile, lines.join('\n') + '\n');
  };
  writeTargets(targetIds.map((id) => ({ id })));
  const emails = (subject: (s: string) => boolean, targetId: string) =>
    smtp.messages.filter((m) => subject(m.mail.subject ?? '') && new RegExp(`^Target: ${targetId}$`, 'm').test(m.mail.text ?? '')).length;
  return {
    simulators,
    github,
    smtp,
    targetsFile,
    writeTargets,
    workerEnv: (address, taskQueue, extra = {}) => ({
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      AUTOHEAL_TARGETS_FILE: targetsFile,
      REMEDIATION: 'github',
      // These scenarios break several targets at once on purpose (one incident each, once): the
      // fleet breaker would rightly suspect a common cause and hold them (test/safety-envelope.test.ts).
      FLEET_BREAKER: 'off',
      GITHUB_TOKEN,
      GITHUB_REPOSITORY: 'owner/repo',
      GITHUB_API_URL: github.url,
      GITHUB_ROUTES_BY_TARGET: 'true', // the GitHub double restarts the VPS the payload's target names
      SMTP_HOST: smtp.host,
      SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true', // the test's SMTP server is a plain-text relay on loopback
      SMTP_PORT: String(smtp.port),
      ALERT_RECIPIENT_EMAIL: 'ops@fidus.test',
      CHECK_INTERVAL: '2s',
      CONFIRM_DELAY: '1s',
      VERIFY_INTERVAL: '2s',
      VERIFY_TIMEOUT: '2m',
      DASHBOARD_PORT: '0',
      LOG_LEVEL: 'info',
      ...extra,
    }),
    dispatchesFor: (targetId) =>
      github.dispatches().filter((d) => (d.body as { client_payload?: { target?: string } }).client_payload?.target === targetId).length,
    criticalEmailsFor: (targetId) => emails((s) => s === CRITICAL_SUBJECT, targetId),
    recoveryEmailsFor: (targetId) => emails((s) => s.startsWith('✅'), targetId),
    async close() {
      await Promise.all([...simulators.values()].map((s) => s.close()));
      await github.close();
      await smtp.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
