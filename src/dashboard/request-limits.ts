/**
 * Bounds on what one client can make the dashboard do, so that it can never stall the event
 * loop that `autoheal start` shares with the worker and its probes:
 *
 * - request line and headers: at most 8 KB together (Node answers 431 beyond), the request
 *   target at most MAX_URL_LENGTH (414), a body at most MAX_BODY_BYTES (413, before reading
 *   it when Content-Length says so);
 * - a client that sends its headers or body slowly is cut off (headersTimeout, requestTimeout);
 * - at most `maxConnections` sockets at once (further ones are dropped by Node), and a socket
 *   serves at most `maxRequestsPerSocket` requests.
 */
import type { ServerOptions } from 'node:http';

export const REQUEST_LIMITS = {
  server: {
    maxHeaderSize: 8 * 1024,
    headersTimeout: 10_000,
    requestTimeout: 15_000,
    keepAliveTimeout: 5_000,
  } satisfies ServerOptions,
  maxConnections: 256,
  maxRequestsPerSocket: 100,
} as const;
