// How the lab's Exchange decides a sign-in and a submission, switch by switch and protocol by
// protocol, without sockets.
import { describe, expect, it } from 'vitest';
import {
  decidePasswordLogin,
  decideSubmission,
  decideTokenLogin,
  mailboxOf,
  parsePlain,
  parseXoauth2,
  tokenExpired,
  type MailProtocol,
} from '../../../electron/lab/mail/decide';
import type { TokenVerdict } from '../../../electron/lab/mail/servers';
import { applyScenario, DEMO, demoState } from '../../../electron/lab/scenarios';
import type { ScenarioId, TenantState } from '../../../electron/lab/state';

const EXP = 1_900_000_000;

function verdict(claims: Record<string, unknown> = {}): TokenVerdict {
  return {
    ok: true,
    claims: {
      aud: 'https://outlook.office365.com',
      tid: DEMO.tenantId,
      appid: DEMO.clientId,
      oid: DEMO.servicePrincipalObjectId,
      roles: ['IMAP.AccessAsApp', 'POP.AccessAsApp', 'SMTP.SendAsApp'],
      idtyp: 'app',
      exp: EXP,
      ...claims,
    },
  };
}

function scenario(id: ScenarioId): TenantState {
  const state = demoState();
  applyScenario(state, id);
  return state;
}

const PROTOCOLS: MailProtocol[] = ['imap', 'pop3', 'smtp'];

