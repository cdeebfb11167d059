/**
 * An operator's acknowledgement as the incident takes it (the update's handler): reminders stop,
 * probing goes on, and the channels routed for CRITICAL hear of it (PagerDuty acknowledges the
 * page). A second acknowledgement is noted but changes nothing. Workflow code: deterministic.
 */
import { type Incident, iso } from './incident';

export function acceptAcknowledge(incident: Incident, by: string): void {
  const { view } = incident;
  if (!view.acknowledged) {
    view.acknowledged = { by, at: iso() };
    incident.alerts.channels({
      kind: 'acknowledged',
      targetId: incident.target.id,
      incidentId: incident.id,
      by,
      at: view.acknowledged.at,
    });
  }
  incident.note('acknowledged', 'ok', `acknowledged by ${by}: reminders stop, probing goes on`);
}
