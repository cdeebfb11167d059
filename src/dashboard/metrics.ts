/**
 * Prometheus metrics of the dashboard, on a registry of its own, set from the same status read
 * the page shows (so they never disagree with it).
 */
import { Gauge, Registry } from 'prom-client';
import type { DashboardStatus } from './types';

/** HEALTHY 0, WARNING 1, CRITICAL 2; a target whose status is unknown has no sample. */
export const SEVERITY_VALUE = { HEALTHY: 0, WARNING: 1, CRITICAL: 2 } as const;

export interface DashboardMetrics {
  registry: Registry;
  /** Replaces every sample with what this status says. */
  update(status: DashboardStatus): void;
}

export function createDashboardMetrics(): DashboardMetrics {
  const registry = new Registry();
  const severity = new Gauge({
    name: 'autoheal_target_severity',
    help: 'Severity of the latest monitor run: 0 HEALTHY, 1 WARNING, 2 CRITICAL (no sample when unknown)',
    labelNames: ['target'],
    registers: [registry],
  });
  const incidentOpen = new Gauge({
    name: 'autoheal_incident_open',
    help: '1 while the target has an open incident (HEALING or ESCALATED), else 0',
    labelNames: ['target'],
    registers: [registry],
  });
  const escalated = new Gauge({
    name: 'autoheal_incident_escalated',
    help: '1 while the target has an ESCALATED incident, else 0',
    labelNames: ['target'],
    registers: [registry],
  });
  const probeAge = new Gauge({
    name: 'autoheal_target_last_probe_age_seconds',
    help: 'Age of the latest completed probe of the target, seconds',
    labelNames: ['target'],
    registers: [registry],
  });
  const reachable = new Gauge({
    name: 'autoheal_temporal_reachable',
    help: '1 when the last status read reached Temporal, else 0 (target samples are then absent)',
    registers: [registry],
  });
  const feedReadable = new Gauge({
    name: 'autoheal_notifications_readable',
    help: '1 when the last read of the in-app feed succeeded, else 0 (autoheal_notifications_unread is then 0)',
    registers: [registry],
  });
  const unread = new Gauge({
    name: 'autoheal_notifications_unread',
    help: 'Unread in-app notifications among the newest shown on the dashboard',
    registers: [registry],
  });

  return {
    registry,
    update(status) {
      for (const g of [severity, incidentOpen, escalated, probeAge]) g.reset();
      reachable.set(status.temporal.reachable ? 1 : 0);
      feedReadable.set(status.notifications.available ? 1 : 0);
      unread.set(status.notifications.available ? status.notifications.unread : 0);
      if (status.stale) return; // honest: no figures from a read that did not happen
      const nowMs = Date.parse(status.generatedAt);
      for (const t of status.targets) {
        if (t.severity !== 'UNKNOWN') severity.set({ target: t.id }, SEVERITY_VALUE[t.severity]);
        const open = t.incident?.open === true;
        incidentOpen.set({ target: t.id }, open ? 1 : 0);
        escalated.set({ target: t.id }, open && t.incident?.status === 'ESCALATED' ? 1 : 0);
        if (t.checkedAt)
          probeAge.set({ target: t.id }, Math.max(0, (nowMs - Date.parse(t.checkedAt)) / 1000));
      }
    },
  };
}
