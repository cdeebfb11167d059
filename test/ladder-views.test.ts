/**
 * Which rung: the CRITICAL and recovery emails, the escalation email, the dashboard page and
 * `autoheal incident status` name the ladder rung of each attempt and the diagnosis.
 */
import { renderEmail } from '../src/activities/alerts/render-email';
import { formatIncident } from '../src/cli/commands/incident';
import { renderPage } from '../src/dashboard/render-page';
import type { DashboardStatus } from '../src/dashboard/types';
import type { IncidentView } from '../src/workflows/healing/messages';

const DASHBOARD = 'http://127.0.0.1:8080';
const lines = (text: string) => text.split('\n').map((l) => l.trim());

describe('emails name the rung', () => {
  it('CRITICAL: the Auto-Restart line names the first rung and what follows, and the expected recovery is the reinit’s window', () => {
    const email = renderEmail(
      {
        kind: 'critical',
        targetId: 'mt5-bridge',
        at: '2025-10-31T11:26:00Z',
        incidentId: 'mt5-bridge-20251031-112600',
        component: 'MT5 Bridge',
        status: 'DEGRADED',
        issue: 'MT5 Terminal disconnected from broker',
        autoRestart: 'INITIATED — first rung: MT5 re-initialisation (emergency-restart); then full restart, then people (escalation)',
        expectedRecoveryMs: 60_000,
      },
      { dashboardUrl: DASHBOARD },
    );
    expect(lines(email.text)).toEqual(
      expect.arrayContaining([
        'Auto-Restart: INITIATED — first rung: MT5 re-initialisation (emergency-restart); then full restart, then people (escalation)',
        'Expected Recovery: 1 minute',
      ]),
    );
  });

  it('recovery: "Recovery method: MT5 re-initialisation (emergency-restart)" for a reinit', () => {
    const email = renderEmail(
      {
        kind: 'recovery',
        targetId: 'mt5-bridge',
        at: '2025-10-31T11:27:00Z',
        incidentId: 'mt5-bridge-20251031-112600',
        method: 'reinit',
        recoveryTimeMs: 45_000,
        accountsOnline: 7,
        accountsExpected: 7,
      },
      { dashboardUrl: DASHBOARD },
    );
    expect(lines(email.text)).toContain('Recovery method: MT5 re-initialisation (emergency-restart)');
  });

  it('escalation: each attempt says its rung', () => {
    const email = renderEmail(
      {
        kind: 'escalation',
        targetId: 'mt5-bridge',
        at: '2025-10-31T11:40:00Z',
        incidentId: 'mt5-bridge-20251031-112600',
        issue: 'MT5 Terminal disconnected from broker',
        openedAt: '2025-10-31T11:26:00Z',
        diagnosis: '3 restart attempts failed',
        attempts: [
          { attempt: 1, method: 'reinit', rung: 'reinit', outcome: 'not_recovered', detail: 'automatic reinit — not healthy after 1m (REINIT_VERIFY_TIMEOUT)' },
          { attempt: 2, method: 'webhook', rung: 'full-restart', outcome: 'not_recovered', detail: 'automatic restart — not healthy after 5m (VERIFY_TIMEOUT)' },
        ],
      },
      { dashboardUrl: DASHBOARD },
    );
    expect(email.text).toMatch(/Attempt 1 \(MT5 re-initialisation \(emergency-restart\)/);
    expect(email.text).toMatch(/Attempt 2 \(direct restart webhook/);
  });
});

const view: IncidentView = {
  incidentId: 'mt5-bridge-20251031-112600',
  status: 'RECOVERED',
  target: 'mt5-bridge',
  openedAt: '2025-10-31T11:26:00.000Z',
  issue: 'MT5 Terminal disconnected from broker',
  failingChecks: ['terminal'],
  activity: 'closed: recovered',
  attempts: [
    { attempt: 1, method: 'reinit', rung: 'reinit', outcome: 'not_recovered', detail: 'automatic reinit — not healthy after 1m (REINIT_VERIFY_TIMEOUT)' },
    { attempt: 2, method: 'webhook', rung: 'full-restart', outcome: 'recovered', detail: 'automatic restart — verified healthy' },
  ],
  timeline: [],
  figures: { detectedAt: '2025-10-31T11:26:00.000Z', openedAt: '2025-10-31T11:26:00.000Z' },
  evidence: {
    probedAt: '2025-10-31T11:25:58.000Z',
    health: { ok: true, httpStatus: 200, claimedStatus: 'healthy', mt5Available: true, connected: false, tradeAllowed: false, databaseConnected: true, latencyMs: 84 },
    accounts: [{ login: '886557', dataSource: 'live', ageMs: 3_600_000 }],
    accountsSource: 'summary',
    accountsLatencyMs: 40,
    syncedAccounts: 0,
    expectedAccounts: 7,
    failingChecks: [{ check: 'terminal', evidence: 'terminal_info.connected is false' }],
    diagnosis: { rung: 'reinit', why: 'the terminal lost its broker link' },
  },
};

it('`autoheal incident status` shows the evidence, the diagnosis and the rung of each attempt', () => {
  const text = formatIncident(view);
  expect(text).toMatch(/^evidence: probed 2025-10-31T11:25:58\.000Z: health HTTP 200 "healthy" 84 ms, terminal connected false, trade allowed false, database connected true; 0\/7 synced; failing: terminal$/m);
  expect(text).toMatch(/^diagnosis: first rung reinit \(MT5 re-initialisation \(emergency-restart\)\) — the terminal lost its broker link$/m);
  expect(text).toMatch(/^ {2}#1 reinit reinit .* not_recovered/m);
  expect(text).toMatch(/^ {2}#2 full-restart webhook .* recovered/m);
});

it('the dashboard names the rungs tried and the diagnosis', () => {
  const status: DashboardStatus = {
    generatedAt: '2025-10-31T11:30:00.000Z',
    stale: false,
    temporal: { reachable: true, namespace: 'default', webUiUrl: 'http://127.0.0.1:8233' },
    notifications: { available: true, items: [], unread: 0 } as unknown as DashboardStatus['notifications'],
    targets: [
      {
        id: 'mt5-bridge',
        severity: 'CRITICAL',
        summary: 'MT5 Terminal disconnected from broker',
        stale: false,
        links: { incident: 'http://ui/i', monitorRuns: 'http://ui/m' } as never,
        incident: {
          incidentId: view.incidentId,
          workflowId: 'heal-mt5-bridge',
          status: 'HEALING',
          open: true,
          openedAt: view.openedAt,
          attempts: 2,
          rungs: ['reinit', 'full-restart'],
          diagnosis: { rung: 'reinit', why: 'the terminal lost its broker link' },
          lastSteps: [],
          webUiUrl: 'http://ui/heal-mt5-bridge',
        },
      },
    ],
  };
  const html = renderPage(status, 'nonce');
  expect(html).toContain('Attempts: 2 (reinit → full-restart)');
  expect(html).toContain('Diagnosis: first rung reinit — the terminal lost its broker link');
});
