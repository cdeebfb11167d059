/**
 * One bounded GET of a JSON document: a hard deadline (the probe timeout, enforced by an abort
 * as well as axios' socket timeout), a bounded response size, and every failure described in a
 * few words instead of thrown. The URL never appears in the description (it may carry
 * credentials).
 */
import { describeError } from '../../shared/errors';
import { isAxiosError, type AxiosInstance } from 'axios';
import { singleLine } from '../../shared/bridge-text';

export interface JsonAnswer {
  /** 2xx with a JSON body. */
  ok: boolean;
  status?: number;
  /** The parsed body, when it was JSON (also on non-2xx answers). */
  json?: unknown;
  /** "connection refused", "timeout after 5000 ms", "HTTP 503", "not JSON (text/html)", ... */
  error?: string;
  latencyMs: number;
}

export interface GetJsonOptions {
  timeoutMs: number;
  maxBytes: number;
  /** Cancellation of the whole probe (the activity's cancellation signal). */
  signal?: AbortSignal;
}

export async function getJson(http: AxiosInstance, url: string, options: GetJsonOptions): Promise<JsonAnswer> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline.signal, options.signal]) : deadline.signal;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const res = await http.get<unknown>(url, {
      timeout: options.timeoutMs,
      signal,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxContentLength: options.maxBytes,
      maxRedirects: 3,
      headers: { Accept: 'application/json' },
    });
    const latencyMs = elapsed();
    const parsed = parseJson(res.data);
    const type = contentType(res.headers['content-type']);
    if (res.status < 200 || res.status >= 300) {
      return { ok: false, status: res.status, error: `HTTP ${res.status}`, latencyMs, ...(parsed.ok ? { json: parsed.value } : {}) };
    }
    if (!parsed.ok) return { ok: false, status: res.status, error: `not JSON${type ? ` (${type})` : ''}`, latencyMs };
    return { ok: true, status: res.status, json: parsed.value, latencyMs };
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason ?? err;
    return { ok: false, error: describeHttpError(err, options, deadline.signal.aborted), latencyMs: elapsed() };
  } finally {
    clearTimeout(timer);
  }
}

function parseJson(data: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof data !== 'string') return data === undefined || data === null ? { ok: false } : { ok: true, value: data };
  const text = data.trim();
  if (!text) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function contentType(value: unknown): string {
  return typeof value === 'string' ? singleLine(value.split(';')[0] ?? '', 60) : '';
}

/** A few words on why a request failed, without the URL. */
export function describeHttpError(err: unknown, options: Pick<GetJsonOptions, 'timeoutMs' | 'maxBytes'>, timedOut: boolean): string {
  const code = errorCode(err);
  const message = describeError(err);
  if (timedOut || code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message)) return `timeout after ${options.timeoutMs} ms`;
  if (/maxContentLength/i.test(message)) return `response larger than ${formatBytes(options.maxBytes)}`;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ERR_INVALID_URL':
      return 'invalid URL';
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_HEADER_TOKEN':
      return 'not an HTTP answer';
  }
  if (/socket hang up/i.test(message)) return 'connection reset';
  if (/certificate|self[- ]signed|TLS|SSL/i.test(message)) return `TLS error (${singleLine(code ?? message, 80)})`;
  return `request failed (${singleLine(code ?? message, 80)})`;
}

function errorCode(err: unknown): string | undefined {
  const own = isAxiosError(err) ? err.code : (err as { code?: unknown } | null)?.code;
  if (typeof own === 'string' && own !== 'ERR_BAD_RESPONSE' && own !== 'ERR_NETWORK') return own;
  const cause = (err as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  const nested = (err as { errors?: Array<{ code?: unknown }> } | null)?.errors?.[0]?.code ?? cause?.errors?.[0]?.code;
  if (typeof nested === 'string') return nested;
  return typeof own === 'string' ? own : undefined;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}
