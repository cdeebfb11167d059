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
