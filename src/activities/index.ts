/**
 * `createActivities(deps)`: every activity the worker registers, each group built by its
 * factory over injected dependencies. The worker builds the dependencies from the
 * configuration (src/workers/build-activities.ts). What they return is the contract workflows
 * proxy, `Activities` in src/shared/contracts/: workflow code needs nothing from this folder.
 */
import { type AlertDeliveryActivityDeps, createAlertDeliveryActivities } from './alert-delivery';
import { type AlertActivitiesDeps, createAlertActivities } from './alerts';
import { createLedgerActivities, type LedgerActivityDeps } from './ledger';
import { createProbeActivities, type ProbeDeps } from './probe';
import { createRemediationActivities, type RemediationDeps } from './remediation';
import { probedSpansRecorder } from './rollup';
import type { Activities } from '../shared/contracts';

export interface ActivityDeps {
  probe: ProbeDeps;
  alerts: AlertActivitiesDeps;
  remediation: RemediationDeps;
  ledger: LedgerActivityDeps;
  /** Default: the ledger's client and task queue. */
  alertDelivery?: AlertDeliveryActivityDeps;
}

export function createActivities(deps: ActivityDeps): Activities {
  return {
    // The watch records its probes' coverage in the target's roll-up, through the ledger's client.
    ...createProbeActivities({ recordProbed: probedSpansRecorder(deps.ledger), ...deps.probe }),
    ...createAlertActivities(deps.alerts),
    ...createRemediationActivities(deps.remediation),
    ...createLedgerActivities(deps.ledger),
    ...createAlertDeliveryActivities(deps.alertDelivery ?? deps.ledger),
  };
}
