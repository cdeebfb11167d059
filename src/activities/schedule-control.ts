/**
 * Control of a target's monitor schedule from workflow code: the activity the maintenance
 * window calls at its end to turn monitoring back on.
 */
import { type Client, ScheduleNotFoundError } from '@temporalio/client';
import { monitorScheduleId } from '../shared/names';

export interface ScheduleControlDeps {
  client: Client;
}

/**
 * What `unpauseMonitorSchedule` found: `unpaused` it turned monitoring back on; `not-paused`
 * someone resumed it already; `paused-by-someone-else` the pause it was to end was replaced by
 * another one (a newer pause is left alone); `no-schedule` the schedule was deleted.
 */
export type UnpauseOutcome = 'unpaused' | 'not-paused' | 'paused-by-someone-else' | 'no-schedule';

export function createScheduleControlActivities({ client }: ScheduleControlDeps) {
  return {
    /**
     * Unpauses `autoheal-monitor-<target>` with `note`. With `expectedPauseNote`, only when the
     * schedule is still paused with that note: a window never ends a pause it did not set.
     * Idempotent (a retry after success finds it `not-paused`).
     */
    async unpauseMonitorSchedule(targetId: string, note: string, expectedPauseNote?: string): Promise<UnpauseOutcome> {
      const handle = client.schedule.getHandle(monitorScheduleId(targetId));
      try {
        const { state } = await handle.describe();
        if (!state.paused) return 'not-paused';
        if (expectedPauseNote !== undefined && state.note !== expectedPauseNote) return 'paused-by-someone-else';
        await handle.unpause(note);
        return 'unpaused';
      } catch (err) {
        if (err instanceof ScheduleNotFoundError) return 'no-schedule';
        throw err;
      }
    },
  };
}

export type ScheduleControlActivities = ReturnType<typeof createScheduleControlActivities>;
