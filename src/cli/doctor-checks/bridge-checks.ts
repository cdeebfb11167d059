/**
 * The bridge links: each target's health endpoint answers (and which deployed bridge it is,
 * docs/bridge.md), which of the known restart endpoints it has, and (direct restart) the
 * configured restart endpoint exists. Restart endpoints are only asked OPTIONS, which no bridge
 * treats as a restart: doctor never restarts anything. No URL is shown with its query string
 * (RESTART_URL may carry the bridge's admin token as `?token=`).
 */
import type { AxiosInstance } from 'axios';
import { isObject, pick, toNumber } from '../../activities/probe/coerce';
import { healthFields } from '../../activities/probe/normalise-health';
import { safeUrl, withoutCredentials } from '../../activities/remediation/safe-url';
import { UPDATE_BRIDGE_FIX } from '../../activities/remediation/diagnose-webhook';
import { warmUpGraceMs } from '../../shared/bridge-warm-up';
import { formatDuration } from '../../shared/duration';
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

/**
 * GET <bridge>/api/mt5/bridge/health answers 2xx with JSON, within PROBE_TIMEOUT; the detail says
 * which deployed bridge answered (`describeBridgeVariant`). Informational: a bridge that answers
 * passes whatever its state (the monitor judges that).
 */
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
    const status = healthFields(res.data).claimedStatus;
    return pass(
      name,
      `GET ${safeUrl(url)} → HTTP ${res.status} in ${ms} ms${status === undefined ? '' : `, status "${status}"`}; ${describeBridgeVariant(res.data, target)}`,
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
    if (res.status === 404) {
      // Only variant A has its own emergency-restart; B (4.0-multi-account) has the VPS service's only.
      const emergency = shown.endsWith('/api/admin/emergency-restart');
      const note = emergency
        ? ': it exists only on the MongoDB-backed bridge (variant A); for a 4.0-multi-account bridge use the VPS restart service, /api/system/full-restart with RESTART_TOKEN'
        : '';
      return fail(
        name,
        `VPS endpoint ${emergency ? '/api/admin/emergency-restart' : '/api/system/full-restart'} doesn't exist (OPTIONS ${shown} → HTTP 404)${note}`,
        UPDATE_BRIDGE_FIX,
      );
    }
    return pass(name, `${shown} exists (OPTIONS → HTTP ${res.status}; not called)`);
  } catch (err) {
    return fail(name, `OPTIONS ${shown} failed: ${reasonOf(err)}`, CHECK_VPS_FIX);
  }
}

/**
 * Which deployed bridge a health body comes from (docs/bridge.md "The MT5 Bridge"), and the one
 * field of its own that matters: a `cache` block or a version containing "multi-account" is
 * variant B (its cache complete or not), a `mongodb` block variant A (its database connected or
 * not); anything else is an unknown variant. Bridge strings are cleaned (healthFields).
 */
export function describeBridgeVariant(body: unknown, target: Pick<Target, 'warmUpGraceMs'>): string {
  const fields = healthFields(body);
  const raw = isObject(body) ? body : {};
  const version = fields.version;
  const cache = isObject(raw.cache) ? raw.cache : undefined;
  if (cache || version?.toLowerCase().includes('multi-account')) {
    const head = `variant B "4.0-multi-account"${version && version !== '4.0-multi-account' ? ` (version "${version}")` : ''}`;
    if (!cache) return `${head}, no cache block in the health answer`;
    const total = toNumber(pick(cache, ['total_accounts']));
    const figures = `${fields.cachedAccounts ?? '?'}/${total === null ? '?' : Math.max(0, Math.floor(total))} accounts cached`;
    if (fields.cacheComplete === true) return `${head}, cache complete (${figures})`;
    if (fields.cacheComplete === false) {
      return `${head}, cache INCOMPLETE (${figures}): warming up after a start, not a fault for MT5_WARMUP_GRACE (${formatDuration(warmUpGraceMs(target))}), CRITICAL after that`;
    }
    return `${head}, cache_complete not reported (${figures})`;
  }
  if (isObject(raw.mongodb)) {
    const head = `variant A "MongoDB-backed"${version ? ` (version "${version}")` : ''}`;
    if (fields.databaseConnected === true) return `${head}, mongodb.connected true`;
    if (fields.databaseConnected === false) {
      return `${head}, mongodb.connected FALSE: the bridge cannot read its database (the monitor reports CRITICAL)`;
    }
    return `${head}, mongodb.connected not reported`;
  }
  return `unknown variant (no cache or mongodb block in the health answer${version ? `, version "${version}"` : ''})`;
}

/**
 * The restart endpoints doctor looks for on each bridge (docs/bridge.md): variant A's own
 * emergency-restart (re-initialises the terminal API) and the VPS restart service's full-restart.
 */
export const KNOWN_RESTART_ENDPOINTS = ['/api/admin/emergency-restart', '/api/system/full-restart'] as const;

/**
 * OPTIONS <bridge><path> for each known restart endpoint: present (any answer but 404, e.g. 405),
 * absent (404) or unreachable. Informational, always ✅: which endpoint the restart uses is
 * RESTART_URL's business, which its own check verifies. Never POST, never a query string.
 */
export async function checkRestartEndpoints(
  http: AxiosInstance,
  target: Pick<Target, 'id' | 'url'>,
  timeoutMs: number,
): Promise<DoctorCheck> {
  const base = target.url.replace(/\/+$/, '');
  const found = await Promise.all(
    KNOWN_RESTART_ENDPOINTS.map(async (path) => {
      try {
        const res = await http.request({
          method: 'OPTIONS',
          url: withoutCredentials(`${base}${path}`),
          timeout: timeoutMs,
          validateStatus: () => true,
          maxRedirects: 0,
        });
        return res.status === 404 ? `${path} absent (HTTP 404)` : `${path} present (HTTP ${res.status})`;
      } catch (err) {
        return `${path} unreachable (${reasonOf(err)})`;
      }
    }),
  );
  return pass(
    `bridge ${target.id} restart endpoints`,
    `OPTIONS on ${safeUrl(base)} (none called): ${found.join(', ')}`,
  );
}
