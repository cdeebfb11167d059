import { type Command, InvalidArgumentError } from 'commander';
import { runSimulator } from '../../simulator';
import { parseDuration } from '../../shared/duration';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
}

function variant(value: string): 'a' | 'b' {
  const v = value.trim().toLowerCase();
  if (v === 'a' || v === 'b') return v;
  throw new InvalidArgumentError('expected a (the MongoDB-backed bridge, vps/mt5_bridge_api_service.py) or b (the seed\'s 4.0-multi-account bridge)');
}

function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('expected a duration such as 500ms, 15s, 2m');
  return ms;
}

/**
 * `autoheal simulate`: the MT5 Bridge simulator in the foreground. The restart endpoint's bearer
 * token is read from RESTART_TOKEN and variant A's emergency-restart token from
 * SIM_ADMIN_TOKEN (never from the command line, where `ps` would show them).
 */
export function registerSimulateCommand(program: Command, env: NodeJS.ProcessEnv = process.env): void {
  program
    .command('simulate')
    .description('run the MT5 Bridge simulator (the real bridge API, with fault injection over HTTP at /_sim/fault)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to listen on', port, 18811)
    .option('--variant <a|b>', "which deployed bridge: a (MongoDB-backed) or b (the seed's 4.0-multi-account)", variant, 'b')
    .option('--warm-up <duration>', 'variant b: how long the first refresh round after each start takes (placeholders until then)', duration)
    .option('--heal-after <duration>', 'a restart heals the fault after this long', duration)
    .option('--placeholder <duration>', 'after healing, accounts read as placeholders (no_cache) this long', duration)
    .action(async (opts: { host: string; port: number; variant: 'a' | 'b'; warmUp?: number; healAfter?: number; placeholder?: number }) => {
      const running = await runSimulator({
        host: opts.host,
        port: opts.port,
        variant: opts.variant,
        warmUpMs: opts.warmUp,
        restartToken: env.RESTART_TOKEN || undefined,
        adminToken: env.SIM_ADMIN_TOKEN || undefined,
        healAfterMs: opts.healAfter,
        placeholderMs: opts.placeholder,
      });
      await running.stopped;
    });
}
