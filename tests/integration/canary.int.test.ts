// The canary test (SPEC 5): every flow that handles a secret runs with known, unmistakable
// values (a client secret, a password, a key passphrase, a certificate's private key, and the
// access tokens the lab issues), then every byte the app wrote and printed is searched for them:
// files in the data and output folders (zips unpacked), every stdout and stderr of the CLI, every
// result and event of the app service. Zero hits. A self-check first proves that the scanner
// does find a planted canary, in a plain file and inside a zip.
import { createPrivateKey } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventName, Events, RequestName, Requests, Result, Settings } from '../../shared/api/contract';
import type { Report } from '../../shared/report/model';
import { createLabPki, type LabPki } from '../../electron/lab/pki';
import { createTokenIssuer, type LabTokenIssuer } from '../../electron/lab/tokens';
import { startIdentityServer, type IdentityServer } from '../../electron/lab/identity-server';
import { startLabMailServers, type LabMailServers } from '../../electron/lab/mail/servers';
import { DEMO, demoState } from '../../electron/lab/scenarios';
import { startLab, type Lab } from '../../electron/lab/lab';
import { GOOGLE_DEMO } from '../../electron/lab/google/workspace';
import type { TenantState } from '../../electron/lab/state';
import { acquireToken } from '../../electron/engine/identity/acquire';
import { Transcript, clockFrom } from '../../electron/engine/wire/transcript';
import { SecretSet } from '../../electron/engine/wire/secrets';
import { createAppService, type AppService, type ClientContext } from '../../electron/compose/app-service';
import { SessionVault } from '../../electron/engine/store/vault';
import { RunHistory } from '../../electron/engine/store/run-history';
import { startDovecot, type DovecotHarness } from './support/dovecot';
import { runCli, type CliResult } from './support/cli';
import { CanaryScanner, base64InnerForms, describeHits, listFiles, type Hit } from './support/canary';
import { directRoute } from '../../electron/engine/identity/recording-http';
import { startSquid } from './support/proxies';

/**
 * The lab's identity endpoint accepts one client secret: the tenant state's. The test starts its
 * own lab and sets that secret to the canary, so every client-secret flow against it uses the
 * canary. (`mailprobe check --lab` and the app's demo tenant each start a lab of their own, with a
 * random secret and tokens the test never sees; those runs are covered by the shape searches in
 * scanner() instead.)
 */
const CANARY = {
  clientSecret: 'CANARY-client-secret-7f3a9c',
  password: 'CANARY-pass-41d8e2',
  passphrase: 'CANARY-key-passphrase-5b90d1',
  /** A wrong password or client secret: the failing runs, whose bundles are the ones sent on. */
  wrongSecret: 'CANARY-wrong-secret-c0ffee',
  /** The company proxy's password (squid, Basic authentication), and a wrong one. */
  proxyPassword: 'CANARY-proxy-pass-9e1b77',
  wrongProxyPassword: 'CANARY-proxy-wrong-2d4f60',
} as const;

const PROXY_USER = 'canary-proxy-user';
const LAB_MAILBOX = DEMO.mailbox;
/** On a Dovecot that trusts the lab, an app-only token signs in as <service principal>@domain. */
const SP_MAILBOX = `${DEMO.servicePrincipalObjectId}@example.test`;

