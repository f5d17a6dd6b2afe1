// A user's own Google sign-in, as an installed app does it: `check --provider google --browser`
// reads the discovery document of the lab's stand-in for accounts.google.com, sends the person to
// its sign-in page, takes the code back on a loopback redirect and redeems it with PKCE and the
// OAuth client's secret; then the lab's Gmail takes the token for IMAP, POP3 and SMTP. Neither the
// client secret, the token nor the refresh token is ever printed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../shared/report/model';
import { startLab, type Lab } from '../../electron/lab/lab';
import { GOOGLE_DEMO } from '../../electron/lab/google/workspace';
import { CLI, runCli, spawnCollected } from './support/cli';
import { startTestService } from './support/app-service';
import { browserPrompt, googleSignIn } from '../support/device-sign-in';

let lab: Lab;
let dir: string;
let caFile: string;

beforeAll(async () => {
  lab = await startLab('healthy');
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-google-user-'));
  caFile = join(dir, 'lab-ca.pem');
  await writeFile(caFile, lab.caPem);
});

afterAll(async () => {
  await lab.close();
  await rm(dir, { recursive: true, force: true });
});

function args(clientId: string = GOOGLE_DEMO.installedAppClientId): string[] {
  const p = lab.google.mail.ports;
  // prettier-ignore
  return ['check', '--json', '--provider', 'google', '--browser', '--client-id', clientId,
    '--client-secret-env', 'G_SECRET', '--issuer', lab.google.issuer, '--mailbox', GOOGLE_DEMO.mailbox,
    '--ca', caFile, '--imap-host', '127.0.0.1', '--imap-port', String(p.imap),
    '--pop3-host', '127.0.0.1', '--pop3-port', String(p.pop3),
    '--smtp-host', '127.0.0.1', '--smtp-port', String(p.smtp), '--smtp-security', 'starttls'];
}

function run(flags: string[], secret: string) {
  // No desktop: the CLI prints the page instead of opening a browser.
  return spawnCollected(process.execPath, [CLI, ...flags], {
    ...process.env,
    G_SECRET: secret,
    DISPLAY: '',
    WAYLAND_DISPLAY: '',
  });
}

describe('a user signs in to Gmail (installed app, PKCE, loopback)', () => {
  it('signs in on the page, then IMAP, POP3 and SMTP pass with the user token', async () => {
    const secret = lab.google.state.installedApp.clientSecret;
    const { child, done } = run(args(), secret);
    const url = new URL(await browserPrompt(child));
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('scope')).toBe('https://mail.google.com/');
    const alice = lab.google.state.users[GOOGLE_DEMO.mailbox];
    if (!alice) throw new Error('no Google demo user');
    expect(await googleSignIn(url.href, alice, lab.caPem)).toMatch(/Signed in/);
    const { code, stdout, stderr } = await done;
    const report = JSON.parse(stdout) as Report;
    expect(code, stderr).toBe(0);
    expect(report.target).toMatchObject({ provider: 'google', credential: 'browser' });
    const inspect = report.checks[0]?.steps.find((s) => s.id === 'inspect');
    expect(JSON.stringify(inspect?.detail)).toMatch(/Granted https:\/\/mail\.google\.com\//);
    const printed = stdout + stderr;
    expect(printed).not.toContain(secret);
    expect(printed).not.toMatch(
      /ya29\.c\.lab[A-Za-z0-9_-]{8}|1\/\/0lab[A-Za-z0-9_-]{8}|4\/0lab[A-Za-z0-9_-]{8}/,
    );
    expect(printed).toMatch(/refresh token redacted/);
  });

  it("a wrong client secret fails at the token endpoint, in Google's words", async () => {
    const { child, done } = run(args(), 'GOCSPX-not-the-secret');
    const url = await browserPrompt(child);
    const alice = lab.google.state.users[GOOGLE_DEMO.mailbox];
    if (!alice) throw new Error('no Google demo user');
    await googleSignIn(url, alice, lab.caPem);
    const { code, stdout } = await done;
    expect(code).toBe(1);
    const acquire = (JSON.parse(stdout) as Report).checks[0]?.steps.find((s) => s.id === 'acquire');
    expect(acquire?.summary).toBe('invalid_client: Unauthorized');
  });

  it('a Google user profile in the app: the page through the app event, and the sign-in kept nowhere without a keychain', async () => {
    const alice = lab.google.state.users[GOOGLE_DEMO.mailbox];
    if (!alice) throw new Error('no Google demo user');
    const signedIn: Array<Promise<string>> = [];
    const app = await startTestService({
      dataDir: join(dir, 'app-data'),
      caFiles: [caFile],
      onEvent: (event, payload) => {
        if (event === 'checks:browser-sign-in')
          signedIn.push(googleSignIn((payload as { url: string }).url, alice, lab.caPem));
      },
    });
    const call = app.call;
    try {
      const p = lab.google.mail.ports;
      const endpoint = (port: number, security: string) => ({ host: '127.0.0.1', port, security });
      const saved = await call('profiles:save', {
        name: 'Alice (Gmail)',
        cloud: 'global',
        tenant: GOOGLE_DEMO.domain,
        clientId: GOOGLE_DEMO.installedAppClientId,
        mailbox: GOOGLE_DEMO.mailbox,
        credential: 'google-user',
        issuer: lab.google.issuer,
        keepSignIn: true,
        mechanism: 'auto',
        imap: endpoint(p.imap, 'tls'),
        pop3: endpoint(p.pop3, 'tls'),
        smtp: endpoint(p.smtp, 'starttls'),
        testMessage: {},
        secret: lab.google.state.installedApp.clientSecret,
      });
      const report = await call('checks:run', {
        runId: 'google-user',
        profileId: saved.id,
        protocols: ['imap', 'smtp'],
      });
      expect(await Promise.all(signedIn)).toHaveLength(1);
      expect(report.verdict).toBe('pass');
      expect(report.target).toMatchObject({ provider: 'google', credential: 'browser' });
      // A session vault keeps no sign-in, whatever the profile asks.
      const again = await call('profiles:get', { id: saved.id });
      expect(again.keptSignIn).toBeFalsy();
    } finally {
      await app.close();
    }
  });

  it('refuses a client id that is not an installed app OAuth client, and a missing secret', async () => {
    const bad = await runCli(args('104729516380042176531'), { G_SECRET: 'x' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/apps\.googleusercontent\.com/);
    const noSecret = await runCli(args().filter((a) => a !== '--client-secret-env' && a !== 'G_SECRET'));
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toMatch(/Google gives installed apps one/);
  });
});
