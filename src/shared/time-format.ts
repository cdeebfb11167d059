/** "2025-10-31 11:26:38 UTC", the runbook's timestamp form; "unknown" for no time, the input for an unreadable one. */
export function formatUtc(iso: string | undefined): string {
  if (!iso) return 'unknown';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
