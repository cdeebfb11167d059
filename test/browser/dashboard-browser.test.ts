/**
 * The dashboard in a real browser: playwright-core drives Debian's chromium (headless) against a
 * running stack started here: the dev server, the real worker (real probe, webhook remediation,
 * roll-ups), the schedules, the dashboard with a DASHBOARD_TOKEN, and the bridge simulator. It
 * sees every target green (a fresh install: its budget untouched, its uptime "not enough measured
 * time"), injects a fault through the simulator's /_sim/fault, sees red and the
 * incident's timeline, clicks force recovery (giving the token when the page asks), and sees the
 * recovery. Screenshots: test-artifacts/browser/ (gitignored).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type Browser, type Page, chromium } from 'playwright-core';
import { AutohealClient } from '../../src/client/autoheal-client';
import { loadConfig } from '../../src/config/load-config';
import { createDashboardServer } from '../../src/dashboard';
import { createLogger } from '../../src/logging/create-logger';
import { type BridgeSimulator, createBridgeSimulator } from '../../src/simulator';
import { type RunningWorker, startWorker } from '../../src/workers/run-worker';
import { installRuntimeLogger } from '../../src/workers/create-worker';
import { createDevServerEnv, uniqueTaskQueue } from '../helpers/temporal';
import { CHROMIUM } from './global-setup';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'browser');
const TOKEN = ['browser', 'token', process.pid].join('-');
const RESTART_TOKEN = ['restart', 'token', process.pid].join('-');

let env: TestWorkflowEnvironment;
let simulator: BridgeSimulator;
let running: RunningWorker;
let dashboard: ReturnType<typeof createDashboardServer>;
let browser: Browser;
let url: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // The worker's runtime logger before anything creates the Temporal runtime.
  installRuntimeLogger(createLogger({ level: 'error' }));
  [env, simulator] = await Promise.all([
    createDevServerEnv(),
    createBridgeSimulator({ host: '127.0.0.1', port: 0, restartToken: RESTART_TOKEN }),
  ]);
  const config = loadConfig({
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('browser'),
    MT5_BRIDGE_URL: simulator.url,
    RESTART_URL: `${simulator.url}/api/system/full-restart`,
    RESTART_TOKEN,
    CHECK_INTERVAL: '2s',
    CONFIRM_DELAY: '1s',
    PROBE_TIMEOUT: '1s',
    VERIFY_INTERVAL: '2s',
    DASHBOARD_PORT: '0',
    DASHBOARD_TOKEN: TOKEN,
    LOG_LEVEL: 'error',
  });
  const log = createLogger({ level: 'error' });
  running = await startWorker(config, log);
  const client = new AutohealClient(running.connections.client, config.temporal.taskQueue);
  await client.monitors.reconcile(config.targets);
  await client.operator.ensureRollups(config.targets);
  dashboard = createDashboardServer({ client: client.temporal, config, log, taskQueue: client.taskQueue, webUiUrl: 'http://127.0.0.1:8233' });
  url = (await dashboard.listen()).url;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await running?.stop();
  await simulator?.close();
  await env?.teardown();
});

async function reloadUntil(page: Page, selector: string, what: string, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    await page.reload();
    // The overview is fetched after the page loads: wait until it replaced its placeholder (a
    // table, or the message that it could not be read).
    await page.locator('#operator', { hasNotText: 'Loading the overview' }).waitFor({ timeout: 20_000 });
    if ((await page.locator(selector).count()) > 0) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${selector})`);
    await page.waitForTimeout(1_000);
  }
}

test('green, fault, red with the timeline, force recovery with the token, green again', async () => {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  const answers: Record<string, string> = { 'Your name:': 'alice', 'Reason for the forced recovery:': 'browser test' };
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    if (dialog.type() === 'prompt') {
      const answer = dialog.message().startsWith('Dashboard token') ? TOKEN : answers[dialog.message()];
      void dialog.accept(answer ?? '');
    } else void dialog.accept();
  });
  await page.goto(`${url}/system-health`);
  await reloadUntil(page, '#operator td[data-state="HEALTHY"]', 'every target green');
  expect(await page.locator('#critical-indicator').count()).toBe(0);
  // A fresh install: the month before it is unknown, not down. No negative budget, and no
  // precise-looking uptime over a few minutes of a month.
  const budget = (await page.locator('#operator td[data-field="budget-left"]').first().textContent()) ?? '';
  expect(budget).toMatch(/^\d+\.\d min$/);
  expect(Number.parseFloat(budget)).toBeCloseTo(4.3, 1); // 0.01 % of 30 days, untouched
  expect(await page.locator('#operator td[data-field="uptime"]').first().textContent()).toContain('not enough measured time (coverage');
  expect(await page.locator('#operator p.muted', { hasText: 'Overall' }).textContent()).toContain('error budget left 4.3 min');
  await page.screenshot({ path: join(ARTIFACTS, '1-green.png'), fullPage: true });

  // The fault: automatic restarts are answered but do not heal ("lie").
  const fault = await fetch(`${simulator.url}/_sim/fault`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'terminal_disconnected', restart: 'lie' }),
  });
  expect(fault.status).toBe(200);
  await reloadUntil(page, '#critical-indicator', 'the red indicator');
  await reloadUntil(page, 'text=dispatched', 'the incident timeline with a dispatch');
  expect(await page.locator('#operator td[data-state="HEALING"]').count()).toBe(1);
  await page.screenshot({ path: join(ARTIFACTS, '2-red-incident.png'), fullPage: true });

  // Now a restart heals; the operator forces one from the page, with the token.
  simulator.setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 1_000, placeholderMs: 500 });
  const restartsBefore = simulator.restarts.length;
  await page.locator('button[data-action="force-recovery"]').first().click();
  await page.waitForTimeout(1_000);
  expect(dialogs).toEqual(expect.arrayContaining(['Your name:', 'Reason for the forced recovery:']));
  expect(dialogs.some((d) => d.startsWith('Dashboard token'))).toBe(true);
  expect(dialogs.some((d) => d.startsWith('Done'))).toBe(true);
  await reloadUntil(page, '#operator td[data-state="HEALTHY"]', 'recovery');
  expect(await page.locator('#critical-indicator').count()).toBe(0);
  expect(simulator.restarts.length).toBeGreaterThan(restartsBefore);
  await page.screenshot({ path: join(ARTIFACTS, '3-recovered.png'), fullPage: true });
});
