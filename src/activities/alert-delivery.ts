/**
 * The activity that hands alerts to a target's alertDeliveryWorkflow (see
 * src/workflows/alerting/alert-delivery.ts): a signal-with-start, so the first hand-over starts it.
 * Workflow code cannot signal-with-start by itself, hence this small activity.
 *
 * It is also where routing happens: a `route` delivery (an event for the channels, whose routes
 * only the worker knows) becomes one `channel` delivery per channel ALERT_ROUTES names for it,
 * each with its own id and its own retries; an event routed nowhere is dropped here.
 */
import type { Client } from '@temporalio/client';
import { channelDelivery } from '../shared/alert-policy';
import type { AlertChannelName, AlertDelivery, AlertDeliveryActivities, ChannelEvent } from '../shared/contracts';
import { alertDeliveryWorkflowId } from '../shared/names';
import { alertDeliveryWorkflow, alertsHandedOverSignal } from '../workflows/alerting/alert-delivery';

export interface AlertDeliveryActivityDeps {
  client: Client;
  /** The task queue the delivery workflows run on (the worker's): also the deployment their ids are named in. */
  taskQueue: string;
  /** The channels an event goes to (ALERT_ROUTES); default none. */
  route?: (event: ChannelEvent) => AlertChannelName[];
}

/** Each `route` delivery replaced by one delivery per routed channel. */
export function expandRoutes(
  deliveries: AlertDelivery[],
  route: (event: ChannelEvent) => AlertChannelName[] = () => [],
): AlertDelivery[] {
  return deliveries.flatMap((d) => (d.route ? route(d.route).map((name) => channelDelivery(name, d.route as ChannelEvent)) : [d]));
}

export function createAlertDeliveryActivities({
  client,
  taskQueue,
  route,
}: AlertDeliveryActivityDeps): AlertDeliveryActivities {
  return {
    async handOverAlerts(targetId, handed) {
      const deliveries = expandRoutes(handed, route);
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
