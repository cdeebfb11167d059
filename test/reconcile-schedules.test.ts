/**
 * Configuration reaches what runs: `reconcileSchedules` (worker start, `autoheal schedule apply`)
 * creates the missing monitor schedules, updates the changed ones, deletes those of removed
 * targets (on its own task queue only), and says when a removed target's incident is still open.
 * On a real dev server.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ScheduleNotFoundError } from '@temporalio/client';
import { loadConfig, type TargetConfig } from '../src/config/load-config';
import { describeReconciliation, reconcileSchedules } from '../src/client/reconcile-schedules';
import { healingWorkflowId, monitorScheduleId } from '../src/shared/names';
import { createDevServerEnv, uniqueTaskQueue } from './helpers/temporal';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createDevServerEnv();
});
afterAll(async () => {
  await env?.teardown();
});

let run = 0;
/** Targets `<prefix>-<name>` as the targets file would give them. */
function targets(prefix: string, entries: Array<{ name: string; checkInterval?: string }>): TargetConfig[] {
  const yaml = [
    'targets:',
    ...entries.flatMap((e) => [
      `  - id: ${prefix}-${e.name}`,
      `    url: http://127.0.0.1:9/${e.name}`,
      ...(e.checkInterval ? [`    checkInterval: ${e.checkInterval}`] : []),
    ]),
  ].join('\n');
  return loadConfig({ AUTOHEAL_TARGETS_FILE: 'targets.yaml', REMEDIATION: 'none' }, { readFile: () => yaml }).targets;
}

async function exists(scheduleId: string): Promise<boolean> {
  try {
    await env.client.schedule.getHandle(scheduleId).describe();
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}

/** Schedule listing reads visibility, which follows a write by a moment. */
async function listed(scheduleIds: string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const seen = new Set<string>();
    for await (const s of env.client.schedule.list()) seen.add(s.scheduleId);
    if (scheduleIds.every((id) => seen.has(id))) return;
    if (Date.now() > deadline) throw new Error(`schedules not listed: ${scheduleIds.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function cleanup(ids: string[]): Promise<void> {
  for (const id of ids) await env.client.schedule.getHandle(id).delete().catch(() => undefined);
}

describe('reconcileSchedules', () => {
  it('creates the missing, updates a changed interval, and removes the schedule of a removed target', async () => {
    const prefix = `rc${++run}-${process.pid}`;
    const taskQueue = uniqueTaskQueue('reconcile');
    const [keep, drop] = [monitorScheduleId(`${prefix}-keep`), monitorScheduleId(`${prefix}-drop`)];
    try {
      const first = await reconcileSchedules(env.client, targets(prefix, [{ name: 'keep', checkInterval: '15s' }, { name: 'drop' }]), taskQueue);
      expect(first.applied.map((a) => a.action)).toEqual(['created', 'created']);
      expect(first.removed).toEqual([]);
      await listed([keep, drop]);

      const second = await reconcileSchedules(env.client, targets(prefix, [{ name: 'keep', checkInterval: '40s' }]), taskQueue);
      expect(second.applied).toMatchObject([{ scheduleId: keep, action: 'updated', everyMs: 40_000 }]);
      expect(second.removed).toEqual([{ scheduleId: drop, targetId: `${prefix}-drop`, openIncident: undefined }]);
      expect(await exists(drop)).toBe(false);
      const d = await env.client.schedule.getHandle(keep).describe();
      expect(d.spec.intervals?.[0]?.every).toBe(40_000);
      expect(describeReconciliation(second)).toEqual([
        expect.stringMatching(new RegExp(`^Schedule ${keep} updated: every 40s`)),
        `Schedule ${drop} removed: target ${prefix}-drop is no longer configured`,
      ]);
    } finally {
      await cleanup([keep, drop]);
    }
  });

  it("leaves another task queue's schedules alone", async () => {
    const prefix = `rc${++run}-${process.pid}`;
    const [mine, theirs] = [uniqueTaskQueue('mine'), uniqueTaskQueue('theirs')];
    const other = monitorScheduleId(`${prefix}-other`);
    try {
      await reconcileSchedules(env.client, targets(prefix, [{ name: 'other' }]), theirs);
      await listed([other]);
      const r = await reconcileSchedules(env.client, targets(prefix, [{ name: 'own' }]), mine);
      expect(r.removed).toEqual([]);
      expect(await exists(other)).toBe(true);
    } finally {
      await cleanup([other, monitorScheduleId(`${prefix}-own`)]);
    }
  });

  it("says that a removed target's open incident is left to finish", async () => {
    const prefix = `rc${++run}-${process.pid}`;
    const taskQueue = uniqueTaskQueue('reconcile');
    const gone = `${prefix}-gone`;
    // An incident in flight: started on a queue no worker polls, so it stays RUNNING.
    const incident = await env.client.workflow.start('healingWorkflow', { taskQueue, workflowId: healingWorkflowId(gone), args: [] });
    try {
      await reconcileSchedules(env.client, targets(prefix, [{ name: 'gone' }]), taskQueue);
      await listed([monitorScheduleId(gone)]);
      const r = await reconcileSchedules(env.client, targets(prefix, [{ name: 'stay' }]), taskQueue);
      expect(r.removed).toEqual([{ scheduleId: monitorScheduleId(gone), targetId: gone, openIncident: healingWorkflowId(gone) }]);
      expect(describeReconciliation(r)).toContain(
        `Schedule ${monitorScheduleId(gone)} removed: target ${gone} is no longer configured; its open incident ${healingWorkflowId(gone)} is left to finish`,
      );
      expect((await incident.describe()).status.name).toBe('RUNNING');
    } finally {
      await incident.terminate('test over').catch(() => undefined);
      await cleanup([monitorScheduleId(gone), monitorScheduleId(`${prefix}-stay`)]);
    }
  });

  it('two workers starting at once both succeed, and one schedule exists per target', async () => {
    const prefix = `rc${++run}-${process.pid}`;
    const taskQueue = uniqueTaskQueue('reconcile');
    const tcs = targets(prefix, [{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    try {
      const results = await Promise.all([reconcileSchedules(env.client, tcs, taskQueue), reconcileSchedules(env.client, tcs, taskQueue)]);
      for (const r of results) expect(r.applied).toHaveLength(3);
      for (const tc of tcs) expect(await exists(monitorScheduleId(tc.target.id))).toBe(true);
    } finally {
      await cleanup(tcs.map((tc) => monitorScheduleId(tc.target.id)));
    }
  });
});
