/**
 * Recurring maintenance windows as pure functions (src/shared/maintenance-schedule.ts): when each
 * occurrence starts and ends across daylight saving changes; the targets file's `maintenance:`
 * entries and the errors that name the field and the fix; and a nightly window in the report:
 * maintenance, neither down nor unknown (src/shared/report-math.ts, over a synthetic history of
 * what the monitor records: probes outside the window, the window as maintenance).
 */
import { join } from 'node:path';
import { loadConfig } from '../src/config/load-config';
import {
  type RecurringWindow,
  currentOccurrence,
  nextOccurrence,
  occurrencesBetween,
} from '../src/shared/maintenance-schedule';
import { DAY_MS, type RollupFacts, dailyStrip, uptime } from '../src/shared/report-math';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);
const starts = (windows: RecurringWindow[], from: string, to: string) =>
  occurrencesBetween(windows, at(from), at(to)).map((o) => [iso(o.startMs), iso(o.endMs)]);

describe('occurrences across a change of clocks', () => {
  const londonNightly: RecurringWindow = { name: 'nightly backup', start: '02:30', durationMs: 30 * MINUTE, timeZone: 'Europe/London' };

  it('02:30 Europe/London daily is 02:30 UTC in winter and 01:30 UTC from the night the clocks go forward (29 March 2026)', () => {
    expect(starts([londonNightly], '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z')).toEqual([
      ['2026-03-28T02:30:00.000Z', '2026-03-28T03:00:00.000Z'],
      ['2026-03-29T01:30:00.000Z', '2026-03-29T02:00:00.000Z'],
      ['2026-03-30T01:30:00.000Z', '2026-03-30T02:00:00.000Z'],
    ]);
  });

  it('and back to 02:30 UTC from the night they go back (25 October 2026)', () => {
    expect(starts([londonNightly], '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z')).toEqual([
      ['2026-10-24T01:30:00.000Z', '2026-10-24T02:00:00.000Z'],
      ['2026-10-25T02:30:00.000Z', '2026-10-25T03:00:00.000Z'],
    ]);
  });

  const nyMorning: RecurringWindow = { name: 'desk check', days: ['sat', 'sun', 'mon'], start: '08:00', durationMs: HOUR, timeZone: 'America/New_York' };

  it('America/New_York 08:00 is 13:00 UTC before 8 March 2026 and 12:00 UTC from that Sunday, on its days only', () => {
    expect(starts([nyMorning], '2026-03-05T00:00:00Z', '2026-03-10T00:00:00Z')).toEqual([
      ['2026-03-07T13:00:00.000Z', '2026-03-07T14:00:00.000Z'],
      ['2026-03-08T12:00:00.000Z', '2026-03-08T13:00:00.000Z'],
      ['2026-03-09T12:00:00.000Z', '2026-03-09T13:00:00.000Z'],
    ]);
  });

  it('a start in the skipped hour (02:30 New York, 8 March 2026) moves forward by the gap, and lasts its real duration', () => {
    const w: RecurringWindow = { name: 'vps reboot', start: '02:30', durationMs: HOUR, timeZone: 'America/New_York' };
    expect(starts([w], '2026-03-08T00:00:00Z', '2026-03-08T23:00:00Z')).toEqual([['2026-03-08T07:30:00.000Z', '2026-03-08T08:30:00.000Z']]);
  });

  it('a start in the repeated hour (01:30 New York, 1 November 2026) is the second of the two', () => {
    const w: RecurringWindow = { name: 'vps reboot', start: '01:30', durationMs: HOUR, timeZone: 'America/New_York' };
    expect(starts([w], '2026-11-01T00:00:00Z', '2026-11-01T23:00:00Z')).toEqual([['2026-11-01T06:30:00.000Z', '2026-11-01T07:30:00.000Z']]);
  });

  it('a 2 h window across the change lasts 2 h of real time', () => {
    const w: RecurringWindow = { name: 'broker weekly', days: ['sun'], start: '00:30', durationMs: 2 * HOUR, timeZone: 'Europe/London' };
    const [o] = occurrencesBetween([w], at('2026-03-29T00:00:00Z'), at('2026-03-30T00:00:00Z'));
    expect(o && o.endMs - o.startMs).toBe(2 * HOUR);
    expect(o && iso(o.startMs)).toBe('2026-03-29T00:30:00.000Z');
  });
});

