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

export interface RunningWorker {
  worker: Worker;
  connections: TemporalConnections;
  /** Resolves when the worker has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startWorker(config: AppConfig, log: Logger, address?: string): Promise<RunningWorker> {
  installRuntimeLogger(log);
  for (const line of describeStartup(config)) log[line.level](line.text);
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
  const done = worker.run().finally(() => connections.close());
  let stopping: Promise<void> | undefined;
  return {
    worker,
    connections,
    done,
    stop() {
      stopping ??= (async () => {
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
