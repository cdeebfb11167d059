/**
 * Production-shaped, proven here: a real Temporal server (built from go.temporal.io/server) on
 * PostgreSQL, set up like docker-compose.yml, and several `autoheal worker` processes on one task
 * queue, against bridge simulators with injected faults, the GitHub API double and a loopback
 * SMTP server. `npm run test:cluster`. The figures measured are printed at the end.
 *
 *   (a) two workers started together over three failing targets: each incident handled once
 *   (b) the worker that dispatched is SIGKILLed mid-incident: the other finishes it
 *   (c) the Temporal server process restarted mid-incident: the incident completes, one dispatch
 *   (d) a target removed and an interval changed: monitors reconciled when the worker restarts
 */
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { healingWorkflowId, monitorWorkflowId } from '../../src/shared/names';
import { monitorStateQuery } from '../../src/workflows/target-monitor/messages';
import type { HealingResult } from '../../src/workflows/healing/messages';
import { startCluster, type Cluster } from './helpers/cluster';
import { GITHUB_TOKEN, RESTART_TOKEN, startDesk, type Desk } from './helpers/desk';
import { killAllWorkers, startWorkerProcess, type WorkerProcess } from './helpers/worker-process';

let cluster: Cluster;
const figures: Array<[string, string]> = [];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const record = (what: string, ms: number) => figures.push([what, seconds(ms)]);

beforeAll(async () => {
  const started = Date.now();
  cluster = await startCluster();
  record('cluster start (PostgreSQL, schemas, server, namespace)', Date.now() - started);
  const t = cluster.timings;
  figures.push(['  of which', `PostgreSQL ${seconds(t.postgresMs)}, schemas ${seconds(t.schemaMs)}, server ${seconds(t.serverMs)}, namespace ${seconds(t.namespaceMs)}`]);
}, 300_000);

afterAll(async () => {
  await killAllWorkers();
  await cluster?.stop();
  console.log(['Cluster test figures (real Temporal server on PostgreSQL):', ...figures.map(([k, v]) => `  ${k}: ${v}`)].join('\n'));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** The incident of a target, once the monitor has opened it. */
async function incident(client: Client, taskQueue: string, targetId: string): Promise<WorkflowHandle> {
  const handle = client.workflow.getHandle(healingWorkflowId(targetId, taskQueue));
  await waitFor(`the incident of ${targetId}`, () => handle.describe().then(() => true, () => false));
  return handle;
}

/** How many incident executions a target has had (every run of heal-<target>). */
async function incidentRuns(client: Client, taskQueue: string, targetId: string): Promise<number> {
  let n = 0;
  for await (const _ of client.workflow.list({ query: `WorkflowId = "${healingWorkflowId(targetId, taskQueue)}"` })) n++;
  return n;
}

/** Identity of the worker that ran the incident's dispatch, once the dispatch has completed. */
async function dispatchedBy(handle: WorkflowHandle): Promise<string | undefined> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Map<string, string>();
  const startedBy = new Map<string, string>();
  for (const e of events) {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name) scheduled.set(String(e.eventId), name);
    const started = e.activityTaskStartedEventAttributes;
    if (started) startedBy.set(String(started.scheduledEventId), started.identity ?? '');
    const done = e.activityTaskCompletedEventAttributes;
    if (done && scheduled.get(String(done.scheduledEventId)) === 'dispatchRemediation') return startedBy.get(String(done.scheduledEventId));
  }
  return undefined;
}

/** Activity executions of an incident, per worker identity. */
async function activitiesPerWorker(handle: WorkflowHandle): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const e of (await handle.fetchHistory()).events ?? []) {
    const identity = e.activityTaskStartedEventAttributes?.identity;
    if (identity) counts[identity] = (counts[identity] ?? 0) + 1;
  }
  return counts;
}

