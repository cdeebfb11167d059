/**
 * `autoheal mail [--json] [--limit n]`: the emails the demo mail catcher captured (demo mode
 * with no SMTP configured), newest first.
 */
import type { Command } from 'commander';
import { type CommandDeps, withClient } from './command-context';

export function registerMailCommand(program: Command, deps: CommandDeps): void {
  program
    .command('mail')
    .description('the alert emails captured by the demo mail catcher (demo mode without SMTP), newest first')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print them as JSON: [{messageId, to, subject, text, at}]')
    .action((opts: { limit: string; json?: boolean }) =>
      withClient(deps, async (client) => {
        const emails = (await client.mail.list()).slice(0, Math.max(1, Number(opts.limit) || 20));
        if (opts.json) return console.log(JSON.stringify(emails, null, 2));
        if (!emails.length) return console.log('no email caught (the mail catcher runs in demo mode when no SMTP is configured)');
        for (const e of emails) console.log(`── ${e.at}  to ${e.to.join(', ')}\n${e.subject}\n\n${e.text}`);
      }),
    );
}
