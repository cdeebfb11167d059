/**
 * The `autoheal` command. Only this entry reads process.env; everything below takes the parsed
 * configuration as a parameter.
 */
import { Command } from 'commander';
import { createLogger } from '../logging/create-logger';
import { startWorker, untilSignal } from '../workers/run-worker';
import { connectClient, connectTemporal } from '../workers/connect-temporal';
import { loadConfigOrExit, secretValues } from './config-or-exit';
import { describeEnsured, ensureMonitors } from '../client/monitors';
import { runStart } from './start';
import { registerSimulateCommand } from './commands/simulate';
import { registerDoctorCommand } from './commands/doctor';
import { registerTestAlertCommand } from './commands/test-alert';
import { registerIncidentCommands } from './commands/incident';
import { registerNotificationsCommand } from './commands/notifications';
import { registerDashboardCommand } from './commands/dashboard';
import { registerMaintenanceCommands } from './commands/maintenance';

export function buildProgram(env: NodeJS.ProcessEnv = process.env): Command {
  const program = new Command('autoheal')
    .description('Durable, automatic recovery of the FIDUS MT5 Bridge, on Temporal')
    .showHelpAfterError();
  const loadConfig = () => loadConfigOrExit(env);
  const connect = () => connectClient(loadConfig().temporal);

  program
    .command('start')
    .description('run everything: embedded Temporal dev server (unless TEMPORAL_ADDRESS), worker, schedules, and the simulator when MT5_BRIDGE_URL is unset')
    .action(() => runStart(env));

  program
    .command('worker')
    .description('run the worker only (against TEMPORAL_ADDRESS, or the embedded dev server address)')
    .action(async () => {
      const config = loadConfig();
      const log = createLogger({ level: config.logLevel, secrets: secretValues(env) });
      const running = await startWorker(config, log);
      for (const m of await ensureMonitors(running.connections.client, config.targets, config.temporal.taskQueue)) log.info(describeEnsured(m));
      await Promise.race([untilSignal(), running.done]);
      await running.stop();
    });

  const applyMonitors = async () => {
    const config = loadConfig();
    const temporal = await connectTemporal(config.temporal);
    try {
      for (const m of await ensureMonitors(temporal.client, config.targets, config.temporal.taskQueue)) console.log(describeEnsured(m));
    } finally {
      await temporal.close();
    }
  };
  program
    .command('monitor')
    .description('the long-lived monitors')
    .command('apply')
    .description('start the autoheal-monitor-<target> monitor of every target, or send it the current settings (idempotent; the worker does it at start)')
    .action(applyMonitors);
  program
    .command('schedule')
    .description('older name of "autoheal monitor"')
    .command('apply')
    .description('same as "autoheal monitor apply" (the per-run schedules are retired: it deletes them)')
    .action(applyMonitors);

  registerSimulateCommand(program, env);
  registerDoctorCommand(program, { loadConfig });
  registerTestAlertCommand(program, { loadConfig });
  registerIncidentCommands(program, { loadConfig, connect });
  registerNotificationsCommand(program, { loadConfig, connect });
  registerDashboardCommand(program, { loadConfig, connect });
  registerMaintenanceCommands(program, { loadConfig, connect });
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
