import { DefaultLogger, type LogLevel, type LogMetadata, type NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../logging/create-logger';
import { prebuiltWorkflowBundle } from './workflow-bundle';

let runtimeInstalled = false;
/** Where Core exports its Prometheus metrics in this process, when it does. */
let runtimeMetricsBound: string | undefined;

/**
 * Routes the SDK's own logs (worker state, workflow `log` calls, activity failures) through the
 * project's pino logger, so they carry the same redaction, and has Core export its Prometheus
 * metrics on `metricsAddress` (src/workers/runtime-metrics.ts). Installed once per process:
 * returns the metrics address in force (undefined: none), the first install's.
 */
export function installRuntimeLogger(log: Logger, options: { metricsAddress?: string } = {}): { metricsAddress?: string } {
  if (runtimeInstalled) return { metricsAddress: runtimeMetricsBound };
  runtimeInstalled = true;
  const sink = log.child({ component: 'temporal' });
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
    TRACE: 'trace',
    DEBUG: 'debug',
    INFO: 'info',
    WARN: 'warn',
    ERROR: 'error',
  };
  const logger = new DefaultLogger('INFO', (entry) => {
    const meta: LogMetadata = entry.meta ?? {};
    // The bundler's asset listing is noise for operators: keep it at debug.
    const level = entry.message.startsWith('asset workflow-bundle') ? 'debug' : levels[entry.level];
    sink[level](meta, entry.message);
  });
  const bindAddress = options.metricsAddress;
  if (bindAddress) {
    try {
      Runtime.install({ logger, telemetryOptions: { metrics: { prometheus: { bindAddress } } } });
      runtimeMetricsBound = bindAddress;
      return { metricsAddress: bindAddress };
    } catch (err) {
      // e.g. the address is taken: the worker runs without its runtime metrics, said plainly
      log.warn(
        { err },
        `⚠️  The Temporal SDK runtime's metrics could not be served on ${bindAddress}: running without them (set WORKER_METRICS to a free HOST:PORT, or auto)`,
      );
    }
  }
  Runtime.install({ logger });
  return {};
}

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: object;
  /** Told which workflow code the worker runs. */
  log?: Logger;
  /** The configuration it runs on (src/config/fingerprint.ts), carried in its Temporal identity. */
  configFingerprint?: string;
  /** How many targets this worker may watch: each running watch holds an activity slot. */
  targets?: number;
}

/** Activity slots beyond the watches: alerts, dispatches, probes of incidents, ledger calls. */
const SLOTS_BESIDE_WATCHES = 200;

/**
 * The one worker of the project: every workflow of src/workflows and the injected activities.
 * From a build (dist/), the prebuilt bundle of `npm run build`; from the sources (development,
 * tests), the workflows are bundled at start.
 */
export function createAutohealWorker(options: WorkerOptions): Promise<Worker> {
  const prebuilt = prebuiltWorkflowBundle(join(__dirname, '..'));
  options.log?.info(
    prebuilt
      ? `Workflow code: the prebuilt bundle ${prebuilt.codePath}`
      : 'Workflow code: bundled at start from the sources (no prebuilt bundle; `npm run build` makes one)',
  );
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    // the SDK's default identity, plus the configuration: `autoheal doctor` reads it from the task queue's pollers
    identity: `${process.pid}@${hostname()}${options.configFingerprint ? ` config=${options.configFingerprint}` : ''}`,
    ...(prebuilt ? { workflowBundle: prebuilt } : { workflowsPath: require.resolve('../workflows') }),
    activities: options.activities,
    // Each target's watch holds a slot for up to an hour (mostly asleep): room for every target
    // (one worker can carry them all when the other dies) and for the short activities beside.
    maxConcurrentActivityTaskExecutions: (options.targets ?? 0) + SLOTS_BESIDE_WATCHES,
    // Graceful stop on SIGINT/SIGTERM: in-flight activities get this long; workflows resume on any worker.
    shutdownGraceTime: '10s',
  });
}
