/**
 * Jest global setup of `npm test` (jest.config.js, jest.isolated.config.js): a folder for the
 * run's workflow bundle, made by the first test that needs it (test/helpers/workflow-bundle.ts).
 */
import { WORKFLOW_BUNDLE_ENV, createRunBundleDir } from './helpers/workflow-bundle';

export default function globalSetup(): void {
  // the test processes are started after this and inherit the variable
  process.env[WORKFLOW_BUNDLE_ENV] = createRunBundleDir();
}
