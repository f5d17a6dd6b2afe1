// The engine and the CLI against a real Dovecot over real sockets: every protocol and security
// mode signs in with a minted bearer token, and each failure is a failed step carrying the
// server's own words. No secret may appear in anything the CLI prints.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, MailProtocol, Report, StepResult } from '../../shared/report/model';
import { startDovecot, type DovecotHarness } from './support/dovecot';
import { runCheckJson, runCli, type CliResult } from './support/cli';

let dovecot: DovecotHarness;
let work: string;
let token: string;
const seenSecrets: string[] = [];

beforeAll(async () => {
  dovecot = await startDovecot();
  work = await mkdtemp(join(tmpdir(), 'mailprobe-int-'));
  token = await dovecot.mintToken({ user: dovecot.users.oauth });
  seenSecrets.push(token, dovecot.password);
});

afterAll(async () => {
  await dovecot.stop();
  await rm(work, { recursive: true, force: true });
});

async function tokenFile(value: string): Promise<string> {
  seenSecrets.push(value);
  const file = join(work, `token-${seenSecrets.length}`);
  await writeFile(file, value);
  return file;
}

type Mode = 'tls' | 'starttls';
const PORT: Record<MailProtocol, Record<Mode, keyof DovecotHarness['ports']>> = {
  imap: { tls: 'imaps', starttls: 'imap' },
  pop3: { tls: 'pop3s', starttls: 'pop3' },
  smtp: { tls: 'submissions', starttls: 'submission' },
};

/** Endpoint flags: implicit TLS on 127.0.0.1, STARTTLS on 127.0.0.2 (where Dovecot requires it). */
function endpoint(protocol: MailProtocol, mode: Mode, portOf: Mode = mode): string[] {
  const host = mode === 'tls' ? dovecot.host : dovecot.starttlsHost;
  return [
    `--${protocol}`,
    `--${protocol}-host`,
    host,
    `--${protocol}-port`,
    String(dovecot.ports[PORT[protocol][portOf]]),
    `--${protocol}-security`,
    mode,
  ];
}

function allEndpoints(mode: Mode): string[] {
  return [...endpoint('imap', mode), ...endpoint('pop3', mode), ...endpoint('smtp', mode)];
}

function checkOf(report: Report, protocol: MailProtocol): CheckResult {
  const check = report.checks.find((c) => c.protocol === protocol);
  if (!check) throw new Error(`no ${protocol} check in the report`);
  return check;
}

function stepOf(report: Report, protocol: MailProtocol, id: StepResult['id']): StepResult {
  const step = checkOf(report, protocol).steps.find((s) => s.id === id);
  if (!step) throw new Error(`no ${id} step in the ${protocol} check`);
  return step;
}

function expectNoSecrets(result: CliResult): void {
  const everything = result.stdout + result.stderr;
  for (const secret of seenSecrets) {
    expect(everything.includes(secret)).toBe(false);
    // No sizeable fragment either (a token's signature, say).
    expect(everything.includes(secret.slice(-40))).toBe(false);
    expect(everything.includes(Buffer.from(secret).toString('base64').slice(0, 40))).toBe(false);
  }
}

