/**
 * `autoheal pause --target <id> --reason <text> --by <name> [--for <duration>|--until <ISO time>]`,
 * `autoheal pause [--target <id>]` (the pause state, and the target's recurring windows from the
 * targets file: the one in progress and the next) and `autoheal resume --target <id> --by <name>`:
 * maintenance windows on a target's monitoring.
 */
import { type Command, InvalidArgumentError } from 'commander';
import type { AppConfig, TargetConfig } from '../../config/load-config';
import { formatDuration, formatDurationWords, parseDuration } from '../../shared/duration';
import { type RecurringWindow, currentOccurrence, describeWindow, nextOccurrence } from '../../shared/maintenance-schedule';
import type { PauseState } from '../../client/maintenance';
import { type CommandDeps, chooseTarget, withClient } from './command-context';

export interface MaintenanceCommandDeps extends CommandDeps {
  write?: (line: string) => void;
  /** Clock for --for/--until (tests). */
  now?: () => Date;
}

function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError('expected a duration such as 90m, 2h or 1h30m');
  return ms;
}

function isoTime(value: string): Date {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value.trim())
    ? Date.parse(value.trim())
    : Number.NaN;
  if (!Number.isFinite(ms)) throw new InvalidArgumentError('expected an ISO time with its zone, such as 2026-11-28T15:00:00Z');
  return new Date(ms);
}

export function registerMaintenanceCommands(program: Command, deps: MaintenanceCommandDeps): Command {
  const write = deps.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = deps.now ?? (() => new Date());
  const run = (action: Parameters<typeof withClient<void>>[1]) => withClient(deps, action);

  const pause = program
    .command('pause')
    .description(
      "pause a target's monitoring (no checks, alerts or restarts) with a reason and an optional end; without --reason/--by: show the pause state",
    )
    .option('--target <id>', 'target id (default: the only target)')
    .option('--reason <text>', 'why (shown in the monitor\'s note, on the dashboard and in the feed)')
    .option('--by <name>', 'who pauses')
    .option('--for <duration>', 'end the pause after this long (90m, 2h, 1h30m)', duration)
    .option('--until <time>', 'end the pause at this ISO time (2026-11-28T15:00:00Z)', isoTime)
    .action(async (opts: { target?: string; reason?: string; by?: string; for?: number; until?: Date }) => {
      const config = deps.loadConfig();
      const wantsPause = opts.reason !== undefined || opts.by !== undefined || opts.for !== undefined || opts.until !== undefined;
      if (!wantsPause) {
        const targets = opts.target ? [pickTarget(pause, config, opts.target)] : config.targets;
        await run(async (client) => {
          for (const tc of targets) write(formatPauseState(await client.maintenance.state(tc.target.id), now(), tc.maintenance));
        });
        return;
      }
      if (!opts.reason?.trim()) pause.error('error: a pause needs --reason <text>: why');
      if (!opts.by?.trim()) pause.error('error: a pause needs --by <name>: who pauses');
      if (opts.for !== undefined && opts.until !== undefined) pause.error('error: give --for or --until, not both');
      const until = opts.for !== undefined ? new Date(now().getTime() + opts.for) : opts.until;
      if (until && until.getTime() <= now().getTime()) pause.error(`error: --until ${until.toISOString()} has already passed`);
      const tc = pickTarget(pause, config, opts.target);
      await run(async (client) => {
        const state = await client.maintenance.pause({
          targetId: tc.target.id,
          reason: opts.reason as string,
          by: opts.by as string,
          until,
        });
        write(formatPauseState(state, now(), tc.maintenance));
      });
    });

  const resume = program
    .command('resume')
    .description("resume a paused target's monitoring at once (ends its maintenance window)")
    .option('--target <id>', 'target id (default: the only target)')
    .requiredOption('--by <name>', 'who resumes')
    .action(async (opts: { target?: string; by: string }) => {
      const config = deps.loadConfig();
      if (!opts.by.trim()) resume.error('error: resume needs --by <name>: who resumes');
      const tc = pickTarget(resume, config, opts.target);
      await run(async (client) => {
        const state = await client.maintenance.resume({ targetId: tc.target.id, by: opts.by });
        if (!state.wasPaused) write(`${tc.target.id} was not paused.`);
        write(formatPauseState(state, now(), tc.maintenance));
      });
    });

  return pause;
}

function pickTarget(command: Command, config: AppConfig, id: string | undefined): TargetConfig {
  try {
    return chooseTarget(config, id);
  } catch (err) {
    return command.error(`error: ${(err as Error).message}`);
  }
}

/** The pause state as an operator reads it in a terminal, with the target's recurring windows. */
export function formatPauseState(state: PauseState, now: Date, windows?: RecurringWindow[]): string {
  if (!state.paused) {
    return [
      `${state.targetId}: monitoring ON (monitor ${state.monitorWorkflowId})${state.note ? ` — last note: ${state.note}` : ''}`,
      ...windowLines(windows, now),
    ].join('\n');
  }
  const lines = [`${state.targetId}: monitoring PAUSED — no checks, alerts or restarts (monitor ${state.monitorWorkflowId})`];
  lines.push(`  note: ${state.note ?? '(none)'}`);
  if (state.window) {
    const left = Date.parse(state.window.until) - now.getTime();
    lines.push(
      `  ends: ${state.window.until}${Number.isFinite(left) ? ` (in ${formatDurationWords(Math.max(0, left))})` : ''}, ended by the monitor's durable timer`,
    );
  } else {
    lines.push('  ends: never by itself — open-ended pause: run "autoheal resume" to turn monitoring back on');
  }
  lines.push(
    state.incidentOpen
      ? `  incident: OPEN and NOT touched by the pause — it keeps probing and restarting; stop it with "autoheal incident resolve --target ${state.targetId} --by <name>"`
      : '  incident: none open (a pause never touches incidents)',
  );
  lines.push(...windowLines(windows, now));
  return lines.join('\n');
}

/** The recurring windows of the targets file: each declared one, the occurrence in progress and the next. */
function windowLines(windows: RecurringWindow[] | undefined, now: Date): string[] {
  if (!windows?.length) return [];
  const nowMs = now.getTime();
  const inMinutes = (ms: number) => formatDuration(Math.max(60_000, Math.round(ms / 60_000) * 60_000));
  const span = (o: { name: string; startMs: number; endMs: number }) =>
    `"${o.name}" ${new Date(o.startMs).toISOString()} → ${new Date(o.endMs).toISOString()}`;
  const lines = ['  scheduled windows (targets file; paused by "schedule" during each, no checks, alerts or restarts):'];
  for (const w of windows) lines.push(`    - ${describeWindow(w, formatDuration)}`);
  const current = currentOccurrence(windows, nowMs);
  if (current) lines.push(`  in progress: ${span(current)} (ends in ${inMinutes(current.endMs - nowMs)}; "autoheal resume" ends it early)`);
  const next = nextOccurrence(windows, current ? current.endMs - 1 : nowMs);
  if (next) lines.push(`  next: ${span(next)} (in ${inMinutes(next.startMs - nowMs)})`);
  return lines;
}
