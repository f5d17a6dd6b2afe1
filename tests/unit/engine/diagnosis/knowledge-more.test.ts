// The knowledge files added for texts the first files did not know (other languages, proxy
// tunnels as each runtime words them, Go's, Ruby's, .NET's and Java's network and TLS errors, more
// AADSTS codes), and the reader's reading of multi-line SMTP replies. Each entry is loaded with
// the rest, and its documented text, pasted as a person would, ranks its cause.
import { describe, expect, it } from 'vitest';
import { explain } from '../../../../electron/engine/diagnosis/explain';
import { knowledge, loadKnowledge, matchKnowledge } from '../../../../electron/engine/diagnosis/knowledge';
import { KNOWLEDGE_SOURCES } from '../../../../electron/engine/diagnosis/knowledge/sources';
import aadstsMore from '../../../../electron/engine/diagnosis/knowledge/aadsts-more.json';
import clientLibrariesMore from '../../../../electron/engine/diagnosis/knowledge/client-libraries-more.json';
import exchangeOnlineMore from '../../../../electron/engine/diagnosis/knowledge/exchange-online-more.json';
import { readText } from '../../../../electron/engine/diagnosis/reader';

const NEW_FILES = [aadstsMore, clientLibrariesMore, exchangeOnlineMore];

describe('the added knowledge files', () => {
  it('are loaded with the others, every id unique across all files', () => {
    expect(() => loadKnowledge(KNOWLEDGE_SOURCES)).not.toThrow();
    const ids = knowledge().entries.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const file of NEW_FILES) for (const entry of file.entries) expect(ids, entry.id).toContain(entry.id);
  });

  it('give every entry a public source', () => {
    for (const file of NEW_FILES)
      for (const entry of file.entries) {
        expect(entry.sources.length, entry.id).toBeGreaterThan(0);
        for (const source of entry.sources) expect(source).toMatch(/^https:\/\//);
      }
  });

  it('find each entry from its own documented text', () => {
    for (const file of NEW_FILES)
      for (const entry of file.entries)
        for (const text of entry.texts) {
          const hits = matchKnowledge(readText(`Error: ${text} (while connecting)`));
          expect(
            hits.map((h) => h.entry.id),
            `${entry.id}: ${text}`,
          ).toContain(entry.id);
        }
  });
});

/** Texts as they reach a person, with the cause each should rank first. */
const RANKED: Array<[string, string]> = [
  [
    "requests.exceptions.ProxyError: HTTPSConnectionPool(host='login.microsoftonline.com', port=443): Max retries exceeded with url: /contoso.onmicrosoft.com/oauth2/v2.0/token (Caused by ProxyError('Cannot connect to proxy.', OSError('Tunnel connection failed: 407 Proxy Authentication Required')))",
    'network.proxy_auth_required',
  ],
  [
    'Error: tunneling socket could not be established, statusCode=403\n    at ClientRequest.onConnect (node_modules/tunnel-agent/index.js:166:19)',
    'network.proxy_blocks_port',
  ],
  ['curl: (56) Received HTTP code 407 from proxy after CONNECT', 'network.proxy_auth_required'],
  ['failed to send mail: tls: first record does not look like a TLS handshake', 'tls.implicit_vs_starttls'],
  ['dial tcp: lookup smtp.office356.com: no such host', 'network.dns_not_found'],
  ['Net::OpenTimeout: execution expired', 'network.port_blocked'],
  [
    "System.Security.Authentication.AuthenticationException: Authentication failed because the remote party sent a TLS alert: 'ProtocolVersion'.",
    'tls.old_version',
  ],
  ['javax.net.ssl.SSLHandshakeException: Received fatal alert: protocol_version', 'tls.old_version'],
  ['smtplib.SMTPException: No suitable authentication method found.', 'smtp.unsupported_mechanism'],
  ['SMTP-Fehler: Authentifizierung fehlgeschlagen.', 'account.invalid_password'],
  [
    'AADSTS90010: The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.',
    'token.single_tenant_common_endpoint',
  ],
  [
    'AADSTS80012: OnPremisePasswordValidationAccountLogonInvalidHours - The users attempted to log on outside of the allowed hours (this is specified in AD).',
    'account.signin_blocked',
  ],
];

describe('explain with the added knowledge', () => {
  it.each(RANKED)('%s', (text, cause) => {
    expect(explain(text)[0]?.cause).toBe(cause);
  });

  it('keeps a localised 5.7.139 policy refusal open between its two policies', () => {
    const causes = explain(
      '535 5.7.139 Autenticação malsucedida, a solicitação não atendeu aos critérios para ser autenticada com sucesso. Entre em contato com seu administrador.',
    ).map((f) => f.cause);
    expect(causes.slice(0, 2).sort()).toEqual(['account.conditional_access', 'account.security_defaults']);
  });

  it('does not take a library exception name for a cause', () => {
    // "AuthenticationFailedException" wraps every refusal; only the text after it decides.
    const ids = matchKnowledge(readText('Azure.Identity.AuthenticationFailedException: boom')).map(
      (h) => h.entry.id,
    );
    expect(ids.filter((id) => id.startsWith('cl2-'))).toEqual([]);
  });
});

describe('a multi-line SMTP reply', () => {
  it('reads as one sentence when the server wrapped it', () => {
    const read = readText(
      '535-5.7.139 Authentication unsuccessful, SmtpClientAuthentication is\n535 5.7.139 disabled for the Tenant.',
    );
    expect(read.folded).toContain('smtpclientauthentication is disabled for the tenant');
    // The lines a finding quotes stay as the server wrote them.
    expect(read.lines[1]).toBe('535 5.7.139 disabled for the Tenant.');
    expect(explain(read.decoded)[0]?.cause).toBe('account.smtp_auth_disabled_tenant');
  });

  it('keeps the code of a reply that does not continue the one before', () => {
    const read = readText('250-SIZE 35882577\n250 8BITMIME\n535 5.7.3 Authentication unsuccessful');
    expect(read.folded).toContain('535 5.7.3 authentication unsuccessful');
    expect(read.folded).toContain('250-size 35882577 8bitmime');
  });
});

describe('a sentence about a login', () => {
  it('is read as words, not as an IMAP LOGIN command whose password is redacted', () => {
    expect(explain('535 5.7.0 Invalid login or password')[0]?.cause).toBe('account.invalid_password');
    expect(explain('454 4.7.0 Too many login attempts, please try again later. d9sm')[0]?.cause).toBe(
      'server.throttled',
    );
  });
});
