/**
 * `autoheal remediation off|on` with REMEDIATION=github also sets the repository variable
 * AUTOHEAL_REMEDIATION that the shipped restart workflow reads, through the GitHub API double;
 * when it cannot be set (403), `off` says so plainly, and the worker-side switch still holds. The
 * commands run through commander against the time-skipping server with a worker for the switch.
 */
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Command } from 'commander';
import { registerRemediationCommands } from '../src/cli/commands/remediation';
import { AutohealClient } from '../src/client/autoheal-client';
import { readRemediationSwitch } from '../src/client/remediation-switch';
import { loadConfig } from '../src/config/load-config';
import { createHealingWorker } from './healing-harness';
import { createGithubDouble, type GithubDouble } from './helpers/github-double';
import { timeSkippingServerPerTest, uniqueTaskQueue } from './helpers/temporal';

const TOKEN = 'ghp' + '_repositorySwitchToken0123456789abcdefX';

let env: TestWorkflowEnvironment;
let github: GithubDouble;
const test = timeSkippingServerPerTest(async (e) => {
  env = e;
  github = await createGithubDouble({ token: TOKEN });
  return () => github.close();
});

/** Runs one `autoheal remediation ...` command as the CLI does; its printed lines. */
async function cli(taskQueue: string, ...args: string[]): Promise<string> {
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  const config = loadConfig({
    MT5_BRIDGE_URL: 'http://127.0.0.1:1',
    GITHUB_TOKEN: TOKEN,
    GITHUB_REPOSITORY: 'owner/repo',
    GITHUB_API_URL: github.url,
  });
  const program = new Command('autoheal').exitOverride();
  registerRemediationCommands(program, {
    loadConfig: () => ({ ...config, temporal: { ...config.temporal, taskQueue } }),
    connect: async () => new AutohealClient(new Client({ connection: await Connection.connect({ address: env.address }) }), taskQueue),
  });
  try {
    await program.parseAsync(['remediation', ...args], { from: 'user' });
    return lines.join('\n');
  } finally {
    log.mockRestore();
  }
}

test('remediation off sets AUTOHEAL_REMEDIATION=off in the repository (creating it), and on sets it back', async () => {
  const taskQueue = uniqueTaskQueue('repo-switch');
  const worker = await createHealingWorker(env, taskQueue, []);
  await worker.runUntil(async () => {
    const off = await cli(taskQueue, 'off', '--reason', 'bridge migration', '--by', 'alice');
    expect(github.variables.get('owner/repo:AUTOHEAL_REMEDIATION')).toBe('off');
    expect(off).toContain('remediation OFF since');
    expect(off).toContain('repository variable AUTOHEAL_REMEDIATION in owner/repo set to off: the restart workflow skips every dispatch');
    const writes = github.requests.filter((r) => r.path.includes('/actions/variables'));
    expect(writes.map((r) => [r.method, r.path])).toEqual([
      ['PATCH', '/repos/owner/repo/actions/variables/AUTOHEAL_REMEDIATION'],
      ['POST', '/repos/owner/repo/actions/variables'],
    ]);

    const on = await cli(taskQueue, 'on', '--by', 'bob', '--json');
    expect(JSON.parse(on)).toMatchObject({
      enabled: true,
      repositoryVariable: { set: true, repository: 'owner/repo', variable: 'AUTOHEAL_REMEDIATION', value: 'on' },
    });
    expect(github.variables.get('owner/repo:AUTOHEAL_REMEDIATION')).toBe('on');
    expect(on).not.toContain(TOKEN);
  });
});

test('the variable cannot be set (403): remediation off says so plainly, and the worker-side switch is off', async () => {
  github.failVariables({ status: 403, body: { message: 'Resource not accessible by personal access token' } });
  const taskQueue = uniqueTaskQueue('repo-switch-403');
  const worker = await createHealingWorker(env, taskQueue, []);
  await worker.runUntil(async () => {
    const off = await cli(taskQueue, 'off', '--reason', 'bridge migration', '--by', 'alice');
    expect(off).toContain(
      '⚠️ could NOT set the repository variable AUTOHEAL_REMEDIATION in owner/repo to off (HTTP 403: Resource not accessible by personal access token',
    );
    expect(off).toContain('runs GitHub has already queued will still restart the VPS; the worker-side switch holds');
    expect((await readRemediationSwitch(env.client, taskQueue)).enabled).toBe(false);
    expect(github.variables.size).toBe(0);
  });
});
