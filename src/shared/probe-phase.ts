/**
 * Each target probes at its own phase within the check interval, so that many targets spread
 * their probes instead of all firing in the same second. Workflow-safe: pure.
 */

/** A stable phase in [0, interval) for a target id (FNV-1a over the id, whole seconds when it can). */
export function phaseOffsetMs(targetId: string, intervalMs: number): number {
  let hash = 0x811c9dc5;
  for (const ch of targetId) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  const step = intervalMs >= 2_000 ? 1_000 : 100;
  const slots = Math.max(1, Math.floor(intervalMs / step));
  return (hash % slots) * step;
}

/** The first probe time after `afterMs` that falls on the target's phase: t ≡ phase (mod interval). */
export function nextProbeSlot(afterMs: number, intervalMs: number, phaseMs: number): number {
  const k = Math.floor((afterMs - phaseMs) / intervalMs) + 1;
  return k * intervalMs + phaseMs;
}
