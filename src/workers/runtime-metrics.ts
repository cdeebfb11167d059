/**
 * The Temporal SDK runtime's own Prometheus metrics (WORKER_METRICS): Core exports them over
 * HTTP on a bind address (`telemetryOptions.metrics.prometheus`, @temporalio/worker 1.24), and
 * the dashboard's /metrics appends a scrape of it, so that task schedule-to-start latency, slots
 * in use and available, pollers and poll failures sit next to the product's own figures.
 *
 * `auto` picks a free loopback port (nothing outside the machine sees it; /metrics carries the
 * figures); HOST:PORT binds there so that Prometheus may scrape Core directly; `off` exports
 * nothing. Core binds once per process, when the runtime is installed.
 */
import { createServer } from 'node:net';
import { describeError } from '../shared/errors';

/** The address Core should bind, or undefined for none. */
export async function runtimeMetricsAddress(setting: string | undefined): Promise<string | undefined> {
  const value = setting ?? 'auto';
  if (value === 'off') return undefined;
  if (value !== 'auto') return value;
  return `127.0.0.1:${await freeLoopbackPort()}`;
}

/** A port nothing listens on now (Core binds it a moment later; a lost race is said at start). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RuntimeScrape {
  ok: boolean;
  /** Prometheus text; empty when the scrape failed. */
  text: string;
  error?: string;
}

/** One scrape of Core's exporter. Never throws: a failed scrape is `ok: false` (and a gauge on /metrics). */
export async function scrapeRuntimeMetrics(address: string, timeoutMs = 3_000, doFetch: typeof fetch = fetch): Promise<RuntimeScrape> {
  try {
    const res = await doFetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    if (!res.ok) return { ok: false, text: '', error: `HTTP ${res.status}` };
    return { ok: true, text };
  } catch (err) {
    return { ok: false, text: '', error: describeError(err) };
  }
}
