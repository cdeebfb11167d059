/**
 * The worker's activities: `createActivities` over dependencies built here from the
 * configuration. Secrets go into those clients and nowhere else.
 */
import type { Client } from '@temporalio/client';
import { createActivities } from '../activities';
import type { AppConfig } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { alertDepsFromConfig } from './alert-deps-from-config';
import { buildChannels } from '../activities/alerts/channels';
import { fleetOf } from './fleet-from-config';
import { remediationDepsFromConfig } from './remediation-deps-from-config';
import { readRemediationSwitch } from '../shared/remediation-switch';
import { readDigest } from '../client/digest';
import { digestSourcesFromConfig } from './digest-sources';
import type { GithubAnswerObserver } from '../activities/remediation/create-octokit';

export function buildActivities({
  config,
  log,
  client,
  onGithubAnswer,
}: {
  config: AppConfig;
  log: Logger;
  client: Client;
  /** Told of every GitHub answer the remediation gets (GITHUB_TOKEN health). */
  onGithubAnswer?: GithubAnswerObserver;
}) {
  return createActivities({
    probe: {},
    alerts: alertDepsFromConfig(config, { client, log: log.child({ component: 'alerts' }) }),
    channels: {
      channels: buildChannels(config.channels, { dashboardUrl: config.dashboard.url }),
      routes: config.channels?.routes ?? {},
    },
    remediation: {
      ...remediationDepsFromConfig(config, log.child({ component: 'remediation' }), { onGithubAnswer }),
      readSwitch: () => readRemediationSwitch(client, config.temporal.taskQueue),
    },
    ledger: { client, taskQueue: config.temporal.taskQueue, fleet: fleetOf(config) },
    digest: {
      readDigest: (period, now) =>
        readDigest(
          client,
          config.temporal.taskQueue,
          config.targets,
          { period, now, timeZone: config.digest?.timeZone ?? 'UTC' },
          digestSourcesFromConfig(config, log.child({ component: 'digest' }), { onGithubAnswer }),
        ),
    },
  });
}
