/**
 * Chaos suite, SMTP down for the whole incident: nothing listens on the SMTP port from before the
 * fault until after the incident has closed. Healing does not wait for alerts; once the SMTP
 * server is back, the CRITICAL and recovery emails arrive, none lost, none duplicated.
 * docs/RELIABILITY.md, "Chaos suite".
 */
import { healingWorkflowId } from '../../src/shared/names';
import type { HealingResult } from '../../src/workflows/healing/messages';
import { crashedWorkers, dispatches, duplicateMessageIds, emailCounts, emails, incident, restarts, searchAttributes, secretLeaks, sleep, waitFor } from './helpers/observe';
import { startStack, type Stack } from './helpers/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ name: 'smtp', targets: [{ id: 'smtp-down' }], smtpDown: true });
  await Promise.all([stack.startWorker('w1'), stack.startWorker('w2')]);
}, 600_000);

afterAll(async () => {
  await stack?.close();
});

it('SMTP down for the whole incident: healed meanwhile; once SMTP is back, one CRITICAL and one recovery email, none lost, none duplicated', async () => {
  const id = 'smtp-down';
  stack.sim(id).setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 2_000 });
  const handle = await incident(stack, id);
  const result = (await handle.result()) as HealingResult;
  expect(result.status).toBe('RECOVERED');
  expect(dispatches(stack, id)).toHaveLength(1);
  expect(restarts(stack, id)).toBe(1);
  expect(await searchAttributes(handle)).toMatchObject({ AutohealStatus: 'RECOVERED' });
  // The emails are still owed: the incident handed them over to the target's alert delivery.
  const timeline = result.timeline.map((t) => `${t.step} ${t.outcome}`);
  expect(timeline).toContain('alerted handed_over');
  await sleep(5_000);
  expect(stack.smtp.messages).toHaveLength(0);

  const upAt = Date.now();
  await stack.smtp.up();
  await waitFor('the CRITICAL and recovery emails', () => emails(stack, id, 'critical').length >= 1 && emails(stack, id, 'recovery').length >= 1, 600_000);
  console.log(`SMTP back: both emails within ${((Date.now() - upAt) / 1000).toFixed(0)} s`);
  await sleep(20_000);
  expect(emailCounts(stack, id)).toEqual({ critical: 1, recovery: 1 });
  expect(duplicateMessageIds(stack)).toEqual([]);
  expect(emails(stack, id, 'critical')[0]?.mail.text).toContain(`Incident: ${result.incidentId}`);
  expect(emails(stack, id, 'recovery')[0]?.mail.text).toContain(`Incident: ${result.incidentId}`);
  expect(stack.smtp.logins.every((l) => l.accepted)).toBe(true);
  expect(dispatches(stack, id)).toHaveLength(1);
  await expect(stack.server.client.workflow.getHandle(healingWorkflowId(id, stack.taskQueue)).describe()).resolves.toMatchObject({ status: { name: 'COMPLETED' } });
  expect(crashedWorkers(stack)).toEqual([]);
  expect(await secretLeaks(stack)).toEqual([]);
}, 900_000);
