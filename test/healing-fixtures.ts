/**
 * Replay fixtures: with UPDATE_FIXTURES=1, the healing tests write the histories of the
 * incidents they run to test/fixtures/histories/<name>.json; test/healing-replay.test.ts
 * replays every committed one through the current workflow code.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const FIXTURES_DIR = join(__dirname, 'fixtures', 'histories');

export async function exportFixture(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.UPDATE_FIXTURES !== '1') return;
  const history = await handle.fetchHistory();
  writeFileSync(join(FIXTURES_DIR, `${name}.json`), historyToJSON(history) + '\n');
}
