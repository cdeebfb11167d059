/**
 * `autoheal test-alert [--to a@x,b@y]`: sends a test email through the configured SMTP server
 * (no worker needed) and prints the server's answer for every recipient. `--channel <name>`
 * sends it to one of the other channels instead (Slack, Telegram, webhook, PagerDuty). Exits non-zero with
 * the reason when the email does not go out.
 */
import type { Command } from 'commander';
import { sendTestAlert, TestAlertFailedError } from '../../activities/alerts/send-test-alert';
import { sendChannelTest } from '../../activities/alerts/channels/send-channel-test';
import { describeError } from '../../shared/errors';
import type { AppConfig } from '../../config/load-config';

export interface TestAlertCommandDeps {
  loadConfig: () => AppConfig;
}

export function registerTestAlertCommand(program: Command, deps: TestAlertCommandDeps): Command {
  return program
    .command('test-alert')
    .description("send a test email with the configured SMTP server and print the server's answer")
    .option('--to <emails>', 'comma list of recipients (default: ALERT_RECIPIENT_EMAIL and ESCALATION_EMAIL)')
    .option('--channel <name>', 'send the test alert to this channel instead of email: slack, telegram, webhook or pagerduty')
    .action(async (opts: { to?: string; channel?: string }) => {
      const config = deps.loadConfig();
      if (opts.channel) {
        try {
          const receipt = await sendChannelTest(config, opts.channel.trim().toLowerCase());
          console.log(`✅ Test alert sent to ${receipt.channel}: HTTP ${receipt.status} (${receipt.detail})`);
        } catch (err) {
          console.error(`❌ test alert not sent to ${opts.channel}: ${describeError(err)}`);
          process.exitCode = 1;
        }
        return;
      }
      const to = opts.to
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const server = `${config.smtp.host}:${config.smtp.port}`;
      try {
        const receipt = await sendTestAlert(config, { to });
        for (const recipient of receipt.accepted)
          console.log(`✅ Email alert sent to ${recipient}: ${server} answered "${receipt.response}"`);
        for (const recipient of receipt.rejected) console.error(`❌ ${recipient}: rejected by ${server}`);
        console.log(`Message-ID: ${receipt.messageId}`);
        if (receipt.rejected.length) process.exitCode = 1;
      } catch (err) {
        const reason =
          err instanceof TestAlertFailedError
            ? err.message
            : err instanceof Error
              ? err.message
              : String(err);
        console.error(`❌ test alert not sent via ${server}: ${reason}`);
        process.exitCode = 1;
      }
    });
}
