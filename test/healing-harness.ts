/**
 * Shared pieces of the healing workflow tests: a simulated bridge behind jest.fn activity fakes
 * (probe, alerts, remediation), the real ledger activities, and history helpers.
 */
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { Client, type WorkflowHandle, type WorkflowResultType } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { createAlertDeliveryActivities } from '../src/activities/alert-delivery';
import { createLedgerActivities } from '../src/activities/ledger';
import { alertDeliveryWorkflowId, healingWorkflowId } from '../src/shared/names';
import type {
  AlertEvent,
  EmailReceipt,
  RemediationReceipt,
  RemediationRequest,
} from '../src/shared/contracts';
import type { HealingInput, HealingPolicy, ProbeReport, Target } from '../src/shared/types';
import { type HealingWorkflowInput, healingWorkflow } from '../src/workflows/healing';
import { installTestRuntime } from './helpers/strand';
import { trackWorker, workflowBundle } from './helpers/temporal';

// Quiet (ERROR): the expected activity failures of these tests would flood the output; core's
// logs are watched for the time-skipping server's strand (test/helpers/strand.ts).
installTestRuntime('ERROR');

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export const target = (id: string): Target => ({
  id,
  url: `http://127.0.0.1:1/${id}`,
  accounts: [],
  expectedAccounts: 7,
  zeroBalanceOk: [],
  requireTradeAllowed: true,
  syncRateCritical: 0.2,
  probeTimeoutMs: 5_000,
  staleAfterMs: 5 * MINUTE,
});

/** The defaults of README "Configuration". */
export const policy = (overrides: Partial<HealingPolicy> = {}): HealingPolicy => ({
  checkIntervalMs: 15_000,
  confirmDelayMs: 5_000,
  verifyIntervalMs: 15_000,
  verifyTimeoutMs: 5 * MINUTE,
  restartCooldownMs: 5 * MINUTE,
  recoverySlaMs: 15 * MINUTE,
  escalateAfter: 3,
  escalationWindowMs: 24 * HOUR,
  reminderIntervalMs: HOUR,
  remediation: 'github',
  ...overrides,
});

function report(targetId: string, kind: 'healthy' | 'terminal_down' | 'placeholders'): ProbeReport {
  const probedAt = new Date().toISOString();
  const live = kind === 'healthy';
  return {
    severity: kind === 'healthy' ? 'HEALTHY' : 'CRITICAL',
    checks: [
      { check: 'bridge', status: 'ok', evidence: 'health endpoint answered 200' },
      {
        check: 'terminal',
        status: kind === 'terminal_down' ? 'fail' : 'ok',
        evidence: kind === 'terminal_down' ? 'terminal_info.connected is false' : 'terminal connected',
      },
      {
        check: 'sync_rate',
        status: live ? 'ok' : 'fail',
        evidence: live ? '7/7 accounts synced' : '0/7 accounts synced (placeholders)',
      },
    ],
    syncRate: live ? 1 : 0,
    syncedAccounts: live ? 7 : 0,
    expectedAccounts: 7,
    summary:
      kind === 'healthy'
        ? 'all checks pass'
        : kind === 'terminal_down'
          ? 'MT5 Terminal disconnected from broker'
          : 'sync rate 0% (placeholder accounts only)',
    observation: {
      targetId,
      probedAt,
      health: {
        ok: true,
        httpStatus: 200,
        latencyMs: 12,
        claimedStatus: 'healthy',
        mt5Available: true,
        connected: kind !== 'terminal_down',
        tradeAllowed: true,
      },
      accounts: {
        source: 'summary',
        latencyMs: 20,
        readings: Array.from({ length: 7 }, (_, i) => ({
          login: String(1000 + i),
          balance: live ? 1000 : 0,
          dataSource: live ? ('live' as const) : ('no_cache' as const),
          readAt: live ? probedAt : null,
        })),
      },
    },
  };
}
export const healthyReport = (id: string) => report(id, 'healthy');
export const terminalDownReport = (id: string) => report(id, 'terminal_down');
export const placeholderReport = (id: string) => report(id, 'placeholders');

