/**
 * bench/failover: fault → restart request when the worker holding the target's watch dies at
 * that moment, at the product's default timings. Two `autoheal worker` processes (dist/, as in
 * the chaos suite), the dev server, the simulator and the GitHub API double; each round SIGKILLs
 * the worker running the watch activity, breaks the bridge at once (terminal disconnected), and
 * times the repository_dispatch the other worker sends. A replacement worker restores two before
 * the next round, and each round starts at a random moment of the probe cycle.
 *
 *   npm run bench -- --only failover             # 3 kills
 *   npm run bench -- --full --only failover      # 12 kills (docs/PERFORMANCE.md)
 */
import { monitorWorkflowId, healingWorkflowId } from '../src/shared/names';
import { ensureBuild } from '../test/cluster/global-setup';
import { startStack } from '../test/chaos/helpers/stack';
import { dispatches } from '../test/chaos/helpers/observe';
import { activityRunner, workerOf } from '../test/chaos/helpers/who';
import { sleep, summary } from './lib/stats';
import { MONITOR_HEARTBEAT_TIMEOUT_MS } from '../src/shared/monitor-policy';
import { loadConfig } from '../src/config/load-config';

export interface FailoverResult {
  kills: number;
  heartbeatTimeoutMs: number;
  checkIntervalMs: number;
  confirmDelayMs: number;
  probeTimeoutMs: number;
  faultToDispatch: ReturnType<typeof summary>;
  samplesMs: number[];
}

const ID = 'failover';

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`failover bench: timed out waiting for ${what}`);
    await sleep(200);
  }
}

export async function runFailover({ kills }: { kills: number }): Promise<FailoverResult> {
  ensureBuild();
  // The defaults, as a deployment without timing variables runs them.
  const defaults = loadConfig({ MT5_BRIDGE_URL: 'http://127.0.0.1:1' }).targets[0]!;
  const stack = await startStack({
    name: 'bench-failover',
    targets: [{ id: ID }],
    timings: 'defaults',
    // Rounds follow each other: no spacing or budget between their restarts, quick verification.
    env: { RESTART_COOLDOWN: '1s', RESTART_BUDGET: 'off', VERIFY_INTERVAL: '2s' },
  });
  const samplesMs: number[] = [];
  let spawned = 0;
  try {
    const monitor = stack.server.client.workflow.getHandle(monitorWorkflowId(ID, stack.taskQueue));
    const incidentOpen = async () => {
      try {
        return (await stack.server.client.workflow.getHandle(healingWorkflowId(ID, stack.taskQueue)).describe()).status.name === 'RUNNING';
      } catch {
        return false;
      }
    };
    for (let round = 0; round < kills; round++) {
      while (stack.workers().length < 2) await stack.startWorker(`w${++spawned}`);
      let holder: string | undefined;
      await until('the watch on a live worker', async () => {
        holder = await activityRunner(monitor, 'watchTarget');
        return !!workerOf(stack.workers(), holder) && !(await incidentOpen());
      });
      // a random moment of the probe cycle (and of the heartbeat cycle)
      await sleep(Math.random() * defaults.policy.checkIntervalMs);
      holder = await activityRunner(monitor, 'watchTarget');
      const victim = workerOf(stack.workers(), holder);
      if (!victim) {
        round -= 1;
        continue;
      }
      const before = dispatches(stack, ID).length;
      await victim.kill('SIGKILL');
      const faultAt = Date.now();
      stack.sim(ID).setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 1_000 });
      await until('the restart request', () => dispatches(stack, ID).length > before);
      const sample = dispatches(stack, ID)[before]!.at.getTime() - faultAt;
      samplesMs.push(sample);
      process.stderr.write(`  failover: round ${round + 1}/${kills}: fault → dispatch ${(sample / 1000).toFixed(1)} s\n`);
      await until('the incident to close', async () => !(await incidentOpen()));
      stack.sim(ID).clearFaults();
    }
  } finally {
    await stack.close();
  }
  return {
    kills,
    heartbeatTimeoutMs: MONITOR_HEARTBEAT_TIMEOUT_MS,
    checkIntervalMs: defaults.policy.checkIntervalMs,
    confirmDelayMs: defaults.policy.confirmDelayMs,
    probeTimeoutMs: defaults.target.probeTimeoutMs,
    faultToDispatch: summary(samplesMs),
    samplesMs,
  };
}