let root: string;
let inputs: string;
let outputs: string;
let scratch: string;
let pki: LabPki;
let appPki: LabPki;
let state: TenantState;
let issuer: LabTokenIssuer;
let identity: IdentityServer;
let mail: LabMailServers;
let dovecotPw: DovecotHarness;
let dovecotLab: DovecotHarness;
let labCaFile: string;
let certFile: string;
let keyFile: string;
let labToken: string;
let mintedToken: string;
let mintedTokenFile: string;
/** A whole lab, for its Google Workspace tenant: the service account's key is a canary too. */
let googleLab: Lab;
let googleKeyFile: string;
let googleCaFile: string;
let encryptedKeyPem: string;
/** Every access token the lab's identity endpoint issued during the test. */
const issued: string[] = [];
/** Printed or returned text: CLI output, service results and events, console lines. */
const captured: Array<{ source: string; text: string }> = [];
let cliRuns = 0;
const cleanups: Array<() => Promise<unknown>> = [];
const started = performance.now();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mailprobe-canary-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  // Inputs hold the canaries on purpose (key file, token file) and are not searched; everything
  // the app writes goes under outputs, which is.
  inputs = join(root, 'in');
  outputs = join(root, 'out');
  scratch = join(root, 'scratch');
  await Promise.all([inputs, join(outputs, 'bundles'), scratch].map((d) => mkdir(d, { recursive: true })));

  [pki, appPki] = await Promise.all([createLabPki(), createLabPki(['mailprobe-canary-app'])]);
  state = demoState();
  state.app.secret.value = CANARY.clientSecret;
  state.app.certificatePem = appPki.serverCertPem;
  issuer = await createTokenIssuer(state.tenantId);
  // The identity endpoint signs through this wrapper, so the test learns every token it issues.
  const recording: LabTokenIssuer = {
    ...issuer,
    issue: async (claims, lifetimeSeconds) => {
      const token = await issuer.issue(claims, lifetimeSeconds);
      issued.push(token);
      return token;
    },
  };
  const tls = { keyPem: pki.serverKeyPem, certPem: pki.serverCertPem };
  identity = await startIdentityServer({ state, issuer: recording, tls });
  cleanups.push(() => identity.close());
  mail = await startLabMailServers({
    state,
    tls,
    verifyToken: (token) => issuer.verify(token),
    backendName: 'LAB01PR01MB0001.lab.prod.outlook.com',
  });
  cleanups.push(() => mail.close());

  const dovecots = await Promise.allSettled([
    startDovecot(),
    issuer.publicKeyPem().then((publicKeyPem) =>
      startDovecot({
        issuer: {
          issuer: issuer.issuer(state.tenantId),
          kid: issuer.kid,
          publicKeyPem,
          audience: 'https://outlook.office365.com',
          servicePrincipalId: DEMO.servicePrincipalObjectId,
        },
      }),
    ),
  ]);
  for (const d of dovecots) if (d.status === 'fulfilled') cleanups.push(() => d.value.stop());
  for (const d of dovecots) if (d.status === 'rejected') throw d.reason;
  [dovecotPw, dovecotLab] = dovecots.map((d) => (d as PromiseFulfilledResult<DovecotHarness>).value) as [
    DovecotHarness,
    DovecotHarness,
  ];
  // The harness picks a random password; the canary replaces it in its password file, which
  // Dovecot reads again when the file changes (no login has happened yet anyway).
  const passwords = join(dovecotPw.dir, 'passwords.passwd');
  const before = await readFile(passwords, 'utf8');
  if (!before.startsWith(`${dovecotPw.users.password}:{PLAIN}`))
    throw new Error('the Dovecot harness keeps its password file elsewhere now; update the canary test');
  await writeFile(passwords, `${dovecotPw.users.password}:{PLAIN}${CANARY.password}::::::\n`);

  labCaFile = join(inputs, 'lab-ca.pem');
  certFile = join(inputs, 'app-cert.pem');
  keyFile = join(inputs, 'app-key.encrypted.pem');
  encryptedKeyPem = createPrivateKey(appPki.serverKeyPem)
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: CANARY.passphrase })
    .toString();
  await Promise.all([
    writeFile(labCaFile, pki.caPem),
    writeFile(certFile, appPki.serverCertPem),
    writeFile(keyFile, encryptedKeyPem, { mode: 0o600 }),
  ]);

  // A token from the lab's endpoint with the canary secret, to hand to the CLI and the app.
  const outcome = await acquireToken(
    {
      authorityHost: identity.base,
      tenant: DEMO.tenantId,
      clientId: DEMO.clientId,
      credential: { kind: 'secret', value: CANARY.clientSecret },
      scope: 'https://outlook.office365.com/.default',
    },
    new Transcript(clockFrom(performance.now()), new SecretSet()),
    directRoute({ extraCaPem: [pki.caPem], minVersion: 'TLSv1.2' }),
    10_000,
  );
  if (!outcome.token) throw new Error(`the lab issued no token: ${outcome.step.status}`);
  labToken = outcome.token;
  mintedToken = await dovecotPw.mintToken({ user: dovecotPw.users.oauth });
  mintedTokenFile = join(inputs, 'minted.token');
  await writeFile(mintedTokenFile, `Bearer ${mintedToken}\n`, { mode: 0o600 });

  googleLab = await startLab('healthy');
  cleanups.push(() => googleLab.close());
  googleKeyFile = join(inputs, 'service-account.json');
  googleCaFile = join(inputs, 'google-lab-ca.pem');
  await Promise.all([
    writeFile(googleKeyFile, googleLab.google.keyJson, { mode: 0o600 }),
    writeFile(googleCaFile, googleLab.caPem),
  ]);
});

afterAll(async () => {
  // Whatever started, in reverse order; one failure does not keep the rest running.
  for (const undo of cleanups.reverse()) await undo().catch(() => undefined);
});

/** The scanner with every canary of this test and every token the run learnt of. */
function scanner(): CanaryScanner {
  const s = new CanaryScanner();
  s.addSecret('client secret', CANARY.clientSecret);
  s.addSecret('password', CANARY.password);
  s.addSecret('key passphrase', CANARY.passphrase);
  s.addSecret('wrong secret', CANARY.wrongSecret);
  s.addSecret('proxy password', CANARY.proxyPassword);
  s.addSecret('wrong proxy password', CANARY.wrongProxyPassword);
  // Proxy-Authorization: Basic base64(user:password), whole.
  for (const pw of [CANARY.proxyPassword, CANARY.wrongProxyPassword])
    s.addSecret('proxy Basic credential', Buffer.from(`${PROXY_USER}:${pw}`).toString('base64'));
  s.addPrivateKey('certificate private key', appPki.serverKeyPem, appPki.serverCertPem);
  s.addPrivateKey('encrypted private key', encryptedKeyPem, appPki.serverCertPem, CANARY.passphrase);
  s.addPrivateKey('service-account private key', googleLab.google.state.serviceAccount.privateKeyPem, null);
  // The whole lab's own secrets: its client secret is ACS SMTP's password, the HVE account's too.
  s.addSecret("the whole lab's client secret", googleLab.demo.clientSecret);
  s.addSecret('the HVE account password', googleLab.state.hve.password);
  s.addPattern("a Google token of the lab's", /ya29\.c\.lab[A-Za-z0-9_-]{8}/);
  s.addToken('pre-acquired lab token', labToken);
  s.addToken('minted Dovecot token', mintedToken);
  for (const token of new Set(issued)) if (token !== labToken) s.addToken('lab-issued token', token);
  // Secrets whose value the test cannot know (the lab inside `check --lab` and the app's demo
  // tenant make their own): their shapes. A JWT with its signature, a bearer header, an XOAUTH2
  // payload, the lab's demo secret format.
  s.addPattern(
    'a signed JWT (any token)',
    /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}/,
  );
  s.addPattern('a bearer header with a JWT', /Bearer\s+eyJ/i);
  for (const form of base64InnerForms('auth=Bearer eyJ')) s.addLiteral('an XOAUTH2 payload (base64)', form);
  s.addPattern("the lab's demo client secret", /lab~[A-Za-z0-9_-]{24}/);
  s.addPattern("a refresh token of the lab's", /0\.lab-rt\.[A-Za-z0-9_-]{10}/);
  return s;
}

