/** How a remediation method is told to people (emails, in-app notes, timelines). Workflow-safe. */
export function describeMethod(method: string): string {
  switch (method) {
    case 'github':
      return 'GitHub Actions workflow restart';
    case 'webhook':
      return 'direct restart webhook';
    case 'reinit':
      return 'MT5 re-initialisation (emergency-restart)';
    case 'none':
      return 'no automatic restart (remediation off): the bridge recovered by itself';
    case 'dry-run':
      return 'DRY RUN (REMEDIATION=dry-run): no restart was sent; the bridge recovered by itself';
    case 'before-restart':
      return 'none: the bridge recovered before the restart was sent';
    case 'self':
      return 'none needed: the bridge recovered by itself';
    default:
      return method;
  }
}
