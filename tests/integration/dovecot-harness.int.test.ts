// Smoke test of the Dovecot test harness, driven by curl so that it proves the harness and not
// MailProbe's own protocol code: tokens are accepted or refused for the intended reason, mail
// sent through submission arrives, and STARTTLS is required where the harness says it is.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotHarness } from './support/dovecot';
import { run, type RunResult } from './support/run';

const CURL = '/usr/bin/curl';
// curl exit codes used below.
const CURL_LOGIN_DENIED = 67;
const CURL_PEER_CERT_INVALID = 60;

/** Runs curl with the harness CA; returns the result instead of throwing on a non-zero exit. */
function curl(h: DovecotHarness, args: string[], input?: string): Promise<RunResult> {
  return run(CURL, ['--silent', '--show-error', '--max-time', '15', '--cacert', h.caFile, ...args], {
    timeoutMs: 20_000,
    ...(input === undefined ? {} : { input }),
  });
}

/** Polls until `check` returns a value, failing with the Dovecot log after `timeoutMs`. */
async function eventually<T>(
  h: DovecotHarness,
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${await h.logTail()}`);
    await sleep(50);
  }
}

function message(from: string, to: string, subject: string): string {
  return [
    `From: <${from}>`,
    `To: <${to}>`,
    `Subject: ${subject}`,
    `Message-ID: <${subject.replace(/\s+/g, '-')}@mailprobe.test>`,
    `Date: ${new Date().toUTCString()}`,
    '',
    'Sent by the Dovecot harness smoke test.',
    '',
  ].join('\r\n');
}

describe('Dovecot harness', () => {
  let h: DovecotHarness;
  const minted: string[] = [];
  const mint = async (...args: Parameters<DovecotHarness['mintToken']>): Promise<string> => {
    const token = await h.mintToken(...args);
    minted.push(token);
    return token;
  };

  beforeAll(async () => {
    const started = performance.now();
    h = await startDovecot();
    console.info(`dovecot harness started in ${Math.round(performance.now() - started)} ms (${h.dir})`);
    // So that IMAP and POP3 have something to count.
    await h.deliver(h.users.oauth, message('seed@example.test', h.users.oauth, 'seed message'));
  });

  afterAll(async () => {
    await h.stop();
  });

  it('IMAPS: a valid token signs in and sees the INBOX', async () => {
    const token = await mint({ user: h.users.oauth });
    // prettier-ignore
    const result = await curl(h, [
      '--user', h.users.oauth, '--oauth2-bearer', token,
      '--request', 'STATUS INBOX (MESSAGES)',
      `imaps://${h.host}:${h.ports.imaps}/`,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\* STATUS INBOX \(MESSAGES 1\)/);
  });

  it.each([
    {
      name: 'a token signed by an unknown key',
      user: () => h.users.oauth,
      token: () => mint({ user: h.users.oauth, signWithWrongKey: true }),
      reason: 'Bad signature',
    },
    {
      name: 'an expired token',
      user: () => h.users.oauth,
      token: () => mint({ user: h.users.oauth, expiresInSeconds: -60 }),
      reason: 'Token has expired',
    },
    {
      name: "another user's token",
      user: () => h.users.other,
      token: () => mint({ user: h.users.oauth }),
      reason: 'did not match',
    },
    {
      name: 'a token for the wrong audience',
      user: () => h.users.oauth,
      token: () => mint({ user: h.users.oauth, audience: 'https://graph.microsoft.com' }),
      reason: 'Token audience does not include',
    },
    {
      name: 'a valid token for a user without a mailbox',
      user: () => 'dave@example.test',
      token: () => mint({ user: 'dave@example.test' }),
      reason: 'passwd-file(dave@example.test,',
    },
  ])('IMAPS: $name is refused', async ({ user, token, reason }) => {
    // prettier-ignore
    const result = await curl(h, [
      '--user', user(), '--oauth2-bearer', await token(),
      `imaps://${h.host}:${h.ports.imaps}/INBOX`,
    ]);
    expect(result.code).toBe(CURL_LOGIN_DENIED);
    // auth_verbose logs why; make sure the refusal has the intended cause.
    await eventually(h, `"${reason}" in the log`, async () =>
      (await h.logTail(200)).includes(reason) ? true : undefined,
    );
  });

  it('POP3S: a valid token signs in and lists the INBOX', async () => {
    const token = await mint({ user: h.users.oauth });
    // prettier-ignore
    const result = await curl(h, [
      '--user', h.users.oauth, '--oauth2-bearer', token,
      `pop3s://${h.host}:${h.ports.pop3s}/`,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // LIST: one line "<number> <size>" per message.
    expect(result.stdout.trim().split(/\r?\n/)).toHaveLength(1);
  });

  it('submissions: a message sent with a token reaches the recipient', async () => {
    const subject = `harness relay ${Date.now()}`;
    const token = await mint({ user: h.users.oauth });
    const result = await curl(
      h,
      // prettier-ignore
      [
        '--user', h.users.oauth, '--oauth2-bearer', token,
        '--mail-from', h.users.oauth, '--mail-rcpt', h.users.other,
        '--upload-file', '-',
        `smtps://${h.host}:${h.ports.submissions}`,
      ],
      message(h.users.oauth, h.users.other, subject),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const delivered = await eventually(h, 'delivery to the recipient', async () => {
      const messages = await h.listMessages(h.users.other);
      return messages.find((m) => m.headers.includes(`Subject: ${subject}`));
    });
    // Dovecot's submission service stamps the relayed message before our sink hands it to LDA.
    expect(delivered.headers).toContain(`(envelope-from <${h.users.oauth}>)`);

    // And it can be read back over IMAP by the recipient.
    // prettier-ignore
    const search = await curl(h, [
      '--user', h.users.other, '--oauth2-bearer', await mint({ user: h.users.other }),
      `imaps://${h.host}:${h.ports.imaps}/INBOX?SUBJECT%20%22${encodeURIComponent(subject)}%22`,
    ]);
    expect(search.code).toBe(0);
    expect(search.stdout).toMatch(/^\* SEARCH \d+/m);
  });

  it('IMAPS: users.password signs in with its password', async () => {
    // prettier-ignore
    const ok = await curl(h, [
      '--user', `${h.users.password}:${h.password}`,
      `imaps://${h.host}:${h.ports.imaps}/INBOX`,
    ]);
    expect(ok.code).toBe(0);
    // prettier-ignore
    const wrong = await curl(h, [
      '--user', `${h.users.password}:not-${h.password}`,
      `imaps://${h.host}:${h.ports.imaps}/INBOX`,
    ]);
    expect(wrong.code).toBe(CURL_LOGIN_DENIED);
    // Token users have no password: PLAIN must not let them in with anything.
    // prettier-ignore
    const tokenUser = await curl(h, [
      '--user', `${h.users.oauth}:anything`,
      `imaps://${h.host}:${h.ports.imaps}/INBOX`,
    ]);
    expect(tokenUser.code).toBe(CURL_LOGIN_DENIED);
  });

  it('refuses logins without the usual delay', async () => {
    // Dovecot parks failures for up to 500 ms unless the reply carries `nodelay`; three refusals
    // in a row would take well over a second with the delay.
    const started = performance.now();
    for (const user of [h.users.oauth, h.users.other, h.users.password]) {
      // prettier-ignore
      const result = await curl(h, [
        '--user', user, '--oauth2-bearer', await mint({ user, expiresInSeconds: -60 }),
        `imaps://${h.host}:${h.ports.imaps}/INBOX`,
      ]);
      expect(result.code).toBe(CURL_LOGIN_DENIED);
    }
    expect(performance.now() - started).toBeLessThan(750);
  });

  it.each([
    { proto: 'imap', port: () => h.ports.imap, insecureSign: /^< \* OK \[CAPABILITY [^\]]*LOGINDISABLED/m },
    // CAPA still says SASL, but lists no mechanism before STLS.
    { proto: 'pop3', port: () => h.ports.pop3, insecureSign: /^< SASL\s*$/m },
    { proto: 'smtp', port: () => h.ports.submission, insecureSign: /^< 530 5\.7\.0 TLS required/m },
  ])(
    '$proto on starttlsHost: TLS is required before authentication',
    async ({ proto, port, insecureSign }) => {
      const url = `${proto}://${h.starttlsHost}:${port()}/`;
      const credentials = ['--user', `${h.users.password}:${h.password}`];
      // SMTP needs a transaction for curl to log in; the message goes to carol herself.
      const smtpArgs =
        proto === 'smtp'
          ? ['--mail-from', h.users.password, '--mail-rcpt', h.users.password, '--upload-file', '-']
          : [];
      const input =
        proto === 'smtp' ? message(h.users.password, h.users.password, 'starttls check') : undefined;

      const plain = await curl(h, ['--verbose', ...credentials, ...smtpArgs, url], input);
      expect(plain.code).not.toBe(0);
      expect(plain.stderr).toMatch(insecureSign);

      const upgraded = await curl(h, ['--ssl-reqd', ...credentials, ...smtpArgs, url], input);
      expect(upgraded.stderr).toBe('');
      expect(upgraded.code).toBe(0);
    },
  );

  it('IMAP on host (127.0.0.1 to 127.0.0.1): Dovecot counts loopback as secure', async () => {
    // Documents the Dovecot behaviour that starttlsHost exists for: same remote and local IP
    // means "secured", so a plaintext LOGIN succeeds without STARTTLS.
    // prettier-ignore
    const result = await curl(h, [
      '--verbose', '--user', `${h.users.password}:${h.password}`,
      `imap://${h.host}:${h.ports.imap}/INBOX`,
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/< \* OK \[CAPABILITY [^\]]*AUTH=PLAIN/);
    expect(result.stderr).not.toContain('LOGINDISABLED');
  });

  it('IMAPS: XOAUTH2 works, and a refusal is a JSON challenge answered with an empty line', async () => {
    // curl 7.88 always picks OAUTHBEARER when both are offered (--login-options AUTH=XOAUTH2 is
    // ignored, curl issue #10259), so XOAUTH2 is exercised with a raw session.
    const xoauth2 = (user: string, token: string): string =>
      Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString('base64');

    const good = await ImapLines.open(h.host, h.ports.imaps, h.caPem);
    try {
      expect(await good.next()).toMatch(/^\* OK /);
      good.send(`a AUTHENTICATE XOAUTH2 ${xoauth2(h.users.oauth, await mint({ user: h.users.oauth }))}`);
      expect(await good.untilTagged('a')).toMatch(/^a OK /);
    } finally {
      good.close();
    }

    // Refused by the token passdb (expired) and by the mailbox passdb (valid token, no mailbox):
    // both answer with a JSON error challenge first and NO only after the empty response.
    for (const [user, tokenOpts] of [
      [h.users.oauth, { user: h.users.oauth, expiresInSeconds: -60 }],
      ['dave@example.test', { user: 'dave@example.test' }],
    ] as const) {
      const bad = await ImapLines.open(h.host, h.ports.imaps, h.caPem);
      try {
        expect(await bad.next()).toMatch(/^\* OK /);
        bad.send(`b AUTHENTICATE XOAUTH2 ${xoauth2(user, await mint(tokenOpts))}`);
        const challenge = await bad.next();
        expect(challenge).toMatch(/^\+ /);
        const json = JSON.parse(Buffer.from(challenge.slice(2), 'base64').toString('utf8')) as unknown;
        expect(json).toMatchObject({ status: '401' });
        bad.send('');
        expect(await bad.untilTagged('b')).toMatch(/^b NO /);
      } finally {
        bad.close();
      }
    }
  });

  it('never writes a bearer token to its log', async () => {
    const log = await h.logTail(100_000);
    expect(minted.length).toBeGreaterThan(5);
    for (const token of minted) {
      const signature = token.split('.')[2] ?? token;
      expect(log).not.toContain(signature);
    }
  });
});

describe('Dovecot harness with certHosts, and stop()', () => {
  let h: DovecotHarness;

  beforeAll(async () => {
    h = await startDovecot({ certHosts: ['mail.example.test'] });
  });

  afterAll(async () => {
    await h.stop();
  });

  it('serves a certificate that does not match 127.0.0.1', async () => {
    // prettier-ignore
    const result = await curl(h, [
      '--user', `${h.users.password}:${h.password}`,
      `imaps://${h.host}:${h.ports.imaps}/INBOX`,
    ]);
    expect(result.code).toBe(CURL_PEER_CERT_INVALID);
    expect(result.stderr).toMatch(/does not match|no alternative certificate subject name/i);
  });

  it('stop() removes the folder, ends every process and can be called again', async () => {
    const { dir } = h;
    await h.stop();
    await h.stop();
    expect(existsSync(dir)).toBe(false);
    expect(processesMentioning(dir)).toEqual([]);
    const probe = await curl(h, ['--connect-timeout', '2', `imap://${h.host}:${h.ports.imap}/`]);
    expect(probe.code).not.toBe(0);
  });
});

/** Pids whose command line mentions `text` (the master's command line names the config file). */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  const instance = text.replace(/^.*mailprobe-dovecot-/, 'mailprobe-');
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      // Service processes are named dovecot-<instance_name>/<service>.
      if (cmdline.includes(text) || cmdline.includes(`dovecot-${instance}/`)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Just enough of an IMAP client to drive one SASL exchange line by line. */
class ImapLines {
  private buffer = '';
  private readonly lines: string[] = [];
  private waiter: (() => void) | undefined;
  private ended = false;

  private constructor(private readonly socket: TLSSocket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let eol: number;
      while ((eol = this.buffer.indexOf('\r\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, eol));
        this.buffer = this.buffer.slice(eol + 2);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static open(host: string, port: number, ca: string): Promise<ImapLines> {
    return new Promise((resolve, reject) => {
      const socket = tlsConnect({ host, port, ca }, () => {
        resolve(new ImapLines(socket));
      });
      socket.once('error', reject);
    });
  }

  async next(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) return line;
      if (this.ended) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no line from the server in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async untilTagged(tag: string): Promise<string> {
    for (;;) {
      const line = await this.next();
      if (line.startsWith(`${tag} `)) return line;
    }
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}
