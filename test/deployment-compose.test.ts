/**
 * docker-compose.yml, the Dockerfile and .env.example against the settings the cluster test runs
 * for real (src/config/cluster-settings.ts) and the configuration schema: image versions, database
 * names, namespace retention, search attributes and variable names cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import {
  CLUSTER_SEARCH_ATTRIBUTES,
  COMPOSE_ONLY_VARIABLES,
  DATABASES,
  IMAGES,
  NAMESPACE,
  NAMESPACE_RETENTION,
  NUM_HISTORY_SHARDS,
  POSTGRES_MAJOR,
  SQL_PLUGIN,
  TEMPORAL_SERVER_VERSION,
} from '../src/config/cluster-settings';
import { envSchema, SECRET_VARIABLES } from '../src/config/schema';

const root = resolve(__dirname, '..');
const read = (file: string) => readFileSync(resolve(root, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string>;
  env_file?: string | string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: unknown };
  restart?: string;
  volumes?: string[];
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;
const service = (name: string): Service => {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};
const script = (name: string): string => [service(name).command ?? []].flat().join('\n');
const schemaVariables = Object.keys(envSchema.shape);

describe('docker-compose.yml', () => {
  it('runs the versions the cluster test runs, every image pinned', () => {
    expect(service('postgresql').image).toBe(IMAGES.postgres);
    expect(IMAGES.postgres.startsWith(`postgres:${POSTGRES_MAJOR}.`)).toBe(true);
    expect(service('temporal').image).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    expect(service('temporal-schema').image).toBe(IMAGES.adminTools);
    expect(service('temporal-setup').image).toBe(IMAGES.adminTools);
    expect(service('temporal-ui').image).toBe(IMAGES.ui);
    for (const [name, s] of Object.entries(services)) {
      expect([name, s.image]).toEqual([name, expect.stringMatching(/^[\w./-]+:\d[\w.-]*$/)]);
    }
  });

  it('sets up the databases the server uses, with the same plugin and schemas', () => {
    const setup = script('temporal-schema');
    expect(setup).toContain(`--pl ${SQL_PLUGIN}`);
    for (const db of Object.values(DATABASES)) {
      expect(setup).toContain(`--db ${db.name} create`);
      expect(setup).toContain(`--db ${db.name} update-schema --schema-name ${db.schemaDir.replace(/\/versioned$/, '')}`);
    }
    expect(service('temporal').environment).toMatchObject({
      DB: SQL_PLUGIN,
      DBNAME: DATABASES.default.name,
      VISIBILITY_DBNAME: DATABASES.visibility.name,
      NUM_HISTORY_SHARDS: String(NUM_HISTORY_SHARDS),
    });
  });

  it('creates the namespace with its retention and registers every custom search attribute', () => {
    const setup = script('temporal-setup');
    expect(setup).toContain(`namespace create --namespace ${NAMESPACE} --retention ${NAMESPACE_RETENTION}`);
    expect(setup).toContain(`namespace update --namespace ${NAMESPACE} --retention ${NAMESPACE_RETENTION}`);
    const loop = /for name in ([^;]+); do/.exec(setup)?.[1]?.trim().split(/\s+/);
    expect(loop?.sort()).toEqual(CLUSTER_SEARCH_ATTRIBUTES.map((a) => a.name).sort());
    expect(setup).toContain('--type Keyword');
  });

  it('starts in order with health checks, restart policies and named volumes', () => {
    for (const name of ['postgresql', 'temporal', 'worker']) expect(service(name).healthcheck).toBeDefined();
    for (const [name, s] of Object.entries(services)) {
      expect([name, s.restart]).toEqual([name, expect.stringMatching(/^(unless-stopped|always|on-failure|no)$/)]);
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(services[dep]).toBeDefined();
        expect(['service_healthy', 'service_completed_successfully']).toContain(condition);
      }
      for (const volume of s.volumes ?? []) {
        const source = volume.split(':')[0] ?? '';
        expect(Object.keys(compose.volumes)).toContain(source);
      }
    }
    expect(service('worker').depends_on).toEqual({ 'temporal-setup': { condition: 'service_completed_successfully' } });
  });

  it('gives the worker only variables of the configuration schema', () => {
    const worker = service('worker');
    expect(worker.env_file).toBe('.env');
    for (const name of Object.keys(worker.environment ?? {})) expect(schemaVariables).toContain(name);
  });
});

describe('.env.example', () => {
  const entries = read('.env.example')
    .split('\n')
    .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
    .map((line) => line.split('=') as [string, string]);

  it('lists every variable of the configuration schema (and the compose-only ones), nothing else', () => {
    expect(entries.map(([k]) => k).sort()).toEqual([...schemaVariables, ...COMPOSE_ONLY_VARIABLES].sort());
  });

  it('leaves every secret empty', () => {
    const values = Object.fromEntries(entries);
    for (const secret of [...SECRET_VARIABLES, ...COMPOSE_ONLY_VARIABLES]) expect([secret, values[secret]]).toEqual([secret, '']);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  it('is multi-stage, production dependencies only, non-root, under an init process, with a health check', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toContain('npm ci --omit=dev');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
  });
});
