/**
 * `autoheal incident status|force|ack|resolve --target <id> --by <name> [--reason|--note]`:
 * the operator commands on a target's incident.
 */
import type { Command } from 'commander';
import { formatDuration } from '../../shared/duration';
import type { IncidentView } from '../../workflows/healing/messages';
import { type CommandDeps, chooseTarget, withClient } from './command-context';
import { terminalSafe } from '../../shared/bridge-text';
import { RUNGS, type Rung, describeRung } from '../../shared/remediation-ladder';

export type IncidentCommandDeps = CommandDeps;

export function registerIncidentCommands(program: Command, deps: IncidentCommandDeps): Command {
  const incident = program
    .command('incident')
    .description("operate a target's incident (the heal-<target> workflow)");

  const run = (action: Parameters<typeof withClient<void>>[1]) => withClient(deps, action);

  incident
    .command('status')
    .description("status, attempts and timeline of the target's latest incident")
    .option('--target <id>', 'target id (default: the only target)')
    .option('--json', 'print the raw status as JSON')
    .action((opts: { target?: string; json?: boolean }) =>
      run(async (client, config) => {
        const view = await client.incidents.status(chooseTarget(config, opts.target).target.id);
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
    .option('--rung <rung>', `the ladder rung to take: ${RUNGS.join(' or ')} (default: the one the incident would take next)`)
    .action((opts: { target?: string; by: string; reason: string; rung?: string }) =>
      run(async (client, config) => {
        if (opts.rung !== undefined && !(RUNGS as readonly string[]).includes(opts.rung))
          throw new Error(`--rung: expected ${RUNGS.join(' or ')}, got "${opts.rung}"`);
        const out = await client.incidents.force(chooseTarget(config, opts.target), {
          reason: opts.reason,
          by: opts.by,
          ...(opts.rung ? { rung: opts.rung as Rung } : {}),
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
        const ack = await client.incidents.acknowledge(chooseTarget(config, opts.target).target.id, opts.by);
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
        const ack = await client.incidents.resolve(chooseTarget(config, opts.target).target.id, opts.by, opts.note);
        console.log(`resolved incident ${ack.incidentId}`);
      }),
    );

  return incident;
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
  if (view.evidence) {
    const ev = view.evidence;
    const h = ev.health;
    lines.push(
      `evidence: probed ${ev.probedAt}: health ${h.ok ? `HTTP ${h.httpStatus ?? 200} "${h.claimedStatus ?? '?'}"` : `failed (${h.error ?? 'no answer'})`} ${h.latencyMs} ms, ` +
        `terminal connected ${String(h.connected)}, trade allowed ${String(h.tradeAllowed)}` +
        (h.databaseConnected === undefined || h.databaseConnected === null ? '' : `, database connected ${String(h.databaseConnected)}`) +
        `; ${ev.syncedAccounts}/${ev.expectedAccounts} synced; failing: ${ev.failingChecks.map((c) => c.check).join(', ') || 'none'}`,
      `diagnosis: ${ev.diagnosis.rung ? `first rung ${ev.diagnosis.rung} (${describeRung(ev.diagnosis.rung)})` : 'no rung cures it: people'} — ${ev.diagnosis.why}`,
    );
  }
  for (const a of view.attempts)
    lines.push(`  #${a.attempt} ${a.rung ?? 'full-restart'} ${a.method} ${a.dispatchedAt ?? '-'} ${a.outcome}: ${a.detail}`);
  lines.push('timeline:');
  for (const t of view.timeline)
    lines.push(`  ${t.at}  ${t.step.padEnd(14)} ${t.outcome.padEnd(10)} ${t.detail}`);
  // Issues and details may quote the bridge: one line each, whatever they hold.
  return lines.map(terminalSafe).join('\n');
}
