// `mailprobe check --google-service-account FILE` as a user runs it: against the lab's Google
// Workspace tenant (its token endpoint checks the assertion and the delegation list, its Gmail-like
// servers the token), over real sockets, with the key file written as `mailprobe lab
// --google-key-out` writes it. Neither the private key, the assertion nor the token is ever printed.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../electron/lab/lab';
import { GOOGLE_DEMO } from '../../electron/lab/google/workspace';
import { runCheckJson, runCli, startLabCommand } from './support/cli';

let lab: Lab;
let dir: string;
let keyFile: string;
let caFile: string;

beforeAll(async () => {
  lab = await startLab('healthy');
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-google-'));
  keyFile = join(dir, 'service-account.json');
  caFile = join(dir, 'lab-ca.pem');
  await writeFile(keyFile, lab.google.keyJson, { mode: 0o600 });
  await writeFile(caFile, lab.caPem);
});

afterAll(async () => {
  await lab.close();
  await rm(dir, { recursive: true, force: true });
});

function gmailArgs(mailbox: string = GOOGLE_DEMO.mailbox): string[] {
  const ports = lab.google.mail.ports;
  return [
    '--google-service-account',
    keyFile,
    '--mailbox',
    mailbox,
    '--ca',
    caFile,
    '--imap-host',
    '127.0.0.1',
    '--imap-port',
    String(ports.imap),
    '--pop3-host',
    '127.0.0.1',
    '--pop3-port',
    String(ports.pop3),
    '--smtp-host',
    '127.0.0.1',
    '--smtp-port',
    String(ports.smtp),
    '--smtp-security',
    'starttls',
  ];
}

/** What must never leave the process: the key's private half, the assertion, the token. */
function expectNothingSecret(text: string): void {
  const privateBody = (JSON.parse(lab.google.keyJson) as { private_key: string }).private_key
    .split('\n')
    .filter((l) => l && !l.startsWith('-----'));
  expect(text).not.toMatch(/PRIVATE KEY/);
  for (const line of privateBody.slice(0, 5)) expect(text).not.toContain(line);
  expect(text).not.toMatch(/ya29\.c\.lab[A-Za-z0-9_-]{8}/);
  expect(text).not.toMatch(/eyJhbGciOiJSUzI1NiI[A-Za-z0-9_-]{10,}\./);
}

describe('mailprobe check --google-service-account', () => {
  it('signs the mailbox in with domain-wide delegation and passes IMAP, POP3 and SMTP on Gmail', async () => {
    const { code, report, stdout, stderr } = await runCheckJson(gmailArgs());
    expect(code, stderr).toBe(0);
    expect(report.target).toMatchObject({
      credential: 'google-service-account',
      provider: 'google',
      mailbox: GOOGLE_DEMO.mailbox,
    });
    expect(report.checks.map((c) => `${c.protocol}:${c.verdict}`)).toEqual([
      'token:pass',
      'imap:pass',
      'pop3:pass',
      'smtp:pass',
    ]);
    const acquire = report.checks[0]?.steps.find((s) => s.id === 'acquire');
    expect(acquire?.detail).toMatchObject({
      clientEmail: GOOGLE_DEMO.clientEmail,
      clientId: GOOGLE_DEMO.clientId,
      subject: GOOGLE_DEMO.mailbox,
      grantedScope: 'https://mail.google.com/',
    });
    const transcript = report.checks.flatMap((c) => c.transcript.map((e) => e.text)).join('\n');
    expect(transcript).toMatch(/assertion=<assertion redacted: \d+ chars/);
    expect(transcript).toMatch(/\* OK Gimap ready for requests from/);
    expectNothingSecret(stdout + stderr);
  });

  it("diagnoses a user outside the domain from the token endpoint's own words", async () => {
    const { code, report, stdout } = await runCheckJson(gmailArgs(GOOGLE_DEMO.outsider));
    expect(code).toBe(1);
    expect(report.checks[0]?.steps[0]?.summary).toBe('invalid_grant: Invalid email or User ID');
    expect(report.findings[0]?.cause).toBe('google.invalid_grant');
    expect(report.findings[0]?.confidence).toBe('high');
    expectNothingSecret(stdout);
  });

  it('names a file that is not a service-account key, before anything is sent', async () => {
    const other = join(dir, 'client.json');
    await writeFile(other, JSON.stringify({ installed: { client_id: 'x', client_secret: 'y' } }));
    const result = await runCli([
      'check',
      '--google-service-account',
      other,
      '--mailbox',
      GOOGLE_DEMO.mailbox,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/client\.json is an OAuth client's JSON/);
    const mixed = await runCli([
      'check',
      '--google-service-account',
      keyFile,
      '--mailbox',
      GOOGLE_DEMO.mailbox,
      '--client-id',
      '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87',
    ]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/--client-id is for Microsoft 365/);
  });

  it('`mailprobe token` shows what the token endpoint granted', async () => {
    const result = await runCli(['token', ...gmailArgs()]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Granted https:\/\/mail\.google\.com\//);
    expectNothingSecret(result.stdout + result.stderr);
  });
});

describe('a Google profile from the command line', () => {
  it('profiles add --google-service-account keeps the key out of the file, check --profile runs it', async () => {
    const env = { MAILPROBE_DATA_DIR: join(dir, 'data'), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
    const ports = lab.google.mail.ports;
    // prettier-ignore
    const add = await runCli([
      'profiles', 'add', '--name', 'Workspace', '--mailbox', GOOGLE_DEMO.mailbox,
      '--google-service-account', keyFile,
      '--imap-host', '127.0.0.1', '--imap-port', String(ports.imap),
      '--pop3-host', '127.0.0.1', '--pop3-port', String(ports.pop3),
      '--smtp-host', '127.0.0.1', '--smtp-port', String(ports.smtp), '--smtp-security', 'starttls',
    ], env);
    expect(add.code, add.stderr).toBe(0);
    const show = await runCli(['profiles', 'show', 'Workspace', '--json'], env);
    expect(JSON.parse(show.stdout)).toMatchObject({
      credential: 'google-service-account',
      clientId: GOOGLE_DEMO.clientId,
      tenant: GOOGLE_DEMO.domain,
    });
    // No keychain here: the key is given again, as the message after `add` says.
    const { code, report, stdout, stderr } = await runCheckJson(
      ['--profile', 'Workspace', '--google-service-account', keyFile, '--ca', caFile],
      env,
    );
    expect(code, stderr).toBe(0);
    expect(report.target).toMatchObject({ credential: 'google-service-account', provider: 'google' });
    expectNothingSecret(stdout + stderr + show.stdout);
  });
});

describe('mailprobe lab --google-key-out', () => {
  it('writes the service account key readable by its owner only, and prints the Google endpoints', async () => {
    const out = join(dir, 'lab-key.json');
    const lab = await startLabCommand(['--google-key-out', out]);
    const output = lab.output;
    const info = JSON.parse(output) as { google: { tokenEndpoint: string; keyFile: string; imap: string } };
    expect(info.google.keyFile).toBe(out);
    expect(info.google.tokenEndpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/google\/token$/);
    expect(info.google.imap).toMatch(/^127\.0\.0\.1:\d+ \(implicit TLS\)$/);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const key = JSON.parse(await readFile(out, 'utf8')) as { type: string; token_uri: string };
    expect(key).toMatchObject({ type: 'service_account', token_uri: info.google.tokenEndpoint });
    expect(output).not.toMatch(/PRIVATE KEY/);
    expect(await lab.stop()).toBe(0);
  });
});
