/**
 * What every command that talks to Temporal needs: the parsed configuration and one
 * AutohealClient, opened for the command and closed after it, and the choice of a target.
 */
import type { AppConfig, TargetConfig } from '../../config/load-config';
import type { AutohealClient } from '../../client/autoheal-client';

export interface CommandDeps {
  loadConfig: () => AppConfig;
  /** Connects the one client of this command (the CLI builds it from the configuration). */
  connect: () => Promise<AutohealClient>;
}

/** Runs `action` with the configuration and a connected client, closing the client after. */
export async function withClient<T>(
  deps: CommandDeps,
  action: (client: AutohealClient, config: AppConfig) => Promise<T>,
): Promise<T> {
  const config = deps.loadConfig();
  const client = await deps.connect();
  try {
    return await action(client, config);
  } finally {
    await client.close();
  }
}

/** The target named by --target, or the only one; the error lists the configured targets. */
export function chooseTarget(config: AppConfig, id: string | undefined): TargetConfig {
  const ids = config.targets.map((t) => t.target.id).join(', ');
  if (!id) {
    const only = config.targets.length === 1 ? config.targets[0] : undefined;
    if (!only) throw new Error(`--target is required: configured targets are ${ids}`);
    return only;
  }
  const found = config.targets.find((t) => t.target.id === id);
  if (!found) throw new Error(`unknown target "${id}": configured targets are ${ids}`);
  return found;
}
