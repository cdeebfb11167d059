/**
 * Jest global setup of `npm test` (jest.config.js, jest.isolated.config.js): the workflow code,
 * bundled once for the run from the sources (test/helpers/workflow-bundle.ts).
 */
import { WORKFLOW_BUNDLE_ENV, bundleWorkflowsForRun } from './helpers/workflow-bundle';

export default async function globalSetup(): Promise<void> {
  // the test processes are started after this and inherit the variable
  process.env[WORKFLOW_BUNDLE_ENV] = await bundleWorkflowsForRun();
}
