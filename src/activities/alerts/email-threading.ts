/**
 * Message-IDs of alert emails, derived from the event alone: a retried send carries the same
 * Message-ID (mail clients show it once), and every email of one incident points at the
 * incident's first (CRITICAL) message, so one incident is one thread.
 */
import type { AlertEvent } from '../../shared/contracts';

export const MESSAGE_ID_DOMAIN = 'fidus-autoheal';

/** Keeps the characters a Message-ID's left part may hold; everything else becomes `-`. */
function atom(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

const wrap = (parts: string[]) => `<${parts.map(atom).join('.')}@${MESSAGE_ID_DOMAIN}>`;

/** The Message-ID of the first email of an incident (its CRITICAL alert). */
export const incidentRootMessageId = (incidentId: string): string => wrap([incidentId, 'critical']);

/** The Message-ID of a flapping episode's FLAPPING notice (its all-clear replies to it). */
export const flappingRootMessageId = (episodeId: string): string => wrap([episodeId, 'flapping']);

/** The Message-ID of the first email of one WARNING episode. */
export const warningRootMessageId = (targetId: string, episodeId: string): string =>
  wrap(['warning', targetId, episodeId, '1']);

/** Episode of a WARNING event: given by the watcher, else the condition key alone. */
export const warningEpisode = (event: { conditionKey: string; episodeId?: string }): string =>
  event.episodeId ?? event.conditionKey;

export interface Threading {
  messageId: string;
  inReplyTo?: string;
  references?: string[];
}

/** Message-ID and thread headers of one alert event. */
export function threadingFor(event: AlertEvent): Threading {
  switch (event.kind) {
    case 'critical':
      return { messageId: incidentRootMessageId(event.incidentId) };
    case 'recovery':
      return reply(wrap([event.incidentId, 'recovery']), incidentRootMessageId(event.incidentId));
    case 'escalation':
      // an incident may escalate again after an operator resumes it: the time tells them apart
      return reply(
        wrap([event.incidentId, 'escalation', compactTime(event.at)]),
        incidentRootMessageId(event.incidentId),
      );
    case 'reminder':
      return reply(
        wrap([event.incidentId, 'reminder', String(event.reminder)]),
        incidentRootMessageId(event.incidentId),
      );
    case 'warning': {
      const root = warningRootMessageId(event.targetId, warningEpisode(event));
      if (event.occurrence <= 1) return { messageId: root };
      return reply(wrap(['warning', event.targetId, warningEpisode(event), String(event.occurrence)]), root);
    }
    case 'test':
      return { messageId: wrap(['test', event.targetId, compactTime(event.at)]) };
    case 'fleet_breaker':
      return { messageId: wrap(['fleet-breaker', compactTime(event.at)]) };
    case 'flapping':
      return { messageId: flappingRootMessageId(event.episodeId) };
    case 'flapping_stopped':
      return reply(wrap([event.episodeId, 'stopped']), flappingRootMessageId(event.episodeId));
    case 'digest':
      return { messageId: wrap(['digest', event.digest.period, compactTime(event.at)]) };
  }
}

/** `2025-10-31T11:45:00.000Z` → `20251031T114500000Z`. */
const compactTime = (iso: string): string => iso.replace(/[^0-9TZ]/g, '');

function reply(messageId: string, root: string): Threading {
  return { messageId, inReplyTo: root, references: [root] };
}
