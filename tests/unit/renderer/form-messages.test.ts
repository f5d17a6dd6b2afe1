// Every field of the profile editor and the settings screen, missing (where it is required) and
// with a bad value: the message names the field, says what is expected, and carries none of the
// schema library's phrases. The main process's answer to a form that slips past these checks is
// worded the same way (parseRequest).
import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../../shared/api/schemas';
import { SCHEMA_PHRASES } from '../../../shared/config/messages';
import {
  draftToInput,
  emptyDraft,
  validateDraft,
  type DraftField,
  type ProfileDraft,
} from '../../../renderer/state/profile-form';
import {
  DEFAULT_SETTINGS,
  draftToSettings,
  settingsDraft,
  validateSettings,
  type SettingsDraft,
  type SettingsField,
} from '../../../renderer/state/settings-form';

const GUID = '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87';
const EXPECTS =
  /enter|expected|must|at most|at least|as YYYY|is not an?\b|is neither|has no spaces|no spaces|single line|a GUID|paste|required|ends in|needs|is a GUID|https|\buse\b|\d+ to \d+/i;

function valid(): ProfileDraft {
  return {
    ...emptyDraft(),
    name: 'Contoso',
    tenant: 'contoso.onmicrosoft.com',
    clientId: GUID,
    mailbox: 'shared@contoso.com',
    secret: 'q~8Q~abcdefghijklmnopqrstuvwxyz0123456789',
  };
}

function inUserWords(message: string | undefined, names: RegExp): void {
  expect(message).toBeDefined();
  const text = message ?? '';
  expect(text).toMatch(names);
  expect(text).toMatch(EXPECTS);
  for (const phrase of SCHEMA_PHRASES) expect(text).not.toContain(phrase);
}

type Case = [DraftField, RegExp, (d: ProfileDraft) => ProfileDraft, (d: ProfileDraft) => ProfileDraft | null];

const endpoint = (p: 'imap' | 'pop3' | 'smtp', key: 'host' | 'port', value: string) => (d: ProfileDraft) => ({
  ...d,
  [p]: { ...d[p], [key]: value },
});

/** Each field: how it is named, a bad value, and its absence where it is required. */
const PROFILE_CASES: Case[] = [
  ['name', /name/i, (d) => ({ ...d, name: 'x'.repeat(101) }), (d) => ({ ...d, name: '' })],
  [
    'authority',
    /authority|URL/i,
    (d) => ({ ...d, authority: 'not a url' }),
    (d) => ({ ...d, cloud: 'custom', authority: '' }),
  ],
  ['tenant', /tenant/i, (d) => ({ ...d, tenant: 'contoso' }), (d) => ({ ...d, tenant: '' })],
  [
    'clientId',
    /client\) id|client id/i,
    (d) => ({ ...d, clientId: 'not-a-guid' }),
    (d) => ({ ...d, clientId: '' }),
  ],
  ['mailbox', /mailbox|email address/i, (d) => ({ ...d, mailbox: 'alice' }), (d) => ({ ...d, mailbox: '' })],
  [
    'certificatePath',
    /certificate/i,
    (d) => ({ ...d, credential: 'certificate', certificatePath: '', keyPath: 'k.pem' }),
    () => null,
  ],
  [
    'keyPath',
    /private key/i,
    (d) => ({ ...d, credential: 'certificate', certificatePath: 'c.pem', keyPath: '' }),
    () => null,
  ],
  [
    'scope',
    /scope/i,
    (d) => ({ ...d, scope: 'two scopes' }),
    (d) => ({ ...d, credential: 'oidc', issuer: 'https://sso.example.com', scope: '' }),
  ],
  ['exchangeSpId', /ObjectId/, (d) => ({ ...d, exchangeSpId: 'xyz' }), () => null],
  ['secretExpires', /end date|secret/i, (d) => ({ ...d, secretExpires: '31/12/2027' }), () => null],
  [
    'acsResource',
    /resource/i,
    (d) => ({ ...d, credential: 'acs', acsResource: 'two words' }),
    (d) => ({ ...d, credential: 'acs', acsResource: '' }),
  ],
  [
    'issuer',
    /issuer/i,
    (d) => ({ ...d, credential: 'oidc', issuer: 'http://sso.example.com', scope: 'openid' }),
    (d) => ({ ...d, credential: 'oidc', issuer: '', scope: 'openid' }),
  ],
  [
    'resource',
    /resource|URI/i,
    (d) => ({
      ...d,
      credential: 'oidc',
      issuer: 'https://sso.example.com',
      scope: 'openid',
      resource: 'not a uri',
    }),
    () => null,
  ],
  [
    'secret',
    /secret/i,
    (d) => ({ ...d, secret: '11111111-2222-3333-4444-555555555555' }),
    (d) => ({ ...d, secret: '' }),
  ],
  ['testFrom', /from|sender|email address/i, (d) => ({ ...d, testFrom: 'nobody' }), () => null],
  ['testTo', /to|recipient|email address/i, (d) => ({ ...d, testTo: 'nobody' }), () => null],
  [
    'proxyUrl',
    /proxy/i,
    (d) => ({ ...d, proxyMode: 'manual', proxyUrl: 'ftp://p:21' }),
    (d) => ({ ...d, proxyMode: 'manual', proxyUrl: '' }),
  ],
  ...(['imap', 'pop3', 'smtp'] as const).flatMap((p): Case[] => [
    [`${p}.host`, /host/i, endpoint(p, 'host', 'bad host'), endpoint(p, 'host', '')],
    [`${p}.port`, /port/i, endpoint(p, 'port', '99999'), endpoint(p, 'port', '')],
  ]),
];

