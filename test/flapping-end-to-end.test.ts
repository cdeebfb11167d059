/**
 * Flapping end to end: the long-lived monitor and its incidents on a real Temporal dev server,
 * with the activities the worker builds from its configuration (real probes against the bridge
 * simulator, the restart sent to the simulator's VPS restart service, the real ledger, roll-up
 * and alert delivery); only the emails and the in-app feed are captured.
 *
 * A bridge goes down and up again and again: each time it stays down until the monitor has
 * confirmed it and opened an incident, and comes back at once, so each outage is one incident
 * (a bridge flipping every 10 s does just that, whatever the machine's speed: a fixed clock on
 * real time would make the count of incidents the test runner's speed). Six such outages, probes
 * and verification every second, RESTART_COOLDOWN 12 s (each incident after the first waits it
 * out before its fresh look), FLAP_WINDOW 45 s (FLAP_THRESHOLD its default, 3). The restart
 * answers success and changes nothing (`lie`): only the fault injection decides up and down. The
 * intermittent-fault WARNING (unconfirmed CRITICALs, a story of its own, test/target-monitor) is
 * kept out of the count with a threshold no run reaches.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowNotFoundError } from '@temporalio/client';
import { loadConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import { ensureMonitors, queryMonitor } from '../src/client/monitors';
import type { AlertEvent, FlappingAlert, FlappingStoppedAlert, InAppNotification } from '../src/shared/contracts';
import { healingWorkflowId, monitorWorkflowId } from '../src/shared/names';
import { createBridgeSimulator, type BridgeSimulator } from '../src/simulator/create-bridge-simulator';
import type { HealingResult } from '../src/workflows/healing/messages';
import { buildActivities } from '../src/workers/build-activities';
import { createDevServerEnv, uniqueTaskQueue, workflowBundle } from './helpers/temporal';
import { waitFor } from './helpers/wait';
import { exportFixture } from './healing-fixtures';

jest.setTimeout(300_000);

const RESTART_TOKEN = 'vps-restart-token-flap-5e1d0c';
const OUTAGES = 6;
const RESTART_COOLDOWN_MS = 12_000;

let temporal: TestWorkflowEnvironment;
let bridge: BridgeSimulator;

beforeAll(async () => {
  [temporal, bridge] = await Promise.all([createDevServerEnv(), createBridgeSimulator({ host: '127.0.0.1', port: 0 })]);
});
afterAll(async () => {
  await bridge?.close();
  await temporal?.teardown();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a bridge going down and up six times is one FLAPPING notice and one all-clear, not an email pair per incident; restarts stay within RESTART_COOLDOWN and the budget', async () => {
  const taskQueue = uniqueTaskQueue('flapping');
  const config = loadConfig({
    MT5_BRIDGE_URL: bridge.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    REMEDIATION: 'webhook',
    RESTART_URL: `${bridge.url}/api/system/full-restart`,
    RESTART_TOKEN,
    CHECK_INTERVAL: '1s',
    CONFIRM_DELAY: '500ms',
    PROBE_TIMEOUT: '1s',
    VERIFY_INTERVAL: '1s',
    RESTART_COOLDOWN: `${RESTART_COOLDOWN_MS / 1000}s`,
    FLAP_WINDOW: '45s',
    INTERMITTENT_THRESHOLD: '1000',
  });
  const tc = config.targets[0]!;
  const budget = tc.policy.restartBudget || undefined;
  const emails: AlertEvent[] = [];
  const feed: InAppNotification[] = [];
  const activities = {
    ...buildActivities({ config, log: createLogger({ level: 'silent' }), client: temporal.client }),
    sendAlertEmail: async (event: AlertEvent) => {
      emails.push(event);
      return { messageId: `<${event.kind}@test>`, accepted: ['ops@test'], rejected: [], response: '250 OK' };
    },
    notifyInApp: async (n: InAppNotification) => void feed.push(n),
  };
  const worker = await Worker.create({ connection: temporal.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities, maxConcurrentActivityTaskExecutions: 100 });
  const kinds = () => emails.map((e) => e.kind);

  await worker.runUntil(async () => {
    try {
      await ensureMonitors(temporal.client, [tc], taskQueue);
      await waitFor('a first healthy probe', () => queryMonitor(temporal.client, taskQueue, tc.target.id), (v) => v.last?.severity === 'HEALTHY', { timeoutMs: 30_000, everyMs: 200 });

      const view = () => queryMonitor(temporal.client, taskQueue, tc.target.id);
      const incident = temporal.client.workflow.getHandle(healingWorkflowId(tc.target.id, taskQueue));
      for (let outage = 1; outage <= OUTAGES; outage++) {
        bridge.setFault({ mode: 'bridge_down', restart: 'lie' });
        await waitFor(`incident ${outage} opened`, view, (v) => v.incidentsStarted >= outage, { timeoutMs: 60_000, everyMs: 100 });
        bridge.clearFaults();
        await waitFor(`incident ${outage} closed`, async () => (await incident.describe()).status.name, (s) => s !== 'RUNNING', { timeoutMs: 60_000, everyMs: 100 });
      }

      const stopped = await waitFor('the all-clear', async () => emails.filter((e) => e.kind === 'flapping_stopped'), (s) => s.length > 0, {
        timeoutMs: 150_000,
        everyMs: 250,
        describe: async () => `emails ${kinds().join(', ')}; monitor ${JSON.stringify(await view())}`,
      });
      const settled = await view();
      // the last incident's close and anything else in flight: then nothing more arrives
      await sleep(3_000);

      expect(settled.incidentsStarted).toBe(OUTAGES);
      expect(settled.flapping).toBeUndefined();
      // The first two incidents alert as usual; the third makes the target FLAPPING: its notice
      // stands for it and every later one; one all-clear when it settles.
      expect(kinds().sort()).toEqual(['critical', 'critical', 'flapping', 'flapping_stopped', 'recovery', 'recovery']);
      expect(kinds().indexOf('flapping')).toBe(4);
      const flapping = emails.find((e): e is FlappingAlert => e.kind === 'flapping')!;
      expect(flapping).toMatchObject({ incidents: 3, windowMs: 45_000, checks: ['bridge'], restartCooldownMs: RESTART_COOLDOWN_MS });
      const allClear = stopped[0] as FlappingStoppedAlert;
      expect(allClear).toMatchObject({ episodeId: flapping.episodeId, incidents: OUTAGES, since: flapping.since });
      expect(allClear.totals?.closed).toBe(OUTAGES);
      expect(allClear.totals?.restarts).toBe(bridge.restarts.length);
      expect(allClear.totals?.downtimeMs).toBeGreaterThan(0);
      expect(feed.filter((n) => /is FLAPPING/.test(n.text))).toHaveLength(1);
      expect(feed.filter((n) => /stopped flapping/.test(n.text))).toHaveLength(1);

      // Remediation safety as it was: each restart at least RESTART_COOLDOWN after the one before,
      // and no more than the restart budget.
      const restartTimes = bridge.restarts.map((r) => Date.parse(r.at));
      expect(restartTimes.length).toBeGreaterThanOrEqual(1);
      for (let i = 1; i < restartTimes.length; i++)
        expect(restartTimes[i]! - restartTimes[i - 1]!).toBeGreaterThanOrEqual(RESTART_COOLDOWN_MS - 1_000);
      if (budget) expect(restartTimes.length).toBeLessThanOrEqual(budget.count);

      // The folded incidents are still incidents: the latest one says so in its record.
      const last = (await incident.result()) as HealingResult;
      expect(last.status).toBe('RECOVERED');
      expect(last.flappingEpisode).toBe(flapping.episodeId);
      await exportFixture(temporal.client.workflow.getHandle(monitorWorkflowId(tc.target.id, taskQueue)), 'target-monitor-flapping');
      await exportFixture(incident, 'healing-folded-into-flapping');
      expect(last.timeline).toContainEqual(expect.objectContaining({ step: 'alerted', outcome: 'folded', detail: expect.stringContaining(`folded into flapping episode ${flapping.episodeId}`) }));
    } finally {
      await temporal.client.workflow
        .getHandle(monitorWorkflowId(tc.target.id, taskQueue))
        .terminate('test over')
        .catch((err) => {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        });
    }
  });
});
