/**
 * The dead man's switch's line of `autoheal doctor`: HEARTBEAT_URL's shape (which service, so
 * which failure signal), and, only when asked (`--ping-heartbeat`), one real "all well" ping to
 * the service. Never prints the URL: only its service and origin (it holds the check's token).
 */
import { heartbeatOkRequest, heartbeatService, shownHeartbeatUrl } from '../../config/heartbeat-url';
import type { AppConfig } from '../../config/load-config';
import { describeError } from '../../shared/errors';
import { formatDuration } from '../../shared/duration';
import { fail, pass, type DoctorCheck } from './doctor-check';

const NAME = 'heartbeat (dead man\'s switch)';

export async function checkHeartbeat(
  config: AppConfig,
  options: { ping?: boolean; fetch?: typeof fetch; timeoutMs: number },
): Promise<DoctorCheck> {
  const hb = config.heartbeat;
  if (!hb?.url) {
    return pass(
      NAME,
      'HEARTBEAT_URL is not set: nothing outside this worker notices when it stops (set it to a healthchecks.io or Uptime Kuma push URL: docs/watching-the-watcher.md)',
    );
  }
  const service = heartbeatService(hb.url);
  const shown = shownHeartbeatUrl(hb.url);
  const signal =
    service === 'generic'
      ? 'no failure signal known for this service: the heartbeat stops when something is wrong'
      : `failures are reported (${service === 'healthchecks' ? '/fail with the reason' : 'status=down&msg=<reason>'})`;
  const shape = `${shown} every ${formatDuration(hb.intervalMs)}; ${signal}; set the check's period to ${formatDuration(hb.intervalMs)} and its grace to ${formatDuration(2 * hb.intervalMs)}`;
  if (!options.ping) return pass(NAME, `${shape} (not pinged: autoheal doctor --ping-heartbeat sends one test ping)`);
  const request = heartbeatOkRequest(hb.url);
  try {
    const res = await (options.fetch ?? fetch)(request.url, { method: request.method, signal: AbortSignal.timeout(options.timeoutMs) });
    await res.body?.cancel().catch(() => undefined);
    if (!res.ok) {
      return fail(NAME, `${shown} answered HTTP ${res.status} to a test ping`, 'Copy the push URL again from the service (the check may have been deleted or its token changed) into HEARTBEAT_URL');
    }
    return pass(NAME, `${shape}; a test ping was accepted (HTTP ${res.status})`);
  } catch (err) {
    return fail(NAME, `${shown} did not answer a test ping (${describeError(err)})`, 'Check the network of this host and HEARTBEAT_URL');
  }
}
