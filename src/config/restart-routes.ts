/**
 * The right VPS, always: which restart route each target's restarts take, and the rules that
 * refuse a configuration where one target's restart could reach another target's VPS.
 *
 * With one target nothing changes: its `restartUrl`, else RESTART_URL; its `restartTokenEnv`,
 * else RESTART_TOKEN.
 *
 * With several targets every target names its own route:
 *   - REMEDIATION=webhook: each target has `restartUrl` (RESTART_URL is never a fallback: it is
 *     one VPS's endpoint), and its bearer token comes from the variable its `restartTokenEnv`
 *     names (RESTART_TOKEN is never sent to every VPS; a target may name `restartTokenEnv:
 *     RESTART_TOKEN` to share it on purpose). A target without a token variable sends no
 *     Authorization (its URL may carry a `?token=`), and then RESTART_TOKEN must not be set.
 *   - REMEDIATION=github: every dispatch carries `client_payload.target`, and the Actions
 *     workflow must pick that target's VPS URL and token from it; GITHUB_ROUTES_BY_TARGET=true
 *     says it does (`autoheal doctor` reads the workflow file and checks). A workflow that
 *     restarts one fixed host would restart it for every target's incident.
 *
 * Token values are read here, from the worker's environment, and live only in
 * `config.remediation.webhook.targetTokens`: never in the targets file, the fingerprint, or any
 * workflow data.
 */
import { ConfigError } from '../shared/errors';
import type { RemediationMethod, Rung } from '../shared/types';
import type { Env } from './schema';
import type { TargetEntry } from './targets-file';

type Entry = Partial<TargetEntry> & { id: string };

export interface RestartRoutes {
  /** The bearer token of each target's restart webhook, by target id (targets without one absent). */
  targetTokens: Record<string, string>;
}

const list = (ids: string[]) => ids.join(', ');

/** Resolves each target's restart token and refuses a route that could reach another target's VPS. */
export function resolveRestartRoutes(
  entries: Entry[],
  e: Env,
  method: RemediationMethod,
  env: NodeJS.ProcessEnv,
): RestartRoutes {
  const file = `AUTOHEAL_TARGETS_FILE (${e.AUTOHEAL_TARGETS_FILE ?? 'unset'})`;
  const several = entries.length > 1;
  const targetTokens: Record<string, string> = {};
  const unset: string[] = [];
  for (const entry of entries) {
    const name = entry.restartTokenEnv;
    const value = name === undefined ? (several ? undefined : e.RESTART_TOKEN) : env[name]?.trim();
    if (value) targetTokens[entry.id] = value;
    else if (name !== undefined) unset.push(`${entry.id} (${name})`);
  }

  if (method === 'webhook' && unset.length) {
    throw new ConfigError(
      `${file}: the restart token variable of ${list(unset)} is not set in the worker's environment; ` +
        'set it to that VPS restart token (tokens never go in the targets file)',
    );
  }
  if (!several) return { targetTokens };

  const ids = entries.map((t) => t.id);
  if (method === 'webhook') {
    const noUrl = entries.filter((t) => !t.restartUrl).map((t) => t.id);
    if (noUrl.length) {
      throw new ConfigError(
        `${file}: with several targets (${list(ids)}) every target names its own restart route, and ${list(noUrl)} ` +
          `ha${noUrl.length > 1 ? 've' : 's'} no restartUrl: RESTART_URL is one VPS's endpoint and is never used as a fallback. ` +
          'Rule: give each target restartUrl (its own VPS) and restartTokenEnv (the name of the variable that holds its token)',
      );
    }
    const noTokenVariable = entries.filter((t) => t.restartTokenEnv === undefined).map((t) => t.id);
    if (e.RESTART_TOKEN && noTokenVariable.length) {
      throw new ConfigError(
        `RESTART_TOKEN: with several targets it is not sent to every VPS, and ${list(noTokenVariable)} name${noTokenVariable.length > 1 ? '' : 's'} ` +
          'no restartTokenEnv. Rule: each target names the variable that holds its own token (restartTokenEnv: RESTART_TOKEN_DESK_A; ' +
          'restartTokenEnv: RESTART_TOKEN to share this one on purpose), or unset RESTART_TOKEN when the endpoints take no bearer token',
      );
    }
  }
  if (method === 'github' && !e.GITHUB_ROUTES_BY_TARGET) {
    throw new ConfigError(
      `GITHUB_ROUTES_BY_TARGET: with several targets (${list(ids)}) each restart must reach its own VPS, and a restart workflow ` +
        'that calls one fixed host would restart it for every target. Rule: the workflow picks the VPS URL and token by ' +
        "client_payload.target (deploy/github/mt5-full-restart.yml does: vars[format('MT5_BRIDGE_URL_{0}', <target id upper-cased, " +
        "non-alphanumerics as _>)]); install it, then set GITHUB_ROUTES_BY_TARGET=true (autoheal doctor checks the file), " +
        'or use REMEDIATION=webhook with each target its own restartUrl',
    );
  }
  return { targetTokens };
}

