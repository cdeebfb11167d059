/**
 * The layers of src/ (README.md, "Layout") are enforced by lint: a file that imports a layer
 * above its own is an error, and workflow code imports nothing from activities, not even a type
 * (the contracts it proxies are in src/shared/contracts/). No import cycle anywhere in src/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

type Case = readonly [file: string, code: string];

/**
 * Lints each snippet as if it were the named file, with the project's own eslint.config.mjs, in
 * a child process (jest cannot load an ES module config); the rule under test needs no type
 * information, so the type-aware parser options are turned off for these texts.
 */
function lintAll(cases: readonly Case[]): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    const cases = JSON.parse(process.argv[1]);
    const eslint = new ESLint({
      overrideConfig: { languageOptions: { parserOptions: { project: null, projectService: false } } },
      ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
    });
    (async () => {
      const out = [];
      for (const [file, code] of cases) {
        const [result] = await eslint.lintText(code + '\\nexport const used = 1;\\n', { filePath: file });
        out.push(result.messages.map((m) => m.message));
      }
      process.stdout.write(JSON.stringify(out));
    })();`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script, JSON.stringify(cases)], { encoding: 'utf8' }));
}

const refused = [
  ['src/shared/x.ts', "import { AutohealClient } from '../client/autoheal-client';", /src\/shared may not import src\/client/],
  ['src/workflows/x.ts', "import { createDashboardServer } from '../dashboard';", /src\/workflows may not import src\/dashboard/],
  ['src/activities/alerts/x.ts', "import { addNotification } from '../../client/notifications';", /src\/activities may not import src\/client/],
  ['src/dashboard/x.ts', "import { runStart } from '../cli/start';", /src\/dashboard may not import src\/cli/],
  ['src/client/x.ts', "import { startWorker } from '../workers/run-worker';", /src\/client may not import src\/workers/],
  ['src/workflows/x.ts', "import { createActivities } from '../activities';", /src\/workflows may not import src\/activities/],
  ['src/workflows/x.ts', "import type { Activities } from '../activities';", /src\/workflows may not import src\/activities.*shared\/contracts/],
  ['src/workflows/alerting/x.ts', "import type { AlertActivities } from '../../activities/alerts';", /src\/workflows may not import src\/activities/],
  ['src/workflows/x.ts', "import { readFileSync } from 'node:fs';", /no Node built-ins/],
] as const;

const allowed = [
  ['src/cli/x.ts', "import { AutohealClient } from '../client/autoheal-client';"],
  ['src/dashboard/x.ts', "import { AutohealClient } from '../client/autoheal-client';"],
  ['src/workflows/x.ts', "import type { Activities } from '../shared/contracts';"],
  ['src/activities/x.ts', "import type { Activities } from '../shared/contracts';"],
  ['src/workers/x.ts', "import { createActivities } from '../activities';"],
  ['src/client/x.ts', "import { healingWorkflow } from '../workflows/healing';"],
] as const;

const results = lintAll([...refused.map(([f, c]) => [f, c] as const), ...allowed]);

test.each(refused.map((r, i) => [...r, i] as const))('%s: %s is refused', (_file, _code, message, i) => {
  expect(results[i]).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
});

test.each(allowed.map((a, i) => [...a, refused.length + i] as const))('%s: %s is allowed', (_file, _code, i) => {
  expect(results[i]).toEqual([]);
});

describe('workflow files stay readable in one sitting', () => {
  const dir = join(__dirname, '..', 'src', 'workflows');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const lines = (f: string): number => readFileSync(join(dir, f), 'utf8').split('\n').length;

  test.each(files)('src/workflows/%s is at most 250 lines', (f) => {
    expect(lines(f)).toBeLessThanOrEqual(250);
  });

  test('the healing entry (handlers and main loop) is under 150 lines', () => {
    expect(lines(join('healing', 'index.ts'))).toBeLessThan(150);
  });
});

describe('no import cycles', () => {
  const src = join(__dirname, '..', 'src');
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(src, f));

  /** Every relative import of each file (type-only ones and `export … from` too), resolved to a file. */
  const imports = new Map(
    files.map((file) => [
      file,
      ts
        .preProcessFile(readFileSync(file, 'utf8'), true, true)
        .importedFiles.map((i) => i.fileName)
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => resolve(dirname(file), spec))
        .map((p) => [`${p}.ts`, join(p, 'index.ts')].find((f) => existsSync(f)))
        .filter((f): f is string => f !== undefined),
    ]),
  );

  /** The strongly connected components of more than one file (Tarjan), each a cycle or several. */
  function cycles(): string[][] {
    let next = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const found: string[][] = [];
    const visit = (v: string): void => {
      index.set(v, next);
      low.set(v, next++);
      stack.push(v);
      for (const w of imports.get(v) ?? []) {
        if (!index.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (stack.includes(w)) {
          low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
      }
      if (low.get(v) !== index.get(v)) return;
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(relative(src, w));
      } while (w !== v);
      if (component.length > 1 || imports.get(v)?.includes(v)) found.push(component.sort());
    };
    for (const f of files) if (!index.has(f)) visit(f);
    return found;
  }

  test('no file of src/ reaches itself through its imports, type-only ones included', () => {
    expect(cycles()).toEqual([]);
  });
});
