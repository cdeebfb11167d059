/**
 * The workflow code the tests' workers run: bundled from src/workflows (not from a build that
 * may be older) once per jest run, by the first test that needs it; the others, in any test
 * process, wait for it (test/helpers/workflow-bundle.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workflowBundle } from './helpers/temporal';
import {
  WORKFLOW_BUNDLE_ENV,
  createRunBundleDir,
  removeRunBundleDir,
  runBundle,
} from './helpers/workflow-bundle';

/** The files a bundle was built from, read from its inline source map. */
function sourcesOf(codePath: string): string[] {
  const code = readFileSync(codePath, 'utf8');
  const map = /sourceMappingURL=data:application\/json;charset=utf-8;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
  if (!map) throw new Error(`${codePath} has no inline source map`);
  return (JSON.parse(Buffer.from(map[1]!, 'base64').toString('utf8')) as { sources: string[] }).sources;
}

test("the workers of a jest run get the one bundle in the run's folder", async () => {
  const dir = process.env[WORKFLOW_BUNDLE_ENV];
  expect(dir).toBeDefined();
  expect(await workflowBundle()).toEqual({ codePath: join(dir!, 'workflow-bundle.js') });
  expect(await runBundle(dir!)).toBe(join(dir!, 'workflow-bundle.js')); // made once: there already
});

test('the bundle is built from the TypeScript sources of src/workflows, so a workflow edit needs no build', async () => {
  const sources = sourcesOf((await workflowBundle()).codePath);
  const root = join(__dirname, '..');
  expect(sources).toContain(join(root, 'src', 'workflows', 'index.ts'));
  expect(sources.filter((s) => s.startsWith(join(root, 'dist')))).toEqual([]);
});

describe('a test process that finds another bundling', () => {
  let dir: string;
  beforeEach(() => {
    dir = createRunBundleDir();
    writeFileSync(join(dir, 'bundling'), ''); // the other process's lock
  });
  afterEach(() => removeRunBundleDir(dir));

  test('waits for its bundle instead of making one', async () => {
    const waiting = runBundle(dir);
    await new Promise((r) => setTimeout(r, 200));
    writeFileSync(join(dir, 'workflow-bundle.js'), '// the other process wrote it');
    await expect(waiting).resolves.toBe(join(dir, 'workflow-bundle.js'));
    expect(readFileSync(join(dir, 'workflow-bundle.js'), 'utf8')).toBe('// the other process wrote it');
  });

  test('reports the failure when that bundling failed', async () => {
    writeFileSync(join(dir, 'failed.txt'), 'src/workflows/warnings.ts: Unexpected token');
    await expect(runBundle(dir)).rejects.toThrow(/failed in another test process: .*Unexpected token/);
  });
});

test('without the global setup, workflowBundle says which jest options are missing', async () => {
  const dir = process.env[WORKFLOW_BUNDLE_ENV];
  delete process.env[WORKFLOW_BUNDLE_ENV];
  try {
    await expect(workflowBundle()).rejects.toThrow(/globalSetup: '<rootDir>\/test\/global-setup.ts'/);
  } finally {
    if (dir !== undefined) process.env[WORKFLOW_BUNDLE_ENV] = dir;
  }
});
