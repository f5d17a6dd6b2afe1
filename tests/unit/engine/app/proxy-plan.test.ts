import { describe, expect, it } from 'vitest';
import { proxyUrlFromPac } from '../../../../shared/config/proxy';
import { planFromEnvironment, planFromSettings } from '../../../../electron/engine/app/proxy-plan';
import type { RunInput } from '../../../../electron/engine/checks/run';
import { DEFAULT_LIMITS } from '../../../../electron/engine/wire/limits';
import { DIRECT } from '../../../../electron/engine/wire/proxy';

const RUN: RunInput = {
  protocols: ['imap'],
  endpoints: { imap: { host: 'outlook.office365.com', port: 993, security: 'tls' } },
  credentials: {
    kind: 'client-credentials',
    user: 'a@contoso.com',
    spec: {
      authorityHost: 'https://login.microsoftonline.com',
      tenant: 'contoso.com',
      clientId: '11111111-1111-1111-1111-111111111111',
      credential: { kind: 'secret', value: 'x' },
      scope: 'https://outlook.office365.com/.default',
    },
  },
  credentialSource: 'test',
  mechanism: 'auto',
  network: {
    timeouts: { connectMs: 1000, greetingMs: 1000, commandMs: 1000 },
    tls: { extraCaPem: [], minVersion: 'TLSv1.2' },
    limits: DEFAULT_LIMITS,
    family: 'auto',
    proxy: DIRECT,
  },
  target: { mailbox: 'a@contoso.com', credential: 'client-secret', mechanism: 'auto', cloud: 'global' },
};

describe('proxyUrlFromPac', () => {
  it('takes the first usable entry of a PAC answer', () => {
    expect(proxyUrlFromPac('PROXY proxy.corp:8080; DIRECT')).toBe('http://proxy.corp:8080');
    expect(proxyUrlFromPac('SOCKS5 gw:1080')).toBe('socks5://gw:1080');
    expect(proxyUrlFromPac('SOCKS gw:1080')).toBe('socks5://gw:1080');
    expect(proxyUrlFromPac('SOCKS4 gw:1080')).toBe('socks4a://gw:1080');
    expect(proxyUrlFromPac('HTTPS secure:443; PROXY plain:3128')).toBe('http://plain:3128');
    expect(proxyUrlFromPac('DIRECT')).toBeNull();
    expect(proxyUrlFromPac('')).toBeNull();
  });
});

describe('planFromSettings', () => {
  const proxy = {
    mode: 'manual' as const,
    url: 'http://ops@proxy.corp:3128',
    bypass: '.internal',
    hasPassword: true,
  };

  it('manual: one route for the token and the mail, with the keychain password and NO_PROXY list', async () => {
    const outcome = await planFromSettings(proxy, 'pw', RUN);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.plan.identity).toBe(outcome.plan.mail);
    expect(outcome.plan.mail).toMatchObject({
      config: { scheme: 'http', host: 'proxy.corp', port: 3128, username: 'ops', bypass: ['.internal'] },
      password: 'pw',
    });
  });

  it('direct: none; a broken manual URL is an error, not a silent direct run', async () => {
    expect(await planFromSettings({ ...proxy, mode: 'direct' }, null, RUN)).toEqual({
      ok: true,
      plan: DIRECT,
    });
    const broken = await planFromSettings({ ...proxy, url: 'gopher://x' }, null, RUN);
    expect(broken.ok).toBe(false);
  });

  it('system: asks the resolver for the token endpoint and the first mail host', async () => {
    const asked: string[] = [];
    const outcome = await planFromSettings({ ...proxy, mode: 'system' }, null, RUN, {
      resolveSystem: (url) => {
        asked.push(url);
        return Promise.resolve(url.includes(':993') ? 'SOCKS5 gw.corp:1080; DIRECT' : 'DIRECT');
      },
    });
    expect(asked.sort()).toEqual([
      'https://login.microsoftonline.com/',
      'https://outlook.office365.com:993/',
    ]);
    expect(outcome.ok && outcome.plan.identity).toBeNull();
    expect(outcome.ok && outcome.plan.mail?.config.scheme).toBe('socks5');
  });

  it('system without a resolver (browser mode): the environment', async () => {
    const outcome = await planFromSettings({ ...proxy, mode: 'system' }, null, RUN, {
      env: { HTTPS_PROXY: 'http://u:p@web:3128' },
    });
    expect(outcome.ok && outcome.plan.identity?.password).toBe('p');
  });
});

describe('planFromEnvironment', () => {
  it('names the variable of a broken URL without its password', () => {
    const outcome = planFromEnvironment({ ALL_PROXY: 'ftp://u:hunter2@x' }, null);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error).toMatch(/^ALL_PROXY/);
      expect(outcome.error).not.toContain('hunter2');
    }
  });
});
