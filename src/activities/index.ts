/**
 * `createActivities(deps)`: every activity the worker registers, each group built by its
 * factory over injected dependencies. The worker builds the dependencies from the
 * configuration (src/workers/build-activities.ts). What they return is the contract workflows
 * proxy, `Activities` in src/shared/contracts/: workflow code needs nothing from this folder.
 */
import { type AlertDeliveryActivityDeps, createAlertDeliveryActivities } from './alert-delivery';
import { type AlertActivitiesDeps, createAlertActivities } from './alerts';
import { type AlertChannels, channelsFor, createChannelActivities } from './alerts/channels';
import type { AlertRoutes } from '../config/alert-channels';
import { routeDelivery } from '../shared/alert-policy';
import { createDigestActivities, type DigestActivityDeps } from './digest';
import { createLedgerActivities, type LedgerActivityDeps } from './ledger';
import { createProbeActivities, type ProbeDeps } from './probe';
import { createRemediationActivities, type RemediationDeps } from './remediation';
import { probedSpansRecorder } from './rollup';
import type { Activities, AlertEvent } from '../shared/contracts';

/** The alert channels besides email, built by the worker with their secrets, and their routes. */
export interface ChannelsDeps {
  channels: AlertChannels;
  routes: AlertRoutes;
}

export interface ActivityDeps {
  probe: ProbeDeps;
  alerts: AlertActivitiesDeps;
  remediation: RemediationDeps;
  ledger: LedgerActivityDeps;
  /** Default: the ledger's client and task queue. */
  alertDelivery?: AlertDeliveryActivityDeps;
  /** Default: none (every alert goes by email and in-app only). */
  channels?: ChannelsDeps;
  /** The digest's reader; absent: a digest says its figures could not be read. */
  digest?: DigestActivityDeps;
}

/** How many routed events a worker remembers having handed over (a retried email does not hand them over again). */
const ROUTED_MEMORY = 1_000;

/**
 * The alert activities with the channels wired in: `sendAlertEmail` hands each event to the
 * channels its route names (through `handOverAlerts`, into the target's alertDeliveryWorkflow)
 * before it sends the email, and `sendAlertToChannel` delivers to one channel.
 */
export function createAlertingActivities(deps: {
  alerts: AlertActivitiesDeps;
  alertDelivery: AlertDeliveryActivityDeps;
  channels?: ChannelsDeps;
}): Pick<Activities, 'sendAlertEmail' | 'notifyInApp' | 'sendAlertToChannel' | 'handOverAlerts'> {
  const routes = deps.channels?.routes ?? {};
  const route = (event: Parameters<typeof channelsFor>[0]) => channelsFor(event, routes);
  const delivery = createAlertDeliveryActivities({ ...deps.alertDelivery, route });
  // An alert event enters the worker through its email; the channels' deliveries start there.
  const routed = new Set<string>();
  const routeToChannels = async (event: AlertEvent) => {
    const handed = routeDelivery(event);
    if (!route(event).length || routed.has(handed.id)) return;
    await delivery.handOverAlerts(event.targetId, [handed]);
    routed.add(handed.id);
    if (routed.size > ROUTED_MEMORY) routed.delete(routed.values().next().value as string);
  };
  return {
    ...createAlertActivities({ ...deps.alerts, routeToChannels }),
    ...createChannelActivities({
      channels: deps.channels?.channels ?? {},
      feed: deps.alerts.feed,
      log: deps.alerts.log.child({ component: 'channels' }),
      secrets: deps.alerts.secrets,
    }),
    ...delivery,
  };
}

export function createActivities(deps: ActivityDeps): Activities {
  return {
    // The watch records its probes' coverage in the target's roll-up, through the ledger's client.
    ...createProbeActivities({ recordProbed: probedSpansRecorder(deps.ledger), ...deps.probe }),
    ...createAlertingActivities({ alerts: deps.alerts, alertDelivery: deps.alertDelivery ?? deps.ledger, channels: deps.channels }),
    ...createRemediationActivities(deps.remediation),
    ...createLedgerActivities(deps.ledger),
    ...createDigestActivities(
      deps.digest ?? {
        readDigest: () => Promise.reject(new Error('this worker was built without a digest reader')),
      },
    ),
  };
}
