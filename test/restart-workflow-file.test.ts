/**
 * The restart workflow users install in their repository (deploy/github/mt5-full-restart.yml):
 * its properties read from the parsed YAML, then its restart step run with bash, curl and jq
 * against the bridge simulator, the way a GitHub runner would run it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createBridgeSimulator, type BridgeSimulator } from '../src/simulator/create-bridge-simulator';

const WORKFLOW_PATH = join(__dirname, '..', 'deploy', 'github', 'mt5-full-restart.yml');
const RESTART_TOKEN = 'restart-token-for-workflow-file-test-7f3a9c';

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string | boolean>;
  run?: string;
  env?: Record<string, string>;
}
interface Job {
  'timeout-minutes'?: number;
  'runs-on'?: string;
  steps: Step[];
}
interface WorkflowFile {
  on: {
    repository_dispatch?: { types?: string[] };
    workflow_dispatch?: { inputs?: Record<string, unknown> };
  };
  jobs: Record<string, Job>;
}

const text = readFileSync(WORKFLOW_PATH, 'utf8');
const workflow = parse(text) as WorkflowFile;
const jobs = Object.values(workflow.jobs);
const restartStep = jobs
  .flatMap((j) => j.steps)
  .find((s) => s.run?.includes('/api/system/full-restart')) as Step;

describe('mt5-full-restart.yml, as parsed', () => {
  test('listens to repository_dispatch of type mt5-full-restart (the runbook event_type)', () => {
    expect(workflow.on.repository_dispatch?.types).toEqual(['mt5-full-restart']);
  });

  test('a manual workflow_dispatch declares every input it uses (an undeclared input is a 422)', () => {
    const declared = Object.keys(workflow.on.workflow_dispatch?.inputs ?? {});
    const used = [...text.matchAll(/inputs\.([A-Za-z_][\w-]*)/g)].map((m) => m[1]);
    for (const input of used) expect(declared).toContain(input);
  });

  test('every job has a timeout-minutes', () => {
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      expect(typeof job['timeout-minutes']).toBe('number');
      expect(job['timeout-minutes']).toBeLessThanOrEqual(15);
    }
  });

  test('curls the VPS restart endpoint with POST and --max-time', () => {
    expect(restartStep).toBeDefined();
    expect(restartStep.run).toMatch(/curl [^\n]*--max-time \d+/);
    expect(restartStep.run).toContain('-X POST "${BRIDGE_URL%/}/api/system/full-restart"');
  });

  test('the VPS URL is the repository variable MT5_BRIDGE_URL', () => {
    expect(restartStep.env?.BRIDGE_URL).toBe('${{ vars.MT5_BRIDGE_URL }}');
  });

  test('authenticates with the bearer token from the repository secret MT5_RESTART_TOKEN', () => {
    expect(restartStep.env?.MT5_RESTART_TOKEN).toBe('${{ secrets.MT5_RESTART_TOKEN }}');
    expect(restartStep.run).toContain('-H "Authorization: Bearer ${MT5_RESTART_TOKEN}"');
  });

  test('fails on a status other than 200, and on success: false', () => {
    expect(restartStep.run).toMatch(/if \[ "\$\{status\}" != "200" \]; then[\s\S]*?exit 1/);
    expect(restartStep.run).toMatch(/jq -r '\.success' response\.json[^\n]*!= "true"[\s\S]*?exit 1/);
  });

  test('echoes the incident id from the client payload', () => {
    expect(restartStep.env?.INCIDENT_ID).toContain('github.event.client_payload.incident_id');
    expect(restartStep.run).toMatch(/echo "Incident: \$\{INCIDENT_ID\}/);
  });

  test('never pastes payload values into the script (script injection)', () => {
    for (const step of jobs.flatMap((j) => j.steps)) expect(step.run ?? '').not.toContain('${{');
  });

  test('looks the incident-attempt up in the Actions cache, and saves it before the restart', () => {
    const steps = jobs.flatMap((j) => j.steps);
    const lookup = steps.findIndex((st) => st.uses?.startsWith('actions/cache/restore@'));
    const save = steps.findIndex((st) => st.uses?.startsWith('actions/cache/save@'));
    const post = steps.indexOf(restartStep);
    expect(lookup).toBeGreaterThanOrEqual(0);
    expect(lookup).toBeLessThan(save);
    expect(save).toBeLessThan(post); // at most one restart per attempt
    const key = 'mt5-full-restart-${{ github.event.client_payload.idempotency_key || github.run_id }}';
    expect(steps[lookup]?.with).toMatchObject({ key, 'lookup-only': true });
    expect(steps[save]?.with).toMatchObject({ key });
    expect(restartStep.if).toBe("steps.ran.outputs.cache-hit != 'true'");
    expect(steps[lookup]?.id).toBe('ran');
  });

  test('one job at a time (a duplicate starts after the first saved its mark)', () => {
    expect((workflow as unknown as { concurrency: unknown }).concurrency).toEqual({
      group: 'mt5-full-restart',
      'cancel-in-progress': false,
    });
  });
});

describe('mt5-full-restart.yml, its restart step run against the bridge simulator', () => {
  let bridge: BridgeSimulator;
  let workDir: string;
  beforeEach(async () => {
    bridge = await createBridgeSimulator({ port: 0, restartToken: RESTART_TOKEN });
    workDir = mkdtempSync(join(tmpdir(), 'restart-step-'));
  });
  afterEach(async () => {
    await bridge.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  const payload = {
    trigger: 'auto_sync_service',
    reason: 'MT5 Terminal disconnected',
    timestamp: '2025-10-31T11:26:00Z',
    incident_id: 'heal-mt5-bridge-1',
    attempt: 2,
    target: 'mt5-bridge',
    idempotency_key: 'heal-mt5-bridge-1-2',
  };

  /** Evaluates the step's `${{ a.b || 'x' }}` env expressions the way Actions would, then runs its script. */
  function runStep(context: { vars: Record<string, string>; secrets: Record<string, string> }) {
    const ctx = { ...context, github: { event: { client_payload: payload } }, inputs: {} };
    const lookup = (path: string): unknown =>
      path
        .split('.')
        .reduce<unknown>(
          (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
          ctx,
        );
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(restartStep.env ?? {})) {
      const expr = /^\$\{\{(.*)\}\}$/.exec(value.trim())?.[1] ?? '';
      const parts = expr.split('||').map((p) => p.trim());
      const found = parts
        .map((p) => (/^'.*'$/.test(p) ? p.slice(1, -1) : lookup(p)))
        .find((v) => v !== undefined && v !== '' && v !== null);
      env[name] = found === undefined ? '' : String(found);
    }
    const script = join(workDir, 'step.sh');
    writeFileSync(script, restartStep.run ?? '');
    return new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        'bash',
        [script],
        { cwd: workDir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 60_000 },
        (err, stdout, stderr) => {
          const code = err
            ? typeof (err as { code?: unknown }).code === 'number'
              ? (err as { code: number }).code
              : 1
            : 0;
          resolve({ code, output: `${stdout}${stderr}` });
        },
      );
    });
  }

  test('200 success: true → the job passes, with the incident id and an Idempotency-Key', async () => {
    const { code, output } = await runStep({
      vars: { MT5_BRIDGE_URL: bridge.url },
      secrets: { MT5_RESTART_TOKEN: RESTART_TOKEN },
    });

    expect(code).toBe(0);
    expect(output).toContain('Incident: heal-mt5-bridge-1 (attempt 2');
    expect(bridge.restarts).toHaveLength(1);
    expect(bridge.restarts[0]?.idempotencyKey).toBe('heal-mt5-bridge-1-2');
    expect(output).not.toContain(RESTART_TOKEN);
  });

  test('200 success: false → the job fails', async () => {
    bridge.setFault({ mode: 'terminal_disconnected', restart: 'success_false' });
    const { code, output } = await runStep({
      vars: { MT5_BRIDGE_URL: bridge.url },
      secrets: { MT5_RESTART_TOKEN: RESTART_TOKEN },
    });

    expect(code).not.toBe(0);
    expect(output).toContain('success: false (incident heal-mt5-bridge-1)');
  });

  test('401 on a wrong token → the job fails and says the token is wrong', async () => {
    const { code, output } = await runStep({
      vars: { MT5_BRIDGE_URL: bridge.url },
      secrets: { MT5_RESTART_TOKEN: 'not-the-token' },
    });

    expect(code).not.toBe(0);
    expect(output).toContain('HTTP 401');
    expect(output).toContain('MT5_RESTART_TOKEN is wrong');
    expect(bridge.restarts).toHaveLength(0);
  });

  test('500 → the job fails', async () => {
    bridge.setFault({ mode: 'terminal_disconnected', restart: 'fail' });
    const { code, output } = await runStep({
      vars: { MT5_BRIDGE_URL: bridge.url },
      secrets: { MT5_RESTART_TOKEN: RESTART_TOKEN },
    });
    expect(code).not.toBe(0);
    expect(output).toContain('HTTP 500');
  });

  test("no restart endpoint (404) → the job fails with the runbook's Issue 3 fix", async () => {
    const { code, output } = await runStep({
      vars: { MT5_BRIDGE_URL: `${bridge.url}/elsewhere` },
      secrets: { MT5_RESTART_TOKEN: RESTART_TOKEN },
    });
    expect(code).not.toBe(0);
    expect(output).toContain("/api/system/full-restart doesn't exist");
  });

  test('variable or secret missing → the job fails and names it', async () => {
    const noUrl = await runStep({ vars: {}, secrets: { MT5_RESTART_TOKEN: RESTART_TOKEN } });
    expect(noUrl.code).not.toBe(0);
    expect(noUrl.output).toContain('MT5_BRIDGE_URL is not set');
    const noToken = await runStep({ vars: { MT5_BRIDGE_URL: bridge.url }, secrets: {} });
    expect(noToken.code).not.toBe(0);
    expect(noToken.output).toContain('MT5_RESTART_TOKEN is not set');
  });
});

