import { describe, expect, it } from 'vitest';
import type { Profile } from '../../../shared/api/contract';
import { REQUEST_SCHEMAS } from '../../../shared/api/schemas';
import {
  applyCloud,
  applyCredential,
  draftFromProfile,
  draftToInput,
  draftWarnings,
  emptyDraft,
  validateDraft,
  type ProfileDraft,
} from '../../../renderer/state/profile-form';
import {
  draftToSettings,
  settingsDraft,
  validateSettings,
  DEFAULT_SETTINGS,
} from '../../../renderer/state/settings-form';

function valid(): ProfileDraft {
  return {
    ...emptyDraft(),
    name: 'Contoso',
    tenant: 'contoso.onmicrosoft.com',
    clientId: '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87',
    mailbox: 'shared@contoso.com',
    secret: 'q~8Q~abcdefghijklmnopqrstuvwxyz0123456789',
  };
}

const saved: Profile = {
  id: 'p1',
  name: 'Contoso',
  demo: false,
  cloud: 'usgov',
  tenant: '5f1c2b9e-3a47-4c2d-9e61-2d8b7c4a1f30',
  clientId: '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87',
  mailbox: 'shared@contoso.us',
  credential: 'client-secret',
  hasSecret: true,
  mechanism: 'xoauth2',
  imap: { host: 'outlook.office365.us', port: 993, security: 'tls' },
  pop3: { host: 'outlook.office365.us', port: 995, security: 'tls' },
  smtp: { host: 'smtp.office365.us', port: 587, security: 'starttls' },
  testMessage: { to: 'ops@contoso.us' },
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('profile form', () => {
  it('a device-code profile needs no secret and sends none', () => {
    const draft = { ...valid(), credential: 'device-code' as const, secret: 'typed before switching' };
    expect(validateDraft({ ...draft, secret: '' }, { hasSecret: false })).toEqual({});
    expect(validateDraft(draft, { hasSecret: false })).toEqual({});
    const input = draftToInput(draft);
    expect(input.secret).toBeUndefined();
    expect(REQUEST_SCHEMAS['profiles:save'].safeParse(input).success).toBe(true);
  });

  it('a complete draft has no error and gives an input the main process accepts', () => {
    const draft = valid();
    expect(validateDraft(draft, { hasSecret: false })).toEqual({});
    const input = draftToInput(draft);
    expect(REQUEST_SCHEMAS['profiles:save'].safeParse(input).success).toBe(true);
    expect(input.secret).toBe(draft.secret);
    expect(input.imap).toEqual({ host: 'outlook.office365.com', port: 993, security: 'tls' });
  });

  it("keeps the client secret's end date for the readiness audit, as YYYY-MM-DD only", () => {
    expect(
      validateDraft({ ...valid(), secretExpires: '31/12/2026' }, { hasSecret: false }).secretExpires,
    ).toMatch(/YYYY-MM-DD/);
    const draft = { ...valid(), secretExpires: '2027-03-31' };
    expect(validateDraft(draft, { hasSecret: false }).secretExpires).toBeUndefined();
    const input = draftToInput(draft);
    expect(input.secretExpiresAt).toBe('2027-03-31');
    expect(REQUEST_SCHEMAS['profiles:save'].safeParse(input).success).toBe(true);
    expect(draftToInput(valid()).secretExpiresAt).toBeUndefined();
  });

  it("keeps Exchange's registered ObjectId when it is a GUID", () => {
    const bad = validateDraft({ ...valid(), exchangeSpId: '7a4e9f10' }, { hasSecret: false });
    expect(bad.exchangeSpId).toMatch(/GUID/);
    const draft = { ...valid(), exchangeSpId: ' 7A4E9F10-2C3B-4D5E-8F61-90A1B2C3D4E5 ' };
    expect(validateDraft(draft, { hasSecret: false }).exchangeSpId).toBeUndefined();
    const input = draftToInput(draft);
    expect(input.exchangeServicePrincipalId).toBe('7a4e9f10-2c3b-4d5e-8f61-90a1b2c3d4e5');
    expect(REQUEST_SCHEMAS['profiles:save'].safeParse(input).success).toBe(true);
    expect(draftToInput(valid()).exchangeServicePrincipalId).toBeUndefined();
    const mixedUp = { ...valid(), exchangeSpId: valid().clientId.toUpperCase() };
    expect(validateDraft(mixedUp, { hasSecret: false }).exchangeSpId).toMatch(/application \(client\) id/);
    expect(REQUEST_SCHEMAS['profiles:save'].safeParse(draftToInput(mixedUp)).success).toBe(false);
  });

  it('says what is wrong with each field, with the shared validators', () => {
    const errors = validateDraft(
      {
        ...valid(),
        name: ' ',
        tenant: 'contoso',
        clientId: 'not-a-guid',
        mailbox: 'shared',
        imap: { host: 'bad host', port: '99999', security: 'tls' },
        testTo: 'nobody',
      },
      { hasSecret: false },
    );
    expect(Object.keys(errors).sort()).toEqual([
      'clientId',
      'imap.host',
      'imap.port',
      'mailbox',
      'name',
      'tenant',
      'testTo',
    ]);
    expect(errors.clientId).toContain('is not a GUID');
    expect(errors['imap.port']).toContain('out of range');
  });

  it('asks for the secret of a new profile but not when one is stored', () => {
    const draft = { ...valid(), secret: '' };
    expect(validateDraft(draft, { hasSecret: false }).secret).toMatch(/client secret/);
    expect(validateDraft(draft, { hasSecret: true }).secret).toBeUndefined();
    expect(draftToInput(draft).secret).toBeUndefined();
  });

  it("spots the secret's ID pasted instead of its value", () => {
    const errors = validateDraft(
      { ...valid(), secret: '3f2a9c1e-1111-4c2d-9e61-2d8b7c4a1f30' },
      { hasSecret: false },
    );
    expect(errors.secret).toMatch(/Secret ID/);
  });

  it('needs the files of a certificate credential and an authority for a custom cloud', () => {
    const errors = validateDraft(
      { ...valid(), credential: 'certificate', cloud: 'custom', secret: '' },
      { hasSecret: false },
    );
    expect(errors.certificatePath).toBeDefined();
    expect(errors.keyPath).toBeDefined();
    expect(errors.authority).toBeDefined();
    expect(errors.secret).toBeUndefined();
    expect(
      validateDraft({ ...valid(), cloud: 'custom', authority: 'http://login.example' }, { hasSecret: false })
        .authority,
    ).toMatch(/https/);
  });

  it('fills the hosts from the cloud preset', () => {
    const china = applyCloud(valid(), 'china');
    expect(china.imap.host).toBe('partner.outlook.cn');
    expect(china.smtp).toEqual({ host: 'smtp.partner.outlook.cn', port: '587', security: 'starttls' });
    const custom = applyCloud(china, 'custom');
    expect(custom.imap.host).toBe('partner.outlook.cn');
  });

  it('round-trips a saved profile without ever holding its secret', () => {
    const draft = draftFromProfile(saved);
    expect(draft.secret).toBe('');
    expect(validateDraft(draft, { hasSecret: true })).toEqual({});
    const input = draftToInput(draft);
    expect(input).toMatchObject({
      id: 'p1',
      cloud: 'usgov',
      mechanism: 'xoauth2',
      testMessage: { to: 'ops@contoso.us' },
    });
    expect('secret' in input).toBe(false);
    expect(REQUEST_SCHEMAS['profiles:save'].safeParse(input).success).toBe(true);
  });

  it('warns about plaintext endpoints without blocking', () => {
    const draft = { ...valid(), pop3: { host: 'mail.example.com', port: '110', security: 'none' as const } };
    expect(draftWarnings(draft).pop3).toMatch(/Plaintext/);
    expect(validateDraft(draft, { hasSecret: false })).toEqual({});
  });
});

describe('profile form, Google service account', () => {
  const key = JSON.stringify({
    type: 'service_account',
    client_email: 'reader@acme.iam.gserviceaccount.com',
    client_id: '104729516380042176531',
    private_key: '-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n',
    token_uri: 'https://oauth2.googleapis.com/token',
  });
  const google = (): ProfileDraft => ({
    ...applyCredential(valid(), 'google-service-account'),
    tenant: 'acme.com',
    mailbox: 'alice@acme.com',
    clientId: '104729516380042176531',
    secret: key,
  });

  it("points the endpoints at Gmail, and back at the cloud's hosts when switched away", () => {
    const draft = google();
    expect(draft.imap).toEqual({ host: 'imap.gmail.com', port: '993', security: 'tls' });
    expect(draft.smtp).toEqual({ host: 'smtp.gmail.com', port: '465', security: 'tls' });
    expect(applyCredential(draft, 'client-secret').smtp.host).toBe('smtp.office365.com');
  });

  it('takes a pasted key of the same client id and refuses other JSON in words', () => {
    expect(validateDraft(google(), { hasSecret: false })).toEqual({});
    expect(
      validateDraft({ ...google(), clientId: '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87' }, { hasSecret: false })
        .clientId,
    ).toMatch(/long number/);
    expect(
      validateDraft({ ...google(), clientId: '100000000000000000001' }, { hasSecret: false }).secret,
    ).toMatch(/for client id 104729516380042176531/);
    expect(
      validateDraft(
        { ...google(), secret: JSON.stringify({ type: 'authorized_user' }) },
        { hasSecret: false },
      ).secret,
    ).toMatch(/type "authorized_user"/);
    expect(validateDraft({ ...google(), secret: 'not json' }, { hasSecret: false }).secret).toMatch(
      /Not JSON/,
    );
    expect(validateDraft({ ...google(), secret: '' }, { hasSecret: false }).secret).toMatch(/JSON key/);
  });
});

describe('profile form, HVE and ACS', () => {
  const TENANT = '5f1c2b9e-3a47-4c2d-9e61-2d8b7c4a1f30';
  const acs = (): ProfileDraft => ({
    ...applyCredential(valid(), 'acs'),
    tenant: TENANT,
    mailbox: 'DoNotReply@notify.contoso.com',
    acsResource: 'contoso-acs',
  });

  it('points SMTP at the service, keeps it across clouds, and goes back when switched away', () => {
    const hve = applyCredential(valid(), 'hve');
    expect(hve.smtp).toEqual({ host: 'smtp-hve.office365.com', port: '587', security: 'starttls' });
    expect(applyCloud(hve, 'usgov').smtp.host).toBe('smtp-hve.office365.com');
    expect(applyCredential(hve, 'acs').smtp.host).toBe('smtp.azurecomm.net');
    expect(applyCredential(hve, 'client-secret').smtp.host).toBe('smtp.office365.com');
    expect(validateDraft({ ...hve, mailbox: 'hve@contoso.com' }, { hasSecret: false })).toEqual({});
  });

  it('checks only the SMTP endpoint of a sending path', () => {
    const draft = {
      ...applyCredential(valid(), 'hve'),
      imap: { host: '', port: '', security: 'tls' as const },
    };
    expect(validateDraft(draft, { hasSecret: false })).toEqual({});
  });

  it('asks ACS for the resource and a tenant GUID to build the user name with', () => {
    expect(validateDraft(acs(), { hasSecret: false })).toEqual({});
    expect(validateDraft({ ...acs(), acsResource: '' }, { hasSecret: false }).acsResource).toMatch(
      /resource name/,
    );
    expect(
      validateDraft({ ...acs(), tenant: 'contoso.onmicrosoft.com' }, { hasSecret: false }).tenant,
    ).toMatch(/tenant id/);
    // A whole user name needs no composing, so a domain for the tenant is no error there.
    expect(
      validateDraft(
        { ...acs(), tenant: 'contoso.onmicrosoft.com', acsResource: 'alerts@notify.contoso.com' },
        { hasSecret: false },
      ),
    ).toEqual({});
    expect(
      validateDraft({ ...acs(), secret: '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87' }, { hasSecret: false })
        .secret,
    ).toMatch(/Secret ID/);
  });

  it('sends the resource for ACS only, and no Exchange registration for either', () => {
    const input = draftToInput({ ...acs(), exchangeSpId: 'c3d2e1f0-9a8b-4c7d-8e6f-5a4b3c2d1e0f' });
    expect(input).toMatchObject({ credential: 'acs', acsResource: 'contoso-acs' });
    expect(input.exchangeServicePrincipalId).toBeUndefined();
    expect(REQUEST_SCHEMAS['profiles:save'].safeParse(input).success).toBe(true);
    expect(REQUEST_SCHEMAS['profiles:save'].safeParse({ ...input, acsResource: undefined }).success).toBe(
      false,
    );
    expect(draftToInput({ ...acs(), credential: 'hve' }).acsResource).toBeUndefined();
  });
});

describe('profile form, another OpenID provider', () => {
  const oidc = (): ProfileDraft => ({
    ...applyCredential(valid(), 'oidc'),
    tenant: '',
    clientId: 'mail-daemon',
    issuer: 'https://sso.example.com/realms/mail',
    scope: 'openid email',
    imap: { host: 'mail.example.com', port: '993', security: 'tls' },
    pop3: { host: 'mail.example.com', port: '995', security: 'tls' },
    smtp: { host: 'mail.example.com', port: '587', security: 'starttls' },
  });

  it("empties the Microsoft hosts (the servers are the customer's own) and takes any client id", () => {
    const draft = applyCredential(valid(), 'oidc');
    expect(draft.imap.host).toBe('');
    expect(validateDraft(draft, { hasSecret: false })['imap.host']).toMatch(/host/);
    expect(validateDraft(oidc(), { hasSecret: false })).toEqual({});
  });

  it('asks for the issuer (https, no query), the scopes, and a secret only for client credentials', () => {
    expect(validateDraft({ ...oidc(), issuer: '' }, { hasSecret: false }).issuer).toMatch(/issuer/);
    expect(
      validateDraft({ ...oidc(), issuer: 'http://sso.example.com' }, { hasSecret: false }).issuer,
    ).toMatch(/https/);
    expect(
      validateDraft({ ...oidc(), issuer: 'https://sso.example.com/?x=1' }, { hasSecret: false }).issuer,
    ).toMatch(/without \?query/);
    expect(validateDraft({ ...oidc(), scope: '' }, { hasSecret: false }).scope).toMatch(/scopes/);
    expect(validateDraft({ ...oidc(), secret: '' }, { hasSecret: false }).secret).toMatch(/client secret/);
    expect(validateDraft({ ...oidc(), secret: '', oidcFlow: 'device-code' }, { hasSecret: false })).toEqual(
      {},
    );
    expect(validateDraft({ ...oidc(), resource: 'not a uri' }, { hasSecret: false }).resource).toMatch(/URI/);
  });

  it("sends the issuer, the flow and the issuer's host as the tenant; no secret for a person's sign-in", () => {
    const input = draftToInput({ ...oidc(), resource: 'https://mail.example.com' });
    expect(input).toMatchObject({
      credential: 'oidc',
      issuer: 'https://sso.example.com/realms/mail',
      oidcFlow: 'client-credentials',
      tenant: 'sso.example.com',
      resource: 'https://mail.example.com',
    });
    expect(REQUEST_SCHEMAS['profiles:save'].safeParse(input).success).toBe(true);
    expect(draftToInput({ ...oidc(), oidcFlow: 'browser' }).secret).toBeUndefined();
    expect(REQUEST_SCHEMAS['profiles:save'].safeParse({ ...input, issuer: undefined }).success).toBe(false);
  });
});

describe('profile form, a Google user', () => {
  it("points at Gmail, wants the installed app's client id and secret, and can keep the sign-in", () => {
    const draft = {
      ...applyCredential(valid(), 'google-user'),
      tenant: 'gmail.com',
      mailbox: 'alice@gmail.com',
      clientId: '123-abc.apps.googleusercontent.com',
      keepSignIn: true,
    };
    expect(draft.imap.host).toBe('imap.gmail.com');
    expect(validateDraft(draft, { hasSecret: false })).toEqual({});
    expect(
      validateDraft({ ...draft, clientId: '104729516380042176531' }, { hasSecret: false }).clientId,
    ).toMatch(/apps\.googleusercontent\.com/);
    expect(validateDraft({ ...draft, secret: '' }, { hasSecret: false }).secret).toMatch(/client secret/);
    const input = draftToInput(draft);
    expect(input).toMatchObject({ credential: 'google-user', keepSignIn: true });
    expect(REQUEST_SCHEMAS['profiles:save'].safeParse(input).success).toBe(true);
  });
});

describe('profile form, keeping a sign-in', () => {
  it('sends keepSignIn only where a person signs in', () => {
    const device = { ...applyCredential(valid(), 'device-code'), keepSignIn: true, secret: '' };
    expect(draftToInput(device).keepSignIn).toBe(true);
    expect(draftToInput({ ...valid(), keepSignIn: true }).keepSignIn).toBeUndefined();
    const oidc = { ...applyCredential(valid(), 'oidc'), keepSignIn: true };
    expect(draftToInput({ ...oidc, oidcFlow: 'browser' }).keepSignIn).toBe(true);
    expect(draftToInput({ ...oidc, oidcFlow: 'client-credentials' }).keepSignIn).toBeUndefined();
  });
});

describe('settings form', () => {
  it('round-trips the defaults', () => {
    const draft = settingsDraft(DEFAULT_SETTINGS);
    expect(validateSettings(draft)).toEqual({});
    expect(draftToSettings(draft)).toEqual(DEFAULT_SETTINGS);
    expect(REQUEST_SCHEMAS['settings:set'].safeParse(draftToSettings(draft)).success).toBe(true);
  });

  it('rejects timeouts that are not whole milliseconds in range, and duplicate CA files', () => {
    const errors = validateSettings({
      ...settingsDraft(DEFAULT_SETTINGS),
      connectMs: '1.5',
      greetingMs: '50',
      commandMs: '999999999',
      extraCaFiles: ['/a.pem', '/a.pem'],
    });
    expect(Object.keys(errors).sort()).toEqual(['commandMs', 'connectMs', 'extraCaFiles', 'greetingMs']);
  });

  it('reads a manual proxy as the CLI reads --proxy: a URL, no password in it, a user for a password', () => {
    const base = { ...settingsDraft(DEFAULT_SETTINGS), proxyMode: 'manual' as const };
    expect(validateSettings({ ...base, proxyUrl: '' }).proxyUrl).toMatch(/required/);
    expect(validateSettings({ ...base, proxyUrl: 'ftp://p:21' }).proxyUrl).toMatch(/unknown proxy scheme/);
    expect(validateSettings({ ...base, proxyUrl: 'http://u:pw@p:3128' }).proxyUrl).toMatch(/own field/);
    expect(validateSettings({ ...base, proxyUrl: 'http://p:3128', proxyPassword: 'x' }).proxyUrl).toMatch(
      /needs a user/,
    );
    const ok = { ...base, proxyUrl: 'http://ops@p:3128', proxyPassword: 'x' };
    expect(validateSettings(ok)).toEqual({});
    const settings = draftToSettings(ok);
    expect(settings).toMatchObject({
      proxy: { mode: 'manual', url: 'http://ops@p:3128' },
      proxyPassword: 'x',
    });
    expect(REQUEST_SCHEMAS['settings:set'].safeParse(settings).success).toBe(true);
    // Unchanged password: not sent; removed: sent empty.
    expect('proxyPassword' in draftToSettings({ ...ok, proxyPassword: '' })).toBe(false);
    expect(draftToSettings({ ...ok, proxyPassword: '', forgetProxyPassword: true }).proxyPassword).toBe('');
  });

  it('reads settings saved before proxies existed as the system proxy', () => {
    const old = { timeouts: DEFAULT_SETTINGS.timeouts, minTls: '1.2', extraCaFiles: [] };
    expect(REQUEST_SCHEMAS['settings:set'].parse(old).proxy).toEqual(DEFAULT_SETTINGS.proxy);
  });
});