describe('decideTokenLogin', () => {
  it.each(PROTOCOLS)('healthy %s: signed in, with the token expiry', (protocol) => {
    expect(decideTokenLogin(scenario('healthy'), protocol, DEMO.mailbox.toUpperCase(), verdict())).toEqual({
      kind: 'signed-in',
      mailbox: DEMO.mailbox,
      expiresAtMs: EXP * 1000,
    });
  });

  it.each(PROTOCOLS)('a token the caller refused is a refusal on %s', (protocol) => {
    const refused = decideTokenLogin(scenario('healthy'), protocol, DEMO.mailbox, {
      ok: false,
      reason: 'wrong-audience',
    });
    expect(refused).toEqual({ kind: 'refused', why: 'token-invalid' });
  });

  it.each<[MailProtocol, string]>([
    ['imap', 'IMAP.AccessAsApp'],
    ['pop3', 'POP.AccessAsApp'],
    ['smtp', 'SMTP.SendAsApp'],
  ])('%s needs the role %s', (protocol, role) => {
    const others = ['IMAP.AccessAsApp', 'POP.AccessAsApp', 'SMTP.SendAsApp'].filter((r) => r !== role);
    expect(decideTokenLogin(scenario('healthy'), protocol, DEMO.mailbox, verdict({ roles: others }))).toEqual(
      {
        kind: 'refused',
        why: 'role-missing',
      },
    );
    expect(
      decideTokenLogin(scenario('healthy'), protocol, DEMO.mailbox, verdict({ roles: undefined })),
    ).toEqual({
      kind: 'refused',
      why: 'role-missing',
    });
  });

  it.each(PROTOCOLS)('no-service-principal and wrong-object-id are refusals on %s', (protocol) => {
    expect(decideTokenLogin(scenario('no-service-principal'), protocol, DEMO.mailbox, verdict())).toEqual({
      kind: 'refused',
      why: 'service-principal-missing',
    });
    expect(decideTokenLogin(scenario('wrong-object-id'), protocol, DEMO.mailbox, verdict())).toEqual({
      kind: 'refused',
      why: 'service-principal-mismatch',
    });
  });

  it.each(PROTOCOLS)('an unknown mailbox is a refusal on %s', (protocol) => {
    expect(decideTokenLogin(scenario('healthy'), protocol, 'nobody@lab.mailprobe.test', verdict())).toEqual({
      kind: 'refused',
      why: 'mailbox-unknown',
    });
  });

  it('no-mailbox-permission: IMAP signs in but is not connected; POP3 and SMTP refuse', () => {
    const state = scenario('no-mailbox-permission');
    expect(decideTokenLogin(state, 'imap', DEMO.mailbox, verdict())).toEqual({
      kind: 'signed-in-not-connected',
      mailbox: DEMO.mailbox,
      why: 'no-full-access',
    });
    expect(decideTokenLogin(state, 'pop3', DEMO.mailbox, verdict())).toEqual({
      kind: 'refused',
      why: 'no-full-access',
    });
    expect(decideTokenLogin(state, 'smtp', DEMO.mailbox, verdict())).toEqual({
      kind: 'refused',
      why: 'no-full-access',
    });
    // The shared mailbox still has FullAccess.
    expect(decideTokenLogin(state, 'imap', DEMO.shared, verdict()).kind).toBe('signed-in');
  });

  it('imap-disabled only touches IMAP; pop-disabled only POP3', () => {
    expect(decideTokenLogin(scenario('imap-disabled'), 'imap', DEMO.mailbox, verdict())).toEqual({
      kind: 'signed-in-not-connected',
      mailbox: DEMO.mailbox,
      why: 'protocol-disabled',
    });
    expect(decideTokenLogin(scenario('imap-disabled'), 'pop3', DEMO.mailbox, verdict()).kind).toBe(
      'signed-in',
    );
    expect(decideTokenLogin(scenario('pop-disabled'), 'pop3', DEMO.mailbox, verdict())).toEqual({
      kind: 'refused',
      why: 'protocol-disabled',
    });
    expect(decideTokenLogin(scenario('pop-disabled'), 'imap', DEMO.mailbox, verdict()).kind).toBe(
      'signed-in',
    );
  });

  it('SMTP AUTH disabled: the tenant, or the mailbox (which wins), before any other check', () => {
    expect(decideTokenLogin(scenario('smtp-auth-disabled-tenant'), 'smtp', DEMO.mailbox, verdict())).toEqual({
      kind: 'smtp-auth-disabled',
      scope: 'Tenant',
    });
    const mailbox = scenario('smtp-auth-disabled-mailbox');
    expect(decideTokenLogin(mailbox, 'smtp', DEMO.mailbox, verdict({ roles: [] }))).toEqual({
      kind: 'smtp-auth-disabled',
      scope: 'Mailbox',
    });
    mailbox.smtpAuthDisabledForTenant = true;
    expect(decideTokenLogin(mailbox, 'smtp', DEMO.mailbox, verdict())).toEqual({
      kind: 'smtp-auth-disabled',
      scope: 'Mailbox',
    });
    expect(decideTokenLogin(mailbox, 'smtp', DEMO.shared, verdict())).toEqual({
      kind: 'smtp-auth-disabled',
      scope: 'Tenant',
    });
    expect(
      decideTokenLogin(scenario('smtp-auth-disabled-tenant'), 'imap', DEMO.mailbox, verdict()).kind,
    ).toBe('signed-in');
  });

  it('throttled: POP3 is refused at sign-in; IMAP and SMTP sign in (they are throttled later)', () => {
    const state = scenario('throttled');
    expect(decideTokenLogin(state, 'pop3', DEMO.mailbox, verdict())).toEqual({ kind: 'throttled' });
    expect(decideTokenLogin(state, 'imap', DEMO.mailbox, verdict()).kind).toBe('signed-in');
    expect(decideTokenLogin(state, 'smtp', DEMO.mailbox, verdict()).kind).toBe('signed-in');
  });

  it('reads the state it is given each time (switches may change between connections)', () => {
    const state = scenario('healthy');
    expect(decideTokenLogin(state, 'imap', DEMO.mailbox, verdict()).kind).toBe('signed-in');
    state.exchangeServicePrincipal = null;
    expect(decideTokenLogin(state, 'imap', DEMO.mailbox, verdict()).kind).toBe('refused');
  });
});

describe('decidePasswordLogin', () => {
  it('basic authentication is always refused; SMTP first says SMTP AUTH is off', () => {
    expect(decidePasswordLogin(scenario('healthy'), 'imap', DEMO.mailbox)).toEqual({
      kind: 'refused',
      why: 'basic-auth-disabled',
    });
    expect(decidePasswordLogin(scenario('healthy'), 'smtp', DEMO.mailbox)).toEqual({
      kind: 'refused',
      why: 'basic-auth-disabled',
    });
    expect(decidePasswordLogin(scenario('smtp-auth-disabled-tenant'), 'smtp', 'anyone@x.test')).toEqual({
      kind: 'smtp-auth-disabled',
      scope: 'Tenant',
    });
  });
});

