/**
 * Recurring maintenance windows where operators see them: `autoheal pause` (no arguments) lists
 * each target's declared windows with the one in progress and the next, and the dashboard shows
 * the next (or current) window per target. The monitor's pause state comes from a stub client:
 * the pause itself is proved on Temporal in test/maintenance-schedule-monitor.test.ts.
 */
import { Command } from 'commander';
import type { AutohealClient } from '../src/client/autoheal-client';
import type { PauseState } from '../src/client/maintenance';
import { registerMaintenanceCommands } from '../src/cli/commands/maintenance';
import { loadConfig } from '../src/config/load-config';
import { renderPage } from '../src/dashboard/render-page';
import { windowSummary } from '../src/shared/maintenance-schedule';

const TARGETS = `targets:
  - id: desk-a
    url: http://10.0.0.1:8000
    maintenance:
      - { name: broker weekly, days: [sat], start: "22:00", duration: 2h, timeZone: Europe/London }
      - { name: nightly backup, start: "02:30", duration: 30m, timeZone: Europe/London }
  - id: desk-b
    url: http://10.0.0.2:8000
`;
const config = loadConfig({ AUTOHEAL_TARGETS_FILE: 't.yaml' }, { readFile: () => TARGETS });

async function pauseCommand(now: Date, states: Record<string, PauseState>): Promise<string> {
  const lines: string[] = [];
  const client = {
    maintenance: { state: async (targetId: string) => states[targetId] },
    close: async () => undefined,
  } as unknown as AutohealClient;
  const program = new Command('autoheal').exitOverride();
  registerMaintenanceCommands(program, { loadConfig: () => config, connect: async () => client, write: (l) => lines.push(l), now: () => now });
  await program.parseAsync(['pause'], { from: 'user' });
  return lines.join('\n');
}

const on = (targetId: string): PauseState => ({ targetId, monitorWorkflowId: `autoheal-monitor-${targetId}`, paused: false, incidentOpen: false });

describe('autoheal pause (no arguments)', () => {
  it("lists each target's windows and the next occurrence; a target without windows shows none", async () => {
    const text = await pauseCommand(new Date('2026-12-12T12:00:00Z'), { 'desk-a': on('desk-a'), 'desk-b': on('desk-b') });
    expect(text).toContain('desk-a: monitoring ON (monitor autoheal-monitor-desk-a)');
    expect(text).toContain('    - broker weekly: Sat 22:00 Europe/London for 2h');
    expect(text).toContain('    - nightly backup: daily 02:30 Europe/London for 30m');
    expect(text).toContain('  next: "broker weekly" 2026-12-12T22:00:00.000Z → 2026-12-13T00:00:00.000Z (in 10h)');
    expect(text).not.toMatch(/desk-b[^\n]*\n[^\n]*scheduled windows/);
  });

  it('during an occurrence shows the pause by "schedule", its end, and the window in progress', async () => {
    const paused: PauseState = {
      targetId: 'desk-a',
      monitorWorkflowId: 'autoheal-monitor-desk-a',
      paused: true,
      note: 'PAUSED until 2026-12-13T00:00:00.000Z by schedule (broker weekly)',
      window: { workflowId: 'autoheal-monitor-desk-a', until: '2026-12-13T00:00:00.000Z', by: 'schedule', reason: 'broker weekly' },
      incidentOpen: true,
    };
    const text = await pauseCommand(new Date('2026-12-12T23:00:00Z'), { 'desk-a': paused, 'desk-b': on('desk-b') });
    expect(text).toContain('desk-a: monitoring PAUSED — no checks, alerts or restarts');
    expect(text).toContain('  note: PAUSED until 2026-12-13T00:00:00.000Z by schedule (broker weekly)');
    expect(text).toContain('  ends: 2026-12-13T00:00:00.000Z (in 1 hour 0 minutes 0 seconds), ended by the monitor\'s durable timer');
    expect(text).toContain('  incident: OPEN and NOT touched by the pause');
    expect(text).toContain('  in progress: "broker weekly" 2026-12-12T22:00:00.000Z → 2026-12-13T00:00:00.000Z (ends in 1h; "autoheal resume" ends it early)');
    expect(text).toContain('  next: "nightly backup" 2026-12-13T02:30:00.000Z → 2026-12-13T03:00:00.000Z (in 3h30m)');
  });
});

describe('the dashboard', () => {
  it('shows the next window on the target card', () => {
    const windows = windowSummary(config.targets[0]?.maintenance, Date.parse('2026-12-12T12:00:00Z'));
    expect(windows).toBe('next maintenance window: "broker weekly" 2026-12-12T22:00:00.000Z → 2026-12-13T00:00:00.000Z');
    const html = renderPage(
      {
        generatedAt: '2026-12-12T12:00:00.000Z',
        stale: false,
        temporal: { reachable: true, namespace: 'default', webUiUrl: 'http://127.0.0.1:8233' },
        targets: [{ id: 'desk-a', severity: 'HEALTHY', stale: false, links: { incident: '#', monitorRuns: '#' }, ...(windows ? { windows } : {}) }],
        notifications: { available: true, items: [], unread: 0 },
      },
      'nonce',
    );
    expect(html).toContain('next maintenance window: &quot;broker weekly&quot; 2026-12-12T22:00:00.000Z → 2026-12-13T00:00:00.000Z');
  });

  it('during an occurrence says it is in progress, and names the next', () => {
    expect(windowSummary(config.targets[0]?.maintenance, Date.parse('2026-12-12T23:00:00Z'))).toBe(
      'scheduled maintenance window in progress: "broker weekly" 2026-12-12T22:00:00.000Z → 2026-12-13T00:00:00.000Z; next maintenance window: "nightly backup" 2026-12-13T02:30:00.000Z → 2026-12-13T03:00:00.000Z',
    );
    expect(windowSummary(config.targets[1]?.maintenance, Date.parse('2026-12-12T23:00:00Z'))).toBeUndefined();
  });
});
