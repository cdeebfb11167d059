/**
 * The time-skipping test server's strand, recognised by its signature: the test server refuses
 * the completion of a workflow task that cancels a timer which fired while the task was with the
 * worker (temporalio/sdk-java#2606 and #3088) and never hands the task out again. The real
 * server accepts such a cancel. Core logs the refusal, once, as it happens:
 *
 *   WARN temporalio_sdk_core::worker::workflow: Error while completing workflow activation
 *        error=code: 'Client specified an invalid argument', message: "invalid history builder state for action"
 *
 * and the stranded test then waits for ever: its time-skipped waits never end (time skipping
 * stays locked by the task). A wait left behind by a stranded attempt, once its server is gone,
 * fails with "Channel has been shut down": that one is recognised only after a strand.
 *
 * Core's logs reach JavaScript only through a forwarding runtime: `installTestRuntime` installs
 * it (once per test file) with a logger that watches for the signature.
 */
import { DefaultLogger, type LogLevel, type LogMetadata, type Logger, Runtime } from '@temporalio/worker';

/** What the test server's refusal says; the signature of a stranded run. */
export const STRAND_SIGNATURE = 'invalid history builder state for action';

/** What a wait left behind by a stranded attempt fails with once that attempt's server is gone. */
export const ABANDONED_WAIT_SIGNATURE = 'Channel has been shut down';

type StrandListener = (signature: string, line: string) => void;
const listeners = new Set<StrandListener>();

/** Calls `listener` on each strand that core reports, until the returned function is called. */
export function onStrand(listener: StrandListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The strand signature in a log line or error text, if there is one. */
export function strandSignatureIn(text: string): string | undefined {
  return text.includes(STRAND_SIGNATURE) ? STRAND_SIGNATURE : undefined;
}

/** Passes every log on to `downstream`, and reports core's strand lines to the listeners (and to stderr, whatever the level). */
class StrandWatchingLogger implements Logger {
  constructor(private readonly downstream: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const line = `${message} ${meta ? JSON.stringify(meta, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) : ''}`;
    const signature = strandSignatureIn(line);
    if (signature) {
      process.stderr.write(`[test-server strand] ${line}\n`);
      for (const listener of listeners) listener(signature, line);
    }
    this.downstream.log(level, message, meta);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

let installed = false;

/**
 * Installs the worker runtime of this test file: core's logs are forwarded (WARN and up) to a
 * logger that prints what reaches `level` and watches for the strand. Idempotent.
 */
export function installTestRuntime(level: LogLevel = 'ERROR'): void {
  if (installed) return;
  Runtime.install({
    logger: new StrandWatchingLogger(new DefaultLogger(level)),
    telemetryOptions: { logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } } },
  });
  installed = true;
}

/** Whether `installTestRuntime` installed the runtime, so that strands are seen. */
export function strandsAreWatched(): boolean {
  return installed;
}
