import { describe, expect, it } from 'vitest';
import {
  bypassesProxy,
  parseBypassList,
  parseProxyUrl,
  proxiesFromEnvironment,
  proxyLabel,
  redactProxyUrl,
} from '../../../shared/config/proxy';

describe('parseProxyUrl', () => {
  it('reads the schemes a support engineer writes, with their default ports', () => {
    const cases: Array<[string, string, number]> = [
      ['http://proxy.corp:3128', 'http', 3128],
      ['proxy.corp:8080', 'http', 8080],
      ['http://proxy.corp', 'http', 8080],
      ['socks5://gw.corp', 'socks5', 1080],
      ['socks5h://gw.corp:1081', 'socks5', 1081],
      ['socks4a://gw.corp:9050', 'socks4a', 9050],
    ];
    for (const [text, scheme, port] of cases) {
      const parsed = parseProxyUrl(text);
      expect(parsed.ok, text).toBe(true);
      if (parsed.ok) expect([parsed.config.scheme, parsed.config.port], text).toEqual([scheme, port]);
    }
  });

  it('keeps the user, hands the password back apart, and never puts it in a label', () => {
    const parsed = parseProxyUrl('http://ops%40corp:s3cr%2Ft@[::1]:3128', ['.corp']);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.config).toEqual({
      scheme: 'http',
      host: '::1',
      port: 3128,
      username: 'ops@corp',
      bypass: ['.corp'],
    });
    expect(parsed.password).toBe('s3cr/t');
    expect(proxyLabel(parsed.config)).toBe('http://ops%40corp@[::1]:3128');
  });

  it('refuses what is not a proxy, without echoing a password', () => {
    for (const text of ['', 'https://p:443', 'ftp://p', 'http://p:3128/path', 'http://:3128']) {
      const parsed = parseProxyUrl(text);
      expect(parsed.ok, text).toBe(false);
    }
    const bad = parseProxyUrl('http://user:hunter2@exa mple:80');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).not.toContain('hunter2');
  });

  it('redacts the user and password of a URL for messages, whatever characters they hold', () => {
    expect(redactProxyUrl('http://u:pw@h:1')).toBe('http://***@h:1');
    expect(redactProxyUrl('http://h:1')).toBe('http://h:1');
    // No scheme (curl style), a slash or an @ in the password.
    expect(redactProxyUrl('user:pa/ss@proxy:3128')).toBe('***@proxy:3128');
    expect(redactProxyUrl('http://u:ab/cd@proxy')).toBe('http://***@proxy');
    expect(redactProxyUrl('http://u:p@ss@proxy:8080')).toBe('http://***@proxy:8080');
    const broken = parseProxyUrl('http://u:ab/cd@proxy');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.error).not.toContain('ab/cd');
  });

  it('refuses a broken %-escape in the user or password rather than throwing', () => {
    const parsed = parseProxyUrl('http://u:50%zzoff@proxy:3128');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/%-escape/);
  });
});

describe('NO_PROXY', () => {
  const list = parseBypassList('localhost, .corp.example ,mail.example.com:993 [::1] 10.0.0.5');
  it('matches domains with their subdomains, ports and IP literals', () => {
    expect(bypassesProxy('localhost', 993, list)).toBe(true);
    expect(bypassesProxy('imap.corp.example', 993, list)).toBe(true);
    expect(bypassesProxy('corp.example', 993, list)).toBe(true);
    expect(bypassesProxy('notcorp.example', 993, list)).toBe(false);
    expect(bypassesProxy('mail.example.com', 993, list)).toBe(true);
    expect(bypassesProxy('mail.example.com', 587, list)).toBe(false);
    expect(bypassesProxy('::1', 993, list)).toBe(true);
    expect(bypassesProxy('10.0.0.5', 25, list)).toBe(true);
    expect(bypassesProxy('outlook.office365.com', 993, list)).toBe(false);
  });

  it('* sends everything direct', () => {
    expect(bypassesProxy('outlook.office365.com', 993, ['*'])).toBe(true);
  });
});

describe('proxiesFromEnvironment', () => {
  it('takes HTTPS_PROXY first for the identity endpoint and ALL_PROXY first for mail', () => {
    const found = proxiesFromEnvironment({
      HTTPS_PROXY: 'http://web:3128',
      ALL_PROXY: 'socks5://gw:1080',
      NO_PROXY: '.internal',
    });
    expect(found.identity).toEqual({ variable: 'HTTPS_PROXY', url: 'http://web:3128' });
    expect(found.mail).toEqual({ variable: 'ALL_PROXY', url: 'socks5://gw:1080' });
    expect(found.bypass).toEqual(['.internal']);
  });

  it('falls back to the lower-case names and to the other variable', () => {
    const found = proxiesFromEnvironment({ https_proxy: 'http://web:3128' });
    expect(found.identity?.variable).toBe('https_proxy');
    expect(found.mail?.variable).toBe('https_proxy');
    expect(proxiesFromEnvironment({}).mail).toBeNull();
  });
});
