/** A test alert sent by the worker's mailer (the dashboard's button): runs testAlertWorkflow and waits for its answer. */
import type { Client } from '@temporalio/client';
import { testAlertWorkflowId } from '../shared/names';
import { type TestAlertOutcome, testAlertWorkflow } from '../workflows/alerting/test-alert';

export function sendTestAlertViaWorker(
  client: Client,
  taskQueue: string,
  request: { targetId: string; by: string },
): Promise<TestAlertOutcome> {
  return client.workflow.execute(testAlertWorkflow, {
    workflowId: testAlertWorkflowId(new Date(), taskQueue),
    taskQueue,
    args: [request],
    workflowExecutionTimeout: '4m',
  });
}
