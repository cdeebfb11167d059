/**
 * The restart workflow users install in their repository (deploy/github/mt5-full-restart.yml):
 * its properties read from the parsed YAML, then the whole job run the way Actions runs it, with
 * bash, curl and jq against the bridge simulator: `run` steps with bash (their `$GITHUB_OUTPUT`
 * read back as step outputs), `${{ }}` expressions and `if:` evaluated (the subset the file
 * uses: contexts, indexing, format(), ==, !=, &&, ||), `actions/cache/restore` (lookup-only) and
 * `actions/cache/save` emulated with their documented semantics over one cache shared by the
 * runs (a key is written once; a later run on the same branch sees it). Runs are sequential, as
 * the concurrency group makes them; a failed step ends the job.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createBridgeSimulator, type BridgeSimulator } from '../src/simulator/create-bridge-simulator';
import { MAX_RUN_QUEUE_WAIT_MS, restartRunTitle } from '../src/shared/restart-run';

const WORKFLOW_PATH = join(__dirname, '..', 'deploy', 'github', 'mt5-full-restart.yml');
const RESTART_TOKEN = 'restart-token-for-workflow-file-test-7f3a9c';
const BACKUP_TOKEN = 'restart-token-of-the-backup-vps-51e0d2';

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
  'run-name'?: string;
  on: {
    repository_dispatch?: { types?: string[] };
    workflow_dispatch?: { inputs?: Record<string, unknown> };
  };
  env?: Record<string, string | number>;
  jobs: Record<string, Job>;
}

const text = readFileSync(WORKFLOW_PATH, 'utf8');
const workflow = parse(text) as WorkflowFile;
const jobs = Object.values(workflow.jobs);
const steps = jobs.flatMap((j) => j.steps);
const restartStep = steps.find((s) => s.run?.includes('/api/system/full-restart')) as Step;
const gateStep = steps.find((s) => s.id === 'gate') as Step;
const vpsStep = steps.find((s) => s.id === 'vps') as Step;

// ---------------------------------------------------------------- expressions, as Actions evaluates them

type Ctx = Record<string, unknown>;

/** Evaluates one expression of the subset the file uses; GitHub's truthiness and case-insensitive ==. */
function evaluateExpression(source: string, ctx: Ctx): unknown {
  const src = source.trim();
  const tokens: string[] = [];
  const re = /\s*('(?:[^']|'')*'|==|!=|&&|\|\||[()[\],.]|[A-Za-z_][\w-]*|\d+)/y;
  while (re.lastIndex < src.length) {
    const m = re.exec(src);
    if (!m?.[1]) throw new Error(`cannot read ${src.slice(re.lastIndex)} in ${source}`);
    tokens.push(m[1]);
  }
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++] ?? '';
  const expect = (t: string) => {
    if (next() !== t) throw new Error(`expected ${t} in ${source}`);
  };
  const truthy = (v: unknown) => !(v === false || v === 0 || v === '' || v === null || v === undefined);
  const equal = (a: unknown, b: unknown) =>
    typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : (a ?? null) === (b ?? null);
  const or = (): unknown => {
    let v = and();
    while (peek() === '||') {
      next();
      const r = and();
      v = truthy(v) ? v : r;
    }
    return v;
  };
  const and = (): unknown => {
    let v = cmp();
    while (peek() === '&&') {
      next();
      const r = cmp();
      v = truthy(v) ? r : v;
    }
    return v;
  };
  const cmp = (): unknown => {
    const l = postfix();
    if (peek() === '==' || peek() === '!=') {
      const op = next();
      const r = postfix();
      return op === '==' ? equal(l, r) : !equal(l, r);
    }
    return l;
  };
  const member = (v: unknown, k: unknown) =>
    v && typeof v === 'object' ? (v as Record<string, unknown>)[String(k)] : undefined;
  const postfix = (): unknown => {
    let v = primary();
    for (;;) {
      if (peek() === '.') {
        next();
        v = member(v, next());
      } else if (peek() === '[') {
        next();
        const k = or();
        expect(']');
        v = member(v, k);
      } else return v;
    }
  };
  const primary = (): unknown => {
    const t = next();
    if (t === '(') {
      const v = or();
      expect(')');
      return v;
    }
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (/^\d+$/.test(t)) return Number(t);
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'null') return null;
    if (t === 'format') {
      expect('(');
      const args: unknown[] = [or()];
      while (peek() === ',') {
        next();
        args.push(or());
      }
      expect(')');
      return String(args[0]).replace(/\{(\d+)\}/g, (_s, n: string) => String(args[Number(n) + 1] ?? ''));
    }
    if (t in ctx) return ctx[t];
    throw new Error(`unknown token ${t} in ${source}`);
  };
  const value = or();
  if (i < tokens.length) throw new Error(`unparsed ${tokens.slice(i).join(' ')} in ${source}`);
  return value;
}

