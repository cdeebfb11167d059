/**
 * The simulated bridge's state, independent of HTTP: the active fault, the pending heal after a
 * restart, the placeholder period while the cache refills, and the record of restart calls.
 *
 * Time comes from the injected clock and is evaluated lazily on every read, so there are no
 * timers to clean up and tests can drive it with a fake clock.
 */
import type { BridgeVariant, BridgeView } from './bridge-bodies';
import type { SimAccount } from './default-accounts';
import { InvalidFaultError, parseFault, type Fault, type FaultDefaults, type FaultMode, type RestartBehaviour } from './fault';

/** Which restart route was called: the VPS restart service's, or variant A's own re-initialisation. */
export type RestartEndpoint = 'full-restart' | 'emergency-restart';

/** Fault modes that a re-initialisation of the terminal API (emergency-restart) cures. */
const REINIT_CURES: readonly FaultMode[] = ['terminal_disconnected', 'trade_not_allowed'];

/** One authorised call of `POST /api/system/full-restart` or `POST /api/admin/emergency-restart`. */
export interface RestartCall {
  /** ISO time the call arrived. */
  at: string;
  endpoint: RestartEndpoint;
  /** The `Idempotency-Key` header, when sent. */
  idempotencyKey?: string;
  /**
   * True when an earlier call carried the same Idempotency-Key: it was answered with the first
   * call's answer, and nothing was restarted again.
   */
  duplicate: boolean;
  /** How the simulator answered it. */
  behaviour: RestartBehaviour;
  status: number;
  /** The JSON request body, when any. */
  body?: unknown;
}

/** healthy; faulted; restarting (heal pending); placeholder (healed, cache refilling). */
export type SimPhase = 'healthy' | 'faulted' | 'restarting' | 'placeholder';

export interface SimulatorState {
  phase: SimPhase;
  fault: Fault;
  /** ISO time the current fault was set (or healed). */
  faultSince: string;
  /** ISO time a pending heal clears the fault. */
  healAt: string | null;
  /** ISO time the placeholder period ends. */
  placeholderUntil: string | null;
  restarts: RestartCall[];
  /** Restart calls refused with 401. */
  unauthorizedRestarts: number;
  /** Requests received per endpoint (all of them, including refused or destroyed ones). */
  requests: { health: number; summary: number; info: number; accounts: number; balance: number; restart: number };
  /**
   * Times a request made the terminal log in to an account (variant A's info endpoint): each one
   * switches the account the terminal and the sync service are working on. A probe must cause none.
   */
  terminalLogins: number;
  variant: BridgeVariant;
  /** False when the simulator was started without a restart token (restart auth off). */
  authRequired: boolean;
  accounts: SimAccount[];
}

export interface BridgeTiming {
  variant: BridgeVariant;
  warmUpMs: number;
  refreshMs: number;
}

export interface RestartAnswer {
  status: number;
  body: Record<string, unknown>;
}

export class SimulatedBridge {
  private fault: Fault;
  private faultSince: number;
  private healAt: number | null = null;
  private placeholderUntil: number | null = null;
  private restartIndex = 0;
  private readonly restartLog: RestartCall[] = [];
  /** The first answer to each Idempotency-Key: a repeated key gets it again, nothing restarts twice. */
  private readonly answersByKey = new Map<string, { behaviour: RestartBehaviour; answer: RestartAnswer }>();
  private unauthorized = 0;
  private startedAt: number;
  /** What the pending heal restarted: a full restart also restarts the bridge process (B warms up again). */
  private healKind: RestartEndpoint = 'full-restart';
  readonly requests = { health: 0, summary: 0, info: 0, accounts: 0, balance: 0, restart: 0 };
  terminalLogins = 0;

  constructor(
    readonly accounts: readonly SimAccount[],
    private readonly clock: () => number,
    private readonly defaults: FaultDefaults,
    private readonly authRequired: boolean,
    private readonly timing: BridgeTiming = { variant: 'a', warmUpMs: 0, refreshMs: 120_000 },
  ) {
    this.fault = parseFault({}, defaults);
    this.faultSince = clock();
    this.startedAt = this.faultSince;
  }

  get variant(): BridgeVariant {
    return this.timing.variant;
  }

  /** Replaces the fault and its restart behaviour; cancels a pending heal or placeholder period. */
  setFault(input: unknown): Fault {
    const next = parseFault(input, this.defaults);
    if (next.mode === 'mongo_down' && this.timing.variant !== 'a') {
      throw new InvalidFaultError('invalid fault: mongo_down applies to variant A only (variant B has no database)');
    }
    this.fault = next;
    this.faultSince = this.clock();
    this.healAt = null;
    this.placeholderUntil = null;
    this.restartIndex = 0;
    return this.fault;
  }

  clearFaults(): void {
    this.setFault({});
  }

  view(): BridgeView {
    const now = this.clock();
    this.settle(now);
    const flapping = this.fault.flapMs > 0 && this.fault.mode !== 'none';
    const mode = flapping && Math.floor((now - this.faultSince) / this.fault.flapMs) % 2 === 1 ? 'none' : this.fault.mode;
    return {
      mode,
      placeholder: this.healAt === null && this.placeholderUntil !== null,
      fault: this.fault,
      now,
      variant: this.timing.variant,
      startedAt: this.startedAt,
      warmUpMs: this.timing.warmUpMs,
      refreshMs: this.timing.refreshMs,
    };
  }

