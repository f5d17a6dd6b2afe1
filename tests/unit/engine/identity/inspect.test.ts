import { describe, expect, it } from 'vitest';
import { decodeToken, inspectToken } from '../../../../electron/engine/identity/inspect';

const NOW = 1_800_000_000;
const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const APP = '11111111-2222-3333-4444-555555555555';

function jwt(claims: Record<string, unknown>): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'RS256' })}.${part(claims)}.c2ln`;
}

const appOnly = {
  aud: 'https://outlook.office365.com',
  iss: `https://sts.windows.net/${TENANT}/`,
  tid: TENANT,
  appid: APP,
  oid: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  roles: ['IMAP.AccessAsApp', 'SMTP.SendAsApp'],
  idtyp: 'app',
  exp: NOW + 3600,
  nbf: NOW - 60,
};

const statusOf = (
  checks: ReturnType<typeof inspectToken>['checks'],
  id: string,
  protocol: string | null = null,
) => checks.find((c) => c.id === id && c.protocol === protocol)?.status;

describe('token inspection', () => {
  it('passes an app-only Exchange token for the roles it carries and fails the missing one', () => {
    const { checks } = inspectToken(jwt(appOnly), {
      protocols: ['imap', 'pop3', 'smtp'],
      tenant: TENANT,
      clientId: APP,
      now: NOW,
    });
    expect(statusOf(checks, 'audience')).toBe('pass');
    expect(statusOf(checks, 'permission', 'imap')).toBe('pass');
    expect(statusOf(checks, 'permission', 'smtp')).toBe('pass');
    expect(statusOf(checks, 'permission', 'pop3')).toBe('fail');
    expect(statusOf(checks, 'tenant')).toBe('pass');
    expect(statusOf(checks, 'client')).toBe('pass');
    expect(checks.find((c) => c.id === 'service-principal')?.summary).toContain(
      'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    );
  });

  it('fails a Microsoft Graph token on its audience', () => {
    const { checks } = inspectToken(jwt({ ...appOnly, aud: 'https://graph.microsoft.com' }), {
      protocols: ['imap'],
      now: NOW,
    });
    expect(statusOf(checks, 'audience')).toBe('fail');
  });

  it('fails an expired token and warns about one about to expire', () => {
    expect(
      statusOf(
        inspectToken(jwt({ ...appOnly, exp: NOW - 10 }), { protocols: ['imap'], now: NOW }).checks,
        'expiry',
      ),
    ).toBe('fail');
    expect(
      statusOf(
        inspectToken(jwt({ ...appOnly, exp: NOW + 100 }), { protocols: ['imap'], now: NOW }).checks,
        'expiry',
      ),
    ).toBe('warn');
  });

  it('checks delegated scopes', () => {
    const delegated = {
      ...appOnly,
      roles: undefined,
      idtyp: undefined,
      scp: 'IMAP.AccessAsUser.All SMTP.Send',
    };
    const { checks } = inspectToken(jwt(delegated), { protocols: ['imap', 'pop3'], now: NOW });
    expect(statusOf(checks, 'permission', 'imap')).toBe('pass');
    expect(statusOf(checks, 'permission', 'pop3')).toBe('fail');
  });

  it('flags another tenant and another app', () => {
    const { checks } = inspectToken(jwt(appOnly), {
      protocols: ['imap'],
      tenant: '00000000-0000-0000-0000-000000000001',
      clientId: '00000000-0000-0000-0000-000000000002',
      now: NOW,
    });
    expect(statusOf(checks, 'tenant')).toBe('fail');
    expect(statusOf(checks, 'client')).toBe('fail');
  });

  it('only warns outside Entra ID', () => {
    const { checks } = inspectToken(
      jwt({ sub: 'x', aud: 'mail', iss: 'https://idp.example', exp: NOW + 3600 }),
      { protocols: ['imap'], now: NOW },
    );
    expect(statusOf(checks, 'audience')).toBe('warn');
    expect(checks.every((c) => c.status !== 'fail')).toBe(true);
  });

  it('treats a non-JWT as opaque', () => {
    expect(decodeToken('ya29.opaque-google-token')).toEqual({ kind: 'opaque', length: 24 });
    expect(inspectToken('ya29.opaque-google-token', { protocols: ['imap'] }).checks[0]?.status).toBe('warn');
  });
});

describe("a delegated token's user", () => {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = (upn: string): string =>
    `${part({ typ: 'JWT', alg: 'RS256' })}.${part({
      aud: 'https://outlook.office.com',
      tid: '5f1c2b9e-3a47-4c2d-9e61-2d8b7c4a1f30',
      upn,
      scp: 'IMAP.AccessAsUser.All SMTP.Send',
      exp: Math.floor(Date.now() / 1000) + 3600,
    })}.c2ln`;

  it('passes for the mailbox owner and fails for anyone else', () => {
    const own = inspectToken(token('alice@contoso.com'), {
      protocols: ['imap'],
      mailbox: 'Alice@contoso.com',
    });
    expect(own.checks.find((c) => c.id === 'user')?.status).toBe('pass');
    const other = inspectToken(token('bob@contoso.com'), {
      protocols: ['imap'],
      mailbox: 'alice@contoso.com',
    });
    expect(other.checks.find((c) => c.id === 'user')).toMatchObject({ status: 'fail' });
    expect(other.checks.find((c) => c.id === 'user')?.summary).toContain(
      'bob@contoso.com, not of alice@contoso.com',
    );
  });
});

describe('a damaged JWT is said to be damaged, not opaque', () => {
  const good = jwt(appOnly);
  const [header = '', claims = '', signature = ''] = good.split('.');
  const problemOf = (token: string): string => {
    const decoded = decodeToken(token);
    return decoded.kind === 'malformed' ? decoded.problem : `(${decoded.kind})`;
  };

  it('names the part that is not base64url, or not JSON', () => {
    expect(problemOf(`${header}.${claims.slice(0, 10)}!!${claims.slice(10)}.${signature}`)).toBe(
      'not a JWT: 3 parts, part 2 (the claims) is not base64url',
    );
    const notJson = Buffer.from('{"aud": "cut sh').toString('base64url');
    expect(problemOf(`${header}.${notJson}.${signature}`)).toBe(
      'not a JWT: 3 parts, part 2 (the claims) is base64url but not JSON',
    );
    expect(problemOf(`x${header}.${claims}.${signature}`)).toMatch(
      /^not a JWT: 3 parts, part 1 \(the header\) is/,
    );
    expect(problemOf(`${header}.${claims}.si gn`)).toBe(
      'not a JWT: 3 parts, part 3 (the signature) is not base64url',
    );
    expect(problemOf(`${header}..${signature}`)).toBe('not a JWT: 3 parts, part 2 (the claims) is empty');
  });

  it('counts the parts where 3 are expected', () => {
    expect(problemOf(`${header}.${claims}`)).toBe('not a JWT: 2 parts where 3 are expected');
    expect(problemOf(`${header}.${claims}.${signature}.${signature}`)).toBe(
      'not a JWT: 4 parts where 3 are expected',
    );
    expect(problemOf(`${header}.a.b.c.d`)).toMatch(/^not a JWT: 5 parts where 3 are expected \(.*JWE/);
  });

  it('calls only a token without a JWT header a reference (opaque) token', () => {
    expect(decodeToken('EwBwA8l6BAAUO9chh8cJscQLmU').kind).toBe('opaque');
    expect(decodeToken('ya29.a0AfH6SMB').kind).toBe('opaque');
    const opaque = inspectToken('EwBwA8l6BAAUO9chh8cJscQLmU', { protocols: ['imap'] }).checks[0];
    expect(opaque?.summary).toMatch(/^Not a JWT but a reference \(opaque\) token of 26 characters/);
  });

  it('fails the format check with the problem, never the word opaque', () => {
    const [check] = inspectToken(`${header}.${claims.slice(0, 20)}`, { protocols: ['imap'] }).checks;
    expect(check?.status).toBe('fail');
    expect(check?.summary).toMatch(/^Not a JWT: 2 parts where 3 are expected/);
    expect(check?.summary).not.toMatch(/opaque/i);
  });
});