/** A value with `${{ }}` parts substituted (absent values become ''). */
function substitute(value: string, ctx: Ctx): string {
  return value.replace(/\$\{\{(.*?)\}\}/g, (_m, inner: string) => {
    const v = evaluateExpression(inner, ctx);
    return v === undefined || v === null ? '' : String(v);
  });
}

// ---------------------------------------------------------------- the file, as parsed

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

  test('names each run after its dispatch exactly as the worker looks it up (restartRunTitle)', () => {
    const payload = { target: 'mt5-backup', incident_id: 'mt5-backup-20251031-112600', attempt: 2 };
    const title = substitute(workflow['run-name'] ?? '', {
      github: { event_name: 'repository_dispatch', event: { client_payload: payload } },
    });
    expect(title).toBe(restartRunTitle({ targetId: payload.target, incidentId: payload.incident_id, attempt: payload.attempt }));
    expect(substitute(workflow['run-name'] ?? '', { github: { event_name: 'workflow_dispatch', event: {} } })).toBe('MT5 restart by hand');
  });

  test("refuses dispatches older than MAX_DISPATCH_AGE_MINUTES, the worker's longest wait for a queued run", () => {
    expect(Number(workflow.env?.MAX_DISPATCH_AGE_MINUTES) * 60_000).toBe(MAX_RUN_QUEUE_WAIT_MS);
    expect(gateStep.run).toContain('MAX_DISPATCH_AGE_MINUTES');
    expect(steps.indexOf(gateStep)).toBe(0);
  });

  test('curls the VPS restart endpoint with POST and --max-time', () => {
    expect(restartStep).toBeDefined();
    expect(restartStep.run).toMatch(/curl [^\n]*--max-time \d+/);
    expect(restartStep.run).toContain('-X POST "${BRIDGE_URL%/}/api/system/full-restart"');
  });

  test("the VPS is the target's own variable and secret; the unsuffixed ones are read as the default only", () => {
    expect(vpsStep.env).toMatchObject({
      TARGET_BRIDGE_URL: "${{ vars[format('MT5_BRIDGE_URL_{0}', steps.gate.outputs.suffix)] }}",
      TARGET_RESTART_TOKEN: "${{ secrets[format('MT5_RESTART_TOKEN_{0}', steps.gate.outputs.suffix)] }}",
      DEFAULT_BRIDGE_URL: '${{ vars.MT5_BRIDGE_URL }}',
      DEFAULT_RESTART_TOKEN: '${{ secrets.MT5_RESTART_TOKEN }}',
    });
    expect(vpsStep.run).toContain('elif [ "${TARGET}" = "mt5-bridge" ]; then');
    expect(restartStep.env?.BRIDGE_URL).toBe('${{ steps.vps.outputs.url }}');
  });

  test('authenticates with the bearer token of the route chosen', () => {
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
    for (const step of steps) expect(step.run ?? '').not.toContain('${{');
  });

  test('looks the incident-attempt up in the Actions cache, and saves it before the restart', () => {
    const lookup = steps.findIndex((st) => st.uses?.startsWith('actions/cache/restore@'));
    const save = steps.findIndex((st) => st.uses?.startsWith('actions/cache/save@'));
    const post = steps.indexOf(restartStep);
    expect(lookup).toBeGreaterThanOrEqual(0);
    expect(lookup).toBeLessThan(save);
    expect(save).toBeLessThan(post); // at most one restart per attempt
    expect(steps.indexOf(vpsStep)).toBeLessThan(save); // an unmapped target marks nothing
    const key = 'mt5-full-restart-${{ github.event.client_payload.idempotency_key || github.run_id }}';
    expect(steps[lookup]?.with).toMatchObject({ key, 'lookup-only': true });
    expect(steps[save]?.with).toMatchObject({ key });
    expect(restartStep.if).toBe("steps.gate.outputs.go == 'true' && steps.ran.outputs.cache-hit != 'true'");
    expect(steps[lookup]?.id).toBe('ran');
  });

  test('one job at a time (a duplicate starts after the first saved its mark)', () => {
    expect((workflow as unknown as { concurrency: unknown }).concurrency).toEqual({
      group: 'mt5-full-restart',
      'cancel-in-progress': false,
    });
  });
});

