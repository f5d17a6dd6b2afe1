// The text of every cause, read from knowledge/causes.json: one entry per catalog id, every
// placeholder filled with the tenant's own values, unknown values left visible (<mailbox>), and
// the role and scope of the protocol that failed named where the fix depends on it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CAUSE_IDS } from '../../../../shared/diagnosis/catalog';
import type { MailProtocol } from '../../../../shared/report/model';
import { causeText, type CauseText } from '../../../../electron/engine/diagnosis/causes';
import { EMPTY_CONTEXT, type FixContext } from '../../../../electron/engine/diagnosis/context';
import { CAUSE_TEXTS } from '../../../../electron/engine/diagnosis/knowledge/cause-texts-schema';
import causesFile from '../../../../electron/engine/diagnosis/knowledge/causes.json';

const FILE = fileURLToPath(
  new URL('../../../../electron/engine/diagnosis/knowledge/causes.json', import.meta.url),
);
const PROTOCOLS: (MailProtocol | null)[] = [null, 'imap', 'pop3', 'smtp'];

const FULL: FixContext = {
  tenant: 'contoso.onmicrosoft.com',
  clientId: '11111111-2222-3333-4444-555555555555',
  servicePrincipalId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  registeredServicePrincipalId: '99999999-8888-7777-6666-555555555555',
  mailbox: 'shared@contoso.com',
  from: 'noreply@contoso.com',
  cloud: 'usgov',
  authorityHost: 'https://login.microsoftonline.us',
  service: null,
  proxy: 'http://ops@proxy.contoso.com:8080',
  proxyTarget: 'outlook.office365.com:993',
  proxyScheme: 'Basic, NTLM',
  interceptor: 'Zscaler',
  failedEndpoints: {
    token: { host: 'login.microsoftonline.us', port: 443 },
    imap: { host: 'outlook.office365.us', port: 993 },
    pop3: { host: 'outlook.office365.us', port: 995 },
    smtp: { host: 'smtp.office365.us', port: 587 },
  },
};

const lines = (t: CauseText): string[] => [t.title, t.explanation, ...t.steps, ...t.commands];
const all = (t: CauseText): string => lines(t).join('\n');

