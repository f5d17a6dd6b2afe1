import { describe, expect, it } from 'vitest';
import { parseTargetArgs, prepareRun } from '../../../electron/cli/target-options';

async function input(args: string[], env: Record<string, string> = {}) {
  Object.assign(process.env, env);
  return prepareRun(parseTargetArgs('check', args)).then((p) => p.input);
}

describe('mailprobe check arguments', () => {
  const base = ['--mailbox', 'alice@contoso.com', '--access-token-env', 'MP_TEST_TOKEN'];

  it('defaults to the three protocols on the global cloud hosts', async () => {
    const run = await input(base, { MP_TEST_TOKEN: 'tok-value-1234' });
    expect(run.protocols).toEqual(['imap', 'pop3', 'smtp']);
    expect(run.endpoints.imap).toEqual({ host: 'outlook.office365.com', port: 993, security: 'tls' });
    expect(run.endpoints.smtp).toEqual({ host: 'smtp.office365.com', port: 587, security: 'starttls' });
    expect(run.credentials).toEqual({ kind: 'token', user: 'alice@contoso.com', token: 'tok-value-1234' });
    expect(JSON.stringify(run.target)).not.toContain('tok-value-1234');
  });

  it('takes the sovereign cloud hosts', async () => {
    const run = await input([...base, '--cloud', 'china', '--pop3'], { MP_TEST_TOKEN: 'x1234' });
    expect(run.endpoints.pop3?.host).toBe('partner.outlook.cn');
  });

  it.each([
    [['--mailbox', 'alice'], /not an email address/],
    [[...base, '--imap-port', '99999', '--imap'], /out of range/],
    [[...base, '--imap-security', 'ssl', '--imap'], /--imap-security must be one of tls, starttls, none/],
    [[...base, '--mech', 'cram-md5'], /--mech must be one of/],
    [[...base, '--smtp-host', 'x.test', '--imap'], /smtp check is not selected/],
    [['--mailbox', 'alice@contoso.com'], /no credential/],
    [[...base, '--password-env', 'P'], /give one credential/],
    [[...base, '--ca', '/nonexistent/ca.pem'], /--ca: file \/nonexistent\/ca.pem does not exist/],
    [[...base, '--timeout-ms', 'soon'], /whole number/],
    [[...base.slice(0, 2), '--client-secret-env', 'S'], /acquiring a token needs --tenant/],
    [['--mailbox', 'alice@contoso.com', '--cert', 'c.pem'], /--cert needs --key/],
    [['--lab', '--mailbox', 'alice@contoso.com'], /--lab sets the target itself; --mailbox/],
    [['--lab', '--scenario', 'nope'], /--scenario must be one of healthy,/],
    [[...base, '--tenant', 'contoso'], /neither a tenant GUID/],
    [['--mailbox', 'alice@contoso.com', '--access-token-env', 'MP_UNSET_VAR_X'], /MP_UNSET_VAR_X .* not set/],
  ])('refuses %j', async (args, message) => {
    await expect(input(args, { MP_TEST_TOKEN: 'tok-value-1234', P: 'pw-value' })).rejects.toThrow(message);
  });

  it('refuses unknown flags', () => {
    expect(() => parseTargetArgs('check', ['--password', 'x'])).toThrow(
      /--password is not an option of check/,
    );
  });
});

describe('token acquisition arguments and clouds', () => {
  const acquire = [
    '--mailbox',
    'alice@contoso.com',
    '--tenant',
    'contoso.onmicrosoft.com',
    '--client-id',
    '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87',
    '--client-secret-env',
    'MP_TEST_SECRET',
  ];

  it.each([
    [
      'global',
      'https://login.microsoftonline.com',
      'https://outlook.office365.com/.default',
      'outlook.office365.com',
      'smtp.office365.com',
    ],
    [
      'usgov',
      'https://login.microsoftonline.us',
      'https://outlook.office365.us/.default',
      'outlook.office365.us',
      'smtp.office365.us',
    ],
    [
      'usgov-dod',
      'https://login.microsoftonline.us',
      'https://outlook-dod.office365.us/.default',
      'outlook-dod.office365.us',
      'smtp-dod.office365.us',
    ],
    [
      'china',
      'https://login.partner.microsoftonline.cn',
      'https://partner.outlook.cn/.default',
      'partner.outlook.cn',
      'smtp.partner.outlook.cn',
    ],
  ])('derives the %s endpoints', async (cloud, authority, scope, imapHost, smtpHost) => {
    const run = await input([...acquire, '--cloud', cloud], { MP_TEST_SECRET: 'secret-value-123' });
    expect(run.credentials.kind).toBe('client-credentials');
    if (run.credentials.kind !== 'client-credentials') return;
    expect(run.credentials.spec).toMatchObject({
      authorityHost: authority,
      scope,
      tenant: 'contoso.onmicrosoft.com',
    });
    expect(run.endpoints.imap?.host).toBe(imapHost);
    expect(run.endpoints.smtp?.host).toBe(smtpHost);
    expect(JSON.stringify(run.target)).not.toContain('secret-value-123');
  });

  it('takes a custom authority and scope', async () => {
    const run = await input(
      [
        ...acquire,
        '--authority',
        'https://login.example.test/path',
        '--scope',
        'https://outlook.office.com/.default',
      ],
      {
        MP_TEST_SECRET: 'secret-value-123',
      },
    );
    expect(run.credentials.kind === 'client-credentials' && run.credentials.spec.authorityHost).toBe(
      'https://login.example.test',
    );
    expect(run.credentials.kind === 'client-credentials' && run.credentials.spec.scope).toBe(
      'https://outlook.office.com/.default',
    );
  });

  it('refuses a plain-http authority', async () => {
    await expect(
      input([...acquire, '--authority', 'http://login.example.test'], { MP_TEST_SECRET: 'x1234' }),
    ).rejects.toThrow(/https/);
  });
});

describe('terminal output', () => {
  it('shows control characters from server words as escapes', async () => {
    const { printable } = await import('../../../electron/cli/render');
    expect(printable('535 denied\x1b[2J\x1b[32mPASS\rfake')).toBe('535 denied\\x1b[2J\\x1b[32mPASS\\x0dfake');
    expect(printable('plain text, tabs\tand all')).toBe('plain text, tabs\tand all');
  });
});
