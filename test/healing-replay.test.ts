/**
 * Replays the committed histories of real incidents (test/fixtures/histories, written by the
 * healing tests with UPDATE_FIXTURES=1) through the current workflow code: a change that would
 * break an incident in flight fails here (non-determinism).
 */
import { loadFixtures, replayFixture } from './healing-fixtures';

const fixtures = loadFixtures();

test('the committed fixtures cover the happy path, an escalation and a forced recovery', () => {
  expect(fixtures.map((f) => f.name)).toEqual(
    expect.arrayContaining(['happy-path', 'escalated-resolved', 'forced-during-spacing']),
  );
});

test.each(fixtures.map((f) => [f.name, f.history] as const))(
  'replays %s through the current code',
  async (name, history) => {
    await expect(replayFixture(history, name)).resolves.toBeUndefined();
  },
);
