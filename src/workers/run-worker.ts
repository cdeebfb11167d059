/**
 * Runs the worker until SIGINT/SIGTERM: connects to Temporal, builds the activities over their
 * injected clients, says at start what works and what is degraded, and shuts down gracefully
 * (a workflow in flight resumes on the next worker, wherever it stopped).
 */
import type { Worker } from '@temporalio/worker';
import type { AppConfig } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { configFingerprint } from '../config/fingerprint';
import { buildActivities } from './build-activities';
import { connectTemporal, type TemporalConnections } from './connect-temporal';
import { createAutohealWorker, installRuntimeLogger } from './create-worker';
import { describeStartup } from './describe-startup';
import { createDeadMansSwitch, type DeadMansSwitch } from './heartbeat/dead-mans-switch';
import { createMonitorsCurrentCheck } from './heartbeat/monitors-current-check';
import { runtimeMetricsAddress } from './runtime-metrics';
import { createWorkerMetrics } from './worker-metrics';
import { createGithubTokenWatch, type GithubTokenWatch } from './github-token-watch';
import { createOctokit } from '../activities/remediation/create-octokit';
import { createAlertDeliveryActivities } from '../activities/alert-delivery';

export interface RunningWorker {
  worker: Worker;
  connections: TemporalConnections;
  /** Resolves when the worker has stopped. */
  done: Promise<void>;
  /** GITHUB_TOKEN health, when GITHUB_TOKEN and GITHUB_REPOSITORY are set. */
  tokenWatch?: GithubTokenWatch;
  /** The dead man's switch, when HEARTBEAT_URL is set. */
  heartbeat?: DeadMansSwitch;
  /** The worker's own health as Prometheus text (heartbeat, SDK runtime), for the dashboard's /metrics. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

export async function startWorker(config: AppConfig, log: Logger, address?: string): Promise<RunningWorker> {
  const runtime = installRuntimeLogger(log, { metricsAddress: await runtimeMetricsAddress(config.workerMetrics) });
  for (const line of describeStartup(config, { runtimeMetricsAddress: runtime.metricsAddress })) log[line.level](line.text);
  const connections = await connectTemporal({ ...config.temporal, address: address ?? config.temporal.address });
  const tokenWatch = githubTokenWatch(config, log, connections.client);
  const activities = buildActivities({ config, log, client: connections.client, onGithubAnswer: tokenWatch?.observe });
  const worker = await createAutohealWorker({
    connection: connections.nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities,
    log,
    configFingerprint: configFingerprint(config),
    targets: config.targets.length,
  });
  log.info(
    { address: connections.address, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue },
    'Worker started',
  );
  const startedAtMs = Date.now();
  const heartbeat = config.heartbeat?.url
    ? createDeadMansSwitch({
        url: config.heartbeat.url,
        intervalMs: config.heartbeat.intervalMs,
        log,
        check: createMonitorsCurrentCheck({
          client: connections.checkClient,
          taskQueue: config.temporal.taskQueue,
          targets: config.targets,
          workerState: () => worker.getState(),
          startedAtMs,
        }),
      })
    : undefined;
  const metrics = createWorkerMetrics({ heartbeat, runtimeAddress: runtime.metricsAddress });
  // Nothing of the worker's own may still be calling Temporal when its connection closes: a call
  // in its retry back-off would then fail outside any caller ("Channel has been shut down").
  const done = worker
    .run()
    .finally(() => heartbeat?.stop())
    .finally(async () => {
      tokenWatch?.stop();
      await tokenWatch?.settled();
    })
    .finally(() => connections.close());
  heartbeat?.start();
  tokenWatch?.start();
  let stopping: Promise<void> | undefined;
  return {
    worker,
    connections,
    done,
    heartbeat,
    tokenWatch,
    metrics: () => metrics.text(),
    stop() {
      stopping ??= (async () => {
        tokenWatch?.stop();
        await heartbeat?.stop();
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await done;
      })();
      return stopping;
    },
  };
}

/** The GITHUB_TOKEN watch: its warnings go to the product's alert delivery (email + in-app). */
function githubTokenWatch(config: AppConfig, log: Logger, client: RunningWorker['connections']['client']): GithubTokenWatch | undefined {
  const github = config.remediation.github;
  if (!github.token || !github.repository) return undefined;
  const delivery = createAlertDeliveryActivities({ client, taskQueue: config.temporal.taskQueue });
  return createGithubTokenWatch({
    octokit: createOctokit(github, { log }),
    repository: github.repository,
    log,
    deliver: (targetId, deliveries) => delivery.handOverAlerts(targetId, deliveries),
  });
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
