/**
 * The report's four states of time (up, down, unknown, maintenance) over synthetic histories:
 * recorded probe spans, maintenance windows and incidents, as the roll-up keeps them, fed to the
 * pure functions the CLI and the dashboard share (src/shared/report-math.ts).
 */
import { computeReport } from '../src/client/operator-views';
import {
  DAY_MS,
  NOT_ENOUGH_MEASURED,
  type RollupFacts,
  dailyStrip,
  incidentFigures,
  mergeIsoSpans,
  uptime,
  uptimeText,
} from '../src/shared/report-math';
import type { IncidentFacts } from '../src/shared/contracts';

const MINUTE = 60_000;
const NOW = Date.parse('2025-03-31T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const span = (from: number, to: number): [string, string] => [iso(from), iso(to)];
/** Two 15 s check intervals. */
const GAP = 30_000;
const BUDGET_30D = 30 * DAY_MS * 0.0001; // 4.32 minutes

function incident(id: string, from: number, to: number | undefined, extra: Partial<IncidentFacts> = {}): IncidentFacts {
  return {
    incidentId: id,
    targetId: 't',
    outcome: to === undefined ? 'HEALING' : 'RECOVERED',
    detectedAt: iso(from),
    openedAt: iso(from + 20_000),
    ...(to === undefined ? {} : { closedAt: iso(to) }),
    attempts: 1,
    forcedBy: [],
    autoHealed: to !== undefined,
    ...extra,
  };
}

const window30d: [number, number] = [NOW - 30 * DAY_MS, NOW];

describe('short outages while nothing was measuring', () => {
  // Thirty days probed every 15 s, except 6.5 minutes a day with no probe (the worker was down),
  // during which the bridge was down too: nobody saw it, so no incident.
  const measured: Array<[string, string]> = [];
  for (let d = 0; d < 30; d++) {
    const dayStart = NOW - 30 * DAY_MS + d * DAY_MS;
    measured.push(span(dayStart, dayStart + 3 * 3_600_000), span(dayStart + 3 * 3_600_000 + 6.5 * MINUTE, dayStart + DAY_MS));
  }
  const facts: RollupFacts = { measured: mergeIsoSpans(measured, GAP), incidents: [], maxGapMs: GAP };

  it('a gap wider than two check intervals stays out of the measured time; a gap within two intervals is joined', () => {
    expect(facts.measured).toHaveLength(31); // thirty gaps
    expect(mergeIsoSpans([span(0, 1_000), span(1_000 + GAP, 90_000)], GAP)).toEqual([span(0, 90_000)]);
    expect(mergeIsoSpans([span(0, 1_000), span(1_001 + GAP, 90_000)], GAP)).toEqual([span(0, 1_000), span(1_001 + GAP, 90_000)]);
  });

  it('is unknown, never up: 30 × 6.5 minutes unknown, uptime over the measured time, and the budget untouched', () => {
    const f = uptime(facts, window30d, NOW);
    expect(f.unknownMs).toBe(30 * 6.5 * MINUTE);
    expect(f.upMs).toBe(30 * DAY_MS - 30 * 6.5 * MINUTE);
    expect(f.downMs).toBe(0);
    expect(f.measuredMs).toBe(f.upMs);
    expect(f.uptimePct).toBe(100);
    expect(f.coveragePct).toBeCloseTo(((30 * DAY_MS - 195 * MINUTE) / (30 * DAY_MS)) * 100, 10);
    expect(f.enoughCoverage).toBe(true);
    // unknown time never spends the budget
    expect(f.errorBudgetMs).toBeCloseTo(BUDGET_30D, 6);
    expect(f.errorBudgetLeftMs).toBeCloseTo(BUDGET_30D, 6);
    expect(uptimeText(f)).toBe('100.000% (coverage 99.5%)');
  });
});

describe('a paused day', () => {
  const day3 = Math.floor((NOW - 10 * DAY_MS) / DAY_MS) * DAY_MS;
  const facts: RollupFacts = {
    measured: [span(NOW - 30 * DAY_MS, day3), span(day3 + DAY_MS, NOW)],
    maintenance: [span(day3, day3 + DAY_MS)],
    incidents: [],
    maxGapMs: GAP,
  };

  it('is maintenance: not down, not up, not unknown, and no budget spent', () => {
    const f = uptime(facts, window30d, NOW);
    expect(f.maintenanceMs).toBe(DAY_MS);
    expect(f.downMs).toBe(0);
    expect(f.unknownMs).toBe(0);
    expect(f.upMs).toBe(29 * DAY_MS);
    expect(f.uptimePct).toBe(100);
    expect(f.errorBudgetLeftMs).toBeCloseTo(BUDGET_30D, 6);
    const cell = dailyStrip(facts, 30, NOW).find((c) => c.day === iso(day3).slice(0, 10));
    expect(cell).toEqual({ day: iso(day3).slice(0, 10), upMs: 0, downMs: 0, unknownMs: 0, maintenanceMs: DAY_MS, measuredMs: 0 });
  });

  it('an incident open during the pause stays down: a pause does not hide an outage', () => {
    const withIncident = { ...facts, incidents: [incident('A', day3 + 3_600_000, day3 + 3_600_000 + 2 * MINUTE)] };
    const f = uptime(withIncident, window30d, NOW);
    expect(f.downMs).toBe(2 * MINUTE);
    expect(f.maintenanceMs).toBe(DAY_MS - 2 * MINUTE);
    expect(f.upMs).toBe(29 * DAY_MS);
    expect(f.errorBudgetLeftMs).toBeCloseTo(BUDGET_30D - 2 * MINUTE, 6);
  });
});

describe('a fresh install', () => {
  // The product was installed two minutes ago: its monitor has probed since then (not yet in the
  // roll-up: the watch's current run, read from its heartbeat).
  const facts: RollupFacts = {
    measured: [],
    incidents: [],
    maxGapMs: GAP,
    live: { probingSince: iso(NOW - 2 * MINUTE), lastProbeAt: iso(NOW - 5_000), fresh: true },
  };

  it('the time before the first probe is unknown; uptime is over the measured part, and the low coverage is said', () => {
    for (const days of [1, 7, 30]) {
      const f = uptime(facts, [NOW - days * DAY_MS, NOW], NOW);
      expect(f.unknownMs).toBe(days * DAY_MS - 2 * MINUTE);
      expect(f.upMs).toBe(2 * MINUTE);
      expect(f.uptimePct).toBe(100);
      expect(f.enoughCoverage).toBe(false);
      expect(f.errorBudgetLeftMs).toBeGreaterThan(0);
      expect(f.errorBudgetLeftMs).toBeCloseTo(f.errorBudgetMs, 6);
      expect(uptimeText(f)).toMatch(new RegExp(`^${NOT_ENOUGH_MEASURED} \\(coverage (<0\\.1|0\\.1)%\\)$`));
    }
  });

  it('the report and its overall line: no negative budget, no precise-looking percentage', () => {
    const r = computeReport([{ target: 'fresh', facts }], 30, NOW);
    expect(r.targets[0]?.period).toMatchObject({ enoughCoverage: false, downMs: 0, upMs: 2 * MINUTE });
    expect(r.overall.period.errorBudgetLeftMs).toBeCloseTo(BUDGET_30D, 6);
    expect(uptimeText(r.overall.uptime['24h'])).toContain(NOT_ENOUGH_MEASURED);
  });

  it('a monitor whose last probe is stale vouches only for the time it probed, not up to now', () => {
    const stale: RollupFacts = { ...facts, live: { probingSince: iso(NOW - 10 * MINUTE), lastProbeAt: iso(NOW - 8 * MINUTE), fresh: false } };
    expect(uptime(stale, [NOW - DAY_MS, NOW], NOW).upMs).toBe(2 * MINUTE);
  });

  it('nothing measured at all: no uptime figure, and the full budget', () => {
    const f = uptime({ measured: [], incidents: [] }, window30d, NOW);
    expect(f).toMatchObject({ uptimePct: null, coveragePct: 0, enoughCoverage: false, unknownMs: 30 * DAY_MS });
    expect(f.errorBudgetLeftMs).toBeCloseTo(BUDGET_30D, 6);
  });
});

describe('an outage spanning the edge of the period', () => {
  const edge = NOW - 30 * DAY_MS;
  const facts: RollupFacts = {
    measured: [span(edge - DAY_MS, NOW)],
    incidents: [incident('edge', edge - 20 * MINUTE, edge + 10 * MINUTE), incident('open', NOW - 3 * MINUTE, undefined)],
    maxGapMs: GAP,
  };

  it('counts only the part inside the period (and an open incident up to now)', () => {
    const f = uptime(facts, window30d, NOW);
    expect(f.downMs).toBe(10 * MINUTE + 3 * MINUTE);
    expect(f.upMs).toBe(30 * DAY_MS - 13 * MINUTE);
    expect(f.unknownMs).toBe(0);
    expect(f.uptimePct).toBeCloseTo(((30 * DAY_MS - 13 * MINUTE) / (30 * DAY_MS)) * 100, 10);
    expect(f.errorBudgetLeftMs).toBeCloseTo(BUDGET_30D - 13 * MINUTE, 6); // real downtime may overspend it
    // the period before the edge holds the rest
    expect(uptime(facts, [edge - DAY_MS, edge], NOW).downMs).toBe(20 * MINUTE);
  });
});

describe('MTTD and downtime', () => {
  it('count from the first CRITICAL sighting (detectedAt): MTTD to the opening, MTTR to the close', () => {
    const t0 = NOW - DAY_MS;
    const figures = incidentFigures([incident('A', t0, t0 + 4 * MINUTE, { openedAt: iso(t0 + 12_000) })]);
    expect(figures.mttd).toEqual({ count: 1, p50Ms: 12_000, p95Ms: 12_000, maxMs: 12_000 });
    expect(figures.mttr.maxMs).toBe(4 * MINUTE);
  });
});
