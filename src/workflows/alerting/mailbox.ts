/**
 * The demo mail catcher (id `autoheal-mailbox`): with no SMTP configured in demo mode, the
 * worker's mailer delivers every alert email here instead (as Mailpit does for developers), so a
 * newcomer reads the CRITICAL, recovery, WARNING and escalation emails on the dashboard and with
 * `autoheal mail`. Keeps the newest 200; continues as new when its history grows.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { runAgeLeftMs } from '../run-age';

export interface CaughtEmail {
  messageId: string;
  to: string[];
  subject: string;
  text: string;
  /** ISO time it was caught. */
  at: string;
}

export const emailCaughtSignal = defineSignal<[CaughtEmail]>('emailCaught');
export const mailboxQuery = defineQuery<CaughtEmail[]>('mailbox');

const KEEP = 200;

export async function mailboxWorkflow(initial: CaughtEmail[] = []): Promise<never> {
  let emails = [...initial];
  setHandler(emailCaughtSignal, (email) => {
    if (emails.some((e) => e.messageId === email.messageId)) return; // a retried send
    emails = [...emails, email].slice(-KEEP);
  });
  setHandler(mailboxQuery, () => emails);
  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 1_000, runAgeLeftMs());
  await condition(allHandlersFinished);
  return continueAsNew<typeof mailboxWorkflow>(emails);
}
