/**
 * The dead man's switch: every HEARTBEAT_INTERVAL the worker asks whether all is well (its
 * Temporal connection works, it polls, every monitor's last probe is current) and, when it is,
 * calls HEARTBEAT_URL. When something is wrong it stops saying so, and where the service has a
 * failure signal (healthchecks.io `/fail`, Uptime Kuma `status=down`) it reports the short
 * reason; a dead worker says nothing at all. Either way the outside service notices and pages
 * someone: the one alert path that does not depend on this process being alive.
 *
 * Built over injected dependencies (the check, fetch, the timers and the clock) so that tests
 * drive it against a local double of the service. The URL is never logged: only its service
 * and origin (src/config/heartbeat-url.ts).
 */
import { describeError } from '../../shared/errors';
import { formatDuration } from '../../shared/duration';
import type { Logger } from '../../logging/create-logger';
import { heartbeatFailRequest, heartbeatOkRequest, shownHeartbeatUrl, type HeartbeatRequest } from '../../config/heartbeat-url';

/** What the check found: all well, a fault (with a short reason, no secrets), or too early to say. */
export type HeartbeatVerdict = { state: 'ok' } | { state: 'fail'; reason: string } | { state: 'wait'; reason: string };

export interface HeartbeatState {
  /** The last verdict; undefined before the first beat. */
  verdict?: HeartbeatVerdict;
  /** What the last beat sent: ok, fail, or nothing (the heartbeat withheld). */
  lastSent?: 'ok' | 'fail' | 'none';
  /** Wall-clock ms of the last request the service answered with a 2xx. */
  lastDeliveredAtMs?: number;
  /** Requests answered 2xx, by kind. */
  delivered: { ok: number; fail: number };
  /** Requests that got no 2xx answer. */
  undelivered: number;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface DeadMansSwitchDeps {
  /** HEARTBEAT_URL (a secret). */
  url: string;
  intervalMs: number;
  check: () => Promise<HeartbeatVerdict>;
  log: Logger;
  fetch?: typeof fetch;
  timers?: Timers;
  now?: () => number;
  /** One request's timeout; default the smaller of 10 s and the interval. */
  requestTimeoutMs?: number;
}

export interface DeadMansSwitch {
  /** Beats now, then every interval until stopped. */
  start(): void;
  /** No beat after this; waits for one in flight. */
  stop(): Promise<void>;
  /** One beat (the loop's step): check, then send what the verdict calls for. */
  beat(): Promise<HeartbeatState>;
  state(): HeartbeatState;
  /** The service and origin, for logs and /metrics. */
  shown: string;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export function createDeadMansSwitch(deps: DeadMansSwitchDeps): DeadMansSwitch {
  const doFetch = deps.fetch ?? fetch;
  const timers = deps.timers ?? realTimers;
  const now = deps.now ?? Date.now;
  const timeoutMs = deps.requestTimeoutMs ?? Math.min(10_000, deps.intervalMs);
  const shown = shownHeartbeatUrl(deps.url);
  const log = deps.log.child({ component: 'heartbeat' });
  const state: HeartbeatState = { delivered: { ok: 0, fail: 0 }, undelivered: 0 };
  let running = false;
  let timer: unknown;
  let inFlight: Promise<HeartbeatState> | undefined;

  async function send(kind: 'ok' | 'fail', request: HeartbeatRequest): Promise<void> {
    try {
      const res = await doFetch(request.url, {
        method: request.method,
        ...(request.body !== undefined ? { body: request.body, headers: { 'content-type': 'text/plain; charset=utf-8' } } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body?.cancel().catch(() => undefined);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      state.delivered[kind] += 1;
      state.lastDeliveredAtMs = now();
    } catch (err) {
      state.undelivered += 1;
      // describeError of a fetch failure names the address, never the path: and the logger scrubs the URL
      log.warn(`Heartbeat to ${shown} not delivered (${describeError(err)}); the next one goes in ${formatDuration(deps.intervalMs)}`);
    }
  }

  async function beatOnce(): Promise<HeartbeatState> {
    let verdict: HeartbeatVerdict;
    try {
      verdict = await deps.check();
    } catch (err) {
      verdict = { state: 'fail', reason: `health check failed: ${describeError(err)}` };
    }
    const previous = state.verdict;
    state.verdict = verdict;
    if (verdict.state !== previous?.state || ('reason' in verdict && previous && 'reason' in previous && verdict.reason !== previous.reason)) {
      if (verdict.state === 'ok') log.info(`Heartbeat: all monitors current; pinging ${shown} every ${formatDuration(deps.intervalMs)}`);
      else if (verdict.state === 'wait') log.info(`Heartbeat held: ${verdict.reason}`);
      else log.warn(`Heartbeat withheld: ${verdict.reason}`);
    }
    if (verdict.state === 'ok') {
      state.lastSent = 'ok';
      await send('ok', heartbeatOkRequest(deps.url));
    } else if (verdict.state === 'fail') {
      const request = heartbeatFailRequest(deps.url, `fidus-autoheal: ${verdict.reason}`);
      state.lastSent = request ? 'fail' : 'none';
      if (request) await send('fail', request);
    } else {
      state.lastSent = 'none';
    }
    return { ...state, delivered: { ...state.delivered } };
  }

  const beat = (): Promise<HeartbeatState> => {
    inFlight ??= beatOnce().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const loop = (): void => {
    if (!running) return;
    const started = now();
    void beat().finally(() => {
      if (!running) return;
      // the next beat an interval after this one started: a slow check does not drift the rhythm
      timer = timers.setTimeout(loop, Math.max(0, deps.intervalMs - (now() - started)));
    });
  };

  return {
    shown,
    start() {
      if (running) return;
      running = true;
      loop();
    },
    async stop() {
      running = false;
      if (timer !== undefined) timers.clearTimeout(timer);
      await inFlight?.catch(() => undefined);
    },
    beat,
    state: () => ({ ...state, delivered: { ...state.delivered } }),
  };
}
