/** Jest global teardown of `npm test`: removes the run's workflow bundle (test/global-setup.ts). */
import { WORKFLOW_BUNDLE_ENV, removeRunBundleDir } from './helpers/workflow-bundle';

export default function globalTeardown(): void {
  const dir = process.env[WORKFLOW_BUNDLE_ENV];
  if (dir) removeRunBundleDir(dir);
}
