/**
 * A real MT5 Bridge simulator for tests, on 127.0.0.1 and a random port.
 *
 *   const sims = simulators();            // at the top of a describe: closes them all in afterAll
 *   const sim = await sims.start({ restartToken: 'test-token' });
 *
 * or `startSimulator(options)` and `await sim.close()` yourself.
 */
import { createBridgeSimulator, type BridgeSimulator, type BridgeSimulatorOptions } from '../../src/simulator';

export type { BridgeSimulator } from '../../src/simulator';

export function startSimulator(options: BridgeSimulatorOptions = {}): Promise<BridgeSimulator> {
  return createBridgeSimulator({ host: '127.0.0.1', port: 0, ...options });
}

/** Starts simulators on demand and closes every one of them in the enclosing afterAll. */
export function simulators(): { start(options?: BridgeSimulatorOptions): Promise<BridgeSimulator> } {
  const started: BridgeSimulator[] = [];
  afterAll(async () => {
    await Promise.all(started.map((sim) => sim.close()));
  });
  return {
    async start(options = {}) {
      const sim = await startSimulator(options);
      started.push(sim);
      return sim;
    },
  };
}
