/**
 * The workflow code the tests run, bundled once per jest run. The jest global setup
 * (test/global-setup.ts) makes an empty folder for the run and hands its path to the test
 * processes in WORKFLOW_BUNDLE_ENV. The first test that starts a worker (in any test process)
 * bundles src/workflows there, from the sources, not dist/ (a workflow edited since the last
 * `npm run build` is what the next `npx jest` runs); every other test of the run waits for that
 * file and reuses it. A run of tests that start no worker bundles nothing. Before, every test
 * file that started a worker bundled the same code again (a few seconds each).
 */
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundleWorkflowCode } from '@temporalio/worker';

/** The run's bundle folder (set by the global setup, read by workflowBundle() in test/helpers/temporal.ts). */
export const WORKFLOW_BUNDLE_ENV = 'AUTOHEAL_TEST_WORKFLOW_BUNDLE_DIR';

/** How long a test waits for the bundle another test process is making (a few seconds on a busy machine). */
const WAIT_FOR_OTHER_MS = 90_000;

/** A new, empty folder for one run's bundle. */
export function createRunBundleDir(): string {
  return mkdtempSync(join(tmpdir(), 'autoheal-test-workflows-'));
}

export function removeRunBundleDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

const quiet = () => undefined;

/**
 * The path of the run's bundle in `dir`: made by the first caller of the run (the one that
 * creates the `bundling` lock file), awaited by the others; a bundling failure is reported to
 * every caller.
 */
export async function runBundle(dir: string): Promise<string> {
  const codePath = join(dir, 'workflow-bundle.js');
  const failedPath = join(dir, 'failed.txt');
  if (existsSync(codePath)) return codePath;
  if (claim(join(dir, 'bundling'))) {
    try {
      const { code } = await bundleWorkflowCode({
        workflowsPath: require.resolve('../../src/workflows'),
        logger: {
          log: quiet,
          info: quiet,
          debug: quiet,
          trace: quiet,
          warn: console.warn,
          error: console.error,
        },
      });
      writeFileSync(`${codePath}.part`, code);
      renameSync(`${codePath}.part`, codePath); // the others see the whole file or none
      return codePath;
    } catch (err) {
      writeFileSync(failedPath, err instanceof Error ? (err.stack ?? err.message) : String(err));
      throw err;
    }
  }
  const deadline = Date.now() + WAIT_FOR_OTHER_MS;
  while (!existsSync(codePath)) {
    if (existsSync(failedPath))
      throw new Error(
        `bundling src/workflows failed in another test process: ${readFileSync(failedPath, 'utf8')}`,
      );
    if (Date.now() > deadline)
      throw new Error(
        `no workflow bundle in ${dir} after ${WAIT_FOR_OTHER_MS / 1000} s (the test process bundling it stopped?)`,
      );
    await sleep(50);
  }
  return codePath;
}

/** Creates `lock`; false when another process created it first. */
function claim(lock: string): boolean {
  try {
    closeSync(openSync(lock, 'wx'));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}
