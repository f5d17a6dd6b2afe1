// A user's sign-in (device code) end to end: the CLI asks the lab for a code and prints MSAL's
// words, a person enters the code and signs in on the lab's pages, the CLI polls until the token
// comes, then IMAP and SMTP sign in with the user's token; each delegated scenario is diagnosed.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../shared/report/model';
import { startLab, type Lab } from '../../electron/lab/lab';
import type { ScenarioId } from '../../electron/lab/state';
import { CLI, checkWithSignIn, runCli } from './support/cli';
import {
  browserPrompt,
  browserSignIn,
  labTargetArgs,
  postForm,
  signInOnDevicePage,
} from '../support/device-sign-in';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-device-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function againstLab(scenario: ScenarioId, signInAs?: string) {
  const lab: Lab = await startLab(scenario);
  const ca = join(dir, `${scenario}-ca.pem`);
  await writeFile(ca, lab.caPem);
  try {
    const who = lab.state.users.find((u) => u.address === (signInAs ?? lab.client.signInAs));
    if (!who) throw new Error('no such demo user');
    const args = labTargetArgs(lab, ca);
    return {
      lab,
      done: await checkWithSignIn(args, async (url, code) => {
        const page = await signInOnDevicePage({ url, code }, who, lab.caPem);
        expect(page).toContain(`You have signed in`);
      }),
    };
  } finally {
    await lab.close();
  }
}

