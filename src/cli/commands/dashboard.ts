/**
 * `autoheal dashboard`: serves the System Health Dashboard alone (no worker), against the
 * configured Temporal server, on DASHBOARD_HOST:DASHBOARD_PORT. Ctrl-C stops it.
 */
import type { Command } from 'commander';
import { createLogger } from '../../logging/create-logger';
import { untilSignal } from '../../workers/run-worker';
import { createDashboardServer } from '../../dashboard';
import { configSecrets } from '../../config/secrets';
import type { CommandDeps } from './command-context';

export type DashboardCommandDeps = CommandDeps;

export function registerDashboardCommand(program: Command, deps: DashboardCommandDeps): Command {
  return program
    .command('dashboard')
    .description(
      'serve the System Health Dashboard alone (GET /system-health, /api/status, /metrics) on DASHBOARD_HOST:DASHBOARD_PORT',
    )
    .action(async () => {
      const config = deps.loadConfig();
      const log = createLogger({ level: config.logLevel, secrets: configSecrets(config) });
      const client = await deps.connect();
      const dashboard = createDashboardServer({ client: client.temporal, config, log, taskQueue: client.taskQueue });
      try {
        const { url } = await dashboard.listen();
        log.info(`System Health Dashboard: ${url}/system-health`);
        const signal = await untilSignal();
        log.info(`${signal} received: stopping the dashboard`);
      } finally {
        await dashboard.close();
        await client.close();
      }
    });
}