describe('the occurrence in progress and the next one', () => {
  const weekly: RecurringWindow = { name: 'broker weekly', days: ['sat'], start: '22:00', durationMs: 2 * HOUR, timeZone: 'Europe/London' };

  it('in progress from its start (inclusive) to its end (exclusive)', () => {
    expect(currentOccurrence([weekly], at('2026-12-12T21:59:59Z'))).toBeUndefined();
    expect(currentOccurrence([weekly], at('2026-12-12T22:00:00Z'))).toEqual({ name: 'broker weekly', startMs: at('2026-12-12T22:00:00Z'), endMs: at('2026-12-13T00:00:00Z') });
    expect(currentOccurrence([weekly], at('2026-12-13T00:00:00Z'))).toBeUndefined();
  });

  it('the next start is strictly after the instant, a week ahead at most', () => {
    expect(nextOccurrence([weekly], at('2026-12-07T12:00:00Z'))?.startMs).toBe(at('2026-12-12T22:00:00Z'));
    expect(nextOccurrence([weekly], at('2026-12-12T22:00:00Z'))?.startMs).toBe(at('2026-12-19T22:00:00Z'));
    expect(nextOccurrence(undefined, at('2026-12-12T22:00:00Z'))).toBeUndefined();
  });

  it('overlapping windows are one block, named after both', () => {
    const backup: RecurringWindow = { name: 'nightly backup', start: '23:30', durationMs: HOUR, timeZone: 'Europe/London' };
    expect(currentOccurrence([weekly, backup], at('2026-12-12T22:30:00Z'))).toEqual({
      name: 'broker weekly + nightly backup',
      startMs: at('2026-12-12T22:00:00Z'),
      endMs: at('2026-12-13T00:30:00Z'),
    });
  });
});

