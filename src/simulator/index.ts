/** The MT5 Bridge simulator: importable by tests and benchmarks, run by `autoheal simulate`. */
export { createBridgeSimulator, DEMO_RESTART_DEFAULTS, REAL_BRIDGE_TIMING, type BridgeSimulator, type BridgeSimulatorOptions } from './create-bridge-simulator';
export { runSimulator, simulatorBanner, type RunningSimulator, type RunSimulatorOptions } from './run-simulator';
export { DEFAULT_SIM_ACCOUNTS, type SimAccount } from './default-accounts';
export { FAULT_MODES, RESTART_BEHAVIOURS, InvalidFaultError, parseFault, type Fault, type FaultInput, type FaultMode, type RestartBehaviour } from './fault';
export type { RestartCall, SimPhase, SimulatorState } from './simulated-bridge';
export { SIM_ACCOUNT_PASSWORD, type BridgeVariant } from './bridge-bodies';
export type { RestartEndpoint } from './simulated-bridge';