async function stopMonitors(targetIds: string[], taskQueue: string): Promise<void> {
  for (const id of targetIds) {
    await cluster.client.workflow
      .getHandle(monitorWorkflowId(id, taskQueue))
      .terminate('scenario over')
      .catch((err: unknown) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
  }
}

/** A scenario's desk, task queue and workers, torn down at its end. */
async function scenario(name: string, targetIds: string[]) {
  const desk = await startDesk(targetIds);
  const taskQueue = `cluster-${name}-${process.pid}`;
  const workers: WorkerProcess[] = [];
  return {
    desk,
    taskQueue,
    workers,
    startWorker(label: string, extra: NodeJS.ProcessEnv = {}) {
      const w = startWorkerProcess(`${name}-${label}`, desk.workerEnv(cluster.address, taskQueue, extra));
      workers.push(w);
      return w;
    },
    async end() {
      await Promise.all(workers.map((w) => w.kill('SIGTERM')));
      await stopMonitors(targetIds, taskQueue);
      await desk.close();
    },
  };
}

function expectNoSecrets(desk: Desk, workers: WorkerProcess[]): void {
  for (const w of workers) {
    expect(w.output()).not.toContain(GITHUB_TOKEN);
    expect(w.output()).not.toContain(RESTART_TOKEN);
  }
  for (const m of desk.smtp.messages) expect(m.raw).not.toContain(GITHUB_TOKEN);
}

it('(a) two workers started together over three failing targets: each incident handled once', async () => {
  const targets = ['a-east', 'a-west', 'a-north'];
  const s = await scenario('a', targets);
  try {
    const started = Date.now();
    const [w1, w2] = [s.startWorker('w1'), s.startWorker('w2')];
    await Promise.all([w1.waitForOutput('Worker started'), w2.waitForOutput('Worker started')]);
    await Promise.all([w1.waitForOutput(`Monitor ${monitorWorkflowId('a-north', s.taskQueue)}`), w2.waitForOutput(`Monitor ${monitorWorkflowId('a-north', s.taskQueue)}`)]);
    record('(a) two workers started, monitors reconciled by both', Date.now() - started);

    const faultAt = Date.now();
    for (const sim of s.desk.simulators.values()) sim.setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 3_000 });
    const handles = await Promise.all(targets.map((id) => incident(cluster.client, s.taskQueue, id)));
    const results = (await Promise.all(handles.map((h) => h.result()))) as HealingResult[];
    record('(a) three faults → three incidents recovered', Date.now() - faultAt);
    for (const r of results) expect(r.status).toBe('RECOVERED');

    // Two more monitor cycles: nothing new may start for a healthy target.
    await sleep(5_000);
    await s.desk.smtp.waitForMessages(targets.length * 2, 30_000);
    for (const id of targets) {
      expect(s.desk.dispatchesFor(id)).toBe(1);
      expect(s.desk.criticalEmailsFor(id)).toBe(1);
      expect(s.desk.recoveryEmailsFor(id)).toBe(1);
      expect(s.desk.simulators.get(id)!.restarts).toHaveLength(1);
    }
    await waitFor('visibility of the incidents', async () => (await Promise.all(targets.map((id) => incidentRuns(cluster.client, s.taskQueue, id)))).every((n) => n >= 1), 30_000);
    for (const id of targets) expect(await incidentRuns(cluster.client, s.taskQueue, id)).toBe(1);

    const perWorker: Record<string, number> = {};
    for (const h of handles) for (const [who, n] of Object.entries(await activitiesPerWorker(h))) perWorker[who] = (perWorker[who] ?? 0) + n;
    figures.push(['(a) incident activities per worker', JSON.stringify(perWorker)]);
    expectNoSecrets(s.desk, s.workers);
  } finally {
    await s.end();
  }
});

it('(b) the worker that dispatched is SIGKILLed mid-incident: the other one finishes it, one dispatch', async () => {
  const s = await scenario('b', ['b-bridge']);
  try {
    const workers = [s.startWorker('w1'), s.startWorker('w2')];
    await Promise.all(workers.map((w) => w.waitForOutput(`Monitor ${monitorWorkflowId('b-bridge', s.taskQueue)}`)));
    s.desk.simulators.get('b-bridge')!.setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 12_000 });
    const handle = await incident(cluster.client, s.taskQueue, 'b-bridge');
    let identity: string | undefined;
    await waitFor('the dispatch', async () => !!(identity = await dispatchedBy(handle)));
    const victim = workers.find((w) => identity?.startsWith(`${w.pid}@`));
    expect(victim).toBeDefined();
    const killedAt = Date.now();
    await victim!.kill('SIGKILL');

    const result = (await handle.result()) as HealingResult;
    record('(b) SIGKILL of the dispatching worker → incident recovered by the other', Date.now() - killedAt);
    expect(result.status).toBe('RECOVERED');
    await s.desk.smtp.waitForMessages(2, 30_000);
    await sleep(3_000);
    expect(s.desk.dispatchesFor('b-bridge')).toBe(1);
    expect(s.desk.criticalEmailsFor('b-bridge')).toBe(1);
    expect(s.desk.recoveryEmailsFor('b-bridge')).toBe(1);
    const finishers = Object.keys(await activitiesPerWorker(handle));
    expect(finishers.some((who) => who !== identity)).toBe(true);
  } finally {
    await s.end();
  }
});

