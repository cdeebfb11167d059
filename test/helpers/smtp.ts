/**
 * A real SMTP server on loopback (smtp-server), collecting every message it accepts, parsed
 * with mailparser. It can refuse logins, defer the first connections, reject recipients, or be
 * down (nothing listening on its port) until `up()`. Without `tls` it speaks plain text only (no
 * STARTTLS: clients need SMTP_ALLOW_PLAINTEXT_LOOPBACK); with `tls` it offers STARTTLS with that
 * key and certificate and accepts a login only inside TLS.
 */
import { createServer } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMessage {
  /** Envelope recipients (RCPT TO). */
  recipients: string[];
  mail: ParsedMail;
  /** The raw message as sent. */
  raw: string;
  /** Epoch ms the server accepted it (250). */
  acceptedAt: number;
}

export interface TestSmtpServer {
  port: number;
  host: string;
  messages: ReceivedMessage[];
  /** Login attempts seen, with whether they were accepted and whether the session was in TLS. */
  logins: Array<{ username: string; accepted: boolean; secure: boolean }>;
  /** Starts listening (after `down: true` or `down()`). */
  up(): Promise<void>;
  /** Stops listening: connections are refused. */
  down(): Promise<void>;
  /** Resolves when at least `n` messages have arrived. */
  waitForMessages(n: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  stop(): Promise<void>;
}

export interface SmtpServerOptions {
  /** Require this login; anything else gets 535. */
  auth?: { username: string; password: string };
  /** Answer the first N connections with 421 (try again later). */
  failFirst?: number;
  /** Start with nothing listening; call `up()` later. */
  down?: boolean;
  /** Answer RCPT TO for these addresses with 550. */
  rejectRecipients?: string[];
  /** Offer STARTTLS with this key and certificate (PEM); logins only inside TLS. */
  tls?: { key: string; cert: string };
}

export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const host = '127.0.0.1';
  const messages: ReceivedMessage[] = [];
  const logins: TestSmtpServer['logins'] = [];
  let failures = options.failFirst ?? 0;
  const waiters: Array<() => void> = [];

  const serverOptions: SMTPServerOptions = {
    secure: false,
    logger: false,
    ...(options.tls
      ? { key: options.tls.key, cert: options.tls.cert, allowInsecureAuth: false, disabledCommands: options.auth ? [] : ['AUTH'] }
      : { allowInsecureAuth: true, disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'] }),
    authOptional: !options.auth,
    onConnect(_session, callback) {
      if (failures > 0) {
        failures -= 1;
        return callback(
          Object.assign(new Error('Service not available, try again later'), { responseCode: 421 }),
        );
      }
      callback();
    },
    onAuth(auth, session, callback) {
      const accepted =
        !!options.auth && auth.username === options.auth.username && auth.password === options.auth.password;
      logins.push({ username: auth.username ?? '', accepted, secure: session.secure === true });
      if (accepted) return callback(null, { user: auth.username });
      callback(Object.assign(new Error('5.7.8 Username and Password not accepted'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipients?.includes(address.address)) {
        return callback(
          Object.assign(new Error(`5.1.1 ${address.address}: mailbox unavailable`), { responseCode: 550 }),
        );
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (mail) => {
            messages.push({ recipients: session.envelope.rcptTo.map((r) => r.address), mail, raw, acceptedAt: Date.now() });
            waiters.splice(0).forEach((wake) => wake());
            callback(null, 'Message queued as test');
          },
          (err: Error) => callback(err),
        );
      });
    },
  };

  let server: SMTPServer | undefined;
  const port = await freePort(host);

  const up = async () => {
    if (server) return;
    const s = new SMTPServer(serverOptions);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, host, () => resolve());
    });
    server = s;
  };
  const down = async () => {
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  if (!options.down) await up();

  return {
    port,
    host,
    messages,
    logins,
    up,
    down,
    stop: down,
    async waitForMessages(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${n} messages, got ${messages.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 200));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return messages;
    },
  };
}

/** A port free on `host` right now (the OS picks it). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
