/**
 * A double of a heartbeat service (healthchecks.io, Uptime Kuma's push monitor) on 127.0.0.1:
 * records every request (method, path, query, body, time) and answers 200, or what `answer` says.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HeartbeatPing {
  method: string;
  path: string;
  query: Record<string, string>;
  body: string;
  at: number;
}

export interface HeartbeatDouble {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  pings: HeartbeatPing[];
  /** The status every request gets from now on (default 200). */
  answer(status: number): void;
  close(): Promise<void>;
}

export async function createHeartbeatDouble(): Promise<HeartbeatDouble> {
  const pings: HeartbeatPing[] = [];
  let status = 200;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://double.invalid');
      pings.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'OK' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    pings,
    answer: (s) => {
      status = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Timers a test fires by hand: `fire()` runs the pending timeout (the switch's next beat). */
export function manualTimers() {
  const pending: Array<{ fn: () => void; ms: number; id: number }> = [];
  let next = 0;
  return {
    delays: [] as number[],
    setTimeout(fn: () => void, ms: number) {
      const id = ++next;
      pending.push({ fn, ms, id });
      this.delays.push(ms);
      return id;
    },
    clearTimeout(handle: unknown) {
      const at = pending.findIndex((p) => p.id === handle);
      if (at >= 0) pending.splice(at, 1);
    },
    pendingCount: () => pending.length,
    fire() {
      const t = pending.shift();
      if (!t) throw new Error('no timer pending');
      t.fn();
    },
  };
}
