/**
 * GITHUB_TOKEN health, read from the headers GitHub puts on every answer (pure): the expiry of a
 * token that has one (`github-authentication-token-expiration`), the scopes of a classic token
 * (`x-oauth-scopes`), and a 401. Each warning names the fix. The seed's quarterly chore "rotate
 * GITHUB_TOKEN" becomes a warning 14 and 3 days before the token stops working: an expired token
 * otherwise shows only when a restart is refused, in the middle of an incident.
 */
import { missingScopes, parseScopes } from './diagnose-github';

export const TOKEN_EXPIRY_HEADER = 'github-authentication-token-expiration';

/** Warn this many days before the token expires (the first, then the last warning). */
export const TOKEN_EXPIRY_WARN_DAYS = [14, 3] as const;

export type TokenCondition = 'expiry_14d' | 'expiry_3d' | 'expired' | 'scopes' | 'unauthorized';

export interface TokenWarning {
  condition: TokenCondition;
  /** Same key, same warning: sent once (an expiry threshold once per expiry date; the others once a day). */
  dedupeKey: string;
  text: string;
  fix: string;
}

const DAY_MS = 24 * 60 * 60_000;

/** The rotation fix: what to create, with which permissions, on which repository. */
export function rotateTokenFix(repository: string): string {
  return (
    `rotate GITHUB_TOKEN: create a fine-grained token with "Contents: read and write" and "Actions: read" on ${repository} ` +
    '(or a classic token with the repo and workflow scopes), set it as GITHUB_TOKEN in the worker environment and restart the worker'
  );
}

/** `2026-12-21 10:00:00 UTC` or `2023-04-30 16:55:24 -0700` (GitHub's two spellings), or undefined. */
export function parseTokenExpiry(header: string | undefined): Date | undefined {
  if (!header) return undefined;
  const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)\s*(UTC|Z|[+-]\d\d:?\d\d)?$/i.exec(header.trim());
  if (!m) return undefined;
  const zone = !m[3] || /^(utc|z)$/i.test(m[3]) ? 'Z' : m[3].replace(/^([+-]\d\d)(\d\d)$/, '$1:$2');
  const at = new Date(`${m[1]}T${m[2]}${zone}`);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

const day = (at: Date) => at.toISOString().slice(0, 10);

/** The warnings one answer's headers call for (none for a healthy token). */
export function tokenHealthWarnings(
  headers: Record<string, string | undefined>,
  ctx: { repository: string; now: Date },
): TokenWarning[] {
  const warnings: TokenWarning[] = [];
  const fix = rotateTokenFix(ctx.repository);
  const expiry = parseTokenExpiry(headers[TOKEN_EXPIRY_HEADER]);
  if (expiry) {
    const leftMs = expiry.getTime() - ctx.now.getTime();
    const when = `${expiry.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
    if (leftMs <= 0) {
      warnings.push({ condition: 'expired', dedupeKey: `expired:${day(ctx.now)}`, text: `GITHUB_TOKEN expired on ${when}: automatic restarts through GitHub are refused`, fix });
    } else {
      const days = Math.ceil(leftMs / DAY_MS);
      const threshold = TOKEN_EXPIRY_WARN_DAYS.filter((d) => leftMs <= d * DAY_MS).pop();
      if (threshold !== undefined) {
        warnings.push({
          condition: threshold === 3 ? 'expiry_3d' : 'expiry_14d',
          dedupeKey: `expiry_${threshold}d:${day(expiry)}`,
          text: `GITHUB_TOKEN expires on ${when} (in ${days} day${days === 1 ? '' : 's'}): after that no automatic restart can be requested`,
          fix,
        });
      }
    }
  }
  const scopes = parseScopes(headers['x-oauth-scopes']);
  if (scopes !== undefined) {
    const missing = missingScopes(scopes);
    if (missing.length) {
      warnings.push({
        condition: 'scopes',
        dedupeKey: `scopes:${missing.join('+')}:${day(ctx.now)}`,
        text: `GITHUB_TOKEN (a classic token) lacks the ${missing.join(' and ')} scope${missing.length > 1 ? 's' : ''} (it has: ${scopes.join(', ') || 'none'}): restarts through ${ctx.repository} will be refused`,
        fix: `give GITHUB_TOKEN the repo and workflow scopes, or ${fix}`,
      });
    }
  }
  return warnings;
}

/** A 401 from GitHub: the token is invalid, revoked or expired. */
export function unauthorizedTokenWarning(ctx: { repository: string; now: Date; what: string }): TokenWarning {
  return {
    condition: 'unauthorized',
    dedupeKey: `unauthorized:${day(ctx.now)}`,
    text: `GitHub answered 401 to ${ctx.what}: GITHUB_TOKEN is invalid, revoked or expired, and no automatic restart can be requested`,
    fix: rotateTokenFix(ctx.repository),
  };
}
