/**
 * Replay fixtures: with UPDATE_FIXTURES=1, the healing tests write the histories of the
 * incidents they run to test/fixtures/histories/<name>.json, and the monitor, notification feed,
 * attempt ledger and maintenance tests those of their workflows; test/healing-replay.test.ts and
 * test/workflow-replay.test.ts replay every committed one through the current workflow code.
 *
 * Stored with protobufjs' own object form (int64 as strings, bytes as base64). Not
 * `historyToJSON` of @temporalio/common: in this install it sees another protobufjs copy's
 * types and throws "type must be a Type".
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { type ReplayWorkerOptions, Worker } from '@temporalio/worker';
import { workflowBundle } from './helpers/temporal';

export const FIXTURES_DIR = join(__dirname, 'fixtures', 'histories');
const { History } = temporal.api.history.v1;

export async function exportFixture(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.UPDATE_FIXTURES !== '1') return;
  const history = History.fromObject(await handle.fetchHistory());
  const json = History.toObject(history, { longs: String, bytes: String, enums: String });
  writeFileSync(join(FIXTURES_DIR, `${name}.json`), JSON.stringify(json) + '\n');
}

export function loadFixtures(): Array<{ name: string; history: temporal.api.history.v1.History }> {
  return readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.json$/, ''),
      history: History.fromObject(JSON.parse(readFileSync(join(FIXTURES_DIR, f), 'utf8'))),
    }));
}

/**
 * Replays `history` through the current workflow code on a replay worker of the task queue the
 * history was recorded on, as the production worker that would replay it (after a restart or a
 * cache eviction) polls that queue. Workflow code names the ids of what it starts and signals in
 * its deployment, its task queue (src/workflows/deployment-scope.ts), so a replay on the SDK's
 * default `fake_replay_queue-<n>` would compute other ids than the history holds. The replay
 * worker's options type leaves the task queue out; the SDK applies the one given (its options
 * are spread over its default), and a replay on another queue fails these tests loudly.
 */
export async function replayFixture(history: temporal.api.history.v1.IHistory, name: string): Promise<void> {
  const taskQueue = history.events?.[0]?.workflowExecutionStartedEventAttributes?.taskQueue?.name ?? undefined;
  const options = { workflowBundle: await workflowBundle(), ...(taskQueue ? { taskQueue } : {}) } as ReplayWorkerOptions;
  await Worker.runReplayHistory(options, history, `replay-${name}`);
}
