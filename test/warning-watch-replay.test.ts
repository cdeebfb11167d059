/**
 * warningWatchWorkflow histories live long (a watch continues as new only when its history is
 * long): the committed ones of each of its paths replay through the current code, and the
 * hand-over before a continue-as-new happens in the order that loses no email.
 * Recorded with UPDATE_FIXTURES=1 by test/warning-watch.test.ts (policy changed, grouped) and
 * test/warning-watch-outage.test.ts on the dev server (handed over).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { FIXTURES_DIR, replayFixture } from './healing-fixtures';

const { History } = temporal.api.history.v1;

const load = (name: string) =>
  History.fromObject(JSON.parse(readFileSync(join(FIXTURES_DIR, `${name}.json`), 'utf8')));

test.each([
  // a running watch adopts the WARNING policy an observation carries
  ['warning-watch-policy-changed'],
  // conditions due within WARNING_GROUP_WAIT go out as one email
  ['warning-watch-grouped'],
  // its email cancelled, handed over, continued as new
  ['warning-watch-handed-over'],
])('%s replays through the current code', async (name) => {
  await expect(replayFixture(load(name), name)).resolves.toBeUndefined();
});

test('warning-watch-grouped: the conditions due together went out as one email', () => {
  const emails = (load('warning-watch-grouped').events ?? []).filter(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendAlertEmail',
  );
  expect(emails).toHaveLength(1);
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
