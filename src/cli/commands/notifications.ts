import { type Command, InvalidArgumentError } from 'commander';
import { type CommandDeps, withClient } from './command-context';
import { terminalSafe } from '../../shared/bridge-text';

export interface NotificationsCommandDeps extends CommandDeps {
  write?: (line: string) => void;
}

function limit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new InvalidArgumentError('expected a whole number from 1 to 500');
  return n;
}

/** `autoheal notifications`: the in-app feed in a terminal (newest first), and marking it read. */
export function registerNotificationsCommand(program: Command, deps: NotificationsCommandDeps): Command {
  const write = deps.write ?? ((line: string) => process.stdout.write(`${line}\n`));

  const command = program
    .command('notifications')
    .description('list the in-app notifications (newest first)')
    .option('--unread', 'only unread ones')
    .option('--target <id>', 'only this target')
    .option('--limit <n>', 'at most this many', limit, 20)
    .action((opts: { unread?: boolean; target?: string; limit: number }) =>
      withClient(deps, async (client) => {
        const items = await client.feed.list({ unreadOnly: opts.unread, targetId: opts.target, limit: opts.limit });
        if (items.length === 0) write('No notifications.');
        for (const n of items)
          write(terminalSafe(`${n.read ? ' ' : '•'} ${n.at}  ${n.severity.padEnd(8)} ${n.targetId}  ${n.text}${n.incidentId ? `  [${n.incidentId}]` : ''}  (${n.id})`));
      }),
    );

  command
    .command('read')
    .description('mark notifications read')
    .argument('[ids...]', 'notification ids (see the list)')
    .option('--all', 'mark every notification read')
    .action((ids: string[], opts: { all?: boolean }) =>
      withClient(deps, async (client) => {
        if (!opts.all && ids.length === 0) throw new InvalidArgumentError('give notification ids or --all');
        await client.feed.markRead(opts.all ? 'all' : ids);
        write(opts.all ? 'All notifications marked read.' : `${ids.length} notification(s) marked read.`);
      }),
    );
  return command;
}
