/**
 * The `autoheal` command. Only this entry reads process.env; everything below takes the parsed
 * configuration as a parameter.
 */
import { Command } from 'commander';
import { createLogger } from '../logging/create-logger';
import { startWorker, untilSignal } from '../workers/run-worker';
import { loadConfigOrExit, secretValues } from './config-or-exit';
import { configSecrets } from '../config/secrets';
import { AutohealClient } from '../client/autoheal-client';
import { describeReconciliation } from '../client/reconcile-monitors';
import { DEFAULT_DIGEST_SETTINGS } from '../shared/digest-schedule';
import { runStart } from './start';
import { registerSimulateCommand } from './commands/simulate';
import { registerDoctorCommand } from './commands/doctor';
import { registerTestAlertCommand } from './commands/test-alert';
import { registerIncidentCommands } from './commands/incident';
import { registerNotificationsCommand } from './commands/notifications';
import { registerDashboardCommand } from './commands/dashboard';
import { registerMaintenanceCommands } from './commands/maintenance';
import { registerRemediationCommands } from './commands/remediation';
import { registerOperatorCommands } from './commands/operator';
import { registerMailCommand } from './commands/mail';

export function buildProgram(env: NodeJS.ProcessEnv = process.env): Command {
  const program = new Command('autoheal')
    .description('Durable, automatic recovery of the FIDUS MT5 Bridge, on Temporal')
    .showHelpAfterError();
  const loadConfig = () => loadConfigOrExit(env);
  const connect = () => AutohealClient.connect(loadConfig().temporal);

  program
    .command('start')
    .description('run everything: embedded Temporal dev server (unless TEMPORAL_ADDRESS), worker, monitors, and the simulator when MT5_BRIDGE_URL is unset')
    .action(() => runStart(env));

  program
    .command('worker')
    .description('run the worker only (against TEMPORAL_ADDRESS, or the embedded dev server address); brings the monitors in line with the configured targets at start')
    .option('--no-monitors', 'leave the monitors as they are (tests that drive workflows by hand)')
    .action(async (options: { monitors: boolean }) => {
      const config = loadConfig();
      const log = createLogger({ level: config.logLevel, secrets: [...secretValues(env), ...configSecrets(config)] });
      const running = await startWorker(config, log);
      if (options.monitors) {
        // A worker that cannot reach Temporal's APIs still executes workflows: said, not fatal.
        await new AutohealClient(running.connections.client, config.temporal.taskQueue).monitors
          .reconcile(config.targets, { configuredAt: config.configuredAt })
          .then(
            (r) => {
              const say = r.stale ? log.warn.bind(log) : log.info.bind(log);
              for (const line of describeReconciliation(r)) say(line);
            },
            (err: unknown) => log.error({ err }, '⚠️  The monitors could not be brought in line with the configuration; run "autoheal monitor apply"'),
          );
        await new AutohealClient(running.connections.client, config.temporal.taskQueue).operator.ensureRollups(config.targets).catch(
          (err: unknown) => log.error({ err }, '⚠️  The roll-ups could not be started: uptime is not measured until the next worker start'),
        );
        await new AutohealClient(running.connections.client, config.temporal.taskQueue).operator
          .ensureDigestSchedule(config.digest ?? DEFAULT_DIGEST_SETTINGS)
          .catch((err: unknown) => log.error({ err }, '⚠️  The digest schedule could not be started or configured: no digest email until the next worker start'));
      }
      await Promise.race([untilSignal(), running.done]);
      await running.stop();
    });

  const applyMonitors = async (opts: { force?: boolean }) => {
    const config = loadConfig();
    const client = await connect();
    try {
      const r = await client.monitors.reconcile(config.targets, { configuredAt: config.configuredAt, force: opts.force === true });
      for (const line of describeReconciliation(r)) console.log(line);
    } finally {
      await client.close();
    }
  };
  const FORCE = 'apply this configuration even though the monitors run on a newer one (after a deliberate rollback to an older targets file)';
  program
    .command('monitor')
    .description('the long-lived monitors')
    .command('apply')
    .description('start the autoheal-monitor-<target> monitor of every target or send it the current settings, and stop those of targets no longer configured (idempotent; the worker does it at start; a configuration older than the one the monitors run on changes nothing)')
    .option('--force', FORCE)
    .action(applyMonitors);
  program
    .command('schedule')
    .description('same as "autoheal monitor" (its name in the first specification)')
    .command('apply')
    .description('same as "autoheal monitor apply"')
    .option('--force', FORCE)
    .action(applyMonitors);

  registerSimulateCommand(program, env);
  registerDoctorCommand(program, { loadConfig });
  registerTestAlertCommand(program, { loadConfig });
  registerIncidentCommands(program, { loadConfig, connect });
  registerNotificationsCommand(program, { loadConfig, connect });
  registerDashboardCommand(program, { loadConfig, connect });
  registerMaintenanceCommands(program, { loadConfig, connect });
  registerRemediationCommands(program, { loadConfig, connect });
  registerOperatorCommands(program, { loadConfig, connect });
  registerMailCommand(program, { loadConfig, connect });
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
