// The CLI's findings as a person reads them: the fix's steps numbered, each command on its own
// line under its step, alternatives lettered with the recommended one first, a destructive step
// marked; a stored report without a plan still prints its steps and commands.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/report/model';
import { renderFindings } from '../../../electron/cli/render';
import { findingFix } from '../../../electron/engine/diagnosis/diagnose';
import { EMPTY_CONTEXT, type FixContext } from '../../../electron/engine/diagnosis/context';

const CTX: FixContext = {
  ...EMPTY_CONTEXT,
  clientId: '11111111-2222-3333-4444-555555555555',
  servicePrincipalId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  registeredServicePrincipalId: '99999999-8888-7777-6666-555555555555',
  mailbox: 'shared@contoso.com',
  failedEndpoints: {},
};

function finding(cause: Finding['cause'], fix: Finding['fix']): Finding {
  return {
    cause,
    confidence: 'high',
    protocol: 'smtp',
    title: 'A title',
    explanation: 'Why.',
    evidence: ['smtp auth: 535 5.7.139'],
    fix,
    docs: [],
  };
}

describe('the CLI prints a fix as its plan', () => {
  it('SMTP AUTH off for the tenant: numbered steps, a lettered choice, the organisation-wide switch marked', () => {
    const fix = findingFix('account.smtp_auth_disabled_tenant', null, CTX, 'smtp');
    const out = renderFindings([finding('account.smtp_auth_disabled_tenant', fix)], { color: false });
    const lines = out.split('\n');
    const at = (text: string): number => lines.findIndex((l) => l.includes(text));
    expect(lines[at('Connect-ExchangeOnline')]).toMatch(/^\s+Connect-ExchangeOnline -UserPrincipalName/);
    expect(out).toMatch(/ {5}1\) \[connect\] Connect to Exchange Online PowerShell/);
    expect(out).toMatch(/ {5}2\) \[check\] See where SMTP AUTH is turned off/);
    expect(out).toMatch(/ {5}4\) Enable SMTP AUTH, choose one:/);
    expect(out).toMatch(/A\. \(recommended\) Only for this mailbox/);
    expect(out).toMatch(/B\. For the whole organisation/);
    // The mailbox's command in option A, the organisation's in B, marked destructive.
    expect(at('Set-CASMailbox -Identity shared@contoso.com')).toBeGreaterThan(at('A. (recommended)'));
    expect(at('Set-CASMailbox -Identity shared@contoso.com')).toBeLessThan(
      at('B. For the whole organisation'),
    );
    expect(at('Set-TransportConfig -SmtpClientAuthenticationDisabled $false')).toBeGreaterThan(
      at('B. For the whole organisation'),
    );
    expect(lines[at('Set-TransportConfig -SmtpClientAuthenticationDisabled $false') - 1]).toContain(
      '[DESTRUCTIVE: only after the check]',
    );
    // Every command on a line of its own, never two on one line.
    for (const l of lines.filter((x) => /Set-(CASMailbox|TransportConfig)/.test(x)))
      expect(l.match(/Set-/g)?.length).toBe(1);
    expect(out).not.toContain('\x1b[');
  });

  it('a wrong object id: the check before Remove-ServicePrincipal, which is marked', () => {
    const fix = findingFix('grant.service_principal_wrong_id', null, CTX, null);
    const out = renderFindings([finding('grant.service_principal_wrong_id', fix)], { color: false });
    const check = out.indexOf('Get-ServicePrincipal | Where-Object');
    const remove = out.indexOf("Remove-ServicePrincipal -Identity '99999999-8888-7777-6666-555555555555'");
    expect(check).toBeGreaterThan(-1);
    expect(remove).toBeGreaterThan(check);
    expect(out).toMatch(/3\) \[change\] \[DESTRUCTIVE: only after the check\] Remove the registration/);
  });

  it('colours the destructive mark on a TTY only', () => {
    const fix = findingFix('grant.service_principal_wrong_id', null, CTX, null);
    const out = renderFindings([finding('grant.service_principal_wrong_id', fix)], { color: true });
    expect(out).toContain('\x1b[31;1m[DESTRUCTIVE: only after the check]\x1b[0m');
  });

  it('a report stored before plans: its steps and commands as lists', () => {
    const out = renderFindings(
      [
        finding('account.smtp_auth_disabled_mailbox', {
          steps: ['Enable SMTP AUTH.'],
          commands: ['Set-CASMailbox -Identity a@b.c'],
        }),
      ],
      { color: false },
    );
    expect(out).toContain('     1) Enable SMTP AUTH.');
    expect(out).toContain('   Commands:\n     Set-CASMailbox -Identity a@b.c');
  });
});