/**
 * A simulated bridge: down until `recoverOnDispatch` dispatches have been made (then healthy),
 * or until `healthy` is set. Right after a dispatch it serves one probe of placeholder accounts,
 * as the real bridge does while its cache refills.
 */
export class FakeBridge {
  healthy = false;
  /** Healthy once this many dispatches have been made; undefined: never by restart. */
  recoverOnDispatch: number | undefined = 1;
  dispatches = 0;
  private placeholderPending = false;

  constructor(readonly targetId: string) {}

  readonly probeTarget = jest.fn(async (): Promise<ProbeReport> => {
    if (this.placeholderPending) {
      this.placeholderPending = false;
      return placeholderReport(this.targetId);
    }
    const up =
      this.healthy || (this.recoverOnDispatch !== undefined && this.dispatches >= this.recoverOnDispatch);
    return up ? healthyReport(this.targetId) : terminalDownReport(this.targetId);
  });

  /** Replace to make dispatches fail. */
  dispatchBehaviour: (request: RemediationRequest) => Promise<RemediationReceipt> = async () => ({
    method: 'github',
    dispatchedAt: new Date().toISOString(),
    detail: 'repository_dispatch mt5-full-restart to owner/repo (HTTP 204)',
  });

  readonly dispatchRemediation = jest.fn(async (request: RemediationRequest): Promise<RemediationReceipt> => {
    const receipt = await this.dispatchBehaviour(request);
    this.dispatches += 1;
    this.placeholderPending = true;
    return receipt;
  });

  emailBehaviour: (event: AlertEvent) => Promise<EmailReceipt> = async (event) => ({
    messageId: `<${event.kind}@test>`,
    accepted: ['ops@example.com'],
    rejected: [],
    response: '250 OK',
  });
  readonly sendAlertEmail = jest.fn((event: AlertEvent) => this.emailBehaviour(event));
  readonly notifyInApp = jest.fn(async (_notification?: unknown) => undefined);

  emails(kind: AlertEvent['kind']): AlertEvent[] {
    return this.sendAlertEmail.mock.calls.map(([e]) => e).filter((e) => e.kind === kind);
  }
}

/**
 * A worker on its own task queue, with the bridge's fakes and the real ledger and alert
 * hand-over activities; `overrides` replaces some of them.
 */
export async function createHealingWorker(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  bridges: FakeBridge[],
  overrides: Record<string, (...args: never[]) => Promise<unknown>> = {},
): Promise<Worker> {
  const byTarget = (id: string): FakeBridge => {
    const bridge = bridges.find((b) => b.targetId === id);
    if (!bridge) throw new Error(`no fake bridge for ${id}`);
    return bridge;
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      ...createLedgerActivities({ client: env.client, taskQueue }),
      ...createAlertDeliveryActivities({ client: env.client, taskQueue }),
      probeTarget: (t: Target) => byTarget(t.id).probeTarget(),
      dispatchRemediation: (r: RemediationRequest) => byTarget(r.targetId).dispatchRemediation(r),
      sendAlertEmail: (e: AlertEvent) => byTarget(e.targetId).sendAlertEmail(e),
      notifyInApp: (n: { targetId: string }) => byTarget(n.targetId).notifyInApp(n),
      // The roll-up (test/report.test.ts) is a long-lived workflow with a coverage timer: started on
      // this test's queue, its ticks would wait for a worker after the test and stall the shared
      // time-skipping server for the tests after it. The incident still records its close.
      recordIncidentClosed: async () => undefined,
      // A restart's Actions run, for receipts that name one (the real GitHub dispatch activity):
      // done at once, as a fast GitHub would be. Tests of run following pass the real activity.
      readRestartRun: async () => ({
        kind: 'run',
        status: 'completed',
        conclusion: 'success',
        url: 'https://github.com/owner/repo/actions/runs/1',
      }),
      ...overrides,
    },
  });
  return trackWorker(worker);
}

export function incidentInput(
  targetId: string,
  overrides: Partial<HealingPolicy> = {},
  at = new Date(),
): HealingInput {
  return {
    target: target(targetId),
    policy: policy(overrides),
    trigger: { source: 'monitor', reason: 'confirmed CRITICAL', at: at.toISOString() },
    report: terminalDownReport(targetId),
  };
}

