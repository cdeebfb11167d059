/**
 * The per-condition rules of the warning watch (warnings.ts): the hold, one email per reminder
 * interval, episodes, clearing and forgetting. It decides which conditions are due for an email;
 * the watch sends them. The policy is the watch's current one, which a monitor's observation can
 * change (WARNING_HOLD, REMINDER_INTERVAL re-applied at a worker start). Workflow-safe: pure,
 * times are passed in.
 */
import type { WarningCondition } from '../../shared/alert-conditions';

/** One tracked condition, carried across continue-as-new. */
export interface TrackedWarning {
  key: string;
  issue: string;
  episodeId: string;
  /** Workflow time (ms) of the episode's first sighting. */
  since: number;
  lastSeen: number;
  /** Workflow time (ms) of the last email about the condition; 0 while none was sent (held). */
  lastEmailAt: number;
  /** Emails sent in this episode (1 = the first; 0 = observed, held, not emailed yet). */
  emails: number;
  /**
   * Workflow time (ms) the current unbroken run of sightings began (no gap over `clearAfterMs`):
   * the hold counts from it. Absent in state carried from before the hold: `since` stands in.
   */
  seenSince?: number;
}

/** The WARNING policy of a target as the watch applies it (all durations in ms). */
export interface WarningRules {
  /** Minimum time between two emails about one condition (REMINDER_INTERVAL). */
  reminderIntervalMs: number;
  /** Emailed only once observed without a break this long (WARNING_HOLD); 0: at once. */
  holdMs: number;
  /** Not observed this long: cleared. */
  clearAfterMs: number;
}

export class WarningTracker {
  readonly tracked: Map<string, TrackedWarning>;

  constructor(
    carried: TrackedWarning[],
    private readonly rules: WarningRules,
  ) {
    this.tracked = new Map(carried.map((t) => [t.key, t]));
  }

  /** Records the sightings; returns the conditions due for an email now (counted as emailed). */
  observe(conditions: WarningCondition[], now: number): TrackedWarning[] {
    const { clearAfterMs, reminderIntervalMs, holdMs } = this.rules;
    const due: TrackedWarning[] = [];
    for (const c of conditions) {
      let t = this.tracked.get(c.key);
      if (!t) {
        t = {
          key: c.key,
          issue: c.issue,
          episodeId: `${c.key}@${now}`,
          since: now,
          seenSince: now,
          lastSeen: now,
          lastEmailAt: 0,
          emails: 0,
        };
        this.tracked.set(c.key, t);
      } else if (now - t.lastSeen > clearAfterMs) {
        t.seenSince = now; // it cleared in between: the hold starts over
        if (t.emails === 0) Object.assign(t, { episodeId: `${c.key}@${now}`, since: now });
      }
      t.issue = c.issue;
      t.lastSeen = now;
      const seenSince = t.seenSince ?? t.since;
      if (now - seenSince < holdMs) continue; // not observed long enough to be news
      if (t.emails > 0 && now - t.lastEmailAt < reminderIntervalMs) continue; // one email per interval
      // first email of an episode: never emailed, or cleared since the last email
      if (t.emails === 0 || seenSince > t.lastEmailAt)
        Object.assign(t, { episodeId: `${c.key}@${seenSince}`, since: seenSince, emails: 0 });
      t.emails += 1;
      t.lastEmailAt = now;
      due.push(t);
    }
    return due;
  }

  /** Forgets conditions that cleared and whose email window has passed (held ones: once cleared). */
  forget(now: number): void {
    const { clearAfterMs, reminderIntervalMs } = this.rules;
    for (const [key, t] of this.tracked) {
      if (now - t.lastSeen > clearAfterMs && now - t.lastEmailAt >= reminderIntervalMs) this.tracked.delete(key);
    }
  }

  /** How long until the next condition may be forgotten; undefined when none is tracked. */
  nextForgetIn(now: number): number | undefined {
    const { clearAfterMs, reminderIntervalMs } = this.rules;
    const times = [...this.tracked.values()].map(
      (t) => Math.max(t.lastSeen + clearAfterMs + 1, t.lastEmailAt + reminderIntervalMs) - now,
    );
    return times.length ? Math.max(1_000, Math.min(...times)) : undefined;
  }

  /** Copies of the tracked conditions (the query, and the state carried across continue-as-new). */
  list(): TrackedWarning[] {
    return [...this.tracked.values()].map((t) => ({ ...t }));
  }
}
