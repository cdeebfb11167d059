/**
 * The runbook's "If Auto-Healing Fails" steps, adapted to where this system keeps things
 * (the worker's environment instead of Render). Escalation emails end with them.
 */

export interface ManualStepsContext {
  /** owner/repo that holds the restart workflow. */
  githubRepository?: string;
  /** Base URL of the bridge. */
  bridgeUrl?: string;
}

export function manualRecoverySteps(ctx: ManualStepsContext): string[] {
  const actions = ctx.githubRepository
    ? `https://github.com/${ctx.githubRepository}/actions`
    : 'the Actions tab of the repository named by GITHUB_REPOSITORY';
  const health = ctx.bridgeUrl
    ? `${ctx.bridgeUrl}/api/mt5/bridge/health`
    : '<bridge URL>/api/mt5/bridge/health';
  const host = hostOf(ctx.bridgeUrl) ?? '<VPS address>';
  return [
    `1. Check GitHub Actions: ${actions}`,
    '   - Look for failed workflow runs',
    '   - Review error logs',
    '2. Verify GITHUB_TOKEN:',
    "   - The worker's environment has GITHUB_TOKEN (`autoheal doctor` checks it)",
    '   - Token has `repo` and `workflow` scopes',
    '   - Token is not expired',
    '3. Check VPS Status:',
    `   - Can you access ${health} ?`,
    '   - Is VPS powered on?',
    '   - Is network accessible?',
    '4. Manual Recovery:',
    `   - SSH to VPS: ssh <user>@${host}`,
    '   - Check Task Scheduler for MT5 Bridge service',
    '   - Manually restart: Restart-Service "MT5 Bridge"',
  ];
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}
