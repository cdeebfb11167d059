/**
 * The worker process of the scale benchmark: the product's worker (startWorker: the same
 * activities, the same options) configured from the environment, and nothing else; the
 * benchmark starts the monitors itself.
 *   node --import tsx bench/scale-worker.ts   (TEMPORAL_ADDRESS, AUTOHEAL_TARGETS_FILE, ...)
 */
import { loadConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import { startWorker } from '../src/workers/run-worker';

async function main() {
  const config = loadConfig(process.env);
  const log = createLogger({ level: 'warn' });
  const running = await startWorker(config, log);
  process.stdout.write('worker ready\n');
  process.once('SIGTERM', () => void running.stop().then(() => process.exit(0)));
  await running.done;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