/**
 * The whole job, run the way Actions runs it, for the dispatches fidus-autoheal sends: `run`
 * steps with bash; `actions/cache/restore` (lookup-only) and `actions/cache/save` emulated with
 * their documented semantics over one cache shared by the runs (a key is written once; a later
 * run on the same branch sees it); `if:` evaluated for the two forms the file uses. Runs are
 * sequential, as the concurrency group makes them.
 */
describe('mt5-full-restart.yml, one restart per incident-attempt', () => {
  let bridge: BridgeSimulator;
  let workDir: string;
  beforeEach(async () => {
    bridge = await createBridgeSimulator({ port: 0, restartToken: RESTART_TOKEN });
    workDir = mkdtempSync(join(tmpdir(), 'restart-job-'));
  });
  afterEach(async () => {
    await bridge.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  const steps = jobs.flatMap((j) => j.steps);

  function evaluate(expr: string, ctx: Record<string, unknown>): string {
    const lookup = (path: string): unknown =>
      path
        .split('.')
        .reduce<unknown>(
          (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
          ctx,
        );
    return expr.replace(/\$\{\{(.*?)\}\}/g, (_m, inner: string) => {
      const found = inner
        .split('||')
        .map((p) => p.trim())
        .map((p) => (/^'.*'$/.test(p) ? p.slice(1, -1) : lookup(p)))
        .find((v) => v !== undefined && v !== '' && v !== null);
      return found === undefined ? '' : String(found);
    });
  }

  async function runJob(payload: Record<string, unknown>, runId: number, cache: Set<string>) {
    const outputs: Record<string, Record<string, string>> = {};
    const ctx = {
      vars: { MT5_BRIDGE_URL: bridge.url },
      secrets: { MT5_RESTART_TOKEN: RESTART_TOKEN },
      github: { event: { client_payload: payload }, run_id: runId },
      inputs: {},
    };
    const log: string[] = [];
    for (const step of steps) {
      const hit = outputs.ran?.['cache-hit'] ?? 'false';
      if (step.if === "steps.ran.outputs.cache-hit == 'true'" && hit !== 'true') continue;
      if (step.if === "steps.ran.outputs.cache-hit != 'true'" && hit === 'true') continue;
      if (step.if && !step.if.startsWith('steps.ran.outputs.cache-hit'))
        throw new Error(`unexpected if: ${step.if}`);
      const key = step.with?.key === undefined ? '' : evaluate(String(step.with.key), ctx);
      if (step.uses?.startsWith('actions/cache/restore@')) {
        outputs[step.id ?? ''] = { 'cache-hit': cache.has(key) ? 'true' : 'false' };
      } else if (step.uses?.startsWith('actions/cache/save@')) {
        cache.add(key); // an existing key is not overwritten (a warning on GitHub, not a failure)
      } else if (step.run) {
        const env: Record<string, string> = {};
        for (const [name, value] of Object.entries(step.env ?? {})) env[name] = evaluate(value, ctx);
        const script = join(workDir, `step-${runId}.sh`);
        writeFileSync(script, step.run);
        const out = await new Promise<string>((resolve, reject) =>
          execFile(
            'bash',
            [script],
            { cwd: workDir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } },
            (err, stdout, stderr) =>
              err ? reject(new Error(`${step.name}: ${stdout}${stderr}`)) : resolve(`${stdout}${stderr}`),
          ),
        );
        log.push(out);
      }
    }
    return log.join('');
  }

  const payload = {
    trigger: 'auto_sync_service',
    reason: 'MT5 Terminal disconnected',
    timestamp: '2025-10-31T11:26:00Z',
    incident_id: 'mt5-bridge-20251031-112600',
    attempt: 1,
    target: 'mt5-bridge',
    idempotency_key: 'mt5-bridge-20251031-112600-1',
  };

  test('a dispatch repeated after a lost answer runs the job again, and the job restarts nothing', async () => {
    bridge.setFault({ mode: 'terminal_disconnected', restart: 'heal' });
    const cache = new Set<string>();
    const first = await runJob(payload, 101, cache);
    const second = await runJob(payload, 102, cache);
    expect(first).toContain('Restart requested for incident mt5-bridge-20251031-112600');
    expect(second).toContain('already ran a restart');
    expect(bridge.restarts).toHaveLength(1);
    expect(bridge.restarts[0]?.idempotencyKey).toBe('mt5-bridge-20251031-112600-1');
  });

  test('the next attempt (a new key) restarts again; a manual run always restarts', async () => {
    bridge.setFault({ mode: 'terminal_disconnected', restart: 'heal' });
    const cache = new Set<string>();
    await runJob(payload, 101, cache);
    await runJob({ ...payload, attempt: 2, idempotency_key: 'mt5-bridge-20251031-112600-2' }, 102, cache);
    await runJob({}, 103, cache);
    await runJob({}, 104, cache);
    expect(bridge.restarts.map((r) => r.idempotencyKey)).toEqual([
      'mt5-bridge-20251031-112600-1',
      'mt5-bridge-20251031-112600-2',
      '103',
      '104',
    ]);
  });
});