describe('cause texts', () => {
  it('has exactly one entry for every catalog id, and nothing else', () => {
    const raw = readFileSync(FILE, 'utf8');
    for (const id of CAUSE_IDS) expect(raw.split(`"${id}":`).length - 1, id).toBe(1);
    expect(Object.keys(causesFile.causes).sort()).toEqual([...CAUSE_IDS].sort());
  });

  it.each([...CAUSE_IDS])('%s has a title, an explanation, steps and documentation links', (id) => {
    for (const protocol of PROTOCOLS) {
      const t = causeText(id, FULL, protocol);
      expect(t.title.length).toBeGreaterThan(10);
      expect(t.explanation.length).toBeGreaterThan(30);
      expect(t.steps.length).toBeGreaterThan(0);
      for (const url of t.docs) expect(url).toMatch(/^https:\/\/\S+$/);
    }
  });

  it('leaves no placeholder unfilled when every value is known', () => {
    for (const id of CAUSE_IDS)
      for (const protocol of PROTOCOLS)
        for (const ctx of [FULL, EMPTY_CONTEXT])
          for (const line of lines(causeText(id, ctx, protocol)))
            expect(line, `${id} ${String(protocol)}`).not.toMatch(/\{[A-Za-z]+(\|[^{}]*)?\}/);
  });

  it('fills in the known values', () => {
    expect(causeText('grant.mailbox_permission_missing', FULL, 'imap').commands).toContain(
      'Add-MailboxPermission -Identity shared@contoso.com -User aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee -AccessRights FullAccess',
    );
    expect(causeText('token.single_tenant_common_endpoint', FULL, null).steps).toEqual([
      'Use the authority https://login.microsoftonline.us/contoso.onmicrosoft.com.',
    ]);
    expect(causeText('token.invalid_scope', FULL, null).steps).toEqual([
      'Set the scope to https://outlook.office365.us/.default.',
    ]);
    expect(all(causeText('token.invalid_secret', FULL, null))).toContain(
      'App registrations > 11111111-2222-3333-4444-555555555555 > Certificates & secrets',
    );
    expect(causeText('grant.service_principal_wrong_id', FULL, 'imap').commands).toContain(
      "Remove-ServicePrincipal -Identity '99999999-8888-7777-6666-555555555555'",
    );
    expect(causeText('smtp.message_rejected', { ...FULL, from: null }, 'smtp').commands).toContain(
      'Get-MessageTrace -SenderAddress shared@contoso.com',
    );
  });

  it('shows unknown values as visible placeholders', () => {
    const t = (id: (typeof CAUSE_IDS)[number]): string => all(causeText(id, EMPTY_CONTEXT, 'imap'));
    expect(causeText('grant.mailbox_permission_missing', EMPTY_CONTEXT, 'imap').title).toBe(
      'The app has no access to the mailbox <mailbox>',
    );
    expect(t('token.app_disabled')).toContain('-ServicePrincipalId <service principal object id>');
    expect(t('token.tenant_not_found')).toContain('the tenant <tenant>.');
    expect(t('token.single_tenant_common_endpoint')).toContain(
      'https://login.microsoftonline.com/<tenant id>.',
    );
    expect(t('token.invalid_secret')).toContain('App registrations > <application (client) id>');
    expect(t('grant.service_principal_missing')).toContain(
      '-ObjectId <object id of the Enterprise Application>',
    );
    expect(t('grant.mailbox_permission_missing')).toContain("'*<id>*'");
    expect(t('grant.sendas_missing')).toContain('-Identity <sender address>');
    expect(t('smtp.message_rejected')).toContain('-SenderAddress <sender>');
    expect(t('grant.service_principal_wrong_id')).toContain(
      'Remove-ServicePrincipal -Identity <the wrong ObjectId>',
    );
    expect(t('token.invalid_scope')).toContain('https://outlook.office365.com/.default');
  });

  it.each([
    ['imap', 'IMAP.AccessAsApp', 'IMAP.AccessAsUser.All', 'IMAP', '-ImapEnabled $true'],
    ['pop3', 'POP.AccessAsApp', 'POP.AccessAsUser.All', 'POP3', '-PopEnabled $true'],
    ['smtp', 'SMTP.SendAsApp', 'SMTP.Send', 'SMTP', '-SmtpClientAuthenticationDisabled $false'],
  ] as const)('names the role and scope of %s', (protocol, role, scope, name, enable) => {
    const missingRole = causeText('token.missing_role', FULL, protocol);
    expect(missingRole.title).toBe(`The token lacks the ${role} application permission`);
    expect(missingRole.explanation).toContain(`the role ${role} for ${name}.`);
    expect(missingRole.steps[1]).toMatch(new RegExp(`^Add ${role.replace('.', '\\.')} and grant`));
    const missingScope = causeText('token.missing_scope', FULL, protocol);
    expect(missingScope.title).toBe(`The delegated token lacks the ${scope} scope`);
    expect(missingScope.explanation).toContain(`the scope ${scope} of`);
    expect(missingScope.steps[0]).toContain(`request https://outlook.office365.com/${scope} plus`);
    const disabled = causeText('account.protocol_disabled', FULL, protocol);
    expect(disabled.title).toBe(`${name} is disabled for the mailbox shared@contoso.com`);
    expect(disabled.commands).toContain(`Set-CASMailbox -Identity shared@contoso.com ${enable}`);
  });

  it('without a protocol, names every role and scope', () => {
    const missingRole = causeText('token.missing_role', FULL, null);
    expect(missingRole.title).toBe('The token lacks the Exchange application permission');
    expect(missingRole.explanation).toContain(
      'the role IMAP.AccessAsApp / POP.AccessAsApp / SMTP.SendAsApp for mail.',
    );
    expect(missingRole.steps[1]).toMatch(/^Add the protocol permissions and grant/);
    const missingScope = causeText('token.missing_scope', FULL, null);
    expect(missingScope.title).toBe('The delegated token lacks the mail scope');
    expect(missingScope.explanation).toContain('IMAP.AccessAsUser.All / POP.AccessAsUser.All / SMTP.Send');
  });

  describe('the schema', () => {
    const withCause = (patch: Record<string, unknown>): unknown => ({
      ...causesFile,
      causes: {
        ...causesFile.causes,
        'server.transient': { ...causesFile.causes['server.transient'], ...patch },
      },
    });

    it('accepts the file as it is', () => {
      expect(CAUSE_TEXTS.safeParse(causesFile).success).toBe(true);
    });

    it('refuses an unknown placeholder', () => {
      expect(CAUSE_TEXTS.safeParse(withCause({ title: 'Retry {mailboxx}' })).success).toBe(false);
    });

    it('refuses a protocol value without a text for no protocol', () => {
      expect(CAUSE_TEXTS.safeParse(withCause({ title: 'Add {role} now' })).success).toBe(false);
    });

    it('refuses a text after | on a value that is always known', () => {
      expect(CAUSE_TEXTS.safeParse(withCause({ title: 'Go to {portal|the portal}' })).success).toBe(false);
    });

    it('refuses an unknown doc name', () => {
      expect(CAUSE_TEXTS.safeParse(withCause({ docs: ['nowhere'] })).success).toBe(false);
    });

    it('refuses a missing or an extra cause id', () => {
      const causes: Record<string, unknown> = { ...causesFile.causes };
      const transient = causes['server.transient'];
      delete causes['server.transient'];
      expect(CAUSE_TEXTS.safeParse({ ...causesFile, causes }).success).toBe(false);
      causes['server.transient'] = transient;
      causes['server.unheard_of'] = transient;
      expect(CAUSE_TEXTS.safeParse({ ...causesFile, causes }).success).toBe(false);
    });
  });
});
