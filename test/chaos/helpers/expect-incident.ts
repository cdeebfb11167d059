/**
 * The assertions most chaos scenarios share: an incident that heals (one incident, its dispatch
 * count, one restart, one CRITICAL and one recovery email, RECOVERED in the result and the search
 * attributes, no secret anywhere), and one that escalates.
 */
import { resolveUpdate, statusQuery, type HealingResult, type IncidentView } from '../../../src/workflows/healing/messages';
import {
  dispatches,
  dispatchKeys,
  emailCounts,
  emails,
  incident,
  incidentRuns,
  restarts,
  searchAttributes,
  secretLeaks,
  sleep,
  waitFor,
} from './observe';
import type { Stack } from './stack';

/** After the decisive moment, a few more monitor cycles: nothing else may happen. */
export const SETTLE_MS = 8_000;

export interface HealExpectations {
  /** Checks that must be among the incident's failing checks. */
  checks?: string[];
  /**
   * Requests the GitHub API received (retries included); default 1. 'same-key': at least one,
   * all with the incident's one idempotency key (a dispatch whose answer was lost is sent again).
   */
  dispatchRequests?: number | 'same-key';
}

export async function expectHealed(stack: Stack, id: string, expected: HealExpectations = {}): Promise<HealingResult> {
  const handle = await incident(stack, id);
  const result = (await handle.result()) as HealingResult;
  expect(result.status).toBe('RECOVERED');
  for (const check of expected.checks ?? []) expect(result.failingChecks).toContain(check);
  await waitFor(`the CRITICAL and recovery emails of ${id}`, () => emails(stack, id, 'critical').length >= 1 && emails(stack, id, 'recovery').length >= 1);
  await sleep(SETTLE_MS);
  expect(emailCounts(stack, id)).toEqual({ critical: 1, recovery: 1 });
  if (expected.dispatchRequests === 'same-key') expect(dispatches(stack, id).length).toBeGreaterThanOrEqual(1);
  else expect(dispatches(stack, id)).toHaveLength(expected.dispatchRequests ?? 1);
  expect(dispatchKeys(stack, id)).toHaveLength(1);
  expect(restarts(stack, id)).toBe(1);
  await waitFor(`the incident of ${id} in visibility`, async () => (await incidentRuns(stack, id)).length >= 1, 60_000);
  expect(await incidentRuns(stack, id)).toHaveLength(1);
  // A recovered incident's severity is HEALTHY again (src/workflows/healing/open-close.ts).
  expect(await searchAttributes(handle)).toMatchObject({ AutohealTarget: id, AutohealStatus: 'RECOVERED', AutohealSeverity: 'HEALTHY' });
  expect(await secretLeaks(stack, id)).toEqual([]);
  return result;
}

export interface EscalationExpectations {
  /** Requests the GitHub API received. */
  dispatchRequests: number;
  /** Restarts the bridge received (not repeated keys). */
  restarts: number;
  attempts: number;
  /** Text the escalation's diagnosis (and its email) must contain. */
  diagnosis?: string | RegExp;
}

/** Waits for the escalation, checks it, then an operator resolves the parked incident. */
export async function expectEscalated(stack: Stack, id: string, expected: EscalationExpectations): Promise<IncidentView> {
  const handle = await incident(stack, id);
  await waitFor(`the escalation of ${id}`, async () => (await handle.query(statusQuery)).status === 'ESCALATED', 300_000);
  await waitFor(`the escalation email of ${id}`, () => emails(stack, id, 'escalation').length >= 1);
  await sleep(SETTLE_MS);
  const view = await handle.query(statusQuery);
  expect(view.attempts).toHaveLength(expected.attempts);
  expect(view.attempts.every((a) => a.outcome !== 'recovered')).toBe(true);
  if (expected.diagnosis) {
    expect(view.escalation?.diagnosis).toMatch(expected.diagnosis);
    expect(emails(stack, id, 'escalation')[0]?.mail.text).toMatch(expected.diagnosis);
  }
  expect(emailCounts(stack, id)).toEqual({ critical: 1, escalation: 1 });
  expect(dispatches(stack, id)).toHaveLength(expected.dispatchRequests);
  expect(restarts(stack, id)).toBe(expected.restarts);
  await waitFor(`ESCALATED in the search attributes of ${id}`, async () => (await searchAttributes(handle)).AutohealStatus === 'ESCALATED', 60_000);
  expect(await searchAttributes(handle)).toMatchObject({ AutohealTarget: id, AutohealSeverity: 'CRITICAL' });

  // Parked: no more restarts. An operator resolves it.
  await handle.executeUpdate(resolveUpdate, { args: [{ by: 'chaos-suite', note: 'scenario over' }] });
  const result = (await handle.result()) as HealingResult;
  expect(result.status).toBe('RESOLVED');
  expect(dispatches(stack, id)).toHaveLength(expected.dispatchRequests);
  expect(await searchAttributes(handle)).toMatchObject({ AutohealStatus: 'RESOLVED' });
  expect(await secretLeaks(stack, id)).toEqual([]);
  return view;
}
