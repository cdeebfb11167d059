/**
 * The `autoheal` command. Only this entry reads process.env; everything below takes the parsed
 * configuration as a parameter.
 */
import { Command } from 'commander';
import { createLogger } from '../logging/create-logger';
import { startWorker, untilSignal } from '../workers/run-worker';
import { loadConfigOrExit, secretValues } from './config-or-exit';
import { AutohealClient } from '../client/autoheal-client';
import { describeReconciliation } from '../client/reconcile-schedules';
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
    .description('run everything: embedded Temporal dev server (unless TEMPORAL_ADDRESS), worker, schedules, and the simulator when MT5_BRIDGE_URL is unset')
    .action(() => runStart(env));

  program
    .command('worker')
    .description('run the worker only (against TEMPORAL_ADDRESS, or the embedded dev server address); reconciles the monitor schedules with the configured targets at start')
    .option('--no-schedules', 'leave the monitor schedules as they are (tests that drive workflows by hand)')
    .action(async (options: { schedules: boolean }) => {
      const config = loadConfig();
      const log = createLogger({ level: config.logLevel, secrets: secretValues(env) });
      const running = await startWorker(config, log);
      if (options.schedules) {
        // A worker that cannot reach the schedule API still executes workflows: said, not fatal.
        await new AutohealClient(running.connections.client, config.temporal.taskQueue).schedules.reconcile(config.targets).then(
          (r) => describeReconciliation(r).forEach((line) => log.info(line)),
          (err: unknown) => log.error({ err }, '⚠️  The monitor schedules could not be reconciled with the configuration; run "autoheal schedule apply"'),
        );
        await new AutohealClient(running.connections.client, config.temporal.taskQueue).operator.ensureRollups(config.targets).catch(
          (err: unknown) => log.error({ err }, '⚠️  The roll-ups could not be started: uptime is not measured until the next worker start'),
        );
      }
      await Promise.race([untilSignal(), running.done]);
      await running.stop();
    });

  const schedule = program.command('schedule').description('manage the monitor schedules');
  schedule
    .command('apply')
    .description('create or update the autoheal-monitor-<target> schedule of every target, remove those of targets no longer configured (idempotent)')
    .action(async () => {
      const config = loadConfig();
      const client = await connect();
      try {
        for (const line of describeReconciliation(await client.schedules.reconcile(config.targets))) console.log(line);
      } finally {
        await client.close();
      }
    });

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
