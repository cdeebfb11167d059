/**
 * `autoheal incident status|force|ack|resolve --target <id> --by <name> [--reason|--note]`:
 * the operator commands on a target's incident.
 */
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { AppConfig, TargetConfig } from '../../config/load-config';
import { formatDuration } from '../../shared/duration';
import type { IncidentView } from '../../workflows/healing-messages';
import { acknowledge, forceRecovery, getStatus, resolve } from '../../client/incidents';
import { terminalSafe } from '../../shared/bridge-text';

export interface IncidentCommandDeps {
  loadConfig: () => AppConfig;
  connect: () => Promise<Client>;
}

export function registerIncidentCommands(program: Command, deps: IncidentCommandDeps): Command {
  const incident = program
    .command('incident')
    .description("operate a target's incident (the heal-<target> workflow)");

  const run = async (action: (client: Client, config: AppConfig) => Promise<void>): Promise<void> => {
    const config = deps.loadConfig();
    const client = await deps.connect();
    try {
      await action(client, config);
    } finally {
      await client.connection.close();
    }
  };

  incident
    .command('status')
    .description("status, attempts and timeline of the target's latest incident")
    .option('--target <id>', 'target id (default: the only target)')
    .option('--json', 'print the raw status as JSON')
    .action((opts: { target?: string; json?: boolean }) =>
      run(async (client, config) => {
        const view = await getStatus(client, pickTarget(config, opts.target).target.id);
        console.log(opts.json ? JSON.stringify(view, null, 2) : formatIncident(view));
      }),
    );

  incident
    .command('force')
    .description(
      'an immediate restart attempt: starts an incident when none is open; overrides the restart spacing (recorded)',
    )
    .option('--target <id>', 'target id (default: the only target)')
    .requiredOption('--by <name>', 'who asks (recorded in the timeline)')
    .requiredOption('--reason <text>', 'why (recorded in the timeline)')
    .action((opts: { target?: string; by: string; reason: string }) =>
      run(async (client, config) => {
        const chosen = pickTarget(config, opts.target);
        const out = await forceRecovery(client, {
          target: chosen.target,
          policy: chosen.policy,
          reason: opts.reason,
          by: opts.by,
          taskQueue: config.temporal.taskQueue,
        });
        console.log(
          `${out.started ? 'started incident' : 'forced an attempt on incident'} ${out.incidentId} (${out.workflowId}): ${out.status}`,
        );
      }),
    );

  incident
    .command('ack')
    .description('acknowledge the escalation: reminders stop, probing goes on')
    .option('--target <id>', 'target id (default: the only target)')
    .requiredOption('--by <name>', 'who acknowledges')
    .action((opts: { target?: string; by: string }) =>
      run(async (client, config) => {
        const ack = await acknowledge(client, pickTarget(config, opts.target).target.id, opts.by);
        console.log(`acknowledged incident ${ack.incidentId}: ${ack.status}`);
      }),
    );

  incident
    .command('resolve')
    .description('close the incident as RESOLVED')
    .option('--target <id>', 'target id (default: the only target)')
    .requiredOption('--by <name>', 'who resolves')
    .option('--note <text>', 'what was done', '')
    .action((opts: { target?: string; by: string; note: string }) =>
      run(async (client, config) => {
        const ack = await resolve(client, pickTarget(config, opts.target).target.id, opts.by, opts.note);
        console.log(`resolved incident ${ack.incidentId}`);
      }),
    );

  return incident;
}

function pickTarget(config: AppConfig, id: string | undefined): TargetConfig {
  if (!id) {
    const only = config.targets.length === 1 ? config.targets[0] : undefined;
    if (!only)
      throw new Error(
        `--target is required: configured targets are ${config.targets.map((t) => t.target.id).join(', ')}`,
      );
    return only;
  }
  const found = config.targets.find((t) => t.target.id === id);
  if (!found)
    throw new Error(
      `unknown target "${id}": configured targets are ${config.targets.map((t) => t.target.id).join(', ')}`,
    );
  return found;
}

/** The status as an operator reads it in a terminal. */
export function formatIncident(view: IncidentView): string {
  const f = view.figures;
  const lines = [
    `incident ${view.incidentId} — ${view.target} — ${view.status}`,
    `issue:    ${view.issue}`,
    `now:      ${view.activity}`,
    `opened:   ${view.openedAt}`,
    `figures:  detected ${f.detectedAt}` +
      (f.alertMs !== undefined ? `, alerted +${formatDuration(f.alertMs)}` : '') +
      (f.dispatchMs !== undefined ? `, dispatched +${formatDuration(f.dispatchMs)}` : '') +
      (f.recoveryMs !== undefined ? `, verified healthy +${formatDuration(f.recoveryMs)}` : '') +
      (f.downtimeMs !== undefined ? `, closed +${formatDuration(f.downtimeMs)}` : ''),
  ];
  if (view.escalation)
    lines.push(`escalated ${view.escalation.at}: ${view.escalation.reason} — ${view.escalation.diagnosis}`);
  if (view.acknowledged) lines.push(`acknowledged by ${view.acknowledged.by} at ${view.acknowledged.at}`);
  lines.push('attempts:');
  for (const a of view.attempts)
    lines.push(`  #${a.attempt} ${a.method} ${a.dispatchedAt ?? '-'} ${a.outcome}: ${a.detail}`);
  lines.push('timeline:');
  for (const t of view.timeline)
    lines.push(`  ${t.at}  ${t.step.padEnd(14)} ${t.outcome.padEnd(10)} ${t.detail}`);
  // Issues and details may quote the bridge: one line each, whatever they hold.
  return lines.map(terminalSafe).join('\n');
}
