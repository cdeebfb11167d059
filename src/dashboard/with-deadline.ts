import type { Client } from '@temporalio/client';
import { TemporalTimeoutError } from './errors';

/**
 * Runs Temporal calls with a deadline: a dashboard read must answer even when the server is down
 * or no worker polls (a query would otherwise wait for one). The calls are cancelled on timeout.
 */
export async function withDeadline<T>(
  client: Client,
  what: string,
  ms: number,
  run: () => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new TemporalTimeoutError(`${what}: no answer from Temporal within ${ms} ms`));
    }, ms);
  });
  const call = client.withAbortSignal(controller.signal, async () => run());
  call.catch(() => undefined); // settled by the race; a late rejection after the timeout is expected
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