  /** Variant A's info endpoint logged the terminal in to an account. */
  noteTerminalLogin(): void {
    this.terminalLogins += 1;
  }

  noteUnauthorizedRestart(): void {
    this.unauthorized += 1;
  }

  /**
   * Answers one authorised restart call as the fault's restart behaviour says. A re-initialisation
   * (variant A's emergency-restart) cures only a terminal fault; against anything else it answers
   * 200 `success: false` and the fault stays.
   */
  restart(meta: { idempotencyKey?: string; body?: unknown; endpoint?: RestartEndpoint }): RestartAnswer {
    const now = this.clock();
    this.settle(now);
    const endpoint = meta.endpoint ?? 'full-restart';
    if (endpoint === 'emergency-restart' && !REINIT_CURES.includes(this.view().mode) && this.fault.mode !== 'none') {
      const answer = {
        status: 200,
        body: { success: false, message: `MT5 re-initialisation did not cure the bridge (${this.fault.mode})`, timestamp: new Date(now).toISOString() },
      };
      this.restartLog.push({ at: new Date(now).toISOString(), endpoint, duplicate: false, behaviour: 'success_false', status: 200 });
      return answer;
    }
    const key = meta.idempotencyKey;
    const earlier = key ? this.answersByKey.get(key) : undefined;
    if (earlier) {
      // the same attempt again (its answer was lost): the first answer, no second restart
      this.restartLog.push({
        at: new Date(now).toISOString(),
        endpoint,
        idempotencyKey: key as string,
        duplicate: true,
        behaviour: earlier.behaviour,
        status: earlier.answer.status,
        ...(meta.body === undefined ? {} : { body: meta.body }),
      });
      return earlier.answer;
    }
    const list = this.fault.restart;
    const behaviour = list[Math.min(this.restartIndex, list.length - 1)] as RestartBehaviour;
    this.restartIndex += 1;
    const answer = this.answerRestart(behaviour, now, endpoint);
    if (key) this.answersByKey.set(key, { behaviour, answer });
    this.restartLog.push({
      at: new Date(now).toISOString(),
      endpoint,
      ...(key ? { idempotencyKey: key } : {}),
      duplicate: false,
      behaviour,
      status: answer.status,
      ...(meta.body === undefined ? {} : { body: meta.body }),
    });
    return answer;
  }

  restarts(): RestartCall[] {
    return this.restartLog.map((call) => ({ ...call }));
  }

  state(): SimulatorState {
    const view = this.view();
    const phase: SimPhase =
      this.healAt !== null ? 'restarting' : view.placeholder ? 'placeholder' : view.mode === 'none' ? 'healthy' : 'faulted';
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      phase,
      fault: { ...this.fault, restart: [...this.fault.restart] },
      faultSince: new Date(this.faultSince).toISOString(),
      healAt: iso(this.healAt),
      placeholderUntil: iso(this.placeholderUntil),
      restarts: this.restarts(),
      unauthorizedRestarts: this.unauthorized,
      requests: { ...this.requests },
      terminalLogins: this.terminalLogins,
      variant: this.timing.variant,
      authRequired: this.authRequired,
      accounts: this.accounts.map((a) => ({ ...a })),
    };
  }

  private answerRestart(behaviour: RestartBehaviour, now: number, endpoint: RestartEndpoint): RestartAnswer {
    const timestamp = new Date(now).toISOString();
    switch (behaviour) {
      case 'heal': {
        this.healAt = now + (endpoint === 'emergency-restart' ? this.fault.reinitHealAfterMs : this.fault.healAfterMs);
        this.healKind = endpoint;
        // B's cache refill after a start is its own warm-up (view().startedAt); A shows no_cache placeholders
        const placeholders = endpoint === 'full-restart' && this.timing.variant === 'a' && this.fault.placeholderMs > 0;
        this.placeholderUntil = placeholders ? this.healAt + this.fault.placeholderMs : null;
        this.settle(now);
        if (endpoint === 'emergency-restart') {
          return { status: 200, body: { success: true, message: 'MT5 emergency restart: terminal API shut down and initialised again', timestamp } };
        }
        return { status: 200, body: { success: true, message: 'MT5 full restart initiated: terminal restarting, accounts will re-login', timestamp } };
      }
      case 'lie':
        return { status: 200, body: { success: true, message: 'MT5 full restart completed', timestamp } };
      case 'success_false':
        return {
          status: 200,
          body: { success: false, error: 'MT5 terminal did not come back after restart: IPC timeout (-10005)', timestamp },
        };
      case 'fail':
        return { status: 500, body: { detail: 'Restart failed: could not stop terminal64.exe (access denied)' } };
    }
  }

  /** Applies a pending heal and ends the placeholder period when their time has come. */
  private settle(now: number): void {
    if (this.healAt !== null && now >= this.healAt) {
      this.fault = { ...this.fault, mode: 'none' };
      this.faultSince = this.healAt;
      // a full restart restarts the bridge process too: B's cache starts empty again
      if (this.healKind === 'full-restart') this.startedAt = this.healAt;
      this.healAt = null;
    }
    if (this.healAt === null && this.placeholderUntil !== null && now >= this.placeholderUntil) {
      this.placeholderUntil = null;
    }
  }
}
