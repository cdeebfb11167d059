import { restartUrlSecrets } from '../config/secrets';
import { type AppConfig, loadConfig } from '../config/load-config';
import { SECRET_VARIABLES } from '../config/schema';
import { heartbeatUrlSecrets } from '../config/heartbeat-url';
import { ConfigError } from '../shared/errors';

/** Exit code of a refused configuration (distinct from a crash). */
export const EXIT_CONFIG = 2;

/**
 * Loads the configuration from the process environment for a CLI command; a bad value ends the
 * process with a message naming the variable and the expected form.
 */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`autoheal: configuration refused: ${err.message}`);
      process.exit(EXIT_CONFIG);
    }
    throw err;
  }
}

/** Every secret value the process holds, for the logger to scrub. */
export function secretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  return [...SECRET_VARIABLES.map((name) => env[name]).filter((v): v is string => !!v), ...restartUrlSecrets([env.RESTART_URL]), ...heartbeatUrlSecrets(env.HEARTBEAT_URL)];
}
