/**
 * Text that came from outside (the bridge, a restart endpoint, an SMTP or HTTP server) is data:
 * before it is stored in an observation, a timeline, the in-app feed or a log line, it is made
 * one bounded line here. The one place that does so.
 *
 * - control characters (C0, DEL, C1), line and paragraph separators and the bidirectional
 *   controls (which can make a terminal or a mail client show text in another order) become a
 *   space, so a bridge cannot add lines to an email, a log or the CLI's output;
 * - runs of spaces collapse, the ends are trimmed;
 * - at most `max` characters (code points), the cut marked with "…".
 *
 * HTML escaping is separate and happens where HTML is written (src/shared/html-escape.ts), and
 * such text is never turned into a link. Workflow-safe: pure, no Node built-ins. The regular
 * expressions are single character classes: linear, no backtracking.
 */

/** Bounds of bridge-supplied strings, in characters. */
export const TEXT_LIMITS = {
  /** Account names, fund types. */
  name: 100,
  /** Status words ("healthy", "degraded", ...). */
  status: 64,
  /** Messages and error texts. */
  message: 300,
} as const;

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const SPACES = / {2,}/g;

/** One clean, bounded line of text. */
export function singleLine(text: string, max: number = TEXT_LIMITS.message): string {
  const clean = text.replace(UNSAFE, ' ').replace(SPACES, ' ').trim();
  if (clean.length <= max) return clean;
  const chars = Array.from(clean);
  return chars.length <= max ? clean : `${chars.slice(0, Math.max(0, max - 1)).join('').trimEnd()}…`;
}

/**
 * A line for a terminal: every unsafe character (see above) becomes a space, nothing else
 * changes (column alignment stays). For lines assembled from values that were cleaned already,
 * a last guard before stdout.
 */
export function terminalSafe(line: string): string {
  return line.replace(UNSAFE, ' ');
}

/** A bridge-supplied value as clean text, or undefined when it is not a string or is empty once cleaned. */
export function bridgeText(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = singleLine(value, max);
  return text === '' ? undefined : text;
}

/** The longest login accepted, in digits (MT5 logins are far shorter). */
export const MAX_LOGIN_DIGITS = 20;

/** True when `text` is an MT5 login: 1 to 20 ASCII digits. */
export function isLogin(text: string): boolean {
  if (text.length === 0 || text.length > MAX_LOGIN_DIGITS) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
