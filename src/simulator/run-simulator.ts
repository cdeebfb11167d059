/**
 * `autoheal simulate`: runs a bridge simulator in the foreground, prints its URL and how to
 * inject faults, and stops on SIGINT/SIGTERM. The CLI parses its flags and calls this; the
 * restart token comes from the caller (never printed).
 */
import { createBridgeSimulator, DEMO_RESTART_DEFAULTS, REAL_BRIDGE_TIMING, type BridgeSimulator, type BridgeSimulatorOptions } from './create-bridge-simulator';
import { FAULT_MODES, RESTART_BEHAVIOURS } from './fault';

export interface RunSimulatorOptions extends BridgeSimulatorOptions {
  /** Where the banner and stop message go; default stdout. */
  log?: (line: string) => void;
  /** Stop on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
}

export interface RunningSimulator {
  simulator: BridgeSimulator;
  /** Stops the simulator (idempotent) and removes the signal handlers. */
  stop(): Promise<void>;
  /** Resolves once stopped, by stop() or by a signal. */
  stopped: Promise<void>;
}

/**
 * Starts a simulator for operators. Unlike `createBridgeSimulator`, restarts take the time of a
 * real one unless told otherwise (`DEMO_RESTART_DEFAULTS`: healed 20 s after the call, then 10 s
 * of placeholder accounts).
 */
export async function runSimulator(options: RunSimulatorOptions = {}): Promise<RunningSimulator> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const simulator = await createBridgeSimulator({
    ...options,
    variant: options.variant ?? 'b',
    warmUpMs: options.warmUpMs ?? REAL_BRIDGE_TIMING.warmUpMs,
    healAfterMs: options.healAfterMs ?? DEMO_RESTART_DEFAULTS.healAfterMs,
    placeholderMs: options.placeholderMs ?? DEMO_RESTART_DEFAULTS.placeholderMs,
  });
  for (const line of simulatorBanner(simulator, options)) log(line);

  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the MT5 Bridge simulator`);
    void stop();
  };
  const stop = () => {
    stopping ??= (async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await simulator.close();
      log('MT5 Bridge simulator stopped');
      resolveStopped();
    })();
    return stopping;
  };
  if (options.handleSignals ?? true) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return { simulator, stop, stopped };
}

/** The lines `runSimulator` prints: where it listens and how to drive it. */
export function simulatorBanner(simulator: BridgeSimulator, options: Pick<BridgeSimulatorOptions, 'restartToken' | 'adminToken'> = {}): string[] {
  const { url } = simulator;
  const state = simulator.state();
  const example = JSON.stringify({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: state.fault.healAfterMs, placeholderMs: state.fault.placeholderMs });
  const a = state.variant === 'a';
  return [
    `MT5 Bridge simulator listening on ${url}: variant ${a ? 'A (MongoDB-backed, vps/mt5_bridge_api_service.py)' : 'B (4.0-multi-account, the seed\'s version)'} (${state.accounts.length} accounts: ${state.accounts.map((x) => x.login).join(', ')})`,
    `  health:   GET  ${url}/api/mt5/bridge/health`,
    a
      ? `  accounts: GET  ${url}/api/mt5/accounts/summary, ${url}/api/mt5/accounts, ${url}/api/mt5/account/{login}/balance (info logs the terminal in: counted)`
      : `  accounts: GET  ${url}/api/mt5/accounts/summary   and  GET ${url}/api/mt5/account/{login}/info (from the 5-minute cache)`,
    `  restart:  POST ${url}/api/system/full-restart  ${
      options.restartToken ? '(Authorization: Bearer <the restart token you gave>)' : '(no restart token set: restart auth is OFF)'
    }`,
    ...(a ? [`  reinit:   POST ${url}/api/admin/emergency-restart?token=<${options.adminToken ? 'the admin token you gave' : 'anything: admin token auth is OFF'}>`] : []),
    `  restarts heal after ${state.fault.healAfterMs} ms, then ${state.fault.placeholderMs} ms of placeholder accounts (unless a fault says otherwise)`,
    `Fault injection:`,
    `  curl -X POST ${url}/_sim/fault -H 'Content-Type: application/json' -d '${example}'`,
    `  curl -X DELETE ${url}/_sim/fault      (back to healthy)`,
    `  curl ${url}/_sim/state                 (phase, fault, restart calls)`,
    `  modes:   ${FAULT_MODES.join(', ')}${a ? '' : ' (mongo_down: variant A only)'}`,
    `  options: failing (sync_degraded), login (account_failing), failure no_cache|missing|stale, delayMs (slow), variant html|truncated|shape (malformed), staleByMs (stale)`,
    `  restart: ${RESTART_BEHAVIOURS.join(', ')} (or a list, used in order), healAfterMs, placeholderMs`,
    `Ctrl-C stops it.`,
  ];
}
