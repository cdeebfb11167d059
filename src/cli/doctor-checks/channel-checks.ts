/**
 * The alert channels' lines of `autoheal doctor`, one per configured channel: how it is set up
 * (where it posts, never the secret) and which events ALERT_ROUTES sends it; with
 * `--test-channels`, a live test alert to each (PagerDuty: triggered and resolved at once).
 */
import { configuredChannels } from '../../config/alert-channels';
import type { AppConfig } from '../../config/load-config';
import { buildChannels } from '../../activities/alerts/channels';
import { sendChannelTest } from '../../activities/alerts/channels/send-channel-test';
import { describeError } from '../../shared/errors';
import { fail, pass, type DoctorCheck } from './doctor-check';

export async function checkChannels(
  config: AppConfig,
  options: { send?: boolean; fetch?: typeof fetch; timeoutMs: number },
): Promise<DoctorCheck[]> {
  const names = configuredChannels(config.channels);
  if (!names.length) return [pass('alert channels', 'email and the in-app feed only (no Slack, Telegram, webhook or PagerDuty configured: docs/alerting.md, "Channels")')];
  const channels = buildChannels(config.channels, { dashboardUrl: config.dashboard.url });
  return Promise.all(
    names.map(async (name) => {
      const title = `alert channel ${name}`;
      const routes = config.channels?.routes[name] ?? [];
      const shape = `${channels[name]?.shown}; gets ${routes.length ? routes.join(' and ') : 'nothing (ALERT_ROUTES: none)'}`;
      if (!options.send) return pass(title, `${shape} (not sent: autoheal doctor --test-channels sends a test alert)`);
      try {
        const receipt = await sendChannelTest(config, name, { fetch: options.fetch, timeoutMs: options.timeoutMs });
        return pass(title, `${shape}; a test alert was accepted (HTTP ${receipt.status}: ${receipt.detail})`);
      } catch (err) {
        return fail(title, `${shape}; the test alert failed: ${describeError(err)}`, `Check the ${name} settings (docs/alerting.md, "Channels") and the network of this host`);
      }
    }),
  );
}
