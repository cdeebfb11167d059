/**
 * render.yaml (the Render blueprint of the worker against Temporal Cloud) against the
 * configuration schema: every variable declared, secrets never given a value.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { envSchema, SECRET_VARIABLES } from '../src/config/schema';

interface EnvVar {
  key: string;
  value?: string;
  sync?: boolean;
}
interface RenderService {
  type: string;
  startCommand?: string;
  envVars: EnvVar[];
}

const blueprint = parse(readFileSync(resolve(__dirname, '..', 'render.yaml'), 'utf8')) as { services: RenderService[] };
const worker = blueprint.services.find((s) => s.type === 'worker');
/** Variables of the platform, not of the configuration. */
const PLATFORM = ['NODE_VERSION'];

describe('render.yaml', () => {
  it('runs `autoheal worker` as a background worker', () => {
    expect(worker).toBeDefined();
    expect(worker?.startCommand).toBe('node bin/autoheal.js worker');
  });

  it('declares every variable of the configuration schema, once, and nothing else', () => {
    const keys = (worker?.envVars ?? []).map((v) => v.key).filter((k) => !PLATFORM.includes(k));
    expect(keys.sort()).toEqual(Object.keys(envSchema.shape).sort());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps every secret out of the file: sync: false, no value', () => {
    for (const secret of SECRET_VARIABLES) {
      expect(worker?.envVars.find((v) => v.key === secret)).toEqual({ key: secret, sync: false });
    }
  });

  it('gives every value a form the schema accepts', () => {
    const env = Object.fromEntries((worker?.envVars ?? []).flatMap((v) => (v.value === undefined ? [] : [[v.key, v.value]])));
    // The values that need an operator's input (sync: false) are left out: what is in the file parses.
    const parsed = envSchema.safeParse(env);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });
});
