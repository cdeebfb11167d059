/**
 * Every workflow type the worker registers has at least one committed history in
 * test/fixtures/histories, and every one of them replays through the current workflow code: a
 * change that would break a run in flight fails here (non-determinism).
 *
 * The histories were recorded from the code of their time by the tests that run those workflows
 * (UPDATE_FIXTURES=1, see test/healing-fixtures.ts). Re-record one only on purpose: a replay
 * failure usually means the change needs a patch, not a new fixture.
 */
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import * as workflows from '../src/workflows';
import { loadFixtures } from './healing-fixtures';
import { workflowBundle } from './helpers/temporal';

/** The workflow types of src/workflows/index.ts. */
const WORKFLOW_TYPES = [
  'targetMonitorWorkflow',
  'monitorWorkflow',
  'healingWorkflow',
  'WarningWatchWorkflow',
  'NotificationFeedWorkflow',
  'attemptLedgerWorkflow',
  'maintenanceWindowWorkflow',
  'AlertDeliveryWorkflow',
  'remediationSwitchWorkflow',
  'rollupWorkflow',
  'mailboxWorkflow',
  'testAlertWorkflow',
];
/** Functions src/workflows/index.ts also exports that are not workflow types. */
const HELPERS: string[] = [];

try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // already installed in this process
}

const fixtures = loadFixtures().map((f) => ({
  ...f,
  workflowType:
    f.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? undefined,
}));

test('the expected workflow types are every function src/workflows exports, helpers aside', () => {
  const functions = Object.entries(workflows)
    .filter(([, value]) => typeof value === 'function')
    .map(([name]) => name);
  expect(functions.sort()).toEqual([...WORKFLOW_TYPES, ...HELPERS].sort());
});

test('every fixture starts with the start of a known workflow type', () => {
  const unknown = fixtures.filter((f) => !WORKFLOW_TYPES.includes(f.workflowType ?? ''));
  expect(unknown.map((f) => [f.name, f.workflowType])).toEqual([]);
});

test('every workflow type has a fixture', () => {
  const covered = new Set(fixtures.map((f) => f.workflowType));
  expect(WORKFLOW_TYPES.filter((type) => !covered.has(type))).toEqual([]);
});

test('the fixtures recorded before the refactor are all there', () => {
  expect(fixtures.map((f) => f.name)).toEqual(
    expect.arrayContaining([
      'monitor-healthy',
      'monitor-warned',
      'monitor-not-confirmed',
      'monitor-critical-starts-healer',
      'notification-feed',
      'notification-feed-continued-as-new',
      'attempt-ledger',
      'attempt-ledger-continued-as-new',
      'maintenance-window',
    ]),
  );
});

test('the long-lived monitor has a fixture for each of its paths', () => {
  expect(fixtures.map((f) => f.name)).toEqual(
    expect.arrayContaining([
      'target-monitor-healthy',
      'target-monitor-critical-starts-healer',
      'target-monitor-intermittent',
      'target-monitor-continued-as-new',
    ]),
  );
});

test.each(fixtures.map((f) => [f.name, f.workflowType, f.history] as const))(
  'replays %s (%s) through the current code',
  async (name, _type, history) => {
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `replay-${name}`),
    ).resolves.toBeUndefined();
  },
);

test('a history the code does not match fails to replay (the replays above can fail)', async () => {
  const healthy = fixtures.find((f) => f.name === 'monitor-healthy')!.history;
  const tampered = temporal.api.history.v1.History.fromObject(
    temporal.api.history.v1.History.toObject(healthy),
  );
  const scheduled = tampered.events?.find(
    (e) => e.activityTaskScheduledEventAttributes,
  )?.activityTaskScheduledEventAttributes;
  expect(scheduled?.activityType?.name).toBe('probeTarget');
  scheduled!.activityType = { name: 'someOtherActivity' };
  await expect(
    Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, tampered, 'replay-tampered'),
  ).rejects.toThrow(/nondeterminism|determinism/i);
});
