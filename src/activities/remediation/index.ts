/** Remediation: the dispatch activity, its diagnoses, and the start-up statement. */
export { createRemediationActivities, type RemediationDeps } from './create-remediation-activities';
export { createOctokit, type GithubClientConfig } from './create-octokit';
export { describeRemediation, type RemediationDescription } from './describe-remediation';
export {
  diagnoseGithubDispatch,
  parseScopes,
  missingScopes,
  REQUIRED_GITHUB_SCOPES,
  type GithubDispatchContext,
} from './diagnose-github';
export { diagnoseWebhookRestart, type WebhookContext } from './diagnose-webhook';
export { dispatchBody, type GithubRemediation } from './dispatch-github';
export { followGithubRun, RestartRunUnavailableError } from './follow-github-run';
export { idempotencyKey, type WebhookRemediation } from './dispatch-webhook';
export * from './errors';
export { toApplicationFailure } from './to-application-failure';
export { safeUrl } from './safe-url';
export { dispatchViaReinit, emergencyRestartUrl, EMERGENCY_RESTART_PATH, type ReinitRemediation } from './dispatch-reinit';
