/**
 * Before the cluster tests, what they need beyond `npm ci`: the compiled CLI the worker processes
 * run (dist/, rebuilt when older than src/), the Temporal server and its SQL tool built from the
 * Go module proxy, and PostgreSQL from the distribution (scripts/cluster/install-temporal-server.sh).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { installClusterTools, REPO_ROOT } from './helpers/tools';

function newest(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** The build the worker processes run (`npm run build`: compiled JavaScript, then the workflow bundle). */
export function ensureBuild(): void {
  const built = Math.min(newest(join(REPO_ROOT, 'dist', 'cli', 'cli.js')), newest(join(REPO_ROOT, 'dist', 'workflow-bundle.json')));
  if (built >= newest(join(REPO_ROOT, 'src'))) return;
  console.log('building dist/ (TypeScript, then the workflow bundle) for the worker processes');
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(REPO_ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('tsc -p tsconfig.build.json failed');
  const bundle = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'bundle-workflows.js')], { stdio: 'inherit' });
  if (bundle.status !== 0) throw new Error('scripts/bundle-workflows.js failed');
}

export default function globalSetup(): void {
  ensureBuild();
  const started = Date.now();
  installClusterTools();
  const ms = Date.now() - started;
  if (ms > 5_000) console.log(`cluster tools installed in ${(ms / 1000).toFixed(0)} s`);
}
