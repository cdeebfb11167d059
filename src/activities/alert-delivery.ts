/**
 * The activity that hands alerts to a target's alertDeliveryWorkflow (see
 * src/workflows/alerting/alert-delivery.ts): a signal-with-start, so the first hand-over starts it.
 * Workflow code cannot signal-with-start by itself, hence this small activity.
 */
import type { Client } from '@temporalio/client';
import type { AlertDeliveryActivities } from '../shared/contracts';
import { alertDeliveryWorkflowId } from '../shared/names';
import { alertDeliveryWorkflow, alertsHandedOverSignal } from '../workflows/alerting/alert-delivery';

export interface AlertDeliveryActivityDeps {
  client: Client;
  /** The task queue the delivery workflows run on (the worker's): also the deployment their ids are named in. */
  taskQueue: string;
}

export function createAlertDeliveryActivities({
  client,
  taskQueue,
}: AlertDeliveryActivityDeps): AlertDeliveryActivities {
  return {
    async handOverAlerts(targetId, deliveries) {
      if (!deliveries.length) return;
      await client.workflow.signalWithStart(alertDeliveryWorkflow, {
        workflowId: alertDeliveryWorkflowId(targetId, taskQueue),
        taskQueue,
        args: [{ targetId }],
        signal: alertsHandedOverSignal,
        signalArgs: [deliveries],
      });
    },
  };
}
