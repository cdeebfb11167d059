/** The fleet the breaker watches: this worker's targets and FLEET_BREAKER (default 3/5m). */
import type { AppConfig } from '../config/load-config';
import type { FleetSettings } from '../shared/contracts';

export const DEFAULT_FLEET_BREAKER = { count: 3, windowMs: 5 * 60_000 };

export function fleetOf(config: Pick<AppConfig, 'targets' | 'fleetBreaker'>): FleetSettings {
  return {
    targetIds: config.targets.map((tc) => tc.target.id),
    rule: config.fleetBreaker ?? DEFAULT_FLEET_BREAKER,
  };
}
