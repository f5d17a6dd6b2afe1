// Pasted text: its SASL payloads and challenges are decoded into evidence, and no secret in it
// (PLAIN, LOGIN, Basic, Bearer, form bodies, URLs, IMAP LOGIN, POP3 PASS, JWT signatures) reaches
// anything explain gives back.
import { describe, expect, it } from 'vitest';
import { readPastedSecrets } from '../../../../electron/engine/diagnosis/pasted-secrets';
import { evidenceFromText, explain } from '../../../../electron/engine/diagnosis/explain';

const CANARY = 'Canary7Pass!x';
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const b64url = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');
const SIGNATURE = 'c2lnbmF0dXJlLWNhbmFyeS1zaWduYXR1cmU';
const jwt = (claims: object): string =>
  `${b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256' }))}.${b64url(JSON.stringify(claims))}.${SIGNATURE}`;

/** Each form a credential is pasted in, with the server's refusal after it. */
const FORMS: Record<string, string> = {
  plain: `C: AUTH PLAIN ${b64(`\0john@contoso.com\0${CANARY}`)}\nS: 535 5.7.3 Authentication unsuccessful`,
  'plain on its own line': `C: AUTH PLAIN\nS: 334\nC: ${b64(`\0john@contoso.com\0${CANARY}`)}\nS: 535 5.7.3 Authentication unsuccessful`,
  login: `C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: ${b64('john@contoso.com')}\nS: 334 UGFzc3dvcmQ6\nC: ${b64(CANARY)}\nS: 535 5.7.3 Authentication unsuccessful`,
  'login, localised prompts': `>> AUTH LOGIN ${b64('john@contoso.com')}\n<< 334 ${b64('Kennwort:')}\n>> ${b64(CANARY)}\n<< 535 5.7.139 Authentication unsuccessful, basic authentication is disabled.`,
  basic: `GET /EWS/Exchange.asmx\nAuthorization: Basic ${b64(`john@contoso.com:${CANARY}`)}\nHTTP/1.1 401 Unauthorized`,
  bearer: `Authorization: Bearer ${CANARY}${'x'.repeat(30)}\n401 invalid_token`,
  'form body': `POST /contoso.onmicrosoft.com/oauth2/v2.0/token\nclient_id=abc&client_secret=${CANARY}&grant_type=client_credentials\nAADSTS7000215: Invalid client secret provided.`,
  'json body': `{"client_secret": "${CANARY}", "error": "invalid_client"}\nAADSTS7000215: Invalid client secret provided.`,
  url: `Connecting to imaps://john%40contoso.com:${CANARY}@outlook.office365.com:993\nA1 NO LOGIN failed.`,
  'imap login': `A1 LOGIN john@contoso.com ${CANARY}\nA1 NO LOGIN failed.`,
  'pop3 pass': `USER john@contoso.com\n+OK\nPASS ${CANARY}\n-ERR Logon failure: unknown user name or bad password.`,
};

describe('pasted credentials', () => {
  it.each(Object.entries(FORMS))('%s: the secret is in no byte of what explain gives back', (_name, text) => {
    const read = readPastedSecrets(text);
    expect(read.text).not.toContain(CANARY);
    expect(read.redacted).toBeGreaterThan(0);
    const out = JSON.stringify({ findings: explain(text), evidence: evidenceFromText(text) });
    expect(out).not.toContain(CANARY);
    // Nor in base64 at any alignment (a payload echoed back half-decoded).
    for (const offset of [0, 1, 2])
      expect(out).not.toContain(b64(`${'\0'.repeat(offset)}${CANARY}`).slice(4, -4));
  });

  it('keeps what is not secret: the user, the mechanism, the server words', () => {
    const read = readPastedSecrets(FORMS.plain ?? '');
    expect(read.sasl).toEqual([{ mechanism: 'PLAIN', user: 'john@contoso.com', wellFormed: true }]);
    expect(read.text).toContain('john@contoso.com');
    expect(read.text).toContain('535 5.7.3 Authentication unsuccessful');
    expect(evidenceFromText(FORMS.login ?? '').credential).toBe('password');
  });

  it('leaves a capability list and a server refusal as they are', () => {
    const text = '250-AUTH LOGIN PLAIN XOAUTH2\n250 SMTPUTF8\nA1 NO LOGIN failed because the server said so';
    expect(readPastedSecrets(text).text).toBe(text);
  });
});

describe('decoded payloads become evidence', () => {
  it('reads user= and the framing of an XOAUTH2 payload, and redacts its token', () => {
    const good = b64(`user=john@contoso.com\x01auth=Bearer ${CANARY}xyz\x01\x01`);
    const spaces = b64(`user=john@contoso.com auth=Bearer ${CANARY}xyz`);
    for (const [payload, wellFormed] of [
      [good, true],
      [spaces, false],
    ] as const) {
      const text = `A1 AUTHENTICATE XOAUTH2 ${payload}\nA1 NO AUTHENTICATE failed.`;
      const read = readPastedSecrets(text);
      expect(read.sasl[0]).toMatchObject({ mechanism: 'XOAUTH2', wellFormed });
      expect(read.text).not.toContain(CANARY);
      expect(evidenceFromText(text).saslPayloads[0]?.wellFormed).toBe(wellFormed);
    }
  });

  it('inspects the JWT inside a payload: a Graph token sent to IMAP is the wrong audience', () => {
    const token = jwt({
      aud: 'https://graph.microsoft.com',
      roles: ['Mail.Read'],
      tid: 't',
      appid: 'a',
      oid: 'o',
    });
    const text = `A1 AUTHENTICATE XOAUTH2 ${b64(`user=john@contoso.com\x01auth=Bearer ${token}\x01\x01`)}\nA1 NO AUTHENTICATE failed.`;
    const findings = explain(text);
    expect(findings[0]?.cause).toBe('token.wrong_audience');
    expect(JSON.stringify(findings)).not.toContain(SIGNATURE);
  });

  it("decodes Gmail's error challenge wherever it stands, and reads its status", () => {
    const challenge = b64('{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}');
    const read = readPastedSecrets(`334 ${challenge}`);
    expect(read.challenges).toEqual([
      {
        decoded: '{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}',
        status: '400',
        scope: 'https://mail.google.com/',
      },
    ]);
    expect(explain(`334 ${challenge}`)[0]?.cause).toBe('google.scope_insufficient');
    const expired = b64('{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}');
    expect(
      explain(`+ ${expired}\nA1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)`)[0]?.cause,
    ).toBe('token.expired');
  });

  it('redacts a JWT signature but keeps its claims readable', () => {
    const token = jwt({ aud: 'https://outlook.office365.com' });
    const read = readPastedSecrets(`token: ${token}`);
    expect(read.jwt).toBe(token);
    expect(read.text).not.toContain(SIGNATURE);
    expect(read.text).toContain(token.split('.').slice(0, 2).join('.'));
  });
});
