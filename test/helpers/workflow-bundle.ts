/**
 * The workflow code the tests run, bundled once per jest run. The jest global setup
 * (test/global-setup.ts) bundles src/workflows from the sources, not dist/ (a workflow edited
 * since the last `npm run build` is what the next `npx jest` runs), into a temporary file and
 * hands its path to the test processes in WORKFLOW_BUNDLE_ENV; workflowBundle() in
 * test/helpers/temporal.ts returns it. Before, every test file that started a worker bundled
 * the same code again (a few seconds each).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/** Where the test processes find the run's bundle (set by the global setup, read by workflowBundle()). */
export const WORKFLOW_BUNDLE_ENV = 'AUTOHEAL_TEST_WORKFLOW_BUNDLE';

const quiet = () => undefined;

/** Bundles src/workflows into a new temporary folder; returns the bundle's path. */
export async function bundleWorkflowsForRun(): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: { log: quiet, info: quiet, debug: quiet, trace: quiet, warn: console.warn, error: console.error },
  });
  const codePath = join(mkdtempSync(join(tmpdir(), 'autoheal-test-workflows-')), 'workflow-bundle.js');
  writeFileSync(codePath, code);
  return codePath;
}

/** Removes the folder of a bundle that bundleWorkflowsForRun wrote. */
export function removeRunBundle(codePath: string): void {
  rmSync(dirname(codePath), { recursive: true, force: true });
}
