/**
 * Before the chaos suite: the compiled CLI the worker processes run (dist/, rebuilt when older
 * than src/, as for the cluster test) and the `temporal` CLI from scripts/setup.js.
 */
import { temporalCliPath } from '../../src/config/toolchain';
import { ensureBuild } from '../cluster/global-setup';

export default function globalSetup(): void {
  ensureBuild();
  temporalCliPath(); // throws with the fix when the CLI is missing
}
