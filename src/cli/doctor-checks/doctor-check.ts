import { describeError } from '../../shared/errors';
/** One line of `autoheal doctor`: ✅ or ❌, what was seen, and how to fix it. */
export interface DoctorCheck {
  /** Short name of the link in the chain, e.g. "GitHub token scopes". */
  name: string;
  ok: boolean;
  /** What was seen. Never holds a secret. */
  detail: string;
  /** What to do, when not ok. */
  fix?: string;
}

export const pass = (name: string, detail: string): DoctorCheck => ({ name, ok: true, detail });
export const fail = (name: string, detail: string, fix: string): DoctorCheck => ({
  name,
  ok: false,
  detail,
  fix,
});

/** Resolves to `check`, or to a ❌ when it takes longer than `ms` or throws unexpectedly. */
export async function withTimeout(
  name: string,
  ms: number,
  check: () => Promise<DoctorCheck>,
  fix: string,
): Promise<DoctorCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DoctorCheck>((resolve) => {
    timer = setTimeout(() => resolve(fail(name, `no answer within ${Math.round(ms / 100) / 10} s`, fix)), ms);
  });
  try {
    return await Promise.race([
      check().catch((err: unknown) =>
        fail(name, `check failed: ${describeError(err)}`, fix),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
