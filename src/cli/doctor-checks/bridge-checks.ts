/**
 * The bridge links: each target's health endpoint answers, and (direct restart) its restart
 * endpoint exists. The restart endpoint is only asked OPTIONS, which no bridge treats as a
 * restart: doctor never restarts anything.
 */
import type { AxiosInstance } from 'axios';
import { safeUrl, withoutCredentials } from '../../activities/remediation/safe-url';
import { UPDATE_BRIDGE_FIX } from '../../activities/remediation/diagnose-webhook';
import type { Target } from '../../shared/types';
import { fail, pass, type DoctorCheck } from './doctor-check';

/** Runbook, "Check VPS Status". */
export const CHECK_VPS_FIX =
  'Check VPS Status: is the VPS powered on, is the network accessible, does the MT5 Bridge service run (Restart-Service "MT5 Bridge")? Check MT5_BRIDGE_URL';

const reasonOf = (err: unknown): string => {
  const e = err as { code?: string; message?: string };
  if (e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT') return 'timeout';
  return e.message || e.code || 'no answer';
};

/** GET <bridge>/api/mt5/bridge/health answers 2xx with JSON, within PROBE_TIMEOUT. */
export async function checkBridgeHealth(http: AxiosInstance, target: Target): Promise<DoctorCheck> {
  const name = `bridge ${target.id} reachable`;
  const url = `${target.url}/api/mt5/bridge/health`;
  const started = Date.now();
  try {
    const res = await http.get(url, {
      timeout: target.probeTimeoutMs,
      validateStatus: () => true,
      responseType: 'json',
    });
    const ms = Date.now() - started;
    if (res.status < 200 || res.status >= 300)
      return fail(name, `GET ${safeUrl(url)} answered HTTP ${res.status}`, CHECK_VPS_FIX);
    if (!res.data || typeof res.data !== 'object')
      return fail(name, `GET ${safeUrl(url)} answered HTTP ${res.status} but not JSON`, CHECK_VPS_FIX);
    const status = (res.data as { status?: unknown }).status;
    return pass(
      name,
      `GET ${safeUrl(url)} → HTTP ${res.status} in ${ms} ms${typeof status === 'string' ? `, status "${status}"` : ''}`,
    );
  } catch (err) {
    return fail(
      name,
      `GET ${safeUrl(url)} failed: ${reasonOf(err)} (PROBE_TIMEOUT ${target.probeTimeoutMs} ms)`,
      CHECK_VPS_FIX,
    );
  }
}

/** OPTIONS <restart URL>: 404 means the route is missing (runbook Issue 3); any other answer means it is there. */
export async function checkRestartEndpoint(
  http: AxiosInstance,
  targetId: string,
  restartUrl: string | undefined,
  timeoutMs: number,
): Promise<DoctorCheck> {
  const name = `restart endpoint of ${targetId}`;
  if (!restartUrl) {
    return fail(
      name,
      `no restart URL for ${targetId}`,
      'Set RESTART_URL (or restartUrl of this target in AUTOHEAL_TARGETS_FILE) to the bridge restart endpoint, e.g. http://VPS:8000/api/system/full-restart',
    );
  }
  const shown = safeUrl(restartUrl);
  try {
    const res = await http.request({
      method: 'OPTIONS',
      url: withoutCredentials(restartUrl),
      timeout: timeoutMs,
      validateStatus: () => true,
      maxRedirects: 0,
    });
    if (res.status === 404)
      return fail(
        name,
        `VPS endpoint /api/system/full-restart doesn't exist (OPTIONS ${shown} → HTTP 404)`,
        UPDATE_BRIDGE_FIX,
      );
    return pass(name, `${shown} exists (OPTIONS → HTTP ${res.status}; not called)`);
  } catch (err) {
    return fail(name, `OPTIONS ${shown} failed: ${reasonOf(err)}`, CHECK_VPS_FIX);
  }
}
