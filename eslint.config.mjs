// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = (await import('node:module')).builtinModules;

/**
 * The layers of src/ and what each may import (see "Layout" in README.md). A folder may import
 * the folders listed for it, and nothing above: cli → workers, dashboard → client → activities →
 * workflows → shared, with config and logging beside them. Workflow code also may not import Node
 * built-ins or I/O libraries, and nothing from activities, not even a type: the activity contracts
 * it proxies live in src/shared/contracts/.
 */
const LAYERS = {
  shared: [],
  config: ['shared'],
  logging: ['shared'],
  simulator: ['shared'],
  workflows: ['shared'],
  activities: ['shared', 'config', 'logging', 'workflows'],
  client: ['shared', 'config', 'workflows'],
  dashboard: ['shared', 'config', 'logging', 'workflows', 'client'],
  workers: ['shared', 'config', 'logging', 'workflows', 'activities', 'client'],
  cli: ['shared', 'config', 'logging', 'workflows', 'activities', 'client', 'dashboard', 'workers', 'simulator'],
};

const workflowSafe = {
  paths: [
    ...nodeBuiltins
      .flatMap((m) => [m, `node:${m}`])
      .map((name) => ({ name, message: 'Workflow code must be deterministic: no Node built-ins (use an activity).' })),
    ...['axios', 'nodemailer', '@octokit/rest', 'pino', 'yaml', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'].map(
      (name) => ({ name, message: 'Workflow code must not do I/O: call an activity.' }),
    ),
  ],
};

/** One no-restricted-imports rule per layer (flat config does not merge two rules of one name). */
const layerRules = Object.entries(LAYERS).map(([layer, allowed]) => {
  const forbidden = Object.keys(LAYERS).filter((other) => other !== layer && !allowed.includes(other));
  const safe = layer === 'workflows' || layer === 'shared';
  const layerPatterns = forbidden.map((other) => ({
    group: [`**/${other}`, `**/${other}/*`, `**/${other}/**`].map((g) => (g.startsWith('**/') ? `../${g}` : g)),
    message:
      `src/${layer} may not import src/${other} (layers: README.md, "Layout").` +
      (other === 'activities' && layer === 'workflows' ? ' Proxy the contracts of src/shared/contracts/ instead.' : ''),
  }));
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: safe ? workflowSafe.paths : [], patterns: layerPatterns },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', '.data/**', 'coverage/**', 'bin/**', 'scripts/**', 'test/fixtures/*.js', '*.js', '*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  ...layerRules,
);
