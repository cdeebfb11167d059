/**
 * How one attempt of an incident ended (attempt.ts), as each of its steps reports back. In a file
 * of its own: the steps import it, and attempt.ts imports the steps.
 */
export type AttemptOutcome =
  | { kind: 'recovered'; method?: string }
  | { kind: 'resolved' }
  | { kind: 'failed' }
  | { kind: 'non_retryable'; diagnosis: string }
  | { kind: 'sla' }
  | { kind: 'superseded' }
  /** Escalated before dispatching (the restart budget): park. */
  | { kind: 'escalated' };