/**
 * The reinit rung's route: each target's ADMIN_SECRET_TOKEN (the `?token=` of its bridge's
 * `POST /api/admin/emergency-restart`), by target id, for the targets whose ladder has reinit.
 * One target: its `reinitTokenEnv`, else REINIT_TOKEN. Several: each names its own variable
 * (REINIT_TOKEN is one bridge's token and is never sent to every bridge; `reinitTokenEnv:
 * REINIT_TOKEN` shares it on purpose). REMEDIATION=none sends nothing, dry-run sends nothing
 * either: no token is required then.
 */
export function resolveReinitRoutes(
  entries: Array<Entry & { ladder: readonly Rung[] }>,
  e: Env,
  method: RemediationMethod,
  env: NodeJS.ProcessEnv,
): RestartRoutes {
  const several = entries.length > 1;
  const targetTokens: Record<string, string> = {};
  const withReinit = entries.filter((t) => t.ladder.includes('reinit'));
  const unset: string[] = [];
  const unnamed: string[] = [];
  for (const entry of withReinit) {
    const name = entry.reinitTokenEnv;
    const value = name === undefined ? (several ? undefined : e.REINIT_TOKEN) : env[name]?.trim();
    if (value) targetTokens[entry.id] = value;
    else if (name !== undefined) unset.push(`${entry.id} (${name})`);
    else unnamed.push(entry.id);
  }
  if (method === 'none' || method === 'dry-run') return { targetTokens };
  if (unset.length) {
    throw new ConfigError(
      `AUTOHEAL_TARGETS_FILE (${e.AUTOHEAL_TARGETS_FILE ?? 'unset'}): the reinit token variable of ${list(unset)} is not set in the worker's environment; ` +
        "set it to that bridge's ADMIN_SECRET_TOKEN (tokens never go in the targets file), or remove reinit from the target's ladder",
    );
  }
  if (unnamed.length && !several) {
    throw new ConfigError(
      "REINIT_TOKEN: the remediation ladder has reinit (the bridge's POST /api/admin/emergency-restart?token=…), and the bridge accepts it only with its admin token; " +
        "set REINIT_TOKEN to the bridge's ADMIN_SECRET_TOKEN, or remove reinit from REMEDIATION_LADDER (REMEDIATION_LADDER=full-restart)",
    );
  }
  if (unnamed.length) {
    throw new ConfigError(
      `AUTOHEAL_TARGETS_FILE (${e.AUTOHEAL_TARGETS_FILE ?? 'unset'}): with several targets every target whose ladder has reinit names the variable of its own bridge's admin token, and ${list(unnamed)} ` +
        `name${unnamed.length > 1 ? '' : 's'} no reinitTokenEnv: REINIT_TOKEN is one bridge's token and is never sent to every bridge. ` +
        'Rule: give each such target reinitTokenEnv (e.g. REINIT_TOKEN_DESK_A; reinitTokenEnv: REINIT_TOKEN to share it on purpose), or remove reinit from its ladder (ladder: [full-restart])',
    );
  }
  return { targetTokens };
}