/** Step statuses only: enum values, safe to print whatever the run did. */
function statuses(report: Report | undefined): string {
  if (!report) return '(no report)';
  return report.checks
    .flatMap((c) =>
      c.steps.filter((s) => s.status !== 'pass').map((s) => `${c.protocol}/${s.id}:${s.status}`),
    )
    .join(', ');
}

function stepStatus(report: Report, protocol: string, step: string): string | undefined {
  return report.checks.find((c) => c.protocol === protocol)?.steps.find((s) => s.id === step)?.status;
}

interface CliRun extends CliResult {
  report?: Report;
  /** The run's private home, temp and data folders (searched afterwards). */
  folder: string;
}

/**
 * Runs the CLI with a home, config, cache, temp and data folder of its own under the searched
 * outputs, so that whatever it writes, wherever, is searched too. No keychain (session vault).
 */
async function cli(
  label: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: { dataDir?: string; input?: string } = {},
): Promise<CliRun> {
  cliRuns += 1;
  const folder = join(outputs, 'cli', `${String(cliRuns).padStart(2, '0')}-${label}`);
  const dirs = ['home', 'config', 'cache', 'state', 'share', 'tmp', 'data'].map((d) => join(folder, d));
  await Promise.all(dirs.map((d) => mkdir(d, { recursive: true })));
  const [home, config, cache, xdgState, share, tmp, data] = dirs as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const result = await runCli(
    args,
    {
      HOME: home,
      XDG_CONFIG_HOME: config,
      XDG_CACHE_HOME: cache,
      XDG_STATE_HOME: xdgState,
      XDG_DATA_HOME: share,
      TMPDIR: tmp,
      MAILPROBE_DATA_DIR: options.dataDir ?? data,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
      ...env,
    },
    options.input,
  );
  captured.push({ source: `cli ${label} stdout`, text: result.stdout });
  captured.push({ source: `cli ${label} stderr`, text: result.stderr });
  let report: Report | undefined;
  if (args[0] === 'check' && args.includes('--json')) {
    try {
      report = JSON.parse(result.stdout) as Report;
    } catch {
      report = undefined;
    }
  }
  return { ...result, folder, ...(report ? { report } : {}) };
}

function bundle(name: string): string {
  return join(outputs, 'bundles', `${name}.zip`);
}

/** Lab endpoints as CLI flags: IMAP and POP3 implicit TLS, SMTP STARTTLS, as Exchange Online. */
function labEndpoints(): string[] {
  const p = mail.ports;
  // prettier-ignore
  return [
    '--imap', '--imap-host', '127.0.0.1', '--imap-port', String(p.imap), '--imap-security', 'tls',
    '--pop3', '--pop3-host', '127.0.0.1', '--pop3-port', String(p.pop3), '--pop3-security', 'tls',
    '--smtp', '--smtp-host', '127.0.0.1', '--smtp-port', String(p.smtp), '--smtp-security', 'starttls',
  ];
}

/** Dovecot endpoints: IMAP implicit TLS, POP3 and submission STARTTLS (on the address that needs it). */
function dovecotEndpoints(d: DovecotHarness): string[] {
  // prettier-ignore
  return [
    '--imap', '--imap-host', d.host, '--imap-port', String(d.ports.imaps), '--imap-security', 'tls',
    '--pop3', '--pop3-host', d.starttlsHost, '--pop3-port', String(d.ports.pop3), '--pop3-security', 'starttls',
    '--smtp', '--smtp-host', d.starttlsHost, '--smtp-port', String(d.ports.submission), '--smtp-security', 'starttls',
  ];
}

function labAuthority(): string[] {
  return ['--tenant', DEMO.tenantId, '--client-id', DEMO.clientId, '--authority', identity.base];
}

function expectPass(run: CliRun, what: string): Report {
  expect(
    run.report,
    `${what}: no JSON report (exit ${run.code}): ${scanner().mask(run.stderr)}`,
  ).toBeDefined();
  const report = run.report as Report;
  expect(run.code, `${what}: ${statuses(report)}`).toBe(0);
  expect(report.verdict).toBe('pass');
  return report;
}

function expectRoundTrip(report: Report, what: string): void {
  expect(stepStatus(report, 'smtp', 'send'), `${what}: send`).toBe('pass');
  expect(stepStatus(report, 'imap', 'roundtrip'), `${what}: round trip`).toBe('pass');
}

async function expectBundle(path: string): Promise<void> {
  const info = await stat(path);
  expect(info.size).toBeGreaterThan(0);
}

