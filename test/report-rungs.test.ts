/**
 * `autoheal report` measures each rung of the remediation ladder: per rung and per target, the
 * tries, the heals, the time to recovery (p50/p95), and a flag when a rung's 30-day success rate
 * fell below RUNG_SUCCESS_THRESHOLD; `autoheal incidents` names the rungs each incident tried.
 */
import { computeReport } from '../src/client/operator-views';
import { formatIncidents, formatReport } from '../src/cli/commands/operator';
import type { AttemptRecord, IncidentFacts } from '../src/shared/contracts';
import type { RollupFacts } from '../src/shared/report-math';
import { RUNG_MIN_TRIES, RUNG_SUCCESS_THRESHOLD, rungAttemptsOf } from '../src/shared/rung-stats';
import type { RungAttempt } from '../src/shared/types';

const DAY = 86_400_000;
const NOW = Date.parse('2025-11-30T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function incident(id: string, target: string, daysAgo: number, tries: RungAttempt[]): IncidentFacts {
  const at = NOW - daysAgo * DAY;
  return {
    incidentId: id,
    targetId: target,
    outcome: 'RECOVERED',
    detectedAt: iso(at),
    openedAt: iso(at + 5_000),
    closedAt: iso(at + 10 * 60_000),
    attempts: tries.length,
    forcedBy: [],
    autoHealed: true,
    rungAttempts: tries,
  };
}
const tried = (rung: RungAttempt['rung'], daysAgo: number, recoveryMs?: number): RungAttempt => ({
  rung,
  dispatchedAt: iso(NOW - daysAgo * DAY + 10_000),
  healed: recoveryMs !== undefined,
  ...(recoveryMs === undefined ? {} : { recoveryMs }),
});
const facts = (incidents: IncidentFacts[]): RollupFacts => ({ measured: [[iso(NOW - 40 * DAY), iso(NOW)]], incidents });

test('an incident’s rung tries: only restarts that were sent, each healed or not, its time to recovery from its own dispatch', () => {
  const attempts: AttemptRecord[] = [
    { attempt: 1, method: 'reinit', rung: 'reinit', outcome: 'not_recovered', detail: '', dispatchedAt: '2025-11-30T10:00:00.000Z', endedAt: '2025-11-30T10:01:00.000Z' },
    { attempt: 2, method: 'github', rung: 'full-restart', outcome: 'dispatch_failed', detail: 'withheld — remediation off' },
    { attempt: 3, method: 'github', outcome: 'recovered', detail: '', dispatchedAt: '2025-11-30T10:02:00.000Z', endedAt: '2025-11-30T10:05:30.000Z' },
    { attempt: 4, method: 'dry-run', rung: 'reinit', outcome: 'dry_run_not_recovered', detail: '', dispatchedAt: '2025-11-30T10:06:00.000Z' },
  ];
  expect(rungAttemptsOf(attempts)).toEqual([
    { rung: 'reinit', dispatchedAt: '2025-11-30T10:00:00.000Z', healed: false },
    { rung: 'full-restart', dispatchedAt: '2025-11-30T10:02:00.000Z', healed: true, recoveryMs: 210_000 },
  ]);
});

test('the report gives per rung and per target the tries, heals and time to recovery p50/p95, then overall', () => {
  const r = computeReport(
    [
      {
        target: 'desk-a',
        facts: facts([
          incident('a1', 'desk-a', 2, [tried('reinit', 2, 40_000)]),
          incident('a2', 'desk-a', 3, [tried('reinit', 3, 50_000)]),
          incident('a3', 'desk-a', 4, [tried('reinit', 4), tried('full-restart', 4, 240_000)]),
        ]),
      },
      { target: 'desk-b', facts: facts([incident('b1', 'desk-b', 1, [tried('full-restart', 1, 180_000)])]) },
    ],
    30,
    NOW,
  );
  expect(r.rungs).toEqual([
    expect.objectContaining({ target: 'desk-a', rung: 'reinit', tries: 3, heals: 2, successRate: 2 / 3, timeToRecovery: expect.objectContaining({ count: 2, p50Ms: 40_000, p95Ms: 50_000 }) }),
    expect.objectContaining({ target: 'desk-a', rung: 'full-restart', tries: 1, heals: 1, timeToRecovery: expect.objectContaining({ p50Ms: 240_000 }) }),
    expect.objectContaining({ target: 'desk-b', rung: 'full-restart', tries: 1, heals: 1 }),
    expect.objectContaining({ rung: 'reinit', tries: 3, heals: 2 }),
    expect.objectContaining({ rung: 'full-restart', tries: 2, heals: 2, timeToRecovery: expect.objectContaining({ p50Ms: 180_000, p95Ms: 240_000 }) }),
  ]);
  expect(r.rungs?.some((f) => f.flag)).toBe(false);
  const text = formatReport(r);
  expect(text).toMatch(/^desk-a\s+reinit\s+3\s+2\s+67%\s+p50 40s, p95 50s\s+2\/3\s*$/m);
  expect(text).toMatch(/^OVERALL\s+full-restart\s+2\s+2\s+100%/m);
});

test(`a rung whose success rate over the last 30 days fell below ${RUNG_SUCCESS_THRESHOLD * 100}% (at least ${RUNG_MIN_TRIES} tries) is flagged: the cheap cure stopped working`, () => {
  const r = computeReport(
    [
      {
        target: 'desk-a',
        facts: facts([
          // healed well 35-40 days ago, failing now
          incident('old1', 'desk-a', 35, [tried('reinit', 35, 30_000)]),
          incident('old2', 'desk-a', 36, [tried('reinit', 36, 30_000)]),
          incident('n1', 'desk-a', 1, [tried('reinit', 1), tried('full-restart', 1, 200_000)]),
          incident('n2', 'desk-a', 2, [tried('reinit', 2), tried('full-restart', 2, 200_000)]),
          incident('n3', 'desk-a', 3, [tried('reinit', 3, 45_000)]),
        ]),
      },
    ],
    60,
    NOW,
  );
  const reinit = r.rungs?.find((f) => f.target === 'desk-a' && f.rung === 'reinit');
  expect(reinit).toMatchObject({ tries: 5, heals: 3, last30d: { tries: 3, heals: 1 } });
  expect(reinit?.flag).toBe('reinit healed 1 of 3 tries over the last 30 days (below 50%): the cheap cure stopped working, look at the VPS');
  expect(r.rungs?.find((f) => f.target === 'desk-a' && f.rung === 'full-restart')?.flag).toBeUndefined();
  expect(formatReport(r)).toContain('⚠️ reinit healed 1 of 3 tries over the last 30 days');
});

test('`autoheal incidents` names each rung tried and whether it healed', () => {
  const text = formatIncidents([incident('a3', 'desk-a', 4, [tried('reinit', 4), tried('full-restart', 4, 240_000)])]);
  expect(text).toMatch(/RUNGS/);
  expect(text).toContain('reinit ✗ → full-restart ✓');
});
