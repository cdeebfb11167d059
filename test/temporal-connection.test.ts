/**
 * Temporal Cloud and self-hosted TLS: the connection options come from the SDK's standard
 * environment configuration (the `temporal` CLI's variables and profiles), with the two older
 * names as aliases, and a certificate that cannot be read stops the worker with a message naming
 * the variable and the file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { temporalConnectionOptions } from '../src/client/connection-options';
import { loadConfig } from '../src/config/load-config';
import { configSecrets } from '../src/config/secrets';
import { temporalConnectionFromEnv } from '../src/config/temporal-connection';
import { ConfigError } from '../src/shared/errors';

const dir = mkdtempSync(join(tmpdir(), 'autoheal-tls-'));
const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${Buffer.from(body).toString('base64')}\n-----END ${label}-----\n`;
const CERT = pem('CERTIFICATE', 'client certificate of the desk');
const KEY = pem('PRIVATE KEY', 'client key of the desk');
const certPath = join(dir, 'client.pem');
const keyPath = join(dir, 'client.key');
writeFileSync(certPath, CERT);
writeFileSync(keyPath, KEY);
// built at run time: no committed line looks like a real key
const apiKey = ['cloud', 'api', 'key', 'for', 'tests', String(process.pid)].join('-');

test('Temporal Cloud with an API key: TLS on, the key on the connection, the namespace from the environment', () => {
  const config = loadConfig({
    TEMPORAL_ADDRESS: 'fidus.a1b2c.tmprl.cloud:7233',
    TEMPORAL_NAMESPACE: 'fidus.a1b2c',
    TEMPORAL_API_KEY: apiKey,
  });
  expect(temporalConnectionOptions(config.temporal)).toEqual({
    address: 'fidus.a1b2c.tmprl.cloud:7233',
    apiKey,
    tls: true,
  });
  expect(config.temporal.namespace).toBe('fidus.a1b2c');
  expect(configSecrets(config)).toContain(apiKey);
});

test('mTLS from the standard variables: the certificate pair read from the files', () => {
  const c = temporalConnectionFromEnv({
    TEMPORAL_ADDRESS: 'temporal.internal:7233',
    TEMPORAL_TLS_CLIENT_CERT_PATH: certPath,
    TEMPORAL_TLS_CLIENT_KEY_PATH: keyPath,
  });
  expect(c.address).toBe('temporal.internal:7233');
  expect(c.tls).toMatchObject({ clientCertPair: { crt: Buffer.from(CERT), key: Buffer.from(KEY) } });
});

test('the older names still work: TEMPORAL_TLS_CERT as PEM text, TEMPORAL_TLS_KEY as a path', () => {
  const c = temporalConnectionFromEnv({ TEMPORAL_TLS_CERT: CERT, TEMPORAL_TLS_KEY: keyPath });
  expect(c.tls).toMatchObject({ clientCertPair: { crt: Buffer.from(CERT), key: Buffer.from(KEY) } });
});

test('a profile of a temporal CLI config file (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE)', () => {
  const file = join(dir, 'temporal.toml');
  writeFileSync(
    file,
    ['[profile.prod]', 'address = "prod.temporal:7233"', 'namespace = "desk"', `api_key = "${apiKey}"`, ''].join('\n'),
  );
  const config = loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' });
  expect(temporalConnectionOptions(config.temporal)).toMatchObject({ address: 'prod.temporal:7233', apiKey, tls: true });
  expect(config.temporal.namespace).toBe('desk');
  expect(configSecrets(config)).toContain(apiKey);
});

test('a certificate that cannot be read is a ConfigError naming the variable and the file', () => {
  const missing = join(dir, 'no-such-cert.pem');
  const load = () => temporalConnectionFromEnv({ TEMPORAL_TLS_CLIENT_CERT_PATH: missing, TEMPORAL_TLS_CLIENT_KEY_PATH: keyPath });
  expect(load).toThrow(ConfigError);
  expect(load).toThrow(`TEMPORAL_TLS_CLIENT_CERT_PATH: cannot read ${missing}`);
});

test('a certificate without its key is refused, naming the missing variable', () => {
  expect(() => temporalConnectionFromEnv({ TEMPORAL_TLS_CLIENT_CERT_PATH: certPath })).toThrow(
    /TEMPORAL_TLS_CLIENT_KEY_PATH \(or TEMPORAL_TLS_KEY\): mTLS needs both/,
  );
});

test('the worker refuses to start on an unreadable certificate: exit 2, the variable the operator set and the file named', () => {
  const missing = join(dir, 'gone.pem');
  const run = spawnSync(process.execPath, [resolve(__dirname, '..', 'bin/autoheal.js'), 'worker'], {
    env: { PATH: process.env.PATH, TEMPORAL_TLS_CERT: missing, TEMPORAL_TLS_KEY: keyPath },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(run.status).toBe(2);
  expect(run.stderr).toContain(`TEMPORAL_TLS_CERT: cannot read ${missing}` /* the name the operator used */);
});
