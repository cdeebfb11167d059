/**
 * `autoheal doctor [--workflow-path <path>] [--timeout <duration>] [--json]`: checks every link
 * of detection, restart and alerting, read-only; exit code 1 when any link is broken.
 */
import type { Command } from 'commander';
import type { AppConfig } from '../../config/load-config';
import { parseDuration } from '../../shared/duration';
import { DEFAULT_WORKFLOW_PATH, formatDoctorReport, runDoctor, type DoctorDeps } from '../doctor';

export interface DoctorCommandDeps {
  loadConfig: () => AppConfig;
  /** Checkers (tests inject doubles); default the real ones. */
  doctor?: DoctorDeps;
  /** Where the report goes; default stdout. */
  write?: (line: string) => void;
  /** Default: sets process.exitCode. */
  setExitCode?: (code: number) => void;
}

export function registerDoctorCommand(program: Command, deps: DoctorCommandDeps): Command {
  return program
    .command('doctor')
    .description(
      'check every link (GitHub token, scopes, expiry, repository, restart workflow or restart URL, SMTP login, alert channels, bridge, Temporal, monitors, heartbeat) without restarting anything; exit 1 on any ❌',
    )
    .option(
      '--workflow-path <path>',
      'path of the restart workflow in GITHUB_REPOSITORY',
      DEFAULT_WORKFLOW_PATH,
    )
    .option('--timeout <duration>', 'timeout of each check (e.g. 10s)', '10s')
    .option('--json', 'print the checks as JSON')
    .option('--ping-heartbeat', 'send one test ping to HEARTBEAT_URL (default: only its shape is checked)')
    .option('--test-channels', 'send a test alert to every configured channel: Slack, Telegram, webhook, PagerDuty (default: only their shape is checked)')
    .action(async (opts: { workflowPath: string; timeout: string; json?: boolean; pingHeartbeat?: boolean; testChannels?: boolean }) => {
      const write = deps.write ?? ((line: string) => console.log(line));
      const setExitCode = deps.setExitCode ?? ((code: number) => (process.exitCode = code));
      const timeoutMs = parseDuration(opts.timeout);
      if (timeoutMs === undefined || timeoutMs <= 0) {
        write(`autoheal doctor: --timeout expects a duration such as 10s, got "${opts.timeout}"`);
        setExitCode(2);
        return;
      }
      const config = deps.loadConfig();
      const checks = await runDoctor(config, {
        workflowPath: opts.workflowPath,
        timeoutMs,
        pingHeartbeat: opts.pingHeartbeat === true,
        testChannels: opts.testChannels === true,
        ...deps.doctor,
      });
      const report = formatDoctorReport(checks);
      if (opts.json) write(JSON.stringify(checks, null, 2));
      else for (const line of report.lines) write(line);
      setExitCode(report.exitCode);
    });
}
