import { DefaultLogger, type LogLevel, type LogMetadata, type NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Logger } from '../logging/create-logger';

let runtimeInstalled = false;

/**
 * Routes the SDK's own logs (worker state, workflow `log` calls, activity failures) through the
 * project's pino logger, so they carry the same redaction. Installed once per process.
 */
export function installRuntimeLogger(log: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const sink = log.child({ component: 'temporal' });
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
    TRACE: 'trace',
    DEBUG: 'debug',
    INFO: 'info',
    WARN: 'warn',
    ERROR: 'error',
  };
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry) => {
      const meta: LogMetadata = entry.meta ?? {};
      // The bundler's asset listing is noise for operators: keep it at debug.
      const level = entry.message.startsWith('asset workflow-bundle') ? 'debug' : levels[entry.level];
      sink[level](meta, entry.message);
    }),
  });
}

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: object;
  /** How many targets this worker may watch: each running watch holds an activity slot. */
  targets?: number;
}

/** Activity slots beyond the watches: alerts, dispatches, probes of incidents, ledger calls. */
const SLOTS_BESIDE_WATCHES = 200;

/** The one worker of the project: every workflow of src/workflows and the injected activities. */
export function createAutohealWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities: options.activities,
    // Each target's watch holds a slot for up to an hour (mostly asleep): room for every target
    // (one worker can carry them all when the other dies) and for the short activities beside.
    maxConcurrentActivityTaskExecutions: (options.targets ?? 0) + SLOTS_BESIDE_WATCHES,
    // Graceful stop on SIGINT/SIGTERM: in-flight activities get this long; workflows resume on any worker.
    shutdownGraceTime: '10s',
  });
}
