import { describe, expect, it } from 'vitest';
import { buildRunInput, parseCheckArgs } from '../../../electron/cli/check-command';

async function input(args: string[], env: Record<string, string> = {}) {
  Object.assign(process.env, env);
  return buildRunInput(parseCheckArgs(args));
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
    [[...base, '--ca', '/nonexistent/ca.pem'], /cannot read --ca file/],
    [[...base, '--timeout-ms', 'soon'], /whole number/],
    [[...base, '--client-secret-env', 'S'], /not available in this version/],
    [[...base, '--tenant', 'contoso'], /neither a tenant GUID/],
    [['--mailbox', 'alice@contoso.com', '--access-token-env', 'MP_UNSET_VAR_X'], /MP_UNSET_VAR_X .* not set/],
  ])('refuses %j', async (args, message) => {
    await expect(input(args, { MP_TEST_TOKEN: 'tok-value-1234', P: 'pw-value' })).rejects.toThrow(message);
  });

  it('refuses unknown flags', () => {
    expect(() => parseCheckArgs(['--password', 'x'])).toThrow(/Unknown option '--password'/);
  });
});
