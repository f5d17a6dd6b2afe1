import { describe, expect, it } from 'vitest';
import {
  checkRows,
  maskToken,
  claimRows,
  isAppOnly,
  servicePrincipalId,
  tokenExpiry,
} from '../../../renderer/state/token-view';
import { commandFor } from '../../../renderer/app/shortcuts';
import { formatDuration, formatSpan } from '../../../renderer/state/format';

const appOnly = {
  aud: 'https://outlook.office365.com',
  iss: 'https://sts.windows.net/5f1c2b9e-3a47-4c2d-9e61-2d8b7c4a1f30/',
  tid: '5f1c2b9e-3a47-4c2d-9e61-2d8b7c4a1f30',
  appid: '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87',
  idtyp: 'app',
  oid: 'c3d2e1f0-9a8b-4c7d-8e6f-5a4b3c2d1e0f',
  roles: ['IMAP.AccessAsApp', 'SMTP.SendAsApp'],
  zzz: 1,
  exp: 1_800_003_600,
  nbf: 1_800_000_000,
};

describe('token view', () => {
  it('shows the important claims first and highlights the service principal object id', () => {
    const rows = claimRows(appOnly, 1_800_000_000);
    expect(rows.slice(0, 4).map((r) => r.name)).toEqual(['aud', 'iss', 'tid', 'appid']);
    expect(rows.at(-1)?.name).toBe('zzz');
    expect(rows.find((r) => r.name === 'oid')?.highlight).toBe(true);
    expect(rows.find((r) => r.name === 'roles')?.value).toBe('IMAP.AccessAsApp, SMTP.SendAsApp');
    expect(rows.find((r) => r.name === 'exp')?.value).toBe(
      '1800003600 (2027-01-15T09:00:00Z, in 1 h 00 min)',
    );
    expect(servicePrincipalId(appOnly)).toBe(appOnly.oid);
  });

  it('does not call the oid of a delegated token a service principal', () => {
    const delegated = { ...appOnly, idtyp: 'user', scp: 'IMAP.AccessAsUser.All', roles: undefined };
    expect(isAppOnly(delegated)).toBe(false);
    expect(servicePrincipalId(delegated)).toBeNull();
    expect(claimRows(delegated).find((r) => r.name === 'oid')?.highlight).toBe(false);
  });

  it('counts down to expiry, warns in the last five minutes, and says since when it expired', () => {
    expect(tokenExpiry(appOnly, 1_800_000_000)).toEqual({ state: 'valid', text: 'Expires in 1 h 00 min' });
    expect(tokenExpiry(appOnly, 1_800_003_500).state).toBe('expiring');
    expect(tokenExpiry(appOnly, 1_800_003_700)).toEqual({ state: 'expired', text: 'Expired 1 min 40 s ago' });
    expect(tokenExpiry({ ...appOnly, nbf: 1_900_000_000 }, 1_800_000_000).state).toBe('not-yet-valid');
    expect(tokenExpiry({}, 0).state).toBe('unknown');
  });

  it('labels each claim check with its protocol', () => {
    const rows = checkRows({
      claims: appOnly,
      checks: [
        { id: 'audience', protocol: null, status: 'pass', summary: 'ok' },
        { id: 'permission', protocol: 'pop3', status: 'fail', summary: 'lacks POP.AccessAsApp' },
      ],
    });
    expect(rows.map((r) => [r.key, r.label])).toEqual([
      ['audience', 'Audience'],
      ['permission-pop3', 'Permission (POP3)'],
    ]);
  });
});

describe('shortcuts and formats', () => {
  const key = (
    k: string,
    mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }> = {},
  ) => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    ...mods,
  });

  it('maps Ctrl/Cmd+Enter, Escape and Ctrl/Cmd+F', () => {
    expect(commandFor(key('Enter', { ctrlKey: true }))).toBe('run');
    expect(commandFor(key('Enter', { metaKey: true }))).toBe('run');
    expect(commandFor(key('Enter'))).toBeNull();
    expect(commandFor(key('Escape'))).toBe('cancel');
    expect(commandFor(key('f', { metaKey: true }))).toBe('search');
    expect(commandFor(key('f', { ctrlKey: true, shiftKey: true }))).toBeNull();
  });

  it('formats durations and spans', () => {
    expect(formatDuration(null)).toBe('');
    expect(formatDuration(0.4)).toBe('<1 ms');
    expect(formatDuration(58.6)).toBe('59 ms');
    expect(formatDuration(1234)).toBe('1.23 s');
    expect(formatDuration(75_000)).toBe('1 min 15 s');
    expect(formatSpan(59)).toBe('59 s');
    expect(formatSpan(3600 + 120)).toBe('1 h 02 min');
  });
});

describe('a pasted token, masked once inspected', () => {
  const token = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${'a'.repeat(400)}.${'b'.repeat(300)}`;

  it('keeps its first characters and its length, never the rest', () => {
    const masked = maskToken(token);
    expect(masked).toBe(`eyJ0eXAi${'•'.repeat(12)} (${token.length.toLocaleString('en-US')} characters)`);
    expect(masked).not.toContain('a'.repeat(10));
    expect(masked).not.toContain('KV1Q');
  });

  it('reads past Bearer, and shows nothing of a short token', () => {
    expect(maskToken(`Bearer ${token}`)).toMatch(/^eyJ0eXAi•/);
    expect(maskToken('short-secret')).toBe(`${'•'.repeat(12)} (12 characters)`);
  });
});