describe.each<Mode>(['tls', 'starttls'])('every protocol over %s with a valid token', (mode) => {
  it('passes every step and exits 0', async () => {
    const file = await tokenFile(token);
    const result = await runCheckJson([
      '--mailbox',
      dovecot.users.oauth,
      '--access-token-file',
      file,
      '--ca',
      dovecot.caFile,
      ...allEndpoints(mode),
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.report.schema).toBe('mailprobe.report/1');
    expect(result.report.verdict).toBe('pass');
    for (const protocol of ['imap', 'pop3', 'smtp'] as const) {
      const check = checkOf(result.report, protocol);
      const failing = check.steps.filter((s) => s.status === 'fail' || s.status === 'skipped');
      expect(failing, `${protocol}: ${JSON.stringify(failing)}`).toEqual([]);
      expect(check.steps.map((s) => s.id)).toEqual(
        expect.arrayContaining([
          'dns',
          'tcp',
          mode === 'tls' ? 'tls' : 'starttls',
          'greeting',
          'capabilities',
          'auth',
          'mailbox',
          'logout',
        ]),
      );
      // The decoded SASL structure is visible, the token is not.
      const authLine = check.transcript.find(
        (e) => e.dir === 'c' && e.text.includes('user=alice@example.test'),
      );
      expect(authLine?.text).toMatch(/auth=Bearer <token redacted: \d+ chars, sha256 [0-9a-f]{8}>/);
    }
    expect(stepOf(result.report, 'imap', 'auth').detail.mechanism).toBe('XOAUTH2');
    // The mechanisms offered before login, not the post-login capability list.
    expect(stepOf(result.report, 'imap', 'capabilities').detail.saslMechanisms).toEqual(
      expect.arrayContaining(['XOAUTH2', 'OAUTHBEARER']),
    );
    expectNoSecrets(result);
  });
});

describe('the human output', () => {
  it('prints a passing step tree', async () => {
    const file = await tokenFile(token);
    const result = await runCli([
      'check',
      '--mailbox',
      dovecot.users.oauth,
      '--access-token-file',
      file,
      '--ca',
      dovecot.caFile,
      ...endpoint('imap', 'tls'),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✔ imap {2}127\.0\.0\.1:\d+ \(tls\) {2}PASS/);
    expect(result.stdout).toMatch(/✔ auth .*Signed in as alice@example\.test with XOAUTH2/);
    expect(result.stdout).toContain('PASS: every check passed');
    expectNoSecrets(result);
  });
});

describe('OAUTHBEARER on request', () => {
  it('signs in with OAUTHBEARER on all three protocols', async () => {
    const file = await tokenFile(token);
    const result = await runCheckJson([
      '--mailbox',
      dovecot.users.oauth,
      '--access-token-file',
      file,
      '--ca',
      dovecot.caFile,
      '--mech',
      'oauthbearer',
      ...allEndpoints('tls'),
    ]);
    expect(result.code, JSON.stringify(result.report.checks.map((c) => c.steps))).toBe(0);
    for (const protocol of ['imap', 'pop3', 'smtp'] as const)
      expect(stepOf(result.report, protocol, 'auth').detail.mechanism).toBe('OAUTHBEARER');
    expectNoSecrets(result);
  });
});

describe('refused tokens fail at the auth step with the server words', () => {
  const cases: Array<[string, () => Promise<string>, 'oauth' | 'other']> = [
    [
      'a token signed with the wrong key',
      () => dovecot.mintToken({ user: dovecot.users.oauth, signWithWrongKey: true }),
      'oauth',
    ],
    [
      'an expired token',
      () => dovecot.mintToken({ user: dovecot.users.oauth, expiresInSeconds: -600 }),
      'oauth',
    ],
    ['user= naming another mailbox', () => dovecot.mintToken({ user: dovecot.users.oauth }), 'other'],
  ];
  it.each(cases)('%s', async (_name, mint, who) => {
    const mailbox = dovecot.users[who];
    const file = await tokenFile(await mint());
    const result = await runCheckJson([
      '--mailbox',
      mailbox,
      '--access-token-file',
      file,
      '--ca',
      dovecot.caFile,
      ...allEndpoints('tls'),
    ]);
    expect(result.code).toBe(1);
    expect(result.report.verdict).toBe('fail');
    const words: Record<MailProtocol, RegExp> = {
      imap: /NO \[AUTHENTICATIONFAILED\]|NO .*failed/i,
      pop3: /-ERR/,
      smtp: /^535 /,
    };
    for (const protocol of ['imap', 'pop3', 'smtp'] as const) {
      const auth = stepOf(result.report, protocol, 'auth');
      expect(auth.status).toBe('fail');
      expect(typeof auth.detail.serverSaid === 'string' ? auth.detail.serverSaid : auth.summary).toMatch(
        words[protocol],
      );
      expect(stepOf(result.report, protocol, 'mailbox').status).toBe('skipped');
      // The two-step refusal: the server's error challenge was decoded into the transcript.
      expect(
        checkOf(result.report, protocol).transcript.some((e) => e.dir === 'i' && e.text.includes('"status"')),
      ).toBe(true);
    }
    expectNoSecrets(result);
  });

  it('flags an expired token in the preflight too', async () => {
    const file = await tokenFile(
      await dovecot.mintToken({ user: dovecot.users.oauth, expiresInSeconds: -600 }),
    );
    const result = await runCheckJson([
      '--mailbox',
      dovecot.users.oauth,
      '--access-token-file',
      file,
      '--ca',
      dovecot.caFile,
      ...endpoint('imap', 'tls'),
    ]);
    const expiry = result.report.token?.checks.find((c) => c.id === 'expiry');
    expect(expiry?.status).toBe('fail');
    expect(stepOf(result.report, 'token' as MailProtocol, 'inspect').status).toBe('fail');
  });
});

describe('passwords', () => {
  it('signs in with the right password (PLAIN) and fails with a wrong one', async () => {
    const args = [
      '--mailbox',
      dovecot.users.password,
      '--password-env',
      'MP_PASSWORD',
      '--ca',
      dovecot.caFile,
      ...allEndpoints('tls'),
    ];
    const good = await runCheckJson(args, { MP_PASSWORD: dovecot.password });
    expect(good.code, JSON.stringify(good.report.checks.map((c) => c.steps))).toBe(0);
    expect(stepOf(good.report, 'pop3', 'auth').detail.mechanism).toBe('PLAIN');
    expectNoSecrets(good);
    seenSecrets.push('Wrong-Password-123');
    const bad = await runCheckJson(args, { MP_PASSWORD: 'Wrong-Password-123' });
    expect(bad.code).toBe(1);
    for (const protocol of ['imap', 'pop3', 'smtp'] as const)
      expect(stepOf(bad.report, protocol, 'auth').status).toBe('fail');
    expect(String(stepOf(bad.report, 'smtp', 'auth').detail.serverSaid)).toMatch(/^535 /);
    expectNoSecrets(bad);
  });

  it('redacts the password of LOGIN', async () => {
    const result = await runCheckJson(
      [
        '--mailbox',
        dovecot.users.password,
        '--password-env',
        'MP_PASSWORD',
        '--mech',
        'login',
        '--ca',
        dovecot.caFile,
        ...allEndpoints('tls'),
      ],
      { MP_PASSWORD: dovecot.password },
    );
    expect(result.code, JSON.stringify(result.report.checks.map((c) => c.steps))).toBe(0);
    const lines = result.report.checks.flatMap((c) => c.transcript.map((e) => e.text));
    expect(lines.some((l) => /<password redacted: \d+ chars/.test(l))).toBe(true);
    expectNoSecrets(result);
  });
});

describe('TLS mistakes', () => {
  it('implicit TLS against a STARTTLS port fails the tls step and says so', async () => {
    const file = await tokenFile(token);
    const result = await runCheckJson([
      '--mailbox',
      dovecot.users.oauth,
      '--access-token-file',
      file,
      '--ca',
      dovecot.caFile,
      ...endpoint('imap', 'tls', 'starttls'),
      ...endpoint('smtp', 'tls', 'starttls'),
    ]);
    expect(result.code).toBe(1);
    for (const protocol of ['imap', 'smtp'] as const) {
      const tls = stepOf(result.report, protocol, 'tls');
      expect(tls.status).toBe('fail');
      expect(tls.detail.code).toBe('NOT_TLS');
    }
  });

  it('STARTTLS against an implicit-TLS port fails at the greeting with a hint', async () => {
    const file = await tokenFile(token);
    const result = await runCheckJson([
      '--mailbox',
      dovecot.users.oauth,
      '--access-token-file',
      file,
      '--ca',
      dovecot.caFile,
      '--greeting-timeout-ms',
      '1500',
      ...endpoint('pop3', 'starttls', 'tls'),
    ]);
    expect(result.code).toBe(1);
    const greeting = stepOf(result.report, 'pop3', 'greeting');
    expect(greeting.status).toBe('fail');
    expect(greeting.summary).toMatch(/No greeting .* 1500 ms/);
    expect(String(greeting.detail.hint)).toMatch(/implicit TLS/);
  });

  it('an untrusted certificate fails the tls step before any credential is sent', async () => {
    const file = await tokenFile(token);
    const result = await runCheckJson([
      '--mailbox',
      dovecot.users.oauth,
      '--access-token-file',
      file,
      ...endpoint('imap', 'tls'),
      ...endpoint('smtp', 'starttls'),
    ]);
    expect(result.code).toBe(1);
    expect(stepOf(result.report, 'imap', 'tls').detail.code).toBe('UNTRUSTED');
    expect(stepOf(result.report, 'smtp', 'starttls').detail.code).toBe('UNTRUSTED');
    expect(stepOf(result.report, 'smtp', 'auth').status).toBe('skipped');
    for (const check of result.report.checks)
      expect(check.transcript.some((e) => e.dir === 'c' && /AUTH/.test(e.text))).toBe(false);
  });
});

describe('a certificate for another name', () => {
  let other: DovecotHarness;
  beforeAll(async () => {
    other = await startDovecot({ certHosts: ['mail.other.test'] });
  });
  afterAll(async () => {
    await other.stop();
  });
  it('fails the tls step with a hostname mismatch', async () => {
    const file = await tokenFile(token);
    const result = await runCheckJson([
      '--mailbox',
      dovecot.users.oauth,
      '--access-token-file',
      file,
      '--ca',
      other.caFile,
      '--imap',
      '--imap-host',
      '127.0.0.1',
      '--imap-port',
      String(other.ports.imaps),
    ]);
    expect(result.code).toBe(1);
    const tls = stepOf(result.report, 'imap', 'tls');
    expect(tls.detail.code).toBe('HOSTNAME_MISMATCH');
    expect(tls.summary).toMatch(/does not name 127\.0\.0\.1/);
  });
});

describe('a real test message', () => {
  it('is accepted by submission and delivered to the recipient', async () => {
    const file = await tokenFile(token);
    const result = await runCheckJson([
      '--mailbox',
      dovecot.users.oauth,
      '--access-token-file',
      file,
      '--ca',
      dovecot.caFile,
      ...endpoint('smtp', 'starttls'),
      '--send-to',
      dovecot.users.other,
    ]);
    expect(result.code, JSON.stringify(checkOf(result.report, 'smtp').steps)).toBe(0);
    const send = stepOf(result.report, 'smtp', 'send');
    expect(send.status).toBe('pass');
    const messageId = String(send.detail.messageId);
    const deadline = Date.now() + 5000;
    let found = false;
    while (!found && Date.now() < deadline) {
      const messages = await dovecot.listMessages(dovecot.users.other);
      found = messages.some((m) => m.headers.includes(messageId));
      if (!found) await new Promise((r) => setTimeout(r, 100));
    }
    expect(found).toBe(true);
  });
});

describe('the round trip', () => {
  /** Sends a test message to the OAuth user and reads it back with `reader`; all steps must pass. */
  async function roundTrip(reader: 'imap' | 'pop3') {
    const file = await tokenFile(token);
    const result = await runCheckJson([
      '--mailbox',
      dovecot.users.oauth,
      '--access-token-file',
      file,
      '--ca',
      dovecot.caFile,
      ...endpoint(reader, 'tls'),
      ...endpoint('smtp', 'starttls'),
      '--send-to',
      dovecot.users.oauth,
      '--roundtrip',
    ]);
    expect(
      result.code,
      JSON.stringify(result.report.checks.map((c) => c.steps.filter((s) => s.status !== 'pass'))),
    ).toBe(0);
    const roundtrip = stepOf(result.report, reader, 'roundtrip');
    const send = stepOf(result.report, 'smtp', 'send');
    expect(roundtrip.status).toBe('pass');
    expect(roundtrip.detail.messageId).toBe(send.detail.messageId);
    expect(typeof roundtrip.detail.latencyMs).toBe('number');
    expectNoSecrets(result);
    return { result, roundtrip };
  }

  it('finds the sent message again over IMAP and reports the delivery latency', async () => {
    await roundTrip('imap');
  });

  it('finds it over POP3 when IMAP is not checked: a new session per look, the newest messages first', async () => {
    const { result, roundtrip } = await roundTrip('pop3');
    expect(roundtrip.detail.via).toBe('pop3');
    // The looks are the round trip's own lines: the check's steps keep only the first session.
    const pop3 = result.report.checks.find((c) => c.protocol === 'pop3');
    const tops = pop3?.transcript.filter((e) => e.dir === 'c' && /^TOP \d+ 0$/.test(e.text)) ?? [];
    expect(tops.length).toBeGreaterThan(0);
    expect(tops.every((e) => e.step === 'roundtrip')).toBe(true);
    expect(
      pop3?.transcript.filter((e) => e.dir === 'c' && /^AUTH /.test(e.text) && e.step === 'auth'),
    ).toHaveLength(1);
  });

  it('refuses --roundtrip without a check that can read the message back', async () => {
    const result = await runCli([
      'check',
      '--lab',
      '--smtp',
      '--send-to',
      'alice@lab.mailprobe.test',
      '--roundtrip',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--roundtrip reads the message back over IMAP \(or POP3\)/);
  });
});
