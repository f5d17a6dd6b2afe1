// A scope list in a pasted text (a token response, a request body, a configuration) says which API
// the token was asked for: that is the audience, and what the mail server will make of it.
import { describe, expect, it } from 'vitest';
import { explain, signInOf } from '../../../../electron/engine/diagnosis/explain';

const causes = (text: string): string[] => explain(text).map((f) => f.cause);

describe('scope lists', () => {
  it('a token asked for Graph and presented to IMAP: the wrong audience comes first', () => {
    const text =
      '{"token_type":"Bearer","scope":"https://graph.microsoft.com/Mail.Read https://graph.microsoft.com/User.Read","expires_in":3599}\nA1 NO AUTHENTICATE failed.';
    expect(causes(text)[0]).toBe('token.wrong_audience');
  });

  it('Exchange scopes without the one of the protocol that failed: the missing scope, for that protocol', () => {
    const text =
      'scopes = ["https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access"]\nAUTH XOAUTH2\n535 5.7.3 Authentication unsuccessful';
    const first = explain(text)[0];
    expect(first?.cause).toBe('token.missing_scope');
    expect(first?.protocol).toBe('smtp');
  });

  it('the right scope for the protocol gives no scope finding', () => {
    const text =
      'scope=https://outlook.office.com/SMTP.Send offline_access\nAUTH XOAUTH2\n535 5.7.3 Authentication unsuccessful';
    const fromList = explain(text).filter((f) => f.evidence.some((e) => e.startsWith('scope list:')));
    expect(fromList).toEqual([]);
    expect(causes(text)).not.toContain('token.missing_scope');
  });

  it('a Google token without https://mail.google.com/', () => {
    const text =
      'scope=https://www.googleapis.com/auth/gmail.readonly\nA1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)';
    expect(causes(text)[0]).toBe('google.scope_insufficient');
  });

  it('a scope list alone, with no mail failure, is no finding', () => {
    expect(explain('"scope":"https://graph.microsoft.com/.default"').map((f) => f.cause)).not.toContain(
      'token.missing_scope',
    );
  });
});

describe("a person's sign-in, said by the text", () => {
  it('a refused delegated token: the scope first, never the app-only service-principal causes', () => {
    const text =
      'app = PublicClientApplication(...); result = app.acquire_token_by_device_flow(flow)\n' +
      "imaplib.IMAP4.error: b'AUTHENTICATE failed.'\nhost: outlook.office365.com";
    const found = causes(text);
    expect(found.slice(0, 2)).toEqual(['token.wrong_audience', 'token.missing_scope']);
    for (const appOnly of [
      'grant.service_principal_missing',
      'grant.service_principal_wrong_id',
      'grant.mailbox_permission_missing',
    ])
      expect(found).not.toContain(appOnly);
  });

  it("the app's own sign-in keeps the service-principal causes", () => {
    const text =
      'result = app.acquire_token_for_client(scopes=["https://outlook.office365.com/.default"])\n' +
      "imaplib.IMAP4.error: b'AUTHENTICATE failed.'\nhost: outlook.office365.com";
    expect(causes(text)).toContain('grant.service_principal_missing');
  });

  it('both said at once: neither is assumed', () => {
    expect(signInOf('AcquireTokenForClient then AcquireTokenInteractive')).toBeNull();
    expect(signInOf('grant_type=refresh_token')).toBe('delegated');
    expect(signInOf('New-ServicePrincipal -AppId x')).toBe('app-only');
    expect(signInOf('AUTHENTICATE failed')).toBeNull();
  });
});
