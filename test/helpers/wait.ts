/**
 * Polling in real time, for tests that watch a running stack: read until the value is what the
 * test waits for, or fail after a generous deadline naming what was awaited and the last value.
 * Never a speed assertion: the deadline only keeps a broken run from hanging.
 */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(
  what: string,
  read: () => Promise<T> | T,
  ok: (value: T) => boolean,
  {
    timeoutMs = 30_000,
    everyMs = 100,
    describe = (value: T): unknown => JSON.stringify(value),
  }: { timeoutMs?: number; everyMs?: number; describe?: (value: T) => unknown } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${String(await describe(value))}`);
    await pause(everyMs);
  }
}
