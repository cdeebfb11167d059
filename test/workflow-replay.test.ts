/**
 * Every workflow type the worker registers has at least one committed history in
 * test/fixtures/histories, and every one of them replays through the current workflow code: a
 * change that would break a run in flight fails here (non-determinism). docs/VERSIONING.md.
 *
 * The registered types are read from the workflows index (every function it exports is one),
 * so a new workflow type without a fixture fails here, as does a fixture of a type no longer
 * registered. The histories are recorded by the tests that run those workflows
 * (UPDATE_FIXTURES=1, see test/healing-fixtures.ts). Re-record one only on purpose: a replay
 * failure usually means the change needs a patch, not a new fixture.
 */
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import * as names from '../src/shared/names';
import * as workflows from '../src/workflows';
import { loadFixtures, replayFixture } from './healing-fixtures';

/** The workflow types the worker registers: every function src/workflows/index.ts exports. */
function registeredWorkflowTypes(index: Record<string, unknown> = workflows): string[] {
  return Object.entries(index)
    .filter(([, value]) => typeof value === 'function')
    .map(([name]) => name)
    .sort();
}

/** The registered types that no fixture starts. */
function typesWithoutFixture(types: string[], fixtureTypes: Array<string | undefined>): string[] {
  const covered = new Set(fixtureTypes);
  return types.filter((type) => !covered.has(type));
}

try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // already installed in this process
}

const WORKFLOW_TYPES = registeredWorkflowTypes();
const fixtures = loadFixtures().map((f) => ({
  ...f,
  workflowType:
    f.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? undefined,
}));

test('the registered workflow types are the camelCase functions of the workflows index', () => {
  expect(WORKFLOW_TYPES.length).toBeGreaterThan(0);
  expect(WORKFLOW_TYPES.filter((type) => !/^[a-z][A-Za-z]*Workflow$/.test(type))).toEqual([]);
});

test('every registered workflow type has a fixture', () => {
  expect(typesWithoutFixture(WORKFLOW_TYPES, fixtures.map((f) => f.workflowType))).toEqual([]);
});

test('a workflow type added to the index without a fixture is reported', () => {
  const index = { ...workflows, brandNewWorkflow: async () => undefined };
  expect(typesWithoutFixture(registeredWorkflowTypes(index), fixtures.map((f) => f.workflowType))).toEqual([
    'brandNewWorkflow',
  ]);
});

test('every fixture starts with the start of a registered workflow type', () => {
  const unknown = fixtures.filter((f) => !WORKFLOW_TYPES.includes(f.workflowType ?? ''));
  expect(unknown.map((f) => [f.name, f.workflowType])).toEqual([]);
});

/** The patch ids a history records (its `core_patch` markers). */
function patchesOf(history: temporal.api.history.v1.IHistory): string[] {
  return (history.events ?? [])
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
    .map((e) => {
      const data = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
      return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id : '';
    });
}

test('every patch a fixture records is a *_PATCH id of src/shared/names.ts (a removed patch takes its fixtures with it)', () => {
  const ids = Object.entries(names)
    .filter(([key, value]) => key.endsWith('_PATCH') && typeof value === 'string')
    .map(([, value]) => value as string);
  const unknown = fixtures.flatMap((f) => patchesOf(f.history).filter((id) => !ids.includes(id)).map((id) => `${f.name}: ${id}`));
  expect(unknown).toEqual([]);
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
    await expect(replayFixture(history, name)).resolves.toBeUndefined();
  },
);

test('a history the code does not match fails to replay (the replays above can fail)', async () => {
  const healthy = fixtures.find((f) => f.name === 'target-monitor-healthy')!.history;
  const tampered = temporal.api.history.v1.History.fromObject(
    temporal.api.history.v1.History.toObject(healthy),
  );
  const scheduled = tampered.events?.find(
    (e) => e.activityTaskScheduledEventAttributes,
  )?.activityTaskScheduledEventAttributes;
  expect(scheduled?.activityType?.name).toBe('watchTarget');
  scheduled!.activityType = { name: 'someOtherActivity' };
  await expect(replayFixture(tampered, 'tampered')).rejects.toThrow(/nondeterminism|determinism/i);
});