describe('the canary scanner', () => {
  it('finds canaries planted on purpose: plain, encoded, cut up, and inside a zip', async () => {
    const s = scanner();
    const token = labToken;
    const signature = token.split('.')[2] ?? '';
    const filler = 'MailProbe diagnostic transcript line. '.repeat(400);
    await writeFile(join(scratch, 'plain.txt'), `${filler}password=${CANARY.password}\n`);
    await writeFile(
      join(scratch, 'sasl.txt'),
      `C: AUTHENTICATE PLAIN ${Buffer.from(`\0user\0${CANARY.password}`).toString('base64')}\n`,
    );
    await writeFile(join(scratch, 'fragment.txt'), `token tail ...${signature.slice(100, 130)}...\n`);
    const keyLines = appPki.serverKeyPem.split('\n');
    await writeFile(join(scratch, 'key-line.txt'), `oops ${keyLines[10] ?? ''}\n`);
    const zipped = zipSync(
      { 'report.json': strToU8(`${filler}{"secret":"${CANARY.clientSecret}"}${filler}`) },
      { level: 9 },
    );
    // Compressed, the canary is not in the raw bytes: only unpacking finds it.
    expect(Buffer.from(zipped).includes(CANARY.clientSecret)).toBe(false);
    await writeFile(join(scratch, 'bundle.zip'), zipped);
    await writeFile(join(scratch, 'nested.zip'), zipSync({ 'inner.zip': zipped }, { level: 0 }));
    await writeFile(join(scratch, 'clean.txt'), filler);

    const hits = await s.scanTree(scratch);
    const found = (file: string): string[] =>
      hits.filter((h) => h.source.startsWith(join(scratch, file))).map((h) => h.kind);
    expect(found('plain.txt')).toContain('password');
    expect(found('sasl.txt')).toContain('password (inside base64)');
    expect(found('fragment.txt')).toContain('pre-acquired lab token signature fragment');
    expect(found('key-line.txt').join()).toMatch(/certificate private key/);
    expect(hits.find((h) => h.source === `${join(scratch, 'bundle.zip')}!report.json`)?.kind).toBe(
      'client secret',
    );
    expect(hits.some((h) => h.source === `${join(scratch, 'nested.zip')}!inner.zip!report.json`)).toBe(true);
    expect(found('clean.txt')).toEqual([]);
    // Shapes of secrets the test cannot know.
    const unknown = s.scanText(
      'text',
      `x lab~${'A'.repeat(24)} y eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.${'s'.repeat(40)}`,
    );
    expect(unknown.map((h) => h.kind).sort()).toEqual(
      ["the lab's demo client secret", 'a signed JWT (any token)'].sort(),
    );
    // Offsets point at the canary without repeating it.
    const plain = hits.find((h) => h.source === join(scratch, 'plain.txt'));
    expect(plain?.offset).toBe(filler.length + 'password='.length);
    expect(describeHits(hits)).not.toContain(CANARY.password);
  });
});

