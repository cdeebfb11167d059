/**
 * SMTP credentials travel only over TLS. Real SMTP servers on loopback (smtp-server): one that
 * offers STARTTLS with a certificate made for this test (openssl), one that speaks plain text
 * only. Nothing is mocked: nodemailer talks to them as it would to Gmail.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifySmtpError } from '../src/activities/alerts/classify-smtp-error';
import { createSmtpMailer, type Mailer } from '../src/activities/alerts/mailer';
import { renderEmail } from '../src/activities/alerts/render-email';
import { loadConfig } from '../src/config/load-config';
import { startSmtpServer, type TestSmtpServer } from './helpers/smtp';

const USER = 'alerts@fidus.test';
const PASSWORD = ['smtp', 'tls', 'test', Math.random().toString(36).slice(2)].join('-');
let dir: string;
let tls: { key: string; cert: string };
const servers: TestSmtpServer[] = [];
const mailers: Mailer[] = [];

beforeAll(() => {
  // A certificate for 127.0.0.1, valid one day, made for this run.
  dir = mkdtempSync(join(tmpdir(), 'autoheal-smtp-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  tls = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
});

afterEach(async () => {
  mailers.splice(0).forEach((m) => m.close());
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function server(options: Parameters<typeof startSmtpServer>[0]): Promise<TestSmtpServer> {
  const s = await startSmtpServer({ auth: { username: USER, password: PASSWORD }, ...options });
  servers.push(s);
  return s;
}

function smtpConfig(s: TestSmtpServer, env: Record<string, string> = {}) {
  return loadConfig({
    SMTP_HOST: s.host,
    SMTP_PORT: String(s.port),
    SMTP_USERNAME: USER,
    SMTP_APP_PASSWORD: PASSWORD,
    ALERT_RECIPIENT_EMAIL: 'ops@fidus.test',
    ...env,
  }).smtp;
}

const email = () => ({
  ...renderEmail({ kind: 'test', targetId: 'mt5-bridge', at: '2026-11-28T10:00:00.000Z' }, { dashboardUrl: 'http://127.0.0.1:8080' }),
  to: ['ops@fidus.test'],
});

function mailer(...args: Parameters<typeof createSmtpMailer>): Mailer {
  const m = createSmtpMailer(...args);
  mailers.push(m);
  return m;
}

it('logs in and delivers over STARTTLS, the certificate verified', async () => {
  const s = await server({ tls });
  const delivery = await mailer(smtpConfig(s), { tls: { ca: tls.cert } }).send(email());
  expect(delivery.accepted).toEqual(['ops@fidus.test']);
  expect(s.logins).toEqual([{ username: USER, accepted: true, secure: true }]);
  expect(s.messages).toHaveLength(1);
});

it('a server that does not offer STARTTLS gets neither the password nor the alert (a permanent failure that says why)', async () => {
  const s = await server({});
  const err = await mailer(smtpConfig(s)).send(email()).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeDefined();
  expect(s.logins).toEqual([]); // no AUTH was attempted: the password never left
  expect(s.messages).toEqual([]);
  const failure = classifySmtpError(err);
  expect(failure).toMatchObject({ permanent: true, cause: 'smtp-tls' });
  expect(failure.reason).toMatch(/did not give a TLS session.*SMTP_SECURE=true.*SMTP_ALLOW_PLAINTEXT_LOOPBACK=true/);
  expect(`${failure.reason} ${String(err)}`).not.toContain(PASSWORD);
});

it('a certificate the worker does not trust: nothing is sent', async () => {
  const s = await server({ tls });
  const err = await mailer(smtpConfig(s)).send(email()).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(classifySmtpError(err)).toMatchObject({ permanent: true, cause: 'smtp-tls' });
  expect(s.logins).toEqual([]);
  expect(s.messages).toEqual([]);
});

it('plain text only with SMTP_ALLOW_PLAINTEXT_LOOPBACK=true and a loopback relay', async () => {
  const s = await server({});
  await mailer(smtpConfig(s, { SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true' })).send(email());
  expect(s.logins).toEqual([{ username: USER, accepted: true, secure: false }]);
  expect(s.messages).toHaveLength(1);
  // The opt-in never reaches another host: refused at start-up, and the mailer checks again.
  expect(() => loadConfig({ SMTP_HOST: 'smtp.gmail.com', SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true' })).toThrow(/^SMTP_ALLOW_PLAINTEXT_LOOPBACK: /);
});
