/**
 * Telegram, through the Bot API's sendMessage (https://core.telegram.org/bots/api#sendmessage):
 * POST `<TELEGRAM_API_URL>/bot<token>/sendMessage` with `{ chat_id, text }`, plain text (no
 * parse mode, so no markup from bridge text), link previews off. The token is in the path, so
 * the URL is never shown; Telegram answers `{ ok: true }`, 401/403/400 (bad token, bot not in the
 * chat, chat not found: fix the configuration) or 429 with `retry_after`.
 */
import type { ChannelEvent } from '../../../shared/contracts';
import { type AlertChannel, type ChannelDeps, postJson } from './channel';
import { channelMessage } from './channel-text';

/** Telegram's limit for one message. */
const MAX_TEXT = 4_096;

export interface TelegramSettings {
  botToken: string;
  chatId: string;
  apiUrl: string;
}

export function createTelegramChannel(settings: TelegramSettings, deps: ChannelDeps): AlertChannel {
  const url = `${settings.apiUrl.replace(/\/+$/, '')}/bot${settings.botToken}/sendMessage`;
  return {
    name: 'telegram',
    shown: `Telegram bot via ${new URL(settings.apiUrl).origin} to chat ${settings.chatId}`,
    async send(event: ChannelEvent) {
      const { title, text } = channelMessage(event, deps.dashboardUrl);
      const answer = await postJson(
        'telegram',
        url,
        { chat_id: settings.chatId, text: `${title}\n\n${text}`.slice(0, MAX_TEXT), disable_web_page_preview: true },
        deps,
      );
      const id = readMessageId(answer.text);
      return { status: answer.status, detail: id === undefined ? 'ok' : `message ${id}` };
    },
  };
}

function readMessageId(text: string): number | undefined {
  try {
    const body = JSON.parse(text) as { result?: { message_id?: unknown } };
    return typeof body.result?.message_id === 'number' ? body.result.message_id : undefined;
  } catch {
    return undefined;
  }
}
