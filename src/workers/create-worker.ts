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
}

/** The one worker of the project: every workflow of src/workflows and the injected activities. */
export function createAutohealWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities: options.activities,
    // Graceful stop on SIGINT/SIGTERM: in-flight activities get this long; workflows resume on any worker.
    shutdownGraceTime: '10s',
  });
}