describe('decideSubmission', () => {
  it('accepts the signed-in mailbox and addresses it may Send As', () => {
    expect(decideSubmission(scenario('healthy'), DEMO.mailbox, [DEMO.mailbox.toUpperCase()])).toEqual({
      kind: 'accepted',
    });
    expect(decideSubmission(scenario('healthy'), DEMO.mailbox, [DEMO.shared, ''])).toEqual({
      kind: 'accepted',
    });
  });

  it('send-as-denied: another mailbox without SendAs, or an outside address, is denied', () => {
    expect(decideSubmission(scenario('send-as-denied'), DEMO.mailbox, [DEMO.shared])).toEqual({
      kind: 'send-as-denied',
      from: DEMO.shared,
    });
    expect(decideSubmission(scenario('healthy'), DEMO.mailbox, ['ceo@elsewhere.test'])).toEqual({
      kind: 'send-as-denied',
      from: 'ceo@elsewhere.test',
    });
  });

  it('throttled comes first', () => {
    expect(decideSubmission(scenario('throttled'), DEMO.mailbox, [DEMO.mailbox])).toEqual({
      kind: 'throttled',
    });
  });
});

describe('SASL payloads', () => {
  it('reads XOAUTH2 user and token, and nothing else', () => {
    const payload = Buffer.from('user=a@b.test\x01auth=Bearer tok.en\x01\x01').toString('base64');
    expect(parseXoauth2(payload)).toEqual({ user: 'a@b.test', token: 'tok.en' });
    expect(parseXoauth2('not base64!')).toBeNull();
    expect(parseXoauth2(Buffer.from('user=a@b.test\x01\x01').toString('base64'))).toBeNull();
    expect(parseXoauth2(Buffer.from('n,a=a@b.test,\x01auth=Bearer t\x01\x01').toString('base64'))).toBeNull();
  });

  it('reads PLAIN', () => {
    expect(parsePlain(Buffer.from('\0alice\0secret').toString('base64'))).toEqual({
      user: 'alice',
      password: 'secret',
    });
    expect(parsePlain(Buffer.from('alice').toString('base64'))).toBeNull();
  });

  it('finds mailboxes case-insensitively', () => {
    expect(mailboxOf(demoState(), 'ALICE@LAB.MAILPROBE.TEST')?.address).toBe(DEMO.mailbox);
    expect(mailboxOf(demoState(), 'carol@lab.mailprobe.test')).toBeNull();
  });

  it('a token runs out at its exp', () => {
    expect(tokenExpired(null, Date.now())).toBe(false);
    expect(tokenExpired(1000, 999)).toBe(false);
    expect(tokenExpired(1000, 1000)).toBe(true);
  });
});

describe("a user's (delegated) token", () => {
  const user = (claims: Record<string, unknown> = {}): TokenVerdict => ({
    ok: true,
    claims: {
      aud: 'https://outlook.office.com',
      tid: DEMO.tenantId,
      appid: DEMO.clientId,
      oid: DEMO.aliceObjectId,
      upn: DEMO.mailbox,
      idtyp: 'user',
      scp: 'IMAP.AccessAsUser.All POP.AccessAsUser.All SMTP.Send',
      exp: EXP,
      ...claims,
    },
  });

  it.each(['imap', 'pop3', 'smtp'] as const)(
    '%s: opens its own user mailbox with the scope, whatever the app roles',
    (p) => {
      const state = demoState();
      state.roles = [];
      state.exchangeServicePrincipal = null;
      expect(decideTokenLogin(state, p, DEMO.mailbox, user())).toEqual({
        kind: 'signed-in',
        mailbox: DEMO.mailbox,
        expiresAtMs: EXP * 1000,
      });
    },
  );

  it("is refused without the protocol's scope, and for another person's mailbox", () => {
    const state = demoState();
    expect(decideTokenLogin(state, 'smtp', DEMO.mailbox, user({ scp: 'IMAP.AccessAsUser.All' }))).toEqual({
      kind: 'refused',
      why: 'scope-missing',
    });
    expect(decideTokenLogin(state, 'imap', DEMO.mailbox, user({ upn: DEMO.other }))).toEqual({
      kind: 'refused',
      why: 'wrong-user',
    });
  });

  it('still meets the mailbox switches: SMTP AUTH off, IMAP off', () => {
    const state = demoState();
    const alice = state.mailboxes[DEMO.mailbox];
    if (!alice) throw new Error('no alice');
    alice.smtpClientAuthenticationDisabled = true;
    alice.imapEnabled = false;
    expect(decideTokenLogin(state, 'smtp', DEMO.mailbox, user())).toEqual({
      kind: 'smtp-auth-disabled',
      scope: 'Mailbox',
    });
    expect(decideTokenLogin(state, 'imap', DEMO.mailbox, user())).toMatchObject({
      kind: 'signed-in-not-connected',
    });
  });
});
