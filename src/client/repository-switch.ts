/**
 * The kill switch's second half for REMEDIATION=github: the repository variable
 * AUTOHEAL_REMEDIATION that the shipped restart workflow reads (deploy/github/mt5-full-restart.yml).
 * While it is "off" the workflow skips every dispatch, those GitHub had queued before the switch
 * included. `PATCH .../actions/variables/{name}`, or `POST .../actions/variables` when it does not
 * exist yet. Never throws: a variable that cannot be set is an answer saying why (the worker-side
 * switch holds regardless). Nothing here carries the token.
 */
import type { Octokit } from '@octokit/rest';

/** GitHub's one-line explanation, kept short. */
const shortText = (text: string | undefined): string | undefined =>
  text ? text.replace(/\s+/g, ' ').trim().slice(0, 200) || undefined : undefined;

/** The repository variable the restart workflow reads; "off" skips every dispatch. */
export const REPOSITORY_SWITCH_VARIABLE = 'AUTOHEAL_REMEDIATION';

export type RepositorySwitchResult =
  | { set: true; repository: string; variable: string; value: 'on' | 'off' }
  | { set: false; repository: string; variable: string; value: 'on' | 'off'; reason: string };

export async function setRepositorySwitch(
  github: { octokit: Octokit; repository: string; timeoutMs?: number },
  enabled: boolean,
): Promise<RepositorySwitchResult> {
  const [owner, repo] = github.repository.split('/') as [string, string];
  const value = enabled ? 'on' : 'off';
  const base = { repository: github.repository, variable: REPOSITORY_SWITCH_VARIABLE, value } as const;
  const request = () => ({ signal: AbortSignal.timeout(github.timeoutMs ?? 10_000) });
  try {
    try {
      await github.octokit.request('PATCH /repos/{owner}/{repo}/actions/variables/{name}', {
        owner,
        repo,
        name: REPOSITORY_SWITCH_VARIABLE,
        value,
        request: request(),
      });
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
      await github.octokit.request('POST /repos/{owner}/{repo}/actions/variables', {
        owner,
        repo,
        name: REPOSITORY_SWITCH_VARIABLE,
        value,
        request: request(),
      });
    }
    return { set: true, ...base };
  } catch (err) {
    const e = err as { status?: number; response?: { data?: { message?: unknown } }; message?: string };
    const said = shortText(typeof e.response?.data?.message === 'string' ? e.response.data.message : e.message);
    const reason = e.status
      ? `HTTP ${e.status}${said ? `: ${said}` : ''}${e.status === 403 || e.status === 404 ? ' (GITHUB_TOKEN needs the repo scope, or "Variables: read and write" on a fine-grained token)' : ''}`
      : `no answer from GitHub${said ? ` (${said})` : ''}`;
    return { set: false, ...base, reason };
  }
}

/** What `autoheal remediation off|on` says about the repository variable. */
export function describeRepositorySwitch(result: RepositorySwitchResult): string {
  const where = `repository variable ${result.variable} in ${result.repository}`;
  if (result.set && result.value === 'off')
    return `${where} set to off: the restart workflow skips every dispatch, runs GitHub had queued included (a run already past that check cannot be recalled)`;
  if (result.set) return `${where} set to on: the restart workflow runs dispatches again`;
  if (result.value === 'off')
    return `⚠️ could NOT set the ${where} to off (${result.reason}): runs GitHub has already queued will still restart the VPS; the worker-side switch holds (no new restart request leaves the worker)`;
  return `⚠️ could NOT set the ${where} to on (${result.reason}): while it stays off, the restart workflow skips every dispatch; set it to on in the repository settings`;
}
