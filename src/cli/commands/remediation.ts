/**
 * `autoheal remediation off --reason <text> --by <name>` / `on --by <name>` / `status [--json]`:
 * the kill switch of automatic restarts. While off, no automatic restart is sent anywhere
 * (incidents already open included); probes, incidents, alerts and verification go on. With
 * REMEDIATION=github, off and on also set the repository variable AUTOHEAL_REMEDIATION that the
 * shipped restart workflow reads, and say plainly when it cannot be set.
 */
import type { Command } from 'commander';
import { breakerText } from '../../workflows/fleet-breaker';
import { createOctokit } from '../../activities/remediation/create-octokit';
import { describeRepositorySwitch, setRepositorySwitch, type RepositorySwitchResult } from '../../client/repository-switch';
import type { AppConfig } from '../../config/load-config';
import { type CommandDeps, withClient } from './command-context';
import type { RemediationSwitchState } from '../../shared/contracts';

/**
 * With REMEDIATION=github, the repository variable the restart workflow reads follows the
 * switch (src/client/repository-switch.ts); undefined for the other methods.
 */
async function followInRepository(config: AppConfig, enabled: boolean): Promise<RepositorySwitchResult | undefined> {
  const github = config.remediation.github;
  if (config.remediation.method !== 'github' || !github.token || !github.repository) return undefined;
  return setRepositorySwitch({ octokit: createOctokit(github), repository: github.repository }, enabled);
}

function print(state: RemediationSwitchState, repository: RepositorySwitchResult | undefined, json?: boolean): void {
  if (json) console.log(JSON.stringify(repository ? { ...state, repositoryVariable: repository } : state, null, 2));
  else {
    console.log(describeSwitch(state));
    if (repository) console.log(describeRepositorySwitch(repository));
  }
}

export function describeSwitch(state: RemediationSwitchState): string {
  return [describeKillSwitch(state), ...describeBreaker(state)].join('\n');
}

function describeKillSwitch(state: RemediationSwitchState): string {
  if (state.enabled) {
    return state.last ? `remediation ON (turned on by ${state.last.by} at ${state.last.at})` : 'remediation ON';
  }
  return `remediation OFF since ${state.last?.at} by ${state.last?.by} (${state.last?.reason}): automatic restarts are withheld; probes, alerts and verification go on`;
}

/** The fleet breaker's line, when it is tripped or overridden. */
function describeBreaker({ breaker }: RemediationSwitchState): string[] {
  if (breaker?.tripped) {
    return [
      `${breakerText(breaker.tripped)} since ${breaker.tripped.at}; clears when the incidents close or a target answers again, or: autoheal remediation override-breaker --by <name> --reason <text>`,
    ];
  }
  if (breaker?.override) {
    return [`fleet breaker overridden by ${breaker.override.by} at ${breaker.override.at} (${breaker.override.reason}) until its condition clears`];
  }
  return [];
}

export function registerRemediationCommands(program: Command, deps: CommandDeps): Command {
  const remediation = program
    .command('remediation')
    .description('the kill switch of automatic restarts (probes, incidents and alerts go on)');

  remediation
    .command('off')
    .description('stop every automatic restart until turned back on (incidents already open included)')
    .requiredOption('--reason <text>', 'why (shown in every incident and email)')
    .requiredOption('--by <name>', 'who')
    .option('--json', 'print the switch state as JSON')
    .action((opts: { reason: string; by: string; json?: boolean }) =>
      withClient(deps, async (client, config) => {
        const targetIds = config.targets.map((t) => t.target.id);
        const state = await client.remediation.off({ by: opts.by, reason: opts.reason, targetIds });
        print(state, await followInRepository(config, false), opts.json);
      }),
    );

  remediation
    .command('on')
    .description('allow automatic restarts again: open incidents dispatch at their next attempt')
    .requiredOption('--by <name>', 'who')
    .option('--reason <text>', 'why (optional)')
    .option('--json', 'print the switch state as JSON')
    .action((opts: { by: string; reason?: string; json?: boolean }) =>
      withClient(deps, async (client, config) => {
        const state = await client.remediation.on({ by: opts.by, reason: opts.reason });
        print(state, await followInRepository(config, true), opts.json);
      }),
    );

  remediation
    .command('override-breaker')
    .description('let automatic restarts go although the fleet breaker suspects a common cause (until its condition clears)')
    .requiredOption('--by <name>', 'who')
    .requiredOption('--reason <text>', 'why (recorded in the breaker, the feed and every held incident)')
    .option('--json', 'print the switch state as JSON')
    .action((opts: { by: string; reason: string; json?: boolean }) =>
      withClient(deps, async (client) => {
        const state = await client.remediation.overrideBreaker({ by: opts.by, reason: opts.reason });
        console.log(opts.json ? JSON.stringify(state, null, 2) : describeSwitch(state));
      }),
    );

  remediation
    .command('status')
    .description('whether automatic restarts are allowed, and the latest changes')
    .option('--json', 'print the switch state as JSON')
    .action((opts: { json?: boolean }) =>
      withClient(deps, async (client) => {
        const state = await client.remediation.state();
        console.log(opts.json ? JSON.stringify(state, null, 2) : describeSwitch(state));
      }),
    );
  return remediation;
}
