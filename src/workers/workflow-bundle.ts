/**
 * The prebuilt workflow bundle: `npm run build` bundles the compiled workflow code once
 * (dist/workflow-bundle.js, as Temporal's production samples do), so a production worker starts
 * without bundling and without any TypeScript toolchain. Beside it, a manifest records a hash of
 * every file the bundle was built from; a worker refuses a bundle built from other sources than
 * the code it runs (an upgrade that forgot the build would otherwise run old workflow code).
 *
 * Workflow code imports only src/workflows and src/shared (lint enforces it), so those two
 * folders of the build, and the version of @temporalio/workflow, are what the bundle depends on.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { AutohealError } from '../shared/errors';

export const BUNDLE_FILE = 'workflow-bundle.js';
export const MANIFEST_FILE = 'workflow-bundle.json';
const SOURCE_DIRS = ['workflows', 'shared'];

/** Thrown when dist/workflow-bundle.js was built from other workflow code than the code that runs. */
export class WorkflowBundleMismatchError extends AutohealError {}

interface Manifest {
  workflowSdk: string;
  /** Relative path (to the build folder) → sha256 of the file. */
  sources: Record<string, string>;
}

function sourceFiles(buildDir: string): string[] {
  return SOURCE_DIRS.flatMap((dir) =>
    existsSync(join(buildDir, dir))
      ? readdirSync(join(buildDir, dir), { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.js'))
          .map((f) => join(dir, f))
      : [],
  ).sort();
}

function manifestOf(buildDir: string): Manifest {
  const sources: Record<string, string> = {};
  for (const file of sourceFiles(buildDir)) {
    sources[file.split('\\').join('/')] = createHash('sha256').update(readFileSync(join(buildDir, file))).digest('hex');
  }
  const sdk = JSON.parse(readFileSync(require.resolve('@temporalio/workflow/package.json'), 'utf8')) as { version: string };
  return { workflowSdk: sdk.version, sources };
}

/** Bundles the compiled workflows of `buildDir` (dist/) into dist/workflow-bundle.js, with its manifest. */
export async function writeWorkflowBundle(buildDir: string): Promise<{ codePath: string; files: number }> {
  const quiet = () => undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(buildDir, 'workflows'),
    logger: { trace: quiet, debug: quiet, info: quiet, log: quiet, warn: console.warn, error: console.error },
  });
  const codePath = join(buildDir, BUNDLE_FILE);
  writeFileSync(codePath, code);
  const manifest = manifestOf(buildDir);
  writeFileSync(join(buildDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  return { codePath, files: Object.keys(manifest.sources).length };
}

/**
 * The prebuilt bundle of `buildDir`, when there is one: undefined when none was built (the worker
 * then bundles at start); WorkflowBundleMismatchError when it was built from other sources.
 */
export function prebuiltWorkflowBundle(buildDir: string): { codePath: string } | undefined {
  const codePath = join(buildDir, BUNDLE_FILE);
  const manifestPath = join(buildDir, MANIFEST_FILE);
  if (!existsSync(codePath)) return undefined;
  const fix = 'run `npm run build` to bundle the workflow code that is deployed';
  if (!existsSync(manifestPath))
    throw new WorkflowBundleMismatchError(`${relative(process.cwd(), codePath)} has no manifest (${MANIFEST_FILE}): ${fix}`);
  const built = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const now = manifestOf(buildDir);
  const changed = [
    ...Object.keys(now.sources).filter((f) => built.sources[f] !== now.sources[f]),
    ...Object.keys(built.sources).filter((f) => !(f in now.sources)),
  ];
  if (built.workflowSdk !== now.workflowSdk) changed.unshift(`@temporalio/workflow ${built.workflowSdk} → ${now.workflowSdk}`);
  if (changed.length > 0)
    throw new WorkflowBundleMismatchError(
      `the prebuilt workflow bundle was built from other sources than the running code (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? `, +${changed.length - 3} more` : ''}): ${fix}`,
    );
  return { codePath };
}
