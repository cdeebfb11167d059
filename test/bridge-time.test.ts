/** Bridge timestamps → epoch ms: src/activities/probe/bridge-time.ts, with MT5_BRIDGE_TIMEZONE. */
import { parseBridgeTime } from '../src/activities/probe/bridge-time';

describe('parseBridgeTime with a bridge time zone', () => {
  it('reads a time without offset as wall-clock time in the zone (daylight saving included)', () => {
    // Athens is UTC+2 in winter (EET), UTC+3 in summer (EEST).
    expect(parseBridgeTime('2025-10-31T13:26:38', 'Europe/Athens')).toBe(Date.UTC(2025, 9, 31, 11, 26, 38));
    expect(parseBridgeTime('2025-07-01 15:00:00.250', 'Europe/Athens')).toBe(Date.UTC(2025, 6, 1, 12, 0, 0, 250));
    expect(parseBridgeTime('2025-07-01T08:00:00', 'America/New_York')).toBe(Date.UTC(2025, 6, 1, 12, 0, 0));
    expect(parseBridgeTime('2025-10-31T11:26:38')).toBe(Date.UTC(2025, 9, 31, 11, 26, 38)); // default UTC
  });

  it('an explicit offset or Z wins over the zone; epoch numbers have no zone', () => {
    expect(parseBridgeTime('2025-10-31T11:26:38Z', 'Europe/Athens')).toBe(Date.UTC(2025, 9, 31, 11, 26, 38));
    expect(parseBridgeTime('2025-10-31T13:26:38+02:00', 'America/New_York')).toBe(Date.UTC(2025, 9, 31, 11, 26, 38));
    expect(parseBridgeTime(1761909998, 'Europe/Athens')).toBe(1761909998000);
    expect(parseBridgeTime('1761909998.5', 'Europe/Athens')).toBe(1761909998500);
  });

  it('a time in the spring-forward gap moves forward; the repeated autumn hour is read as its second pass', () => {
    // 2025-03-30 03:30 does not exist in Athens (03:00 → 04:00): read as 04:30 EEST.
    expect(parseBridgeTime('2025-03-30T03:30:00', 'Europe/Athens')).toBe(Date.UTC(2025, 2, 30, 1, 30));
    // 2025-10-26 03:30 happens twice (04:00 EEST → 03:00 EET): read as 03:30 EET.
    expect(parseBridgeTime('2025-10-26T03:30:00', 'Europe/Athens')).toBe(Date.UTC(2025, 9, 26, 1, 30));
  });

  it.each(['2025-02-30T10:00:00', '2025-10-31T25:00:00', `2025-10-31T11:26:38${' '.repeat(100)}Z`, 'x'.repeat(10_000), '12:00'])(
    '%p is not a time',
    (text) => expect(parseBridgeTime(text, 'Europe/Athens')).toBeNaN(),
  );
});
