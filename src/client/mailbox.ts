/**
 * The demo mail catcher (src/workflows/alerting/mailbox.ts): a Mailer that delivers into it, for the
 * worker in demo mode without SMTP, and the reader for `autoheal mail` and the dashboard.
 */
import type { Client } from '@temporalio/client';
import { queryRunning } from '../shared/query-running';
import { mailboxWorkflowId } from '../shared/names';
import { type CaughtEmail, emailCaughtSignal, mailboxQuery, mailboxWorkflow } from '../workflows/alerting/mailbox';

/** What a catcher needs of an email (the alert mailer's OutgoingEmail has more). */
export interface CatchableEmail {
  to: string[];
  subject: string;
  text: string;
  messageId: string;
}

export const CATCHER_RESPONSE = '250 captured by the demo mail catcher (no SMTP configured): read it with "autoheal mail" or on the dashboard';

export async function catchEmail(client: Client, taskQueue: string, email: CatchableEmail): Promise<void> {
  await client.workflow.signalWithStart(mailboxWorkflow, {
    workflowId: mailboxWorkflowId(taskQueue),
    taskQueue,
    args: [[]],
    signal: emailCaughtSignal,
    signalArgs: [{ messageId: email.messageId, to: email.to, subject: email.subject, text: email.text, at: new Date().toISOString() }],
  });
}

/** The caught emails of the deployment that runs on `taskQueue`, newest first (none when the catcher never ran). */
export async function readMailbox(client: Client, taskQueue: string): Promise<CaughtEmail[]> {
  return [...((await queryRunning(client, mailboxWorkflowId(taskQueue), mailboxQuery)) ?? [])].reverse();
}