// ---------------------------------------------------------------- the job, run

interface RunContext {
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  /** Default repository_dispatch. */
  eventName?: string;
}

describe('mt5-full-restart.yml, the job run against the bridge simulator', () => {
  let bridge: BridgeSimulator;
  let backup: BridgeSimulator;
  let workDir: string;
  beforeEach(async () => {
    [bridge, backup] = await Promise.all([
      createBridgeSimulator({ port: 0, restartToken: RESTART_TOKEN }),
      createBridgeSimulator({ port: 0, restartToken: BACKUP_TOKEN }),
    ]);
    workDir = mkdtempSync(join(tmpdir(), 'restart-job-'));
  });
  afterEach(async () => {
    await Promise.all([bridge.close(), backup.close()]);
    rmSync(workDir, { recursive: true, force: true });
  });

  const defaults = () => ({ vars: { MT5_BRIDGE_URL: bridge.url }, secrets: { MT5_RESTART_TOKEN: RESTART_TOKEN } });

  /** A payload as the worker sends it, `minutesAgo` old. */
  const dispatched = (overrides: Record<string, unknown> = {}, minutesAgo = 0) => ({
    trigger: 'auto_sync_service',
    reason: 'MT5 Terminal disconnected',
    timestamp: new Date(Date.now() - minutesAgo * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    incident_id: 'mt5-bridge-20251031-112600',
    attempt: 1,
    target: 'mt5-bridge',
    idempotency_key: 'mt5-bridge-20251031-112600-1',
    ...overrides,
  });

  async function runJob(
    payload: Record<string, unknown>,
    runId: number,
    cache: Set<string>,
    context: RunContext = defaults(),
  ): Promise<{ code: number; output: string }> {
    const stepsCtx: Record<string, { outputs: Record<string, string> }> = {};
    const ctx: Ctx = {
      vars: context.vars ?? {},
      secrets: context.secrets ?? {},
      github: {
        event_name: context.eventName ?? 'repository_dispatch',
        event: context.eventName === 'workflow_dispatch' ? { inputs: {} } : { client_payload: payload },
        run_id: runId,
      },
      inputs: {},
      steps: stepsCtx,
    };
    const workflowEnv = Object.fromEntries(Object.entries(workflow.env ?? {}).map(([k, v]) => [k, String(v)]));
    const log: string[] = [];
    for (const [index, step] of steps.entries()) {
      if (step.if && !evaluateExpression(step.if, ctx)) continue;
      const outputs: Record<string, string> = {};
      if (step.id) stepsCtx[step.id] = { outputs };
      const key = step.with?.key === undefined ? '' : substitute(String(step.with.key), ctx);
      if (step.uses?.startsWith('actions/cache/restore@')) {
        outputs['cache-hit'] = cache.has(key) ? 'true' : 'false';
      } else if (step.uses?.startsWith('actions/cache/save@')) {
        cache.add(key); // an existing key is not overwritten (a warning on GitHub, not a failure)
      } else if (step.run) {
        const env: Record<string, string> = { ...workflowEnv };
        for (const [name, value] of Object.entries(step.env ?? {})) env[name] = substitute(value, ctx);
        const script = join(workDir, `step-${runId}-${index}.sh`);
        const outputFile = join(workDir, `output-${runId}-${index}`);
        writeFileSync(script, step.run);
        writeFileSync(outputFile, '');
        const { code, output } = await new Promise<{ code: number; output: string }>((resolve) =>
          execFile(
            'bash',
            [script],
            { cwd: workDir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GITHUB_OUTPUT: outputFile, ...env }, timeout: 60_000 },
            (err, stdout, stderr) =>
              resolve({
                code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0,
                output: `${stdout}${stderr}`,
              }),
          ),
        );
        log.push(output);
        if (existsSync(outputFile))
          for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
            const eq = line.indexOf('=');
            if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
          }
        if (code !== 0) return { code, output: log.join('') };
      }
    }
    return { code: 0, output: log.join('') };
  }

  const once = (payload: Record<string, unknown>, context?: RunContext) => runJob(payload, 101, new Set(), context);

  test('200 success: true → the job passes, with the incident id and an Idempotency-Key', async () => {
    const { code, output } = await once(dispatched({ attempt: 2, idempotency_key: 'mt5-bridge-20251031-112600-2' }));
    expect(code).toBe(0);
    expect(output).toContain('Incident: mt5-bridge-20251031-112600 (attempt 2');
    expect(bridge.restarts).toHaveLength(1);
    expect(bridge.restarts[0]?.idempotencyKey).toBe('mt5-bridge-20251031-112600-2');
    expect(output).not.toContain(RESTART_TOKEN);
  });

  test('200 success: false → the job fails', async () => {
    bridge.setFault({ mode: 'terminal_disconnected', restart: 'success_false' });
    const { code, output } = await once(dispatched());
    expect(code).not.toBe(0);
    expect(output).toContain('success: false (incident mt5-bridge-20251031-112600)');
  });

  test('401 on a wrong token → the job fails and says the token is wrong', async () => {
    const { code, output } = await once(dispatched(), { vars: { MT5_BRIDGE_URL: bridge.url }, secrets: { MT5_RESTART_TOKEN: 'not-the-token' } });
    expect(code).not.toBe(0);
    expect(output).toContain('HTTP 401');
    expect(output).toContain('MT5_RESTART_TOKEN is wrong');
    expect(bridge.restarts).toHaveLength(0);
  });

  test('500 → the job fails', async () => {
    bridge.setFault({ mode: 'terminal_disconnected', restart: 'fail' });
    const { code, output } = await once(dispatched());
    expect(code).not.toBe(0);
    expect(output).toContain('HTTP 500');
  });

  test("no restart endpoint (404) → the job fails with the runbook's Issue 3 fix", async () => {
    const { code, output } = await once(dispatched(), {
      vars: { MT5_BRIDGE_URL: `${bridge.url}/elsewhere` },
      secrets: { MT5_RESTART_TOKEN: RESTART_TOKEN },
    });
    expect(code).not.toBe(0);
    expect(output).toContain("/api/system/full-restart doesn't exist");
  });

  test('variable or secret missing → the job fails and names it', async () => {
    const noUrl = await once(dispatched(), { vars: {}, secrets: { MT5_RESTART_TOKEN: RESTART_TOKEN } });
    expect(noUrl.code).not.toBe(0);
    expect(noUrl.output).toContain('MT5_BRIDGE_URL is not set');
    const noToken = await once(dispatched(), { vars: { MT5_BRIDGE_URL: bridge.url }, secrets: {} });
    expect(noToken.code).not.toBe(0);
    expect(noToken.output).toContain('MT5_RESTART_TOKEN is not set');
    expect(bridge.restarts).toHaveLength(0);
  });

  describe('stale work and the kill switch', () => {
    test('a dispatch sent 11 minutes ago restarts nothing, with a warning naming its age and the limit', async () => {
      const { code, output } = await once(dispatched({}, 11));
      expect(code).toBe(0);
      expect(output).toMatch(/::warning::Incident mt5-bridge-20251031-112600 attempt 1: the dispatch was sent at .*, 11 minutes ago, more than MAX_DISPATCH_AGE_MINUTES \(10\): stale work, nothing restarted/);
      expect(bridge.restarts).toHaveLength(0);
    });

    test('a dispatch sent 9 minutes ago (a long Actions queue) still restarts', async () => {
      const { code } = await once(dispatched({}, 9));
      expect(code).toBe(0);
      expect(bridge.restarts).toHaveLength(1);
    });

    test('a dispatch without a readable timestamp restarts nothing', async () => {
      const { code, output } = await once(dispatched({ timestamp: 'yesterday-ish' }));
      expect(code).toBe(0);
      expect(output).toContain('::warning::Incident mt5-bridge-20251031-112600 attempt 1: the dispatch carries no readable timestamp');
      expect(bridge.restarts).toHaveLength(0);
    });

    test('AUTOHEAL_REMEDIATION=off: every dispatch, fresh ones too, is skipped with a notice, and marks nothing', async () => {
      const cache = new Set<string>();
      const off = { ...defaults(), vars: { ...defaults().vars, AUTOHEAL_REMEDIATION: 'off' } };
      const { code, output } = await runJob(dispatched(), 101, cache, off);
      expect(code).toBe(0);
      expect(output).toContain('::notice::Automatic restarts are off (repository variable AUTOHEAL_REMEDIATION=off');
      expect(bridge.restarts).toHaveLength(0);
      expect(cache.size).toBe(0);
      // back on: the same attempt, retried, restarts
      await runJob(dispatched(), 102, cache, { ...defaults(), vars: { ...defaults().vars, AUTOHEAL_REMEDIATION: 'on' } });
      expect(bridge.restarts).toHaveLength(1);
    });

    test('a run started by hand from the Actions tab restarts even while the switch is off, and says so', async () => {
      const { code, output } = await once({}, { ...defaults(), vars: { ...defaults().vars, AUTOHEAL_REMEDIATION: 'off' }, eventName: 'workflow_dispatch' });
      expect(code).toBe(0);
      expect(output).toContain('this run was started by hand: it restarts');
      expect(bridge.restarts).toHaveLength(1);
    });
  });

  describe('routing by target', () => {
    const twoVps = () => ({
      vars: { MT5_BRIDGE_URL: bridge.url, MT5_BRIDGE_URL_MT5_BACKUP: backup.url },
      secrets: { MT5_RESTART_TOKEN: RESTART_TOKEN, MT5_RESTART_TOKEN_MT5_BACKUP: BACKUP_TOKEN },
    });
    const backupDispatch = () =>
      dispatched({ target: 'mt5-backup', incident_id: 'mt5-backup-20251031-112600', idempotency_key: 'mt5-backup-20251031-112600-1' });

    test("a target's dispatch restarts its own VPS with its own token (MT5_BRIDGE_URL_MT5_BACKUP), never the default one", async () => {
      const { code, output } = await once(backupDispatch(), twoVps());
      expect(code).toBe(0);
      expect(backup.restarts).toHaveLength(1);
      expect(bridge.restarts).toHaveLength(0);
      expect(output).toContain('Target mt5-backup: MT5_BRIDGE_URL_MT5_BACKUP and MT5_RESTART_TOKEN_MT5_BACKUP');
    });

    test('the default target mt5-bridge uses the unsuffixed variable and secret', async () => {
      await once(dispatched(), twoVps());
      expect(bridge.restarts).toHaveLength(1);
      expect(backup.restarts).toHaveLength(0);
    });

    test('a target with no VPS mapped fails the job with the names to set, and restarts no other host', async () => {
      const cache = new Set<string>();
      const { code, output } = await runJob(
        dispatched({ target: 'mt5.lab-2', idempotency_key: 'mt5.lab-2-x-1' }),
        101,
        cache,
        twoVps(),
      );
      expect(code).not.toBe(0);
      expect(output).toContain('::error::Target mt5.lab-2 has no VPS mapped: set the repository variable MT5_BRIDGE_URL_MT5_LAB_2 and the secret MT5_RESTART_TOKEN_MT5_LAB_2');
      expect(bridge.restarts).toHaveLength(0);
      expect(backup.restarts).toHaveLength(0);
      expect(cache.size).toBe(0);
    });

    test("a target whose variable is set but not its secret fails: the default token is never sent to another target's VPS", async () => {
      const { code, output } = await once(backupDispatch(), {
        vars: { MT5_BRIDGE_URL: bridge.url, MT5_BRIDGE_URL_MT5_BACKUP: backup.url },
        secrets: { MT5_RESTART_TOKEN: RESTART_TOKEN },
      });
      expect(code).not.toBe(0);
      expect(output).toContain('Repository secret MT5_RESTART_TOKEN_MT5_BACKUP is not set for target mt5-backup');
      expect(backup.restarts).toHaveLength(0);
      expect(backup.state().requests.restart).toBe(0);
    });
  });

  describe('one restart per incident-attempt', () => {
    test('a dispatch repeated after a lost answer runs the job again, and the job restarts nothing', async () => {
      bridge.setFault({ mode: 'terminal_disconnected', restart: 'heal' });
      const cache = new Set<string>();
      const first = await runJob(dispatched(), 101, cache);
      const second = await runJob(dispatched(), 102, cache);
      expect(first.output).toContain('Restart requested for incident mt5-bridge-20251031-112600');
      expect(second.output).toContain('already ran a restart');
      expect(bridge.restarts).toHaveLength(1);
      expect(bridge.restarts[0]?.idempotencyKey).toBe('mt5-bridge-20251031-112600-1');
    });

    test('the next attempt (a new key) restarts again; a manual run always restarts', async () => {
      bridge.setFault({ mode: 'terminal_disconnected', restart: 'heal' });
      const cache = new Set<string>();
      await runJob(dispatched(), 101, cache);
      await runJob(dispatched({ attempt: 2, idempotency_key: 'mt5-bridge-20251031-112600-2' }), 102, cache);
      await runJob({}, 103, cache, { ...defaults(), eventName: 'workflow_dispatch' });
      await runJob({}, 104, cache, { ...defaults(), eventName: 'workflow_dispatch' });
      expect(bridge.restarts.map((r) => r.idempotencyKey)).toEqual([
        'mt5-bridge-20251031-112600-1',
        'mt5-bridge-20251031-112600-2',
        '103',
        '104',
      ]);
    });
  });
});