describe('every flow that handles a secret', () => {
  it('CLI: check --lab with a test message, the round trip and a bundle', async () => {
    const run = await cli('lab', [
      'check',
      '--lab',
      '--json',
      '--send-to',
      LAB_MAILBOX,
      '--roundtrip',
      '--out',
      bundle('lab'),
    ]);
    expectRoundTrip(expectPass(run, 'check --lab'), 'check --lab');
    await expectBundle(bundle('lab'));
  });

  it('CLI: the client secret from the environment against the lab, all protocols', async () => {
    const run = await cli(
      'lab-secret',
      [
        'check',
        '--json',
        '--mailbox',
        LAB_MAILBOX,
        ...labAuthority(),
        '--client-secret-env',
        'MP_CANARY_SECRET',
        '--ca',
        labCaFile,
        ...labEndpoints(),
        '--send-to',
        LAB_MAILBOX,
        '--roundtrip',
        '--out',
        bundle('lab-secret'),
      ],
      { MP_CANARY_SECRET: CANARY.clientSecret },
    );
    expectRoundTrip(expectPass(run, 'client secret'), 'client secret');
    await expectBundle(bundle('lab-secret'));
  });

  it('CLI: a certificate with an encrypted key and its passphrase against the lab', async () => {
    const run = await cli(
      'lab-cert',
      [
        'check',
        '--json',
        '--mailbox',
        LAB_MAILBOX,
        ...labAuthority(),
        '--cert',
        certFile,
        '--key',
        keyFile,
        '--key-passphrase-env',
        'MP_CANARY_PASSPHRASE',
        '--ca',
        labCaFile,
        ...labEndpoints(),
        '--out',
        bundle('lab-cert'),
      ],
      { MP_CANARY_PASSPHRASE: CANARY.passphrase },
    );
    const report = expectPass(run, 'certificate');
    expect(report.target.credential).toBe('certificate');
    await expectBundle(bundle('lab-cert'));
  });

  it('CLI: a Google service account key against the lab Google tenant, and a failing Google scenario', async () => {
    const p = googleLab.google.mail.ports;
    const run = await cli('google-service-account', [
      'check',
      '--json',
      '--google-service-account',
      googleKeyFile,
      '--mailbox',
      GOOGLE_DEMO.mailbox,
      '--ca',
      googleCaFile,
      // prettier-ignore
      '--imap',
      '--imap-host',
      '127.0.0.1',
      '--imap-port',
      String(p.imap),
      // prettier-ignore
      '--pop3',
      '--pop3-host',
      '127.0.0.1',
      '--pop3-port',
      String(p.pop3),
      // prettier-ignore
      '--smtp',
      '--smtp-host',
      '127.0.0.1',
      '--smtp-port',
      String(p.smtp),
      '--smtp-security',
      'starttls',
      '--out',
      bundle('google-service-account'),
    ]);
    const report = expectPass(run, 'google service account');
    expect(report.target.credential).toBe('google-service-account');
    await expectBundle(bundle('google-service-account'));
    const failing = await cli('google-scope', [
      'check',
      '--json',
      '--lab',
      '--scenario',
      'google-scope-insufficient',
      '--out',
      bundle('google-scope'),
    ]);
    expect(failing.code).toBe(1);
    expect(failing.report?.findings[0]?.cause).toBe('google.scope_insufficient');
    await expectBundle(bundle('google-scope'));
  });

  it("CLI: ACS SMTP with the client secret as its password, HVE with the account's password and with a refused token", async () => {
    const env = { MP_LAB_SECRET: googleLab.demo.clientSecret, MP_HVE_PASSWORD: googleLab.state.hve.password };
    const smtpAt = (port: number) => [
      '--ca',
      googleCaFile,
      '--smtp-host',
      '127.0.0.1',
      '--smtp-port',
      String(port),
    ];
    const acs = await cli(
      'acs',
      [
        'check',
        '--json',
        '--acs-resource',
        DEMO.acsResource,
        '--tenant',
        DEMO.tenantId,
        '--client-id',
        DEMO.clientId,
        '--client-secret-env',
        'MP_LAB_SECRET',
        '--mailbox',
        DEMO.acsSender,
        ...smtpAt(googleLab.sending.acs.port),
        '--send-to',
        DEMO.mailbox,
        '--out',
        bundle('acs'),
      ],
      env,
    );
    expect(expectPass(acs, 'ACS').target.service).toBe('acs');
    await expectBundle(bundle('acs'));
    const hvePassword = await cli(
      'hve-password',
      [
        'check',
        '--json',
        '--hve',
        '--mailbox',
        DEMO.hveAccount,
        '--password-env',
        'MP_HVE_PASSWORD',
        ...smtpAt(googleLab.sending.hve.port),
      ],
      env,
    );
    expectPass(hvePassword, 'HVE password');
    // The healthy lab grants no Mail.Send: HVE refuses the token, the bundle is the one sent on.
    const hveToken = await cli(
      'hve-token',
      [
        'check',
        '--json',
        '--hve',
        '--tenant',
        DEMO.tenantId,
        '--client-id',
        DEMO.clientId,
        '--authority',
        googleLab.authorityHost,
        '--client-secret-env',
        'MP_LAB_SECRET',
        '--mailbox',
        DEMO.hveAccount,
        ...smtpAt(googleLab.sending.hve.port),
        '--out',
        bundle('hve-token'),
      ],
      env,
    );
    expect(hveToken.code).toBe(1);
    expect(hveToken.report?.findings[0]?.cause).toBe('token.missing_role');
    expect(hveToken.report?.findings[0]?.title).toMatch(/Mail\.Send/);
    await expectBundle(bundle('hve-token'));
  });

  it('CLI: a password on Dovecot (IMAP, POP3, submission), a test message and the round trip', async () => {
    const run = await cli(
      'dovecot-password',
      [
        'check',
        '--json',
        '--mailbox',
        dovecotPw.users.password,
        '--password-env',
        'MP_CANARY_PASSWORD',
        '--ca',
        dovecotPw.caFile,
        ...dovecotEndpoints(dovecotPw),
        '--send-to',
        dovecotPw.users.password,
        '--roundtrip',
        '--out',
        bundle('dovecot-password'),
      ],
      { MP_CANARY_PASSWORD: CANARY.password },
    );
    expectRoundTrip(expectPass(run, 'password'), 'password');
    await expectBundle(bundle('dovecot-password'));
  });

  it('CLI: the round trip over POP3 (a new sign-in per look) with a password on Dovecot', async () => {
    const endpoints = dovecotEndpoints(dovecotPw);
    const withoutImap = endpoints.slice(7);
    const run = await cli(
      'dovecot-password-pop3-roundtrip',
      [
        'check',
        '--json',
        '--mailbox',
        dovecotPw.users.password,
        '--password-env',
        'MP_CANARY_PASSWORD',
        '--ca',
        dovecotPw.caFile,
        ...withoutImap,
        '--send-to',
        dovecotPw.users.password,
        '--roundtrip',
        '--out',
        bundle('dovecot-password-pop3-roundtrip'),
      ],
      { MP_CANARY_PASSWORD: CANARY.password },
    );
    const report = expectPass(run, 'password over POP3');
    expect(stepStatus(report, 'pop3', 'roundtrip')).toBe('pass');
    await expectBundle(bundle('dovecot-password-pop3-roundtrip'));
  });

  it('CLI: through an authenticating proxy (squid): --proxy-password-env, HTTPS_PROXY, a wrong proxy password', async () => {
    const squid = await startSquid({ allowPorts: 'all', user: PROXY_USER, password: CANARY.proxyPassword });
    cleanups.push(() => squid.stop());
    const base = [
      'check',
      '--json',
      '--mailbox',
      dovecotPw.users.password,
      '--password-env',
      'MP_CANARY_PASSWORD',
      '--ca',
      dovecotPw.caFile,
      ...dovecotEndpoints(dovecotPw),
      // The TLS floor probe opens connections of its own, through the proxy too.
      '--tls-probe',
    ];
    // --proxy with the password from the environment: into the bundle `name`.
    const viaSquid = (label: string, name: string, password: string) =>
      cli(
        label,
        [
          ...base,
          '--proxy',
          `http://${PROXY_USER}@127.0.0.1:${squid.port}`,
          '--proxy-password-env',
          'MP_CANARY_PROXY',
          '--out',
          bundle(name),
        ],
        { MP_CANARY_PASSWORD: CANARY.password, MP_CANARY_PROXY: password },
      );
    const flagged = await viaSquid('proxy-password-env', 'proxy-flag', CANARY.proxyPassword);
    expect(stepStatus(expectPass(flagged, 'through squid'), 'imap', 'proxy')).toBe('pass');
    await expectBundle(bundle('proxy-flag'));
    const fromEnvironment = await cli('proxy-https-proxy', [...base, '--out', bundle('proxy-env')], {
      MP_CANARY_PASSWORD: CANARY.password,
      HTTPS_PROXY: `http://${PROXY_USER}:${CANARY.proxyPassword}@127.0.0.1:${squid.port}`,
    });
    expect(stepStatus(expectPass(fromEnvironment, 'through HTTPS_PROXY'), 'smtp', 'proxy')).toBe('pass');
    await expectBundle(bundle('proxy-env'));
    const refused = await viaSquid('proxy-wrong-password', 'proxy-wrong', CANARY.wrongProxyPassword);
    expect(refused.code).toBe(1);
    expect(refused.report?.findings[0]?.cause).toBe('network.proxy_auth_required');
    await expectBundle(bundle('proxy-wrong'));
  });

  it('CLI: failing runs, whose bundles are the ones sent on: a wrong password, a wrong client secret', async () => {
    const wrongPassword = await cli(
      'dovecot-wrong-password',
      [
        'check',
        '--json',
        '--mailbox',
        dovecotPw.users.password,
        '--password-env',
        'MP_CANARY_WRONG',
        '--ca',
        dovecotPw.caFile,
        ...dovecotEndpoints(dovecotPw),
        '--out',
        bundle('dovecot-wrong-password'),
      ],
      { MP_CANARY_WRONG: CANARY.wrongSecret },
    );
    expect(wrongPassword.code).toBe(1);
    await expectBundle(bundle('dovecot-wrong-password'));
    const wrongSecret = await cli(
      'lab-wrong-secret',
      [
        'check',
        '--json',
        '--mailbox',
        DEMO.mailbox,
        ...labAuthority(),
        '--client-secret-env',
        'MP_CANARY_WRONG',
        '--ca',
        labCaFile,
        ...labEndpoints(),
        '--out',
        bundle('lab-wrong-secret'),
      ],
      { MP_CANARY_WRONG: CANARY.wrongSecret },
    );
    expect(wrongSecret.code).toBe(1);
    await expectBundle(bundle('lab-wrong-secret'));
  });

  it('CLI: access tokens on Dovecot: a lab token by environment, a minted one by file', async () => {
    const byEnv = await cli(
      'dovecot-token-env',
      [
        'check',
        '--json',
        '--mailbox',
        SP_MAILBOX,
        '--access-token-env',
        'MP_CANARY_TOKEN',
        '--ca',
        dovecotLab.caFile,
        ...dovecotEndpoints(dovecotLab),
        '--send-to',
        SP_MAILBOX,
        '--roundtrip',
        '--out',
        bundle('dovecot-token-env'),
      ],
      { MP_CANARY_TOKEN: labToken },
    );
    expectRoundTrip(expectPass(byEnv, 'lab token'), 'lab token');
    const byFile = await cli('dovecot-token-file', [
      'check',
      '--json',
      '--mailbox',
      dovecotPw.users.oauth,
      '--access-token-file',
      mintedTokenFile,
      '--ca',
      dovecotPw.caFile,
      ...dovecotEndpoints(dovecotPw),
      '--out',
      bundle('dovecot-token-file'),
    ]);
    expectPass(byFile, 'minted token');
    await Promise.all([
      expectBundle(bundle('dovecot-token-env')),
      expectBundle(bundle('dovecot-token-file')),
    ]);
  });

  it('CLI: the client secret on stdin, a token from the lab, Dovecot signs in with it', async () => {
    const before = issued.length;
    const run = await cli(
      'lab-to-dovecot',
      [
        'check',
        '--json',
        '--mailbox',
        SP_MAILBOX,
        ...labAuthority(),
        '--client-secret-stdin',
        '--ca',
        labCaFile,
        '--ca',
        dovecotLab.caFile,
        ...dovecotEndpoints(dovecotLab),
        '--out',
        bundle('lab-to-dovecot'),
      ],
      {},
      { input: `${CANARY.clientSecret}\n` },
    );
    expectPass(run, 'lab token to Dovecot');
    // The token the CLI acquired during the run is known to the scan.
    expect(issued.length).toBeGreaterThan(before);
  });

  it('CLI: token (acquire and inspect, human and JSON) and inspect of a given token', async () => {
    const env = { MP_CANARY_SECRET: CANARY.clientSecret, MP_CANARY_TOKEN: labToken };
    const base = ['--mailbox', LAB_MAILBOX, ...labAuthority(), '--ca', labCaFile];
    const runs = [
      await cli('token-json', ['token', ...base, '--client-secret-env', 'MP_CANARY_SECRET', '--json'], env),
      await cli('token-human', ['token', ...base, '--client-secret-env', 'MP_CANARY_SECRET'], env),
      await cli('inspect-env', ['inspect', '--access-token-env', 'MP_CANARY_TOKEN', '--json'], env),
      await cli('inspect-file', ['inspect', '--access-token-file', mintedTokenFile]),
      await cli('inspect-stdin', ['inspect', '-', '--json'], {}, { input: labToken }),
    ];
    for (const run of runs) expect(run.code, scanner().mask(run.stderr)).toBe(0);
  });

  it('CLI: profiles add, then check --profile keeps the run in the history', async () => {
    const data = join(outputs, 'cli-profiles-data');
    await mkdir(data, { recursive: true });
    const env = {
      MP_CANARY_SECRET: CANARY.clientSecret,
      MP_CANARY_PASSWORD: CANARY.password,
      MP_CANARY_PASSPHRASE: CANARY.passphrase,
    };
    const p = mail.ports;
    const d = dovecotPw;
    // prettier-ignore
    const adds = [
      ['add-lab', 'Canary lab', '--tenant', DEMO.tenantId, '--client-id', DEMO.clientId, '--mailbox', LAB_MAILBOX,
        '--authority', identity.base, '--client-secret-env', 'MP_CANARY_SECRET',
        '--imap-host', '127.0.0.1', '--imap-port', String(p.imap), '--imap-security', 'tls',
        '--pop3-host', '127.0.0.1', '--pop3-port', String(p.pop3), '--pop3-security', 'tls',
        '--smtp-host', '127.0.0.1', '--smtp-port', String(p.smtp), '--smtp-security', 'starttls',
        '--send-to', LAB_MAILBOX],
      ['add-cert', 'Canary certificate', '--tenant', DEMO.tenantId, '--client-id', DEMO.clientId,
        '--mailbox', LAB_MAILBOX, '--authority', identity.base, '--cert', certFile, '--key', keyFile,
        '--key-passphrase-env', 'MP_CANARY_PASSPHRASE'],
      ['add-dovecot', 'Canary dovecot', '--tenant', DEMO.tenantId, '--client-id', DEMO.clientId,
        '--mailbox', d.users.password, '--password-env', 'MP_CANARY_PASSWORD',
        '--imap-host', d.host, '--imap-port', String(d.ports.imaps), '--imap-security', 'tls',
        '--pop3-host', d.host, '--pop3-port', String(d.ports.pop3s), '--pop3-security', 'tls',
        '--smtp-host', d.host, '--smtp-port', String(d.ports.submissions), '--smtp-security', 'tls'],
    ] as const;
    for (const [label, name, ...flags] of adds) {
      const add = await cli(label, ['profiles', 'add', '--name', name, ...flags], env, { dataDir: data });
      expect(add.code, `${label}: ${scanner().mask(add.stderr)}`).toBe(0);
    }
    const lab = await cli(
      'check-profile-lab',
      [
        'check',
        '--profile',
        'Canary lab',
        '--client-secret-env',
        'MP_CANARY_SECRET',
        '--ca',
        labCaFile,
        '--json',
        '--send-to',
        LAB_MAILBOX,
        '--roundtrip',
        '--out',
        bundle('profile-lab'),
      ],
      env,
      { dataDir: data },
    );
    expectRoundTrip(expectPass(lab, 'profile lab'), 'profile lab');
    const dove = await cli(
      'check-profile-dovecot',
      [
        'check',
        '--profile',
        'Canary dovecot',
        '--password-env',
        'MP_CANARY_PASSWORD',
        '--ca',
        d.caFile,
        '--json',
        '--out',
        bundle('profile-dovecot'),
      ],
      env,
      { dataDir: data },
    );
    expectPass(dove, 'profile dovecot');
    // A human-readable run too (progress and the step tree on stderr and stdout).
    const human = await cli(
      'check-profile-human',
      ['check', '--profile', 'Canary dovecot', '--password-env', 'MP_CANARY_PASSWORD', '--ca', d.caFile],
      env,
      { dataDir: data },
    );
    expect(human.code, scanner().mask(human.stderr)).toBe(0);
    for (const [label, args] of [
      ['list', ['profiles', 'list', '--json']],
      ['show', ['profiles', 'show', 'Canary certificate', '--json']],
      ['export', ['profiles', 'export']],
      ['export-file', ['profiles', 'export', '--out', join(outputs, 'profiles-export.json')]],
    ] as const) {
      const result = await cli(label, [...args], env, { dataDir: data });
      expect(result.code, `${label}: ${scanner().mask(result.stderr)}`).toBe(0);
    }
    const profiles = JSON.parse(captured.find((c) => c.source === 'cli list stdout')?.text ?? '[]') as Array<{
      id: string;
      name: string;
    }>;
    const history = RunHistory.at(data);
    const kept = await Promise.all(profiles.map((pr) => history.list(pr.id)));
    expect(kept.map((runs) => runs.length).reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('the app service in-process: profiles, runs, history, compare, export', async () => {
    const dataDir = join(outputs, 'service-data');
    const exportsDir = join(outputs, 'service-exports');
    await mkdir(exportsDir, { recursive: true });
    const logged: string[] = [];
    const spies = (['log', 'info', 'warn', 'error'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      }),
    );
    const events: Array<{ event: EventName; payload: unknown }> = [];
    const ctx: ClientContext = {
      emit<E extends EventName>(event: E, payload: Events[E]) {
        events.push({ event, payload });
      },
    };
    let service: AppService | undefined;
    let calls = 0;
    const call = async <K extends RequestName>(name: K, input: unknown): Promise<Requests[K]['output']> => {
      const result: Result<Requests[K]['output']> = await (service as AppService).dispatch(name, input, ctx);
      calls += 1;
      captured.push({
        source: `service ${String(calls).padStart(2, '0')} ${name}`,
        text: JSON.stringify(result),
      });
      expect(result.ok, `${name}: ${result.ok ? '' : result.error.code}`).toBe(true);
      if (!result.ok) throw new Error(`${name} failed`);
      return result.value;
    };
    try {
      service = await createAppService({
        dataDir,
        version: 'canary',
        vault: new SessionVault({ kind: 'session', reason: 'tests' }),
      });
      await call('app:info', undefined);
      await call('token:inspect', { token: `Bearer ${labToken}` });
      const settings = await call('settings:get', undefined);
      const next: Settings = {
        ...settings,
        extraCaFiles: [labCaFile, dovecotPw.caFile, dovecotLab.caFile],
      };
      await call('settings:set', next);

      const p = mail.ports;
      const labEndpoint = (port: number, security: 'tls' | 'starttls') => ({
        host: '127.0.0.1',
        port,
        security,
      });
      const base = {
        cloud: 'custom' as const,
        tenant: DEMO.tenantId,
        clientId: DEMO.clientId,
        mechanism: 'auto' as const,
      };
      const labProfile = {
        ...base,
        authority: identity.base,
        mailbox: LAB_MAILBOX,
        imap: labEndpoint(p.imap, 'tls'),
        pop3: labEndpoint(p.pop3, 'tls'),
        smtp: labEndpoint(p.smtp, 'starttls'),
        testMessage: { to: LAB_MAILBOX },
      };
      const dovecotProfile = (d: DovecotHarness, mailbox: string) => ({
        ...base,
        mailbox,
        imap: { host: d.host, port: d.ports.imaps, security: 'tls' as const },
        pop3: { host: d.starttlsHost, port: d.ports.pop3, security: 'starttls' as const },
        smtp: { host: d.starttlsHost, port: d.ports.submission, security: 'starttls' as const },
        testMessage: { to: mailbox },
      });
      const saved = [
        await call('profiles:save', {
          ...labProfile,
          name: 'Canary lab (secret)',
          credential: 'client-secret',
          secret: CANARY.clientSecret,
        }),
        await call('profiles:save', {
          ...labProfile,
          name: 'Canary lab (certificate)',
          credential: 'certificate',
          certificatePath: certFile,
          keyPath: keyFile,
          secret: CANARY.passphrase,
        }),
        await call('profiles:save', {
          ...dovecotProfile(dovecotPw, dovecotPw.users.password),
          name: 'Canary dovecot (password)',
          credential: 'password',
          secret: CANARY.password,
        }),
        await call('profiles:save', {
          ...dovecotProfile(dovecotLab, SP_MAILBOX),
          name: 'Canary dovecot (token)',
          credential: 'access-token',
          secret: labToken,
        }),
      ];
      const [secretProfile, certProfile, passwordProfile, tokenProfile] = saved.map((s) => s.id) as [
        string,
        string,
        string,
        string,
      ];
      const all = ['imap', 'pop3', 'smtp'];
      const runs: Array<{ profileId: string; runId: string; roundtrip: boolean }> = [
        { profileId: secretProfile, runId: 'canary-secret-1', roundtrip: true },
        { profileId: secretProfile, runId: 'canary-secret-2', roundtrip: false },
        { profileId: certProfile, runId: 'canary-cert-1', roundtrip: false },
        { profileId: passwordProfile, runId: 'canary-password-1', roundtrip: true },
        { profileId: tokenProfile, runId: 'canary-token-1', roundtrip: true },
        { profileId: 'demo', runId: 'canary-demo-1', roundtrip: true },
      ];
      for (const run of runs) {
        const profile = await call('profiles:get', { id: run.profileId });
        const report = await call('checks:run', {
          runId: run.runId,
          profileId: run.profileId,
          protocols: all,
          ...(run.profileId === 'demo' ? { scenario: 'healthy' } : {}),
          ...(run.roundtrip
            ? { sendTest: { from: profile.mailbox, to: profile.mailbox }, roundtrip: true }
            : {}),
        });
        expect(report.verdict, `${run.runId}: ${statuses(report)}`).toBe('pass');
        if (run.roundtrip) expectRoundTrip(report, run.runId);
      }
      // Transcript events are batched on a short timer: let the last batches out.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(events.some((e) => e.event === 'checks:transcript')).toBe(true);

      await call('profiles:list', undefined);
      for (const profileId of [...new Set(runs.map((r) => r.profileId))]) {
        const list = await call('history:list', { profileId });
        expect(list.length).toBeGreaterThan(0);
        for (const entry of list) {
          await call('history:get', { profileId, runId: entry.id });
          await call('history:compare', { profileId, runId: entry.id });
          await call('export:preview', { profileId, runId: entry.id });
          const outcome = await call('export:bundle', { profileId, runId: entry.id });
          expect(outcome.download?.base64.length ?? 0).toBeGreaterThan(0);
          // What the browser would save.
          await writeFile(
            join(exportsDir, `${profileId}-${entry.id}.zip`),
            Buffer.from(outcome.download?.base64 ?? '', 'base64'),
          );
        }
      }
      const compared = await call('history:compare', {
        profileId: secretProfile,
        runId: 'canary-secret-2',
        baselineId: 'canary-secret-1',
      });
      expect(compared.baseline?.id).toBe('canary-secret-1');
      const exported = await call('profiles:export', { ids: saved.map((s) => s.id) });
      await writeFile(join(exportsDir, 'profiles.json'), exported.json);
    } finally {
      await service?.close();
      for (const spy of spies) spy.mockRestore();
      for (const [i, e] of events.entries())
        captured.push({ source: `service event ${i} ${e.event}`, text: JSON.stringify(e.payload) });
      captured.push({ source: 'service console', text: logged.join('\n') });
    }
  });
});

describe('what the app wrote and printed', () => {
  it('holds no canary, no token and no fragment of one', async () => {
    const s = scanner();
    // The messages the app sent, as the servers received them (Dovecot's maildirs, every user).
    const maildirs = await Promise.all(
      [dovecotPw, dovecotLab].map(async (d) =>
        (await listFiles(join(d.dir, 'mail'))).filter((f) => /[/]Maildir[/](new|cur)[/]/.test(f)),
      ),
    );
    const sent = [
      ...mail.messages(LAB_MAILBOX).map((m) => m.raw),
      ...(await Promise.all(maildirs.flat().map((f) => readFile(f, 'latin1')))),
    ];
    const hits: Hit[] = [...(await s.scanTree(outputs))];
    for (const c of captured) hits.push(...s.scanCaptured(c.source, c.text));
    for (const [i, raw] of sent.entries()) hits.push(...s.scanCaptured(`sent message ${i}`, raw));
    const zips = (await listFiles(outputs)).filter((f) => f.endsWith('.zip'));
    // Nothing vacuous: the flows ran, wrote bundles and history, and the lab issued tokens.
    // 19 bundles from the CLI, 6 exported by the app; four files in each (SPEC 2.8).
    expect(zips.length).toBe(25);
    expect(s.totals.zipEntries).toBeGreaterThanOrEqual(4 * zips.length);
    expect(issued.length).toBeGreaterThanOrEqual(10);
    // 3 to the test's lab, 2 to each Dovecot (the CLI's and the app's own labs are not counted).
    expect(sent.length).toBeGreaterThanOrEqual(7);
    expect(hits, `secrets found:\n${describeHits(hits)}`).toEqual([]);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    // A line for the CI log: how much was searched.
    process.stdout.write(
      `canary scan: ${s.totals.files} files and captures, ${s.totals.zipEntries} zip entries, ${s.totals.bytes} bytes, ${s.needleCount} needles, ${issued.length} issued tokens, ${cliRuns} CLI runs, ${seconds} s\n`,
    );
  });
});
