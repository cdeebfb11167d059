/** The bodies of the state-changing calls, validated with zod; a 400 names the bad field. */
import { z } from 'zod';

const text = (max: number) =>
  z.string().trim().min(1, 'required, not empty').max(max, `at most ${max} characters`);

export const forceRecoveryBody = z.object({ reason: text(500), by: text(100), rung: z.enum(['reinit', 'full-restart']).optional() });
export const acknowledgeBody = z.object({ by: text(100) });
export const resolveBody = z.object({ by: text(100), note: text(1000) });
export const remediationOffBody = z.object({ by: text(100), reason: text(500) });
export const remediationOnBody = z.object({ by: text(100), reason: z.string().max(500).optional() });
export const markReadBody = z.object({
  ids: z.array(z.string().min(1).max(1000)).min(1, 'at least one id').max(500),
});

/** "by: required, not empty; note: ..." from a zod error. */
export function describeBodyIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; ');
}
