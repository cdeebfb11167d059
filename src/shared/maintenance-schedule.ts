/**
 * Recurring maintenance windows (a weekly broker slot, a nightly VPS backup), declared per target
 * in AUTOHEAL_TARGETS_FILE (`maintenance:`, src/config/targets-file.ts) and kept by the target's
 * monitor as pauses `by: "schedule"` (src/workflows/target-monitor). Pure and workflow-safe: every
 * function takes its instant as an argument; luxon applies the zone's daylight saving rules.
 *
 * - A window starts at `start` (local HH:MM in `timeZone`) on each of its `days` (local days;
 *   absent: every day) and lasts `durationMs` of real time: a 2 h window is 2 h long even on the
 *   night the clocks change.
 * - A start inside the hour skipped when clocks go forward (02:30 in New York on the second Sunday
 *   of March) is moved forward by the gap (03:30 local); a start inside the hour repeated when
 *   clocks go back (01:30 in New York on the first Sunday of November) is the second of the two.
 * - Overlapping or touching occurrences (two windows, or a window longer than its period) are one
 *   block: the monitor stays paused from the first start to the last end, named after each.
 */
import { DateTime } from 'luxon';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** One declared window, as the monitor is given it. */
export interface RecurringWindow {
  /** Shown as the pause's reason ("broker weekly"). */
  name: string;
  /** Local days of the week the window starts on; absent: every day. */
  days?: Weekday[];
  /** Local start time, "HH:MM" (24 h), in `timeZone`. */
  start: string;
  /** Length in real time, ms (above zero, at most MAX_WINDOW_MS). */
  durationMs: number;
  /** IANA zone of `start` and `days`. */
  timeZone: string;
}

/** One occurrence of one or more windows (a block of overlapping ones). */
export interface WindowOccurrence {
  /** The window's name; several overlapping windows: their names joined by " + ". */
  name: string;
  startMs: number;
  endMs: number;
}

/** The longest window: a week (a longer one would never end). */
export const MAX_WINDOW_MS = 7 * 86_400_000;

const DAY_MS = 86_400_000;

/** "22:00" → [22, 0]; undefined when not a 24 h local time. */
export function parseLocalTime(text: string): [number, number] | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Occurrences of one window that start within [fromMs, toMs), oldest first. */
function startsOf(window: RecurringWindow, fromMs: number, toMs: number): WindowOccurrence[] {
  const time = parseLocalTime(window.start);
  if (!time || !(window.durationMs > 0)) return [];
  const [hour, minute] = time;
  const out: WindowOccurrence[] = [];
  // Local days from the day before `fromMs` to the day after `toMs` (a zone is at most ±14 h off UTC).
  let day = DateTime.fromMillis(fromMs - DAY_MS, { zone: window.timeZone }).startOf('day');
  if (!day.isValid) return [];
  const lastDayMs = toMs + DAY_MS;
  while (day.toMillis() <= lastDayMs) {
    const weekday = WEEKDAYS[day.weekday - 1] as Weekday;
    if (!window.days || window.days.includes(weekday)) {
      const at = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour, minute }, { zone: window.timeZone });
      const startMs = at.toMillis();
      if (startMs >= fromMs && startMs < toMs) out.push({ name: window.name, startMs, endMs: startMs + window.durationMs });
    }
    day = day.plus({ days: 1 });
  }
  return out;
}

/**
 * Every occurrence that overlaps [fromMs, toMs), overlapping ones merged into blocks, oldest
 * first (the blocks are not clipped to the range).
 */
export function occurrencesBetween(windows: RecurringWindow[] | undefined, fromMs: number, toMs: number): WindowOccurrence[] {
  if (!windows?.length || !(toMs > fromMs)) return [];
  const longest = Math.max(...windows.map((w) => Math.min(w.durationMs, MAX_WINDOW_MS)));
  // Start a little earlier: a block that began before `fromMs` may chain through several windows.
  const all = windows
    .flatMap((w) => startsOf(w, fromMs - 2 * longest, toMs))
    .sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const blocks: WindowOccurrence[] = [];
  for (const o of all) {
    const last = blocks[blocks.length - 1];
    if (last && o.startMs <= last.endMs) {
      last.endMs = Math.max(last.endMs, o.endMs);
      if (!last.name.split(' + ').includes(o.name)) last.name = `${last.name} + ${o.name}`;
    } else blocks.push({ ...o });
  }
  return blocks.filter((b) => b.endMs > fromMs && b.startMs < toMs);
}

/**
 * The occurrence in progress at `nowMs` (start inclusive, end exclusive), if any, with the
 * windows that start during it and overlap it (one block, up to 8 days ahead).
 */
export function currentOccurrence(windows: RecurringWindow[] | undefined, nowMs: number): WindowOccurrence | undefined {
  return occurrencesBetween(windows, nowMs, nowMs + 8 * DAY_MS).find((o) => o.startMs <= nowMs && nowMs < o.endMs);
}

/** The first occurrence that starts strictly after `afterMs` (within the next 8 days: every window recurs weekly at least). */
export function nextOccurrence(windows: RecurringWindow[] | undefined, afterMs: number): WindowOccurrence | undefined {
  return occurrencesBetween(windows, afterMs + 1, afterMs + 8 * DAY_MS).find((o) => o.startMs > afterMs);
}

/** "Sat 22:00 Europe/London for 2h" / "daily 02:30 Europe/London for 30m": how the views describe a window. */
export function describeWindow(w: RecurringWindow, formatDuration: (ms: number) => string): string {
  const days = w.days?.length ? w.days.map((d) => d[0]?.toUpperCase() + d.slice(1)).join(', ') : 'daily';
  return `${w.name}: ${days} ${w.start} ${w.timeZone} for ${formatDuration(w.durationMs)}`;
}

/**
 * The target's windows at `nowMs` in one sentence, for the dashboard and the CLI: the occurrence
 * in progress (if any) and the next one. Undefined without windows.
 */
export function windowSummary(windows: RecurringWindow[] | undefined, nowMs: number): string | undefined {
  if (!windows?.length) return undefined;
  const current = currentOccurrence(windows, nowMs);
  const next = nextOccurrence(windows, current ? current.endMs - 1 : nowMs);
  const span = (o: WindowOccurrence) => `"${o.name}" ${new Date(o.startMs).toISOString()} → ${new Date(o.endMs).toISOString()}`;
  return [
    current ? `scheduled maintenance window in progress: ${span(current)}` : undefined,
    next ? `next maintenance window: ${span(next)}` : undefined,
  ]
    .filter(Boolean)
    .join('; ');
}
