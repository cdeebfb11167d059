/**
 * The worker's own health as Prometheus metrics: the dead man's switch's state, and the SDK
 * runtime's metrics scraped from Core (src/workers/runtime-metrics.ts). The dashboard's /metrics
 * appends `text()` when it runs in the worker's process (`autoheal start`).
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { DeadMansSwitch } from './heartbeat/dead-mans-switch';
import { scrapeRuntimeMetrics } from './runtime-metrics';

export interface WorkerMetrics {
  /** Prometheus text: the worker's gauges, then the runtime's own metrics. */
  text(): Promise<string>;
}

export function createWorkerMetrics(deps: { heartbeat?: DeadMansSwitch; runtimeAddress?: string; scrapeTimeoutMs?: number }): WorkerMetrics {
  const registry = new Registry();
  const { heartbeat, runtimeAddress } = deps;
  let runtimeUp = 0;

  new Gauge({
    name: 'autoheal_heartbeat_configured',
    help: '1 when HEARTBEAT_URL is set: the dead man\'s switch runs in this worker',
    registers: [registry],
    collect() {
      this.set(heartbeat ? 1 : 0);
    },
  });
  new Gauge({
    name: 'autoheal_heartbeat_sending',
    help: '1 while the last beat said "all well" (every monitor current, Temporal reachable); 0 while it is withheld or reports failure',
    registers: [registry],
    collect() {
      this.set(heartbeat?.state().lastSent === 'ok' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'autoheal_heartbeat_last_delivered_timestamp_seconds',
    help: 'Unix time of the last heartbeat request the service answered with 2xx (0: none yet)',
    registers: [registry],
    collect() {
      const at = heartbeat?.state().lastDeliveredAtMs;
      this.set(at ? at / 1000 : 0);
    },
  });
  new Counter({
    name: 'autoheal_heartbeat_delivered_total',
    help: 'Heartbeat requests answered 2xx, by kind (ok: all well; fail: a failure reported)',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.reset();
      const s = heartbeat?.state();
      this.inc({ kind: 'ok' }, s?.delivered.ok ?? 0);
      this.inc({ kind: 'fail' }, s?.delivered.fail ?? 0);
    },
  });
  new Counter({
    name: 'autoheal_heartbeat_undelivered_total',
    help: 'Heartbeat requests that got no 2xx answer (service or network down)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(heartbeat?.state().undelivered ?? 0);
    },
  });
  new Gauge({
    name: 'autoheal_worker_runtime_metrics_up',
    help: '1 when the Temporal SDK runtime\'s metrics (temporal_*) were scraped for this page; 0 when WORKER_METRICS is off or the scrape failed',
    registers: [registry],
    collect() {
      this.set(runtimeUp);
    },
  });

  return {
    async text() {
      const scrape = runtimeAddress ? await scrapeRuntimeMetrics(runtimeAddress, deps.scrapeTimeoutMs) : undefined;
      runtimeUp = scrape?.ok ? 1 : 0;
      const own = await registry.metrics();
      return scrape?.ok ? `${own.trimEnd()}\n${scrape.text.trimEnd()}\n` : own;
    },
  };
}
