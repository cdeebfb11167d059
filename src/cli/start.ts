/**
 * `autoheal start` (= `npm start`): the whole product on one machine. Starts the embedded
 * Temporal dev server when TEMPORAL_ADDRESS is unset and nothing listens on 7233, the bridge
 * simulator when MT5_BRIDGE_URL is unset (demo mode, said loudly), the worker, and the monitor
 * monitors; prints where the Web UI is; Ctrl-C stops all of it cleanly.
 */
import { randomBytes } from 'node:crypto';
import { type AppConfig, DEMO_BRIDGE_PORT } from '../config/load-config';
import { createLogger, type Logger } from '../logging/create-logger';
import { createBridgeSimulator, DEMO_RESTART_DEFAULTS, REAL_BRIDGE_TIMING } from '../simulator';
import { isListening, startDevServer } from '../workers/dev-server';
import { EMBEDDED_TEMPORAL_ADDRESS } from '../client/connection-options';
import { startWorker, untilSignal } from '../workers/run-worker';
import { loadConfigOrExit, secretValues } from './config-or-exit';
import { configSecrets } from '../config/secrets';
import { AutohealClient } from '../client/autoheal-client';
import { describeReconciliation } from '../client/reconcile-monitors';
import { DEFAULT_DIGEST_SETTINGS } from '../shared/digest-schedule';
import { createDashboardServer } from '../dashboard';
import { healingWorkflow } from '../workflows/healing';
import { targetMonitorWorkflow } from '../workflows/target-monitor';

/** In demo mode with no remediation configured, restarts go to the simulator's own endpoint. */
function wireDemoRemediation(config: AppConfig, simulatorUrl: string, token: string): AppConfig {
  if (config.remediation.method !== 'none') return config;
  const url = `${simulatorUrl}/api/system/full-restart`;
  return {
    ...config,
    remediation: {
      ...config.remediation,
      method: 'webhook',
      reason: 'demo mode: restarts go to the simulator',
      webhook: { url, token, targetTokens: Object.fromEntries(config.targets.map((t) => [t.target.id, token])) },
    },
    targets: config.targets.map((t) => ({ ...t, restartUrl: url, policy: { ...t.policy, remediation: 'webhook' } })),
  };
}

export async function runStart(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config = loadConfigOrExit(env);
  const demoToken = randomBytes(24).toString('hex');
  const log: Logger = createLogger({ level: config.logLevel, secrets: [...secretValues(env), ...configSecrets(config), demoToken] });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => log.error({ err }, 'Error while stopping'));
  };

  try {
    if (config.demo) {
      // the seed's bridge (4.0-multi-account) with its real warm-up after each start
      const simulator = await createBridgeSimulator({
        host: '127.0.0.1',
        port: DEMO_BRIDGE_PORT,
        restartToken: demoToken,
        variant: 'b',
        warmUpMs: REAL_BRIDGE_TIMING.warmUpMs,
        ...DEMO_RESTART_DEFAULTS,
      });
      stops.push(() => simulator.close());
      config = wireDemoRemediation(config, simulator.url, demoToken);
      log.warn(
        `⚠️  DEMO MODE: MT5_BRIDGE_URL is not set. Watching the built-in MT5 Bridge simulator (variant B, the seed's 4.0-multi-account) at ${simulator.url}. ` +
          `Inject a fault: curl -X POST ${simulator.url}/_sim/fault -H 'content-type: application/json' -d '{"mode":"terminal_disconnected","restart":"heal","healAfterMs":20000}'`,
      );
    }

    let address = config.temporal.address;
    let uiUrl: string | undefined;
    if (!address) {
      address = EMBEDDED_TEMPORAL_ADDRESS;
      if (await isListening('127.0.0.1', 7233)) {
        log.info('A Temporal server already listens on 127.0.0.1:7233: using it (TEMPORAL_ADDRESS is unset)');
        uiUrl = 'http://127.0.0.1:8233';
      } else {
        const server = await startDevServer({ dataDir: config.dataDir, log });
        stops.push(() => server.stop());
        uiUrl = server.uiUrl;
      }
    }

    const running = await startWorker(config, log, address);
    stops.push(() => running.stop());
    const client = new AutohealClient(running.connections.client, config.temporal.taskQueue);
    const reconciled = await client.monitors.reconcile(config.targets, { configuredAt: config.configuredAt });
    const say = reconciled.stale ? log.warn.bind(log) : log.info.bind(log);
    for (const line of describeReconciliation(reconciled)) say(line);
    await client.operator.ensureRollups(config.targets).catch((err: unknown) =>
      log.error({ err }, '⚠️  The roll-ups could not be started: uptime is not measured until the next start'),
    );
    await client.operator
      .ensureDigestSchedule(config.digest ?? DEFAULT_DIGEST_SETTINGS)
      .catch((err: unknown) => log.error({ err }, '⚠️  The digest schedule could not be started or configured: no digest email until the next start'));

    const dashboard = createDashboardServer({
      client: client.temporal,
      config,
      log: log.child({ component: 'dashboard' }),
      taskQueue: client.taskQueue,
      webUiUrl: uiUrl,
      workerMetrics: () => running.metrics(),
    });
    try {
      const { url } = await dashboard.listen();
      stops.push(() => dashboard.close());
      log.info(`System Health dashboard: ${url}/system-health`);
    } catch (err) {
      log.error({ err }, `⚠️  The dashboard could not listen on ${config.dashboard.host}:${config.dashboard.port}: running without it (set DASHBOARD_PORT)`);
    }

    const ns = encodeURIComponent(config.temporal.namespace);
    if (uiUrl) {
      log.info(`Temporal Web UI: ${uiUrl}/namespaces/${ns}/workflows?query=${encodeURIComponent(`WorkflowType="${targetMonitorWorkflow.name}"`)} (monitors)`);
      log.info(`Incidents: ${uiUrl}/namespaces/${ns}/workflows?query=${encodeURIComponent(`WorkflowType="${healingWorkflow.name}"`)}`);
    }
    log.info('fidus-autoheal is running. Ctrl-C stops it.');

    const signal = await Promise.race([untilSignal(), running.done.then(() => undefined)]);
    log.info(signal ? `${signal} received: stopping` : 'Worker stopped: stopping');
  } finally {
    await stopAll();
  }
}
