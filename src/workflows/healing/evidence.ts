/**
 * Evidence before the cure: right after an incident opens, before its first rung, the incident
 * keeps what the bridge said (health fields, each account's data source and the age of its
 * reading, the failing checks, latencies) and which rung the diagnosis chose, and why. A restart
 * erases the state it cures; the people who read the incident later see what the VPS looked like
 * before it was touched. Built from the probe that confirmed the CRITICAL (or the incident's own
 * probe): no extra call. Balances are left out (the snapshot goes to the dashboard and the CLI).
 * Workflow code: deterministic.
 */
import { describeRung, diagnoseRung, firstRungIndex } from '../../shared/remediation-ladder';
import type { ProbeReport } from '../../shared/types';
import type { Incident } from './incident';
import type { IncidentEvidence } from './messages';

/** The most accounts a snapshot lists (a bridge may list many; the incident's view stays small). */
const MAX_EVIDENCE_ACCOUNTS = 50;

/** The snapshot of one probe report. */
export function evidenceOf(report: ProbeReport, diagnosis: IncidentEvidence['diagnosis']): IncidentEvidence {
  const { observation: o } = report;
  const probedMs = Date.parse(o.probedAt);
  const h = o.health;
  return {
    probedAt: o.probedAt,
    health: {
      ok: h.ok,
      ...(h.httpStatus === undefined ? {} : { httpStatus: h.httpStatus }),
      ...(h.error === undefined ? {} : { error: h.error }),
      ...(h.claimedStatus === undefined ? {} : { claimedStatus: h.claimedStatus }),
      mt5Available: h.mt5Available,
      connected: h.connected,
      tradeAllowed: h.tradeAllowed,
      ...(h.databaseConnected === undefined ? {} : { databaseConnected: h.databaseConnected }),
      ...(h.cacheComplete === undefined ? {} : { cacheComplete: h.cacheComplete }),
      ...(h.version === undefined ? {} : { version: h.version }),
      latencyMs: h.latencyMs,
    },
    accounts: o.accounts.readings.slice(0, MAX_EVIDENCE_ACCOUNTS).map((r) => {
      const readMs = r.readAt ? Date.parse(r.readAt) : Number.NaN;
      return {
        login: r.login,
        dataSource: r.dataSource,
        ageMs: Number.isFinite(readMs) && Number.isFinite(probedMs) ? Math.max(0, probedMs - readMs) : null,
      };
    }),
    accountsSource: o.accounts.source,
    accountsLatencyMs: o.accounts.latencyMs,
    syncedAccounts: report.syncedAccounts,
    expectedAccounts: report.expectedAccounts,
    failingChecks: report.checks.filter((c) => c.status === 'fail').map((c) => ({ check: c.check, evidence: c.evidence })),
    diagnosis,
  };
}

/**
 * Diagnoses the fault, sets the incident's first rung, and records the evidence snapshot (view
 * and timeline). Returns false when the ladder has no rung that can cure the fault (people at once).
 */
export function diagnoseAndRecordEvidence(incident: Incident): boolean {
  const diagnosis = diagnoseRung(incident.lastReport);
  const first = firstRungIndex(incident.rungs.ladder, diagnosis);
  if (first !== undefined) incident.rungs.index = first;
  const rung = first === undefined ? undefined : incident.rungs.ladder[first]?.rung;
  const chosen = { ...(rung ? { rung } : {}), why: diagnosis.why };
  const report = incident.lastReport;
  if (report) incident.view.evidence = evidenceOf(report, chosen);
  const h = report?.observation.health;
  const said = h
    ? `health ${h.ok ? `HTTP ${h.httpStatus ?? 200} "${h.claimedStatus ?? '?'}"` : `failed (${h.error ?? 'no answer'})`} in ${h.latencyMs} ms; terminal connected ${String(h.connected)}, trade allowed ${String(h.tradeAllowed)}` +
      (h.databaseConnected === undefined || h.databaseConnected === null ? '' : `, database connected ${String(h.databaseConnected)}`) +
      `; ${report?.syncedAccounts ?? 0}/${report?.expectedAccounts ?? '?'} accounts synced`
    : 'no probe report';
  const plan = rung
    ? `first rung: ${rung} (${describeRung(rung)}), because ${diagnosis.why}`
    : `no rung of the ladder (${incident.rungs.ladder.map((r) => r.rung).join(', ')}) cures this: ${diagnosis.why} calls for ${diagnosis.rung}`;
  incident.note('evidence', rung ?? 'people', `before any restart: ${said} — ${plan}`);
  return first !== undefined;
}
