import type { AppConfig } from '../config/load-config';
import { healingWorkflowId, monitorWorkflowId } from '../shared/names';

/**
 * Where the Temporal Web UI of the configured server most likely is: the embedded dev server's
 * UI (127.0.0.1:8233) when TEMPORAL_ADDRESS is unset, Temporal Cloud's UI for *.tmprl.cloud,
 * else the dev-server convention (same host, port 8233). Pass `webUiUrl` to the dashboard to
 * override it.
 */
export function guessWebUiUrl(temporal: AppConfig['temporal']): string {
  if (!temporal.address) return 'http://127.0.0.1:8233';
  const host = temporal.address.replace(/:\d+$/, '');
  if (host.endsWith('.tmprl.cloud')) return 'https://cloud.temporal.io';
  return `http://${host}:8233`;
}

/** Links into the Web UI for one target of the deployment on `taskQueue`: its incident workflow and its long-lived monitor. */
export function targetLinks(
  webUiUrl: string,
  namespace: string,
  targetId: string,
  taskQueue: string,
): { incident: string; monitorRuns: string } {
  const ns = `${webUiUrl}/namespaces/${encodeURIComponent(namespace)}`;
  return {
    incident: `${ns}/workflows/${encodeURIComponent(healingWorkflowId(targetId, taskQueue))}`,
    monitorRuns: `${ns}/workflows/${encodeURIComponent(monitorWorkflowId(targetId, taskQueue))}`,
  };
}
