/**
 * What the chaos scenarios read back from a stack: incidents (runs, result, search attributes,
 * status query) through the Temporal client, GitHub dispatches, restarts the bridge really did,
 * emails by kind, and the search for secrets in every history, worker log and email.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { SUBJECTS } from '../../../src/activities/alerts/render-email';
import { healingWorkflowId } from '../../../src/shared/names';
import type { ReceivedMessage } from '../../helpers/smtp';
import type { RecordedRequest } from '../../helpers/github-double';
import type { Stack } from './stack';

export type EmailKind = keyof typeof SUBJECTS;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export { sleep };

/** Polls `check` until true; generous deadlines, never a wall-clock assertion. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(500);
  }
}

/** The incident of a target once the monitor has opened it (the latest run of heal-<target>). */
export async function incident(stack: Stack, targetId: string, timeoutMs = 180_000): Promise<WorkflowHandle> {
  const handle = stack.server.client.workflow.getHandle(healingWorkflowId(targetId, stack.taskQueue));
  await waitFor(`the incident of ${targetId}`, () => handle.describe().then(() => true, () => false), timeoutMs);
  return handle;
}

/** Every run of heal-<target> (one run = one incident), oldest first. */
export async function incidentRuns(stack: Stack, targetId: string) {
  const runs = [];
  for await (const w of stack.server.client.workflow.list({ query: `WorkflowId = "${healingWorkflowId(targetId, stack.taskQueue)}"` })) runs.push(w);
  return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
}

/** The incident's custom search attributes (AutohealTarget, AutohealStatus, AutohealSeverity). */
export async function searchAttributes(handle: WorkflowHandle): Promise<Record<string, unknown>> {
  const d = await handle.describe();
  const out: Record<string, unknown> = {};
  for (const pair of d.typedSearchAttributes.getAll()) out[pair.key.name] = pair.value;
  return out;
}

/** Dispatch requests GitHub received for a target. */
export function dispatches(stack: Stack, targetId: string): RecordedRequest[] {
  return stack.github
    .dispatches()
    .filter((d) => (d.body as { client_payload?: { target?: string } }).client_payload?.target === targetId);
}

/** Distinct idempotency keys (incident-attempt) among a target's dispatch requests. */
export function dispatchKeys(stack: Stack, targetId: string): string[] {
  return [...new Set(dispatches(stack, targetId).map((d) => String((d.body as { client_payload?: { idempotency_key?: string } }).client_payload?.idempotency_key)))];
}

/** Restarts the bridge really did (repeated Idempotency-Keys restart nothing). */
export function restarts(stack: Stack, targetId: string): number {
  return stack.sim(targetId).restarts.filter((r) => !r.duplicate).length;
}

/** Emails about a target, of one kind (by subject). */
export function emails(stack: Stack, targetId: string, kind?: EmailKind): ReceivedMessage[] {
  return stack.smtp.messages.filter(
    (m) =>
      (kind === undefined || m.mail.subject === SUBJECTS[kind]) &&
      new RegExp(`^Target: ${targetId}$`, 'm').test(m.mail.text ?? ''),
  );
}

/** Counts of a target's emails per kind, e.g. { critical: 1, recovery: 1 }. */
export function emailCounts(stack: Stack, targetId: string): Partial<Record<EmailKind, number>> {
  const counts: Partial<Record<EmailKind, number>> = {};
  for (const kind of Object.keys(SUBJECTS) as EmailKind[]) {
    const n = emails(stack, targetId, kind).length;
    if (n) counts[kind] = n;
  }
  return counts;
}

/** Message-IDs that arrived more than once (a duplicated email). */
export function duplicateMessageIds(stack: Stack): string[] {
  const seen = new Map<string, number>();
  for (const m of stack.smtp.messages) if (m.mail.messageId) seen.set(m.mail.messageId, (seen.get(m.mail.messageId) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}

/** JSON of anything, with byte arrays (payload data) decoded as UTF-8 text. */
function decodedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
    if (v && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
      return Buffer.from((v as { data: number[] }).data).toString('utf8');
    }
    return v;
  });
}

/**
 * Where a secret appears: every history of the workflows whose id contains `scope` (every
 * workflow when scope is undefined), decoded; every worker's output; every email, raw. Empty
 * when nothing leaked.
 */
export async function secretLeaks(stack: Stack, scope?: string): Promise<string[]> {
  const values = Object.entries(stack.secrets).flatMap(([name, value]) => [
    [name, value],
    [`${name} (base64)`, Buffer.from(value).toString('base64')],
  ]);
  const leaks: string[] = [];
  const look = (where: string, text: string) => {
    for (const [name, value] of values) if (value && text.includes(value as string)) leaks.push(`${name} in ${where}`);
  };
  const { client } = stack.server;
  for await (const w of client.workflow.list()) {
    if (scope !== undefined && !w.workflowId.includes(scope)) continue;
    const handle = client.workflow.getHandle(w.workflowId, w.runId);
    const history = await handle.fetchHistory();
    look(`history of ${w.workflowId} (${w.runId})`, decodedJson(history));
    look(`description of ${w.workflowId} (${w.runId})`, decodedJson((await handle.describe()).raw));
  }
  for (const worker of stack.allWorkers) look(`output of worker ${worker.name}`, worker.output());
  for (const m of stack.smtp.messages) look(`email "${m.mail.subject}"`, m.raw);
  return leaks;
}

/** Workers started at the beginning and still running (no crash). */
export function crashedWorkers(stack: Stack, killed: Set<number> = new Set()): string[] {
  return stack.allWorkers
    .filter((w) => !killed.has(w.pid) && (w.proc.exitCode !== null || w.proc.signalCode !== null))
    .map((w) => `${w.name} exited (${w.proc.exitCode ?? w.proc.signalCode}):\n${w.output().slice(-3000)}`);
}