it('(c) the Temporal server restarted mid-incident: the incident completes with one dispatch', async () => {
  const s = await scenario('c', ['c-bridge']);
  try {
    const workers = [s.startWorker('w1'), s.startWorker('w2')];
    await Promise.all(workers.map((w) => w.waitForOutput(`Monitor ${monitorWorkflowId('c-bridge', s.taskQueue)}`)));
    s.desk.simulators.get('c-bridge')!.setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 12_000 });
    const handle = await incident(cluster.client, s.taskQueue, 'c-bridge');
    await waitFor('the dispatch', async () => !!(await dispatchedBy(handle)));

    const restartAt = Date.now();
    const { downMs } = await cluster.restartServer();
    record('(c) server down (SIGTERM → answering again)', downMs);
    const result = (await handle.result()) as HealingResult;
    record('(c) server restart → incident recovered', Date.now() - restartAt);
    expect(result.status).toBe('RECOVERED');
    await s.desk.smtp.waitForMessages(2, 30_000);
    await sleep(3_000);
    expect(s.desk.dispatchesFor('c-bridge')).toBe(1);
    expect(s.desk.simulators.get('c-bridge')!.restarts).toHaveLength(1);
    expect(s.desk.criticalEmailsFor('c-bridge')).toBe(1);
    expect(s.desk.recoveryEmailsFor('c-bridge')).toBe(1);
    expect(await incidentRuns(cluster.client, s.taskQueue, 'c-bridge')).toBe(1);
    for (const w of workers) expect(w.proc.exitCode).toBeNull();
  } finally {
    await s.end();
  }
});

it('(d) a target removed and an interval changed: the monitors are reconciled when the worker restarts', async () => {
  const s = await scenario('d', ['d-keep', 'd-gone']);
  try {
    s.desk.writeTargets([{ id: 'd-keep', checkInterval: '3s' }, { id: 'd-gone' }]);
    const first = s.startWorker('before');
    await first.waitForOutput(`Monitor ${monitorWorkflowId('d-gone', s.taskQueue)} started`);
    // An incident of the target about to be removed is in flight.
    s.desk.simulators.get('d-gone')!.setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 10_000 });
    const open = await incident(cluster.client, s.taskQueue, 'd-gone');
    await waitFor('the dispatch', async () => !!(await dispatchedBy(open)));
    await first.kill('SIGTERM');

    s.desk.writeTargets([{ id: 'd-keep', checkInterval: '7s' }]);
    const restartedAt = Date.now();
    const second = s.startWorker('after');
    await second.waitForOutput(`Monitor ${monitorWorkflowId('d-gone', s.taskQueue)} stopped`);
    record('(d) worker restart → monitors reconciled', Date.now() - restartedAt);
    expect(second.output()).toContain(
      `Monitor ${monitorWorkflowId('d-gone', s.taskQueue)} stopped: target d-gone is no longer configured; its open incident ${healingWorkflowId('d-gone', s.taskQueue)} is left to finish`,
    );
    expect((await cluster.client.workflow.getHandle(monitorWorkflowId('d-gone', s.taskQueue)).describe()).status.name).toBe('TERMINATED');
    const keep = cluster.client.workflow.getHandle(monitorWorkflowId('d-keep', s.taskQueue));
    await waitFor('the new interval in the running monitor', async () => (await keep.query(monitorStateQuery)).checkIntervalMs === 7_000);

    // The removed target's incident finishes on the new worker.
    await expect(open.result()).resolves.toMatchObject({ status: 'RECOVERED' });
    expect(s.desk.dispatchesFor('d-gone')).toBe(1);
  } finally {
    await s.end();
  }
});
