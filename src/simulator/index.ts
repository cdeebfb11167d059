/** The MT5 Bridge simulator: importable by tests and benchmarks, run by `autoheal simulate`. */
export { createBridgeSimulator, DEMO_RESTART_DEFAULTS, type BridgeSimulator, type BridgeSimulatorOptions } from './create-bridge-simulator';
export { runSimulator, simulatorBanner, type RunningSimulator, type RunSimulatorOptions } from './run-simulator';
export { DEFAULT_SIM_ACCOUNTS, type SimAccount } from './default-accounts';
export { FAULT_MODES, RESTART_BEHAVIOURS, InvalidFaultError, parseFault, type Fault, type FaultInput, type FaultMode, type RestartBehaviour } from './fault';
export type { RestartCall, SimPhase, SimulatorState } from './simulated-bridge';
