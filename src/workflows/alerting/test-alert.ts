/**
 * A test alert sent by the worker (the dashboard's "Send test alert" button): one `test` email
 * through the worker's mailer (SMTP, or the demo mail catcher), a bounded wait, and the SMTP
 * server's answer or the reason it failed. Workflow id `autoheal-test-alert-<time>`.
 */
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities, EmailReceipt } from '../../shared/contracts';

const { sendAlertEmail } = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  scheduleToCloseTimeout: '3m',
  retry: { initialInterval: '2s', maximumAttempts: 2 },
});

export interface TestAlertRequest {
  targetId: string;
  by: string;
}

export type TestAlertOutcome = { sent: true; receipt: EmailReceipt } | { sent: false; error: string };

export async function testAlertWorkflow({ targetId }: TestAlertRequest): Promise<TestAlertOutcome> {
  try {
    const receipt = await sendAlertEmail({ kind: 'test', targetId, at: new Date(Date.now()).toISOString() });
    return { sent: true, receipt };
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    return { sent: false, error: cause instanceof Error ? cause.message : String(cause) };
  }
}
