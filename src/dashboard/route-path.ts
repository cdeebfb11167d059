/**
 * Request path → route key, in one linear pass of plain string work: no regular expression runs
 * on request input, and nothing is quadratic in the path's length (a path of thousands of
 * slashes once took seconds of the event loop that the probes share).
 */

/** The longest request target (path and query) served; longer ones get 414. */
export const MAX_URL_LENGTH = 2048;

export interface RoutePath {
  /** `/system-health`, `/api/targets/:id/acknowledge`, ...: the key of the routes table. */
  path: string;
  /** The raw (still percent-encoded) target id of `/api/targets/:id/<action>`. */
  rawTargetId?: string;
}

const SLASH = 47;
const TARGETS_PREFIX = '/api/targets/';

/** `pathname` without its trailing slashes (`/` stays `/`). */
export function trimTrailingSlashes(pathname: string): string {
  let end = pathname.length;
  while (end > 1 && pathname.charCodeAt(end - 1) === SLASH) end -= 1;
  return pathname.slice(0, end) || '/';
}

export function routePath(pathname: string): RoutePath {
  const path = trimTrailingSlashes(pathname);
  if (path.startsWith(TARGETS_PREFIX)) {
    const rest = path.slice(TARGETS_PREFIX.length);
    const slash = rest.indexOf('/');
    if (slash > 0 && rest.indexOf('/', slash + 1) < 0) {
      const action = rest.slice(slash + 1);
      if (action) return { path: `${TARGETS_PREFIX}:id/${action}`, rawTargetId: rest.slice(0, slash) };
    }
  }
  return { path };
}
