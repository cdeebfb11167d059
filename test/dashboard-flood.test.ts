/**
 * The dashboard can never stall the worker: `autoheal start` runs the dashboard, the worker and
 * its probe activities on one event loop. Here they share this test's loop: the probe activity
 * probes the real bridge simulator (PROBE_TIMEOUT 500 ms), one probe after another, while clients
 * flood the real dashboard with hostile requests (paths of thousands of slashes, oversized
 * headers and bodies). Not one probe may time out. (Before the request bounds and the linear
 * path handling, one such path took a third of a second of the loop, and probes timed out.)
 */
import { spawn } from 'node:child_process';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createProbeActivities } from '../src/activities/probe/index';
import { loadConfig } from '../src/config/load-config';
import { createDashboardServer, type DashboardServer } from '../src/dashboard';
import { createLogger } from '../src/logging/create-logger';
import type { ProbeReport, Target } from '../src/shared/types';
import { startSimulator, type BridgeSimulator } from './helpers/simulator';
import { createTimeSkippingEnv, uniqueTaskQueue } from './helpers/temporal';

jest.setTimeout(180_000);

const TOKEN = ['flood', 'token', Math.random().toString(36).slice(2)].join('-');
const taskQueue = uniqueTaskQueue('flood');
let env: TestWorkflowEnvironment;
let simulator: BridgeSimulator;
let dashboard: DashboardServer;
let dashboardUrl: string;
const reports: ProbeReport[] = [];

beforeAll(async () => {
  [env, simulator] = await Promise.all([createTimeSkippingEnv(), startSimulator()]);
  const config = loadConfig({ MT5_BRIDGE_URL: simulator.url, PROBE_TIMEOUT: '500ms', DASHBOARD_PORT: '0', DASHBOARD_TOKEN: TOKEN });
  dashboard = createDashboardServer({
    client: env.client,
    config,
    log: createLogger({ level: 'silent', secrets: [TOKEN] }),
    taskQueue,
  });
  dashboardUrl = (await dashboard.listen()).url;
});

afterAll(async () => {
  await dashboard?.close();
  await simulator?.close();
  await env?.teardown();
});

/** Clients flooding at once, each sending its next request as soon as the previous one is answered. */
const FLOODERS = 24;

/**
 * The attacker: another process (as a real one would be, so that the flood's pace does not
 * depend on this event loop), with FLOODERS connections each sending hostile requests in turn
 * until its stdin closes; then it prints how many answers of each status it got, as JSON.
 */
const FLOOD_SCRIPT = `
const { connect } = require('node:net');
const [port, token, clients] = process.argv.slice(1);
const slashes = 'GET /a' + '/'.repeat(15000) + 'b HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n';
const hostile = [
  slashes, slashes, slashes,
  'GET /system-health' + '/'.repeat(6000) + ' HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n',
  'GET /api/targets/' + 'x/'.repeat(3000) + 'acknowledge HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n',
  'GET /healthz HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nX-Filler: ' + 'a'.repeat(30000) + '\\r\\n\\r\\n',
  'POST /api/targets/mt5-bridge/acknowledge HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Type: application/json\\r\\nAuthorization: Bearer ' + token + '\\r\\nContent-Length: 104857600\\r\\n\\r\\n{"by":"',
  'POST /api/notifications/read HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Type: application/json\\r\\nAuthorization: Bearer ' + 'b'.repeat(7000) + '\\r\\nContent-Length: 2\\r\\n\\r\\n{}',
];
const answers = {};
let flooding = true;
function once(text) {
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(3000, () => socket.destroy());
    socket.on('data', (chunk) => { answer += chunk; if (answer.includes('\\r\\n')) socket.destroy(); });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve((answer.split('\\r\\n')[0] || '').split(' ')[1] || 'closed'));
    socket.write(text);
  });
}
async function flooder(offset) {
  for (let i = offset; flooding; i++) {
    const status = await once(hostile[i % hostile.length]);
    answers[status] = (answers[status] || 0) + 1;
  }
}
const all = Promise.all(Array.from({ length: Number(clients) }, (_, i) => flooder(i)));
process.stdout.write('flooding\\n');
process.stdin.resume();
process.stdin.on('end', async () => { flooding = false; await all; process.stdout.write(JSON.stringify(answers) + '\\n'); });
`;

interface Flood {
  /** Answers so far are unknown until stop(): it resolves how many answers of each status. */
  stop(): Promise<Record<string, number>>;
}

async function startFlood(): Promise<Flood> {
  const { port } = new URL(dashboardUrl);
  const child = spawn(process.execPath, ['-e', FLOOD_SCRIPT, port, TOKEN, String(FLOODERS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  await new Promise<void>((resolve) =>
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.startsWith('flooding\n')) resolve();
    }),
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async stop() {
      child.stdin.end();
      await exited;
      return JSON.parse(out.slice('flooding\n'.length).trim()) as Record<string, number>;
    },
  };
}

it('a flood of hostile requests during probes adds no probe timeout', async () => {
  const target: Target = loadConfig({ MT5_BRIDGE_URL: simulator.url, PROBE_TIMEOUT: '500ms' }).targets[0]!.target;
  const probe = createProbeActivities({});
  const flood = await startFlood();
  let answers: Record<string, number> = {};
  try {
    for (let run = 0; run < 8; run++) reports.push(await probe.probeTarget(target));
  } finally {
    answers = await flood.stop();
  }

  const timeouts = reports.filter((r) => /timeout/.test(`${r.observation.health.error ?? ''} ${r.observation.accounts.error ?? ''}`));
  expect(timeouts.map((r) => r.summary)).toEqual([]);
  expect(reports.filter((r) => r.severity !== 'HEALTHY').map((r) => r.summary)).toEqual([]);
  // The flood really ran alongside the probes, and every hostile request got a refusal.
  expect(Object.values(answers).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(FLOODERS);
  for (const status of Object.keys(answers)) expect(['401', '404', '413', '414', '431']).toContain(status);
  expect(answers['431']).toBeGreaterThan(0); // the path of 15,000 slashes is refused by the parser
});
