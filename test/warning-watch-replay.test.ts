/**
 * WarningWatchWorkflow histories live long: one started before the hold (an email at a
 * condition's first sighting) must replay through the current code the old way, and a new one
 * records the `warning-hold` patch marker. The fixture was written by the pre-hold code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { FIXTURES_DIR } from './healing-fixtures';
import { workflowBundle } from './helpers/temporal';

const { History } = temporal.api.history.v1;
const history = History.fromObject(
  JSON.parse(readFileSync(join(FIXTURES_DIR, 'warning-watch-first-sighting.json'), 'utf8')),
);

test('the fixture is a pre-hold history: an email scheduled at the first sighting, no patch marker', () => {
  const events = history.events ?? [];
  const firstActivity = events.findIndex((e) => e.activityTaskScheduledEventAttributes);
  const firstSignal = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes);
  expect(firstActivity).toBeGreaterThan(0);
  expect(firstActivity).toBeLessThan(firstSignal); // from the start input, before any second sighting
  expect(events.some((e) => e.markerRecordedEventAttributes)).toBe(false);
});

test('a watcher history from before the hold replays through the current code', async () => {
  await expect(
    Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, 'warnings-first-sighting'),
  ).resolves.toBeUndefined();
});

/** The patch ids a history recorded (its `core_patch` markers). */
function patchesOf(h: temporal.api.history.v1.History): string[] {
  return (h.events ?? [])
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
    .map((e) => {
      const data = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
      return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id : '';
    });
}

const load = (name: string) =>
  History.fromObject(JSON.parse(readFileSync(join(FIXTURES_DIR, `${name}.json`), 'utf8')));

test.each([
  // recorded by test/warning-watch.test.ts (UPDATE_FIXTURES=1) from the code of each new path
  ['warning-watch-policy-changed', 'warning-policy'],
  ['warning-watch-grouped', 'warning-group'],
  // recorded by test/warning-watch-outage.test.ts on the dev server: its email cancelled, handed
  // over, continued as new
  ['warning-watch-handed-over', 'warning-hand-over'],
])('%s records the %s patch and replays through the current code', async (name, patch) => {
  const recorded = load(name);
  expect(patchesOf(recorded)).toContain(patch);
  await expect(
    Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, recorded, `replay-${name}`),
  ).resolves.toBeUndefined();
});

test('a watcher history from before grouping (two conditions due together, two emails) replays through the current code', async () => {
  // recorded from the code before the warning-policy, warning-group and warning-hand-over patches
  const recorded = load('warning-watch-before-group');
  const emails = (recorded.events ?? []).filter(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendAlertEmail',
  );
  expect(emails).toHaveLength(2);
  expect(patchesOf(recorded)).toEqual(['warning-hold']);
  await expect(
    Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, recorded, 'replay-before-group'),
  ).resolves.toBeUndefined();
});

test('warning-watch-handed-over: the email attempt is cancelled (and confirmed) before the hand-over, which precedes the continue-as-new', () => {
  const events = load('warning-watch-handed-over').events ?? [];
  const index = (match: (e: temporal.api.history.v1.IHistoryEvent) => unknown) => events.findIndex(match);
  const cancelled = index((e) => e.activityTaskCanceledEventAttributes);
  const handOver = index((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'handOverAlerts');
  const continued = index((e) => e.workflowExecutionContinuedAsNewEventAttributes);
  expect(cancelled).toBeGreaterThan(0);
  expect(handOver).toBeGreaterThan(cancelled);
  expect(continued).toBeGreaterThan(handOver);
});
