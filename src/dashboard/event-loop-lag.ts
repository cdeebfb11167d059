/**
 * Event-loop lag of the process, as a Prometheus gauge. `autoheal start` runs the dashboard, the
 * worker and the probe activities on one event loop: a stalled loop delays probes (and can turn
 * them into timeouts), so the lag is worth alerting on.
 *
 * `autoheal_event_loop_lag_seconds` is the largest delay seen since the previous scrape, from
 * Node's own `monitorEventLoopDelay` histogram (sampled every 20 ms); `..._p99_seconds` its 99th
 * percentile over the same span.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

export interface EventLoopLag {
  start(): void;
  stop(): void;
}

const NS_PER_S = 1e9;

export function registerEventLoopLag(registry: Registry): EventLoopLag {
  let histogram: IntervalHistogram | undefined;
  const read = (pick: (h: IntervalHistogram) => number) => () => {
    if (!histogram || histogram.count === 0) return 0;
    return pick(histogram) / NS_PER_S;
  };
  const max = read((h) => h.max);
  const p99 = read((h) => h.percentile(99));
  new Gauge({
    name: 'autoheal_event_loop_p99_lag_seconds',
    help: '99th percentile of the event-loop delay since the previous scrape, seconds',
    registers: [registry],
    collect() {
      this.set(p99());
    },
  });
  new Gauge({
    name: 'autoheal_event_loop_lag_seconds',
    help: 'Largest event-loop delay since the previous scrape, seconds (the loop the worker and its probes share)',
    registers: [registry],
    collect() {
      this.set(max());
      // Registered last: collected last, so both gauges read the same span before it restarts.
      histogram?.reset();
    },
  });
  return {
    start() {
      if (histogram) return;
      histogram = monitorEventLoopDelay({ resolution: 20 });
      histogram.enable();
    },
    stop() {
      histogram?.disable();
      histogram = undefined;
    },
  };
}