describe('the profile editor, field by field', () => {
  it('covers every field the form validates', () => {
    const fields = new Set(PROFILE_CASES.map(([f]) => f));
    const all: DraftField[] = [
      'name',
      'authority',
      'tenant',
      'clientId',
      'mailbox',
      'certificatePath',
      'keyPath',
      'scope',
      'exchangeSpId',
      'secretExpires',
      'acsResource',
      'issuer',
      'resource',
      'secret',
      'testFrom',
      'testTo',
      'proxyUrl',
      'imap.host',
      'imap.port',
      'pop3.host',
      'pop3.port',
      'smtp.host',
      'smtp.port',
    ];
    for (const f of all) expect(fields.has(f), f).toBe(true);
    expect(validateDraft(valid(), { hasSecret: false })).toEqual({});
  });

  it.each(PROFILE_CASES)(
    '%s with a bad value says what is wrong and what is expected',
    (field, names, bad) => {
      inUserWords(validateDraft(bad(valid()), { hasSecret: false })[field], names);
    },
  );

  it.each(PROFILE_CASES.filter(([, , , missing]) => missing(valid()) !== null))(
    '%s missing says what to enter',
    (field, names, _bad, missing) => {
      inUserWords(validateDraft(missing(valid()) ?? valid(), { hasSecret: false })[field], names);
    },
  );
});

const SETTINGS_CASES: Array<[SettingsField, RegExp, Partial<SettingsDraft>]> = [
  ['connectMs', /connect timeout/i, { connectMs: 'soon' }],
  ['greetingMs', /greeting timeout/i, { greetingMs: '50' }],
  ['commandMs', /command timeout/i, { commandMs: '9999999' }],
  ['extraCaFiles', /CA file/i, { extraCaFiles: ['a.pem', 'a.pem'] }],
  ['proxyUrl', /proxy/i, { proxyMode: 'manual', proxyUrl: 'ftp://p:21' }],
];

describe('the settings screen, field by field', () => {
  const base = settingsDraft(DEFAULT_SETTINGS);
  it.each(SETTINGS_CASES)(
    '%s with a bad value says what is wrong and what is expected',
    (field, names, bad) => {
      inUserWords(validateSettings({ ...base, ...bad })[field], names);
    },
  );

  it.each([
    ['connectMs', /connect timeout/i],
    ['greetingMs', /greeting timeout/i],
    ['commandMs', /command timeout/i],
  ] as const)('%s empty says what to enter', (field, names) => {
    inUserWords(validateSettings({ ...base, [field]: '' })[field], names);
  });
});

describe("the main process's answer to a form, in the same words", () => {
  it('names the field of a profile and what it expects, never the schema', () => {
    const input = { ...draftToInput(valid()), name: '' };
    const result = parseRequest('profiles:save', input);
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.message;
    inUserWords(message, /^Name/);
    const port = parseRequest('profiles:save', {
      ...draftToInput(valid()),
      imap: { host: 'h.test', port: 0, security: 'tls' },
    });
    inUserWords(port.ok ? '' : port.message, /^IMAP port: 0 is out of range/);
    const missing = parseRequest('profiles:save', { ...draftToInput(valid()), mailbox: undefined });
    inUserWords(missing.ok ? '' : missing.message, /^Mailbox: missing; expected/);
  });

  it('names the setting and what it expects', () => {
    const settings = draftToSettings(settingsDraft(DEFAULT_SETTINGS));
    const result = parseRequest('settings:set', {
      ...settings,
      timeouts: { ...settings.timeouts, connectMs: 5 },
    });
    inUserWords(result.ok ? '' : result.message, /^Connect timeout: 5 is out of range/);
    const tls = parseRequest('settings:set', { ...settings, minTls: '1.0' });
    inUserWords(
      tls.ok ? '' : tls.message,
      /^Minimum TLS version: "1.0" is not one of the choices; expected 1.2 or 1.3/,
    );
  });
});

describe("the app's other requests, refused in words", () => {
  it.each([
    ['token:inspect', { token: '' }, /^Access token: empty; expected the access token/],
    ['explain:text', { text: 'x'.repeat(2 * 1024 * 1024 + 1) }, /^Text to explain: too long/],
    [
      'checks:run',
      { runId: 'r1', profileId: 'p1', protocols: [] },
      /^Checks: .*expected at least one of IMAP, POP3, SMTP or Graph/,
    ],
    [
      'checks:run',
      { runId: 'r1', profileId: 'p1', protocols: ['imap'], sendTest: { from: 'a@b.test', to: 'nobody' } },
      /^Test message to: "nobody" is not an email address; expected/,
    ],
    [
      'history:get',
      { profileId: 'p 1', runId: 'r1' },
      /^Profile: "p 1" is not of that form; expected the id of a saved profile/,
    ],
  ] as const)('%s %j', (name, input, message) => {
    const result = parseRequest(name, input);
    const text = result.ok ? '' : result.message;
    expect(text).toMatch(message);
    for (const phrase of SCHEMA_PHRASES) expect(text).not.toContain(phrase);
  });
});
