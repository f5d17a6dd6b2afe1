// `mailprobe inspect` and the CLI's usage errors, run as a user runs them.
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli';

function jwt(claims: Record<string, unknown>): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'RS256' })}.${part(claims)}.c2lnbmF0dXJlLW9mLXRoZS10ZXN0LXRva2Vu`;
}

const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const token = jwt({
  aud: 'https://outlook.office365.com',
  iss: `https://sts.windows.net/${TENANT}/`,
  tid: TENANT,
  appid: '11111111-2222-3333-4444-555555555555',
  oid: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  roles: ['IMAP.AccessAsApp'],
  idtyp: 'app',
  exp: Math.floor(Date.now() / 1000) + 3600,
});

describe('mailprobe inspect', () => {
  it('reads the token from stdin and prints claims and checks, never the token', async () => {
    const result = await runCli(['inspect', '-', '--json'], {}, token);
    expect(result.code).toBe(1); // the POP role is missing (SMTP's may come from RBAC)
    const section = JSON.parse(result.stdout) as {
      claims: Record<string, unknown>;
      checks: Array<{ id: string; protocol: string | null; status: string; summary: string }>;
    };
    expect(section.claims.oid).toBe('aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee');
    expect(section.checks.find((c) => c.id === 'permission' && c.protocol === 'imap')?.status).toBe('pass');
    // SMTP may be granted through RBAC for Applications, with no role in the token: a warning.
    const smtp = section.checks.find((c) => c.id === 'permission' && c.protocol === 'smtp');
    expect(smtp?.status).toBe('warn');
    expect(smtp?.summary).toMatch(/RBAC for Applications/);
    expect(result.stdout + result.stderr).not.toContain(token.split('.')[2]);
  });

  it('prints a readable table', async () => {
    const result = await runCli(['inspect', '--access-token-env', 'MP_INSPECT'], { MP_INSPECT: token });
    expect(result.stdout).toMatch(
      /✔ all {3}service-principal +Service principal object id aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/,
    );
    expect(result.stdout).toMatch(/✘ pop3 {2}permission/);
  });

  it('refuses a token given as an argument', async () => {
    const result = await runCli(['inspect', token]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/never taken as an argument/);
    expect(result.stderr).not.toContain(token);
  });
});

describe('usage errors', () => {
  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['check', '--mailbox', 'nobody'], /not an email address/],
    [
      ['check', '--mailbox', 'a@b.test', '--access-token-env', 'MP_NOT_SET_ANYWHERE'],
      /MP_NOT_SET_ANYWHERE .*not set/,
    ],
    [['check', '--bogus'], /--bogus is not an option of check/],
    [
      ['profiles', 'add'],
      /^mailprobe: profiles add needs --name NAME: the name to save the profile under \(1 to 100 characters\)\n$/,
    ],
    [
      ['check', '--mailbox'],
      /^mailprobe: check needs a value after --mailbox \(ADDRESS\): the mailbox to sign in to/,
    ],
    [
      ['check', '--mailbox', 'a@b.test', '--imap', '--imap-port', 'abc'],
      /^mailprobe: --imap-port: "abc" is not a port number \(1 to 65535\); expected a port number from 1 to 65535\n$/,
    ],
  ])('%j exits 2 with a one-line reason', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('answers --help with the usage and exit 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('mailprobe check');
  });
});
