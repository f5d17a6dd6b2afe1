// Any OpenID provider, end to end and for real: `oidc-provider` (the certified Node
// implementation) issues the tokens, MailProbe reads its discovery document and gets one by
// client credentials, device code or authorization code with PKCE, and a real Dovecot validates
// each at the provider's introspection endpoint (RFC 7662) before IMAP, POP3 and submission let
// the user in. The person of the user flows is Chromium on the provider's own pages.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../shared/report/model';
import { startDovecot, type DovecotHarness } from './support/dovecot';
import { CLI, runCheckJson, runCli, spawnCollected } from './support/cli';
import { promptOf } from '../support/device-sign-in';
import { startTestService } from './support/app-service';
import {
  DAEMON_CLIENT,
  DESKTOP_CLIENT,
  OIDC_MAILBOX,
  startOpenIdProvider,
  type TestOpenIdProvider,
} from './support/openid-provider';

let provider: TestOpenIdProvider;
let dovecot: DovecotHarness;
let work: string;
let providerCa: string;
let browser: Browser;

beforeAll(async () => {
  provider = await startOpenIdProvider();
  work = await mkdtemp(join(tmpdir(), 'mailprobe-oidc-'));
  providerCa = join(work, 'provider-ca.pem');
  await writeFile(providerCa, provider.caPem);
  dovecot = await startDovecot({
    introspection: { url: provider.introspectionUrl, caPem: provider.caPem, usernameAttribute: 'username' },
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
});

afterAll(async () => {
  await browser.close();
  await dovecot.stop();
  await provider.close();
  await rm(work, { recursive: true, force: true });
});

function target(...credential: string[]): string[] {
  const d = dovecot;
  return [
    '--provider',
    'oidc',
    '--issuer',
    provider.issuer,
    '--mailbox',
    OIDC_MAILBOX,
    ...credential,
    '--ca',
    providerCa,
    '--ca',
    d.caFile,
    '--imap',
    '--imap-host',
    d.host,
    '--imap-port',
    String(d.ports.imaps),
    '--pop3',
    '--pop3-host',
    d.starttlsHost,
    '--pop3-port',
    String(d.ports.pop3),
    '--pop3-security',
    'starttls',
    '--smtp',
    '--smtp-host',
    d.starttlsHost,
    '--smtp-port',
    String(d.ports.submission),
  ];
}

const steps = (report: Report): string =>
  JSON.stringify(report.checks.map((c) => [c.protocol, c.steps.filter((s) => s.status !== 'pass')]));

/** Signs in on the provider's pages as a person would: login, then consent. */
async function signInOnPage(url: string, code?: string): Promise<void> {
  const page = await browser.newPage({ ignoreHTTPSErrors: true });
  try {
    await page.goto(url);
    if (code !== undefined) {
      await page.fill('input[name="user_code"]', code);
      await page.click('button[type="submit"]');
      // The provider shows the device's details and asks to go on.
      await page.click('button[autofocus]');
    }
    await page.waitForSelector('input[name="login"]');
    await page.fill('input[name="login"]', 'alice');
    await page.fill('input[name="password"]', 'any-password');
    await page.click('button[type="submit"]');
    await page.waitForSelector('button[type="submit"]');
    await page.click('button[type="submit"]');
    if (code !== undefined) await page.waitForSelector('text=/Sign-in Success|success/i');
    else await page.waitForURL(/127\.0\.0\.1:\d+\/callback/);
  } finally {
    await page.close();
  }
}

/** check with a person signing in: the CLI's prompt on stderr, then Chromium on the page. */
function runWithPerson(flags: string[]) {
  return spawnCollected(process.execPath, [CLI, 'check', '--json', ...flags], process.env);
}

function prompt(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return promptOf(child, pattern, 'sign-in prompt');
}

describe('--provider oidc against oidc-provider, Dovecot introspecting its tokens', () => {
  it('client credentials: discovery, a token, and IMAP, POP3 and SMTP sign in with it', async () => {
    const { code, report, stdout, stderr } = await runCheckJson(
      target('--client-id', DAEMON_CLIENT, '--client-secret-env', 'OIDC_SECRET', '--scope', 'mail'),
      { OIDC_SECRET: provider.daemonSecret },
    );
    expect(code, steps(report)).toBe(0);
    expect(report.target).toMatchObject({
      provider: 'oidc',
      issuer: provider.issuer,
      credential: 'client-secret',
    });
    const acquire = report.checks[0]?.steps.find((s) => s.id === 'acquire');
    expect(acquire?.detail).toMatchObject({
      discoveredIssuer: provider.issuer,
      clientAuthentication: 'client_secret_basic',
    });
    for (const p of ['imap', 'pop3', 'smtp'])
      expect(report.checks.find((c) => c.protocol === p)?.verdict, p).toBe('pass');
    expect(stdout + stderr).not.toContain(provider.daemonSecret);
    const transcript = report.checks.flatMap((c) => c.transcript.map((e) => e.text)).join('\n');
    expect(transcript).toMatch(/\.well-known\/openid-configuration/);
    expect(transcript).toMatch(/<access token redacted/);
  });

  it('a wrong client secret fails at the provider, in its words', async () => {
    const { code, report } = await runCheckJson(
      target('--client-id', DAEMON_CLIENT, '--client-secret-env', 'OIDC_SECRET', '--scope', 'mail'),
      { OIDC_SECRET: 'not-the-secret' },
    );
    expect(code).toBe(1);
    const acquire = report.checks[0]?.steps.find((s) => s.id === 'acquire');
    expect(acquire?.status).toBe('fail');
    expect(acquire?.summary).toMatch(/^invalid_client/);
  });

  it('device code: the page and the code on stderr, a person signs in, Dovecot lets the token in', async () => {
    const { child, done } = runWithPerson(
      target('--client-id', DESKTOP_CLIENT, '--device-code', '--scope', 'openid email offline_access mail'),
    );
    const m = await prompt(child, /open the page (\S+) and enter the code (\S+)/);
    await signInOnPage(m[1] ?? '', m[2] ?? '');
    const { code, stdout } = await done;
    const report = JSON.parse(stdout) as Report;
    expect(code, steps(report)).toBe(0);
    expect(report.target.credential).toBe('device-code');
    // offline_access: the provider gave a refresh token too; it is redacted where it is logged.
    expect(stdout).toMatch(/refresh token redacted/);
    expect(stdout).not.toMatch(/refresh_token":"[^<]/);
  });

  it('browser: authorization code with PKCE on a loopback redirect, then every protocol', async () => {
    const { child, done } = runWithPerson(
      target('--client-id', DESKTOP_CLIENT, '--browser', '--scope', 'openid email mail'),
    );
    const m = await prompt(child, /Sign in in a browser: open (\S+)/);
    const url = new URL(m[1] ?? '');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    await signInOnPage(url.href);
    const { code, stdout } = await done;
    const report = JSON.parse(stdout) as Report;
    expect(code, steps(report)).toBe(0);
    expect(report.target.credential).toBe('browser');
  });

  it('an OpenID profile: saved by the app service and run, then added and checked from the CLI', async () => {
    const app = await startTestService({
      dataDir: join(work, 'app-data'),
      caFiles: [providerCa, dovecot.caFile],
    });
    const call = app.call;
    try {
      const d = dovecot;
      const saved = await call('profiles:save', {
        name: 'OIDC daemon',
        cloud: 'global',
        tenant: new URL(provider.issuer).host,
        clientId: DAEMON_CLIENT,
        mailbox: OIDC_MAILBOX,
        credential: 'oidc',
        issuer: provider.issuer,
        oidcFlow: 'client-credentials',
        scope: 'mail',
        mechanism: 'auto',
        imap: { host: d.host, port: d.ports.imaps, security: 'tls' },
        pop3: { host: d.starttlsHost, port: d.ports.pop3, security: 'starttls' },
        smtp: { host: d.starttlsHost, port: d.ports.submission, security: 'starttls' },
        testMessage: {},
        secret: provider.daemonSecret,
      });
      const report = await call('checks:run', {
        runId: 'oidc-run',
        profileId: saved.id,
        protocols: ['imap', 'pop3', 'smtp'],
      });
      expect(report.verdict, steps(report)).toBe('pass');
      expect(report.target).toMatchObject({ provider: 'oidc', issuer: provider.issuer });
      expect(JSON.stringify(report)).not.toContain(provider.daemonSecret);
    } finally {
      await app.close();
    }
    const env = {
      MAILPROBE_DATA_DIR: join(work, 'cli-data'),
      OIDC_SECRET: provider.daemonSecret,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
    };
    const d = dovecot;
    const add = await runCli(
      [
        'profiles',
        'add',
        '--name',
        'OIDC',
        '--issuer',
        provider.issuer,
        '--client-id',
        DAEMON_CLIENT,
        '--scope',
        'mail',
        '--client-secret-env',
        'OIDC_SECRET',
        '--mailbox',
        OIDC_MAILBOX,
        '--imap-host',
        d.host,
        '--imap-port',
        String(d.ports.imaps),
        '--pop3-host',
        d.starttlsHost,
        '--pop3-port',
        String(d.ports.pop3),
        '--pop3-security',
        'starttls',
        '--smtp-host',
        d.starttlsHost,
        '--smtp-port',
        String(d.ports.submission),
      ],
      env,
    );
    expect(add.code, add.stderr).toBe(0);
    const check = await runCli(
      [
        'check',
        '--json',
        '--profile',
        'OIDC',
        '--ca',
        providerCa,
        '--ca',
        d.caFile,
        '--client-secret-env',
        'OIDC_SECRET',
      ],
      env,
    );
    expect(check.code, check.stderr).toBe(0);
    const missingHost = await runCli(
      [
        'profiles',
        'add',
        '--name',
        'x',
        '--issuer',
        provider.issuer,
        '--client-id',
        'c',
        '--scope',
        'mail',
        '--client-secret-env',
        'OIDC_SECRET',
        '--mailbox',
        OIDC_MAILBOX,
        '--imap-host',
        d.host,
      ],
      env,
    );
    expect(missingHost.code).toBe(2);
    expect(missingHost.stderr).toMatch(/--pop3-host/);
  });

  it('refuses what does not go with --provider oidc, with the reason', async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        [
          '--provider',
          'oidc',
          '--mailbox',
          OIDC_MAILBOX,
          '--client-id',
          'x',
          '--scope',
          'mail',
          '--imap-host',
          'h',
          '--client-secret-env',
          'S',
        ],
        /needs --issuer/,
      ],
      [
        [
          '--provider',
          'oidc',
          '--issuer',
          'http://127.0.0.1/',
          '--mailbox',
          OIDC_MAILBOX,
          '--client-id',
          'x',
          '--scope',
          'mail',
          '--imap-host',
          'h',
          '--client-secret-env',
          'S',
        ],
        /https/,
      ],
      [
        ['--issuer', provider.issuer, '--tenant', 'contoso.com', '--mailbox', OIDC_MAILBOX],
        /--tenant does not go with --provider oidc/,
      ],
      [
        [
          '--provider',
          'oidc',
          '--issuer',
          provider.issuer,
          '--mailbox',
          OIDC_MAILBOX,
          '--client-id',
          'x',
          '--imap',
          '--imap-host',
          'h',
          '--client-secret-env',
          'S',
        ],
        /needs --scope/,
      ],
      [
        [
          '--provider',
          'oidc',
          '--issuer',
          provider.issuer,
          '--mailbox',
          OIDC_MAILBOX,
          '--client-id',
          'x',
          '--scope',
          'mail',
          '--imap',
          '--client-secret-env',
          'S',
        ],
        /no mail hosts of its own/,
      ],
      [
        ['--issuer', provider.issuer, '--provider', 'google', '--mailbox', OIDC_MAILBOX],
        /go with --provider oidc/,
      ],
    ];
    for (const [args, reason] of cases) {
      const { code, stderr } = await runCli(['check', ...args], { S: 'x' });
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toMatch(reason);
    }
  });
});
