/**
 * How code outside workflows reads the state of a long-lived workflow (the remediation switch,
 * the ledger, the roll-up, the mail catcher, an incident): by its query, and only while it runs.
 * None started, or one no longer running (a workflow terminated by hand holds no state, and a
 * query would wait for a worker to replay it): `undefined`, for the caller's default.
 *
 * Used by activities and by the client alike, so it takes the client structurally: this layer
 * may not import @temporalio/client (a `Client` fits `WorkflowReader`).
 */
import { type QueryDefinition, WorkflowNotFoundError } from '@temporalio/common';

/** The part of a @temporalio/client `Client` these reads use. */
export interface WorkflowReader {
  workflow: {
    getHandle(workflowId: string): {
      describe(): Promise<{ status: { name: string } }>;
      query<Ret, Args extends unknown[] = []>(def: QueryDefinition<Ret, Args>, ...args: Args): Promise<Ret>;
    };
  };
}

export async function queryRunning<Ret>(client: WorkflowReader, workflowId: string, query: QueryDefinition<Ret>): Promise<Ret | undefined> {
  try {
    const handle = client.workflow.getHandle(workflowId);
    if ((await handle.describe()).status.name !== 'RUNNING') return undefined;
    return await handle.query(query);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}
