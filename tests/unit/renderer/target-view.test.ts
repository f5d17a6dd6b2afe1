// What the run header says about the target: provider, tenant, client id, mailbox, where the
// secret is kept (as words) and each endpoint with its security mode in full.
import { describe, expect, it } from 'vitest';
import type { Profile, ProfileSummary } from '../../../shared/api/contract';
import type { ReportTarget } from '../../../shared/report/model';
import { targetView } from '../../../renderer/state/target-view';

const profile: Profile = {
  id: 'p1',
  name: 'Contoso app',
  demo: false,
  cloud: 'global',
  tenant: 'contoso.onmicrosoft.com',
  clientId: '11111111-2222-3333-4444-555555555555',
  mailbox: 'app@contoso.com',
  credential: 'client-secret',
  hasSecret: true,
  mechanism: 'auto',
  imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
  pop3: { host: 'outlook.office365.com', port: 995, security: 'tls' },
  smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
  testMessage: {},
  updatedAt: '2026-12-01T00:00:00.000Z',
};
const summary = (p: Profile): ProfileSummary => ({
  id: p.id,
  name: p.name,
  demo: p.demo,
  cloud: p.cloud,
  mailbox: p.mailbox,
  credential: p.credential,
  hasSecret: p.hasSecret,
});
const keychain = { kind: 'keychain' as const, reason: null };

const fact = (view: ReturnType<typeof targetView>, id: string) => view.facts.find((f) => f.id === id);

describe('the target in the run header', () => {
  it('a saved profile: provider, tenant, client id, mailbox, secret and the three endpoints', () => {
    const view = targetView({
      summary: summary(profile),
      profile,
      reported: null,
      scenario: null,
      vault: keychain,
    });
    expect(view.facts.map((f) => [f.label, f.value])).toEqual([
      ['Provider', 'Microsoft 365'],
      ['Tenant', 'contoso.onmicrosoft.com'],
      ['Client id', '11111111-2222-3333-4444-555555555555'],
      ['Mailbox', 'app@contoso.com'],
      ['Secret', 'stored in the OS keychain'],
    ]);
    expect(view.endpoints.map((e) => `${e.label} ${e.text}`)).toEqual([
      'IMAP outlook.office365.com:993 · implicit TLS',
      'POP3 outlook.office365.com:995 · implicit TLS',
      'SMTP smtp.office365.com:587 · STARTTLS',
    ]);
    expect(view.endpointsNote).toBeNull();
  });

  it('says where the secret is in words: none stored, or this session only with why', () => {
    const none = { ...profile, hasSecret: false };
    const missing = targetView({
      summary: summary(none),
      profile: none,
      reported: null,
      scenario: null,
      vault: keychain,
    });
    expect(fact(missing, 'secret')).toMatchObject({
      value: 'none stored: edit the profile to enter it',
      warn: true,
    });
    const session = targetView({
      summary: summary(profile),
      profile,
      reported: null,
      scenario: null,
      vault: { kind: 'session', reason: 'no keychain service on this machine' },
    });
    expect(fact(session, 'secret')?.value).toBe(
      'kept for this session only, lost when the app quits (no keychain service on this machine)',
    );
    expect(fact(session, 'secret')?.warn).toBe(true);
  });

  it('a national cloud, High Volume Email, Google and an OpenID provider are named as such', () => {
    const gcc = { ...profile, cloud: 'usgov' as const };
    expect(
      fact(
        targetView({ summary: summary(gcc), profile: gcc, reported: null, scenario: null, vault: keychain }),
        'provider',
      )?.value,
    ).toBe('Microsoft 365, US Government GCC High');
    const hve = { ...profile, credential: 'hve' as const };
    expect(
      fact(
        targetView({ summary: summary(hve), profile: hve, reported: null, scenario: null, vault: keychain }),
        'provider',
      )?.value,
    ).toBe('Microsoft 365: High Volume Email');
    const google = { ...profile, credential: 'google-service-account' as const, tenant: 'example.com' };
    const g = targetView({
      summary: summary(google),
      profile: google,
      reported: null,
      scenario: null,
      vault: keychain,
    });
    expect(fact(g, 'provider')?.value).toBe('Google Workspace');
    expect(fact(g, 'tenant')).toMatchObject({ label: 'Domain', value: 'example.com' });
    const oidc = { ...profile, credential: 'oidc' as const, issuer: 'https://id.example.com' };
    const o = targetView({
      summary: summary(oidc),
      profile: oidc,
      reported: null,
      scenario: null,
      vault: keychain,
    });
    expect(fact(o, 'tenant')).toMatchObject({ label: 'Issuer', value: 'https://id.example.com' });
  });

  it('the Demo tenant: its tenant, client id and hosts before a run, the lab’s ports after one', () => {
    const demo: Profile = {
      ...profile,
      id: 'demo',
      name: 'Demo tenant',
      demo: true,
      cloud: 'custom',
      tenant: '5f1c2b9e-3a47-4c2d-9e61-2d8b7c4a1f30',
      clientId: '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87',
      mailbox: 'alice@lab.mailprobe.test',
      imap: { host: '127.0.0.1', port: 993, security: 'tls' },
      pop3: { host: '127.0.0.1', port: 995, security: 'tls' },
      smtp: { host: '127.0.0.1', port: 587, security: 'starttls' },
    };
    const before = targetView({
      summary: summary(demo),
      profile: demo,
      reported: null,
      scenario: 'healthy',
      vault: keychain,
    });
    expect(fact(before, 'provider')?.value).toBe('Microsoft 365 (simulated, the lab)');
    expect(fact(before, 'tenant')?.value).toBe(demo.tenant);
    expect(fact(before, 'client')?.value).toBe(demo.clientId);
    expect(before.endpoints.map((e) => e.text)).toEqual([
      '127.0.0.1 · implicit TLS',
      '127.0.0.1 · implicit TLS',
      '127.0.0.1 · STARTTLS',
    ]);
    expect(before.endpointsNote).not.toBeNull();
    const reported: ReportTarget = {
      mailbox: demo.mailbox,
      credential: 'client-secret',
      mechanism: 'auto',
      tenant: demo.tenant,
      clientId: demo.clientId,
      imap: { host: '127.0.0.1', port: 40123, security: 'tls' },
      graph: { host: '127.0.0.1', port: 40200, security: 'tls' },
    };
    const after = targetView({
      summary: summary(demo),
      profile: demo,
      reported,
      scenario: 'healthy',
      vault: keychain,
    });
    expect(after.endpoints.map((e) => `${e.label} ${e.text}`)).toEqual([
      'IMAP 127.0.0.1:40123 · implicit TLS',
      'Graph 127.0.0.1:40200 · implicit TLS',
    ]);
    expect(after.endpointsNote).toBeNull();
    const google = targetView({
      summary: summary(demo),
      profile: demo,
      reported: null,
      scenario: 'google-healthy',
      vault: keychain,
    });
    expect(fact(google, 'provider')?.value).toBe('Google Workspace (simulated, the lab)');
  });
});
