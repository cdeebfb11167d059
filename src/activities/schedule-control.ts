/**
 * Control of a target's monitor schedule from workflow code: the activity the maintenance
 * window calls at its end to turn monitoring back on.
 */
import { type Client, ScheduleNotFoundError } from '@temporalio/client';
import type { ScheduleControlActivities } from '../shared/contracts';
import { monitorScheduleId } from '../shared/names';

export interface ScheduleControlDeps {
  client: Client;
}

export function createScheduleControlActivities({ client }: ScheduleControlDeps): ScheduleControlActivities {
  return {
    async unpauseMonitorSchedule(targetId, note, expectedPauseNote) {
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
