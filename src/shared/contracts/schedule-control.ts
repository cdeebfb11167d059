/** The schedule-control activity's contract: how the maintenance window's end turns the monitor schedule back on. */

/**
 * What `unpauseMonitorSchedule` found: `unpaused` it turned monitoring back on; `not-paused`
 * someone resumed it already; `paused-by-someone-else` the pause it was to end was replaced by
 * another one (a newer pause is left alone); `no-schedule` the schedule was deleted.
 */
export type UnpauseOutcome = 'unpaused' | 'not-paused' | 'paused-by-someone-else' | 'no-schedule';

export interface ScheduleControlActivities {
  /**
   * Unpauses `autoheal-monitor-<target>` with `note`. With `expectedPauseNote`, only when the
   * schedule is still paused with that note: a window never ends a pause it did not set.
   * Idempotent (a retry after success finds it `not-paused`).
   */
  unpauseMonitorSchedule(targetId: string, note: string, expectedPauseNote?: string): Promise<UnpauseOutcome>;
}