describe('the targets file', () => {
  const file = (maintenance: string) =>
    `targets:\n  - id: desk-a\n    url: http://10.0.0.1:8000\n    maintenance:\n${maintenance}`;
  const load = (maintenance: string) => loadConfig({ AUTOHEAL_TARGETS_FILE: 't.yaml' }, { readFile: () => file(maintenance) });

  it('reads weekly and daily windows, durations in ms and days by name', () => {
    const config = load(
      '      - { name: broker weekly, days: [Sat], start: "22:00", duration: 2h, timeZone: Europe/London }\n' +
        '      - name: nightly backup\n        start: "02:30"\n        duration: 30m\n        timeZone: Europe/Athens\n',
    );
    expect(config.targets[0]?.maintenance).toEqual([
      { name: 'broker weekly', days: ['sat'], start: '22:00', durationMs: 2 * HOUR, timeZone: 'Europe/London' },
      { name: 'nightly backup', start: '02:30', durationMs: 30 * MINUTE, timeZone: 'Europe/Athens' },
    ]);
  });

  it('a target without windows has none', () => {
    expect(loadConfig({ MT5_BRIDGE_URL: 'http://10.0.0.1:8000' }).targets[0]?.maintenance).toBeUndefined();
  });

  it.each([
    ['a zone that is not one', '{ name: w, start: "22:00", duration: 2h, timeZone: Europe/Londn }', /targets\.0\.maintenance\.0\.timeZone: expected an IANA time zone name such as UTC or Europe\/London/],
    ['no zone', '{ name: w, start: "22:00", duration: 2h }', /targets\.0\.maintenance\.0\.timeZone: required: the IANA time zone of start and days, such as Europe\/London/],
    ['a time that is not one', '{ name: w, start: "25:00", duration: 2h, timeZone: UTC }', /targets\.0\.maintenance\.0\.start: expected a local start time "HH:MM" \(24 h\), such as "22:00" \(quoted in YAML\); got "25:00"/],
    ['a zero duration', '{ name: w, start: "22:00", duration: 0m, timeZone: UTC }', /targets\.0\.maintenance\.0\.duration: expected a duration above zero and at most 7d, such as 30m, 2h or 1h30m; got "0m"/],
    ['a duration longer than a week', '{ name: w, start: "22:00", duration: 8d, timeZone: UTC }', /maintenance\.0\.duration: expected a duration above zero and at most 7d/],
    ['a day that is not one', '{ name: w, days: [saturnday], start: "22:00", duration: 2h, timeZone: UTC }', /targets\.0\.maintenance\.0\.days\.0: "saturnday" is not a day of the week: write mon, tue, wed, thu, fri, sat or sun/],
    ['no days listed', '{ name: w, days: [], start: "22:00", duration: 2h, timeZone: UTC }', /maintenance\.0\.days: list at least one day, such as \[sat\], or leave days out for a daily window/],
    ['no name', '{ start: "22:00", duration: 2h, timeZone: UTC }', /maintenance\.0\.name: give the window a name, such as "broker weekly"/],
    ['a misspelt field', '{ name: w, start: "22:00", duration: 2h, timezone: UTC }', /maintenance\.0/],
  ])('%s is refused, naming the field and the fix', (_what, entry, message) => {
    expect(() => load(`      - ${entry}\n`)).toThrow(message);
  });

  it('docs/targets.example.yaml declares valid windows', () => {
    const config = loadConfig({ AUTOHEAL_TARGETS_FILE: join(__dirname, '..', 'docs', 'targets.example.yaml') });
    expect(config.targets[0]?.maintenance?.map((w) => w.name)).toEqual(['broker weekly', 'nightly backup']);
  });

  it('overlapping windows are fine', () => {
    expect(() =>
      load('      - { name: a, start: "22:00", duration: 2h, timeZone: UTC }\n      - { name: b, start: "23:00", duration: 2h, timeZone: UTC }\n'),
    ).not.toThrow();
  });
});

describe('a nightly window in the report', () => {
  it('is maintenance, neither down nor unknown, and uptime stays 100 %', () => {
    const nightly: RecurringWindow = { name: 'nightly backup', start: '02:30', durationMs: 30 * MINUTE, timeZone: 'Europe/London' };
    const from = at('2026-03-27T00:00:00Z');
    const now = at('2026-03-31T00:00:00Z');
    // What the monitor records: probes up to each window's start and from its end, the window as maintenance.
    const windows = occurrencesBetween([nightly], from, now);
    expect(windows).toHaveLength(4); // 27, 28, 29 (clocks forward), 30 March
    const measured: Array<[string, string]> = [];
    let probedFrom = from;
    for (const w of windows) {
      measured.push([iso(probedFrom), iso(w.startMs)]);
      probedFrom = w.endMs;
    }
    measured.push([iso(probedFrom), iso(now)]);
    const facts: RollupFacts = {
      measured,
      maintenance: windows.map((w): [string, string] => [iso(w.startMs), iso(w.endMs)]),
      incidents: [],
      maxGapMs: 30_000,
    };
    const figures = uptime(facts, [from, now], now);
    expect(figures).toMatchObject({ maintenanceMs: 4 * 30 * MINUTE, downMs: 0, unknownMs: 0, uptimePct: 100 });
    expect(figures.errorBudgetLeftMs).toBe(figures.errorBudgetMs);
    // Each day: 30 minutes of maintenance, the rest up.
    for (const day of dailyStrip(facts, 5, now).slice(0, 4)) {
      expect(day).toMatchObject({ maintenanceMs: 30 * MINUTE, downMs: 0, unknownMs: 0, upMs: DAY_MS - 30 * MINUTE });
    }
  });
});
