/**
 * `createActivities` of the style guide, for the real worker: every activity, each group built
 * by its factory over clients made here from the configuration. Secrets go into those clients
 * and nowhere else.
 */
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { alertActivitiesFromConfig } from '../activities/alerts';
import { createLedgerActivities } from '../activities/ledger';
import { createProbeActivities } from '../activities/probe/index';
import { createRemediationActivities, remediationDepsFromConfig } from '../activities/remediation';
import { createScheduleControlActivities } from '../activities/schedule-control';

export function buildActivities({ config, log, client }: { config: AppConfig; log: Logger; client: Client }) {
  return {
    ...createProbeActivities({}),
    ...alertActivitiesFromConfig(config, { client, log: log.child({ component: 'alerts' }) }),
    ...createRemediationActivities(remediationDepsFromConfig(config, log.child({ component: 'remediation' }))),
    ...createLedgerActivities({ client, taskQueue: config.temporal.taskQueue }),
    ...createScheduleControlActivities({ client }),
  };
}

export type AutohealActivities = ReturnType<typeof buildActivities>;