export function startIncident(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  input: HealingWorkflowInput,
): Promise<WorkflowHandle<typeof healingWorkflow>> {
  return env.client.workflow.start(healingWorkflow, {
    workflowId: healingWorkflowId(input.target.id, taskQueue),
    taskQueue,
    args: [input],
  });
}

/** How many times the workflow scheduled `dispatchRemediation`, read from its history. */
export async function dispatchesInHistory(handle: WorkflowHandle): Promise<number> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).filter(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'dispatchRemediation',
  ).length;
}

/** Test-server time now (it runs ahead of the wall clock while skipping). */
export async function serverNow(env: TestWorkflowEnvironment): Promise<Date> {
  return new Date(Number(await env.currentTimeMs()));
}

/**
 * The workflow's result, advancing server time one step at a time. Not `handle.result()`: on the
 * time-skipping server that unlocks skipping, and once the incident closes, with only the idle
 * ledger workflow left, the server jumps years ahead before the client locks it again (which
 * would empty the 24 h window between two incidents of a test).
 */
export async function finish<W extends Workflow>(
  env: TestWorkflowEnvironment,
  handle: WorkflowHandle<W>,
  stepMs = MINUTE,
): Promise<WorkflowResultType<W>> {
  const plain = new Client({ connection: env.connection, namespace: env.namespace });
  for (let step = 0; step < 10_000; step++) {
    const described = await handle.describe();
    if (described.status.name !== 'RUNNING') {
      const result = await plain.workflow.getHandle<W>(handle.workflowId).result();
      const targetId = (handle.workflowId.split('@')[0] ?? '').replace(/^heal-/, '');
      if (handle.workflowId.startsWith('heal-')) await alertsDelivered(env, described.taskQueue, targetId);
      return result;
    }
    await quiesce(handle);
    await env.sleep(stepMs);
  }
  throw new Error(`${handle.workflowId} still running`);
}

/**
 * Waits (real time, a few seconds at most) until the target's alertDeliveryWorkflow has nothing
 * left to deliver (it completes then): a closed incident hands its last alerts to it. True
 * when it is done; false when it still waits (an SMTP outage in the test, say).
 */
export async function alertsDelivered(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  targetId: string,
  waitMs = 5_000,
): Promise<boolean> {
  const handle = env.client.workflow.getHandle(alertDeliveryWorkflowId(targetId, taskQueue));
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      if ((await handle.describe()).status.name !== 'RUNNING') return true;
    } catch {
      return true; // never started: nothing was handed over
    }
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** How far past a whole step `sleepOffGrid` lands: half a VERIFY_INTERVAL of the test policy. */
export const OFF_GRID_MS = 7_500;

/**
 * Skips `ms` and then half a probe step more, so that the update or signal the test sends next
 * arrives between two of the workflow's timers, not as one fires. The test incidents' timers
 * fall on whole steps from the start (15 s verification probes, the parked probe's minute,
 * hourly reminders), and so do whole-minute sleeps: a message whose workflow task cancels a
 * timer that fired while that task was with the worker strands the run on the time-skipping
 * server (see timeSkippingServerPerTest). Use it before a message, not for every wait.
 */
export function sleepOffGrid(env: TestWorkflowEnvironment, ms: number): Promise<void> {
  return env.sleep(ms + OFF_GRID_MS);
}

/**
 * Waits (real time) until the workflow has no workflow task and no activity running (one waiting for its retry does not count). Skipping
 * time while the worker is still on a task can expire it on the time-skipping server (the
 * server time jumps past the task's 10 s timeout): call this before `env.sleep` when the test
 * has just let the workflow go (a released activity, a signal).
 */
export async function quiesce(handle: WorkflowHandle, waitMs = 10_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { raw } = await handle.describe();
    const running = (raw.pendingActivities ?? []).filter(
      (a) => a.state === temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
    );
    if (!raw.pendingWorkflowTask && !running.length) return;
    if (Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}
