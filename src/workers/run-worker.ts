/**
 * Runs the worker until SIGINT/SIGTERM: connects to Temporal, builds the activities over their
 * injected clients, says at start what works and what is degraded, and shuts down gracefully
 * (a workflow in flight resumes on the next worker, wherever it stopped).
 */
import type { Worker } from '@temporalio/worker';
import type { AppConfig } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { configFingerprint } from '../config/fingerprint';
import { buildActivities } from './build-activities';
import { connectTemporal, type TemporalConnections } from './connect-temporal';
import { createAutohealWorker, installRuntimeLogger } from './create-worker';
import { describeStartup } from './describe-startup';
import { createDeadMansSwitch, type DeadMansSwitch } from './heartbeat/dead-mans-switch';
import { createMonitorsCurrentCheck } from './heartbeat/monitors-current-check';
import { runtimeMetricsAddress } from './runtime-metrics';
import { createWorkerMetrics } from './worker-metrics';

export interface RunningWorker {
  worker: Worker;
  connections: TemporalConnections;
  /** Resolves when the worker has stopped. */
  done: Promise<void>;
  /** The dead man's switch, when HEARTBEAT_URL is set. */
  heartbeat?: DeadMansSwitch;
  /** The worker's own health as Prometheus text (heartbeat, SDK runtime), for the dashboard's /metrics. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

export async function startWorker(config: AppConfig, log: Logger, address?: string): Promise<RunningWorker> {
  const runtime = installRuntimeLogger(log, { metricsAddress: await runtimeMetricsAddress(config.workerMetrics) });
  for (const line of describeStartup(config, { runtimeMetricsAddress: runtime.metricsAddress })) log[line.level](line.text);
  const connections = await connectTemporal({ ...config.temporal, address: address ?? config.temporal.address });
  const activities = buildActivities({ config, log, client: connections.client });
  const worker = await createAutohealWorker({
    connection: connections.nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities,
    log,
    configFingerprint: configFingerprint(config),
    targets: config.targets.length,
  });
  log.info(
    { address: connections.address, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue },
    'Worker started',
  );
  const startedAtMs = Date.now();
  const heartbeat = config.heartbeat?.url
    ? createDeadMansSwitch({
        url: config.heartbeat.url,
        intervalMs: config.heartbeat.intervalMs,
        log,
        check: createMonitorsCurrentCheck({
          client: connections.client,
          taskQueue: config.temporal.taskQueue,
          targets: config.targets,
          workerState: () => worker.getState(),
          startedAtMs,
        }),
      })
    : undefined;
  const metrics = createWorkerMetrics({ heartbeat, runtimeAddress: runtime.metricsAddress });
  const done = worker
    .run()
    .finally(() => heartbeat?.stop())
    .finally(() => connections.close());
  heartbeat?.start();
  let stopping: Promise<void> | undefined;
  return {
    worker,
    connections,
    done,
    heartbeat,
    metrics: () => metrics.text(),
    stop() {
      stopping ??= (async () => {
        await heartbeat?.stop();
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await done;
      })();
      return stopping;
    },
  };
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