describe('device code sign-in', () => {
  it('delegated-healthy: prints the page and the code, then IMAP and SMTP pass with the user token', async () => {
    const { done, lab } = await againstLab('delegated-healthy');
    expect(done.stderr).toMatch(
      /To sign in, use a web browser to open the page https:\/\/127\.0\.0\.1:\d+\/devicelogin and enter the code [A-Z2-9]{9} to authenticate\./,
    );
    expect(done.code).toBe(0);
    expect(done.report.target.credential).toBe('device-code');
    expect(done.report.checks.map((c) => `${c.protocol}:${c.verdict}`)).toEqual([
      'token:pass',
      'imap:pass',
      'smtp:pass',
    ]);
    const acquire = done.report.checks[0]?.steps.find((s) => s.id === 'acquire');
    expect(acquire?.summary).toContain(`for ${lab.demo.mailbox}`);
    // The device code travels redacted; the user's password never reaches the CLI at all.
    const all = JSON.stringify(done.report) + done.stderr;
    expect(all).toMatch(/device code redacted/);
    expect(all).not.toMatch(/device_code=[A-Za-z0-9_-]{20}/);
    for (const u of lab.state.users) expect(all).not.toContain(u.password);
    // The lab answered with a refresh token too (as Entra does): it stays in memory, redacted.
    expect(all).toMatch(/refresh token redacted/);
    expect(all).not.toMatch(/0\.lab-rt\.[A-Za-z0-9_-]{10}/);
  });

  it('delegated-missing-scope: the token lacks SMTP.Send, named first for SMTP; IMAP still passes', async () => {
    const { done } = await againstLab('delegated-missing-scope');
    expect(done.code).toBe(1);
    expect(done.report.checks.find((c) => c.protocol === 'imap')?.verdict).toBe('pass');
    expect(done.report.findings[0]).toMatchObject({ cause: 'token.missing_scope', protocol: 'smtp' });
  });

  it("delegated-wrong-user: Bob signs in while the app opens Alice's mailbox", async () => {
    const { done, lab } = await againstLab('delegated-wrong-user');
    expect(done.code).toBe(1);
    expect(done.report.findings[0]?.cause).toBe('xoauth2.wrong_user');
    expect(done.report.findings[0]?.evidence.join('\n')).toContain(
      `${lab.demo.other}, not of ${lab.demo.mailbox}`,
    );
  });

  it('--lab --scenario delegated-healthy: the CLI starts the lab, names its users, and completes when one signs in', async () => {
    const done = await checkWithSignIn(
      ['--lab', '--scenario', 'delegated-healthy', '--imap', '--smtp'],
      async (url, code, stderr) => {
        const m = /^user (\S+) password (\S+)$/m.exec(stderr);
        if (!m?.[1] || !m[2]) throw new Error(`no demo user on stderr: ${stderr}`);
        // The lab's CA lives in the CLI's process: the page visit takes its certificate unchecked
        // (the CLI itself checks every certificate against it).
        const page = await signInOnDevicePage({ url, code }, { address: m[1], password: m[2] }, null);
        expect(page).toContain('You have signed in');
      },
    );
    expect(done.code).toBe(0);
    expect(done.report.checks.map((c) => c.verdict)).toEqual(['pass', 'pass', 'pass']);
  });

  it('a saved device-code profile keeps no secret and signs its user in when checked', async () => {
    const lab = await startLab('delegated-healthy');
    const ca = join(dir, 'profile-ca.pem');
    await writeFile(ca, lab.caPem);
    const env = { MAILPROBE_DATA_DIR: join(dir, 'data'), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
    try {
      // prettier-ignore
      const add = await runCli(['profiles', 'add', '--name', 'Alice signs in', '--credential', 'device-code',
        '--tenant', lab.demo.tenantId, '--client-id', lab.demo.clientId, '--mailbox', lab.demo.mailbox,
        '--authority', lab.authorityHost,
        '--imap-host', '127.0.0.1', '--imap-port', String(lab.mail.ports.imap), '--imap-security', 'tls',
        '--smtp-host', '127.0.0.1', '--smtp-port', String(lab.mail.ports.smtp), '--smtp-security', 'starttls'], env);
      expect(add.code, add.stderr).toBe(0);
      const list = await runCli(['profiles', 'list'], env);
      expect(list.stdout).toMatch(
        /Alice signs in\s+alice@lab\.mailprobe\.test\s+\S+\s+device-code\s+no secret/,
      );
      const alice = lab.state.users.find((u) => u.address === lab.demo.mailbox);
      if (!alice) throw new Error('no demo user');
      const done = await checkWithSignIn(
        ['--profile', 'Alice signs in', '--imap', '--smtp', '--ca', ca],
        async (url, code) => {
          await signInOnDevicePage({ url, code }, alice, lab.caPem);
        },
        env,
      );
      expect(done.code).toBe(0);
      expect(done.report.target.credential).toBe('device-code');
    } finally {
      await lab.close();
    }
  });

  it('--browser: authorization code with PKCE through a loopback redirect; IMAP and SMTP pass', async () => {
    const lab = await startLab('delegated-healthy');
    const ca = join(dir, 'browser-ca.pem');
    await writeFile(ca, lab.caPem);
    try {
      const child = spawn(
        process.execPath,
        [CLI, 'check', '--json', '--browser', ...labTargetArgs(lab, ca)],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' } },
      );
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const url = await browserPrompt(child);
      const authorize = new URL(url);
      expect(authorize.pathname).toBe(`/${lab.demo.tenantId}/oauth2/v2.0/authorize`);
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorize.searchParams.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+/);
      const alice = lab.state.users.find((u) => u.address === lab.demo.mailbox);
      if (!alice) throw new Error('no demo user');
      expect(await browserSignIn(url, alice, lab.caPem)).toContain('Signed in.');
      expect(await exited).toBe(0);
      const report = JSON.parse(stdout) as Report;
      expect(report.target.credential).toBe('browser');
      expect(report.checks.map((c) => c.verdict)).toEqual(['pass', 'pass', 'pass']);
      // The code and its verifier travel redacted in the transcript.
      expect(JSON.stringify(report)).not.toMatch(/code_verifier=[A-Za-z0-9_-]{20}/);
    } finally {
      await lab.close();
    }
  });

  it("the lab's pages: a code that is not one, then a wrong password, are refused in Entra's words", async () => {
    const lab = await startLab('delegated-healthy');
    try {
      const url = `${lab.authorityHost}/devicelogin`;
      const bad = await postForm(url, { code: 'NOTACODE9' }, lab.caPem);
      expect(bad.status).toBe(400);
      expect(bad.body).toMatch(/That code didn(&#39;|')t work\. Check the code and try again\./);
      const body = new URLSearchParams({
        client_id: lab.demo.clientId,
        scope: 'https://outlook.office.com/IMAP.AccessAsUser.All',
      });
      const started = await postForm(
        `${lab.authorityHost}/${lab.demo.tenantId}/oauth2/v2.0/devicecode`,
        Object.fromEntries(body),
        lab.caPem,
      );
      const { user_code: code } = JSON.parse(started.body) as { user_code: string };
      const wrong = await postForm(
        `${url}/signin`,
        { code, username: lab.demo.mailbox, password: 'not-the-password' },
        lab.caPem,
      );
      expect(wrong.status).toBe(401);
      expect(wrong.body).toContain('Your account or password is incorrect.');
      const page = await postForm(url, { code }, lab.caPem);
      expect(page.body).toMatch(/name="username"[\s\S]*name="password"/);
    } finally {
      await lab.close();
    }
  });
});

describe('--ropc (legacy)', () => {
  it("sends the user's password for a token, warns, and then IMAP and SMTP pass; a wrong password is AADSTS50126", async () => {
    const lab = await startLab('delegated-healthy');
    const ca = join(dir, 'ropc-ca.pem');
    await writeFile(ca, lab.caPem);
    try {
      const alice = lab.state.users.find((u) => u.address === lab.demo.mailbox);
      if (!alice) throw new Error('no demo user');
      const args = ['check', '--json', '--ropc', '--password-env', 'MP_PASSWORD', ...labTargetArgs(lab, ca)];
      const good = await runCli(args, { MP_PASSWORD: alice.password });
      expect(good.stderr).toMatch(/Warning: ROPC sends the user's password/);
      const report = JSON.parse(good.stdout) as Report;
      expect(good.code).toBe(0);
      expect(report.target.credential).toBe('ropc');
      expect(JSON.stringify(report) + good.stderr).not.toContain(alice.password);
      const bad = await runCli(args, { MP_PASSWORD: 'not-her-password' });
      expect(bad.code).toBe(1);
      expect((JSON.parse(bad.stdout) as Report).findings[0]?.cause).toBe('token.invalid_user_credentials');
    } finally {
      await lab.close();
    }
  });
});
