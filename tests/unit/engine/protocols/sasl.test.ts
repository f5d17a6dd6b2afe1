import { describe, expect, it } from 'vitest';
import {
  describeSaslMessage,
  initialResponse,
  oauthBearerPayload,
  toBase64,
  xoauth2Payload,
} from '../../../../electron/engine/protocols/sasl';

const TOKEN =
  'eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbSJ9.c2lnbmF0dXJlLXNlY3JldA';
const PASSWORD = 'Correct-Horse-Battery-9';

describe('SASL payloads', () => {
  it('builds XOAUTH2 as user=, auth=Bearer and two ^A', () => {
    expect(xoauth2Payload('alice@contoso.com', 'T')).toBe('user=alice@contoso.com\x01auth=Bearer T\x01\x01');
  });

  it('builds OAUTHBEARER with an escaped GS2 name and host/port', () => {
    expect(oauthBearerPayload('a,b=c@x.test', 'T', { host: 'imap.x.test', port: 993 })).toBe(
      'n,a=a=2Cb=3Dc@x.test,\x01host=imap.x.test\x01port=993\x01auth=Bearer T\x01\x01',
    );
  });

  it('sends only the user name first for LOGIN', () => {
    expect(
      initialResponse('LOGIN', { kind: 'password', user: 'bob', password: PASSWORD }, { host: 'h', port: 1 }),
    ).toBe(toBase64('bob'));
  });
});

describe('redacted rendering of client SASL messages', () => {
  it('keeps the XOAUTH2 structure and hides the token', () => {
    const text = describeSaslMessage(
      'XOAUTH2',
      0,
      toBase64(xoauth2Payload('alice@contoso.com', TOKEN)),
      null,
    );
    expect(text).toMatch(
      /^\[base64, \d+ chars\] user=alice@contoso\.com\^Aauth=Bearer <token redacted: \d+ chars, sha256 [0-9a-f]{8}>\^A\^A$/,
    );
    expect(text).not.toContain(TOKEN.slice(10, 30));
    expect(text).toContain(`${TOKEN.length} chars`);
  });

  it('shows a malformed XOAUTH2 payload as it is, without the token', () => {
    const text = describeSaslMessage(
      'XOAUTH2',
      0,
      toBase64(`user=alice@contoso.com auth=Bearer ${TOKEN}`),
      null,
    );
    expect(text).not.toContain(TOKEN);
    expect(text).toContain('user=alice@contoso.com');
  });

  it('keeps the OAUTHBEARER GS2 header, host and port', () => {
    const text = describeSaslMessage(
      'OAUTHBEARER',
      0,
      toBase64(oauthBearerPayload('alice@x.test', TOKEN, { host: 'h.test', port: 993 })),
      null,
    );
    expect(text).toContain('n,a=alice@x.test,^Ahost=h.test^Aport=993^Aauth=Bearer <token redacted');
    expect(text).not.toContain(TOKEN.slice(-20));
  });

  it('hides the PLAIN password and keeps the user', () => {
    const text = describeSaslMessage('PLAIN', 0, toBase64(`\0carol@x.test\0${PASSWORD}`), null);
    expect(text).toContain('^@carol@x.test^@<password redacted: 23 chars');
    expect(text).not.toContain(PASSWORD);
  });

  it('hides the LOGIN password whichever prompt comes first', () => {
    expect(describeSaslMessage('LOGIN', 0, toBase64('carol'), 'Username:')).toBe(
      '[base64, 8 chars] username carol',
    );
    const pass = describeSaslMessage('LOGIN', 1, toBase64(PASSWORD), 'Password:');
    expect(pass).toContain('<password redacted');
    expect(pass).not.toContain(PASSWORD);
    // Without a decodable prompt the second message is taken as the password.
    expect(describeSaslMessage('LOGIN', 1, toBase64(PASSWORD), null)).not.toContain(PASSWORD);
  });

  it('names the empty answer and the cancel', () => {
    expect(describeSaslMessage('XOAUTH2', 1, '', null)).toBe('(empty response)');
    expect(describeSaslMessage('XOAUTH2', 1, '*', null)).toContain('cancels');
  });

  it('never shows undecodable data', () => {
    const text = describeSaslMessage('XOAUTH2', 0, 'not base64 at all!', null);
    expect(text).toMatch(/^<undecodable SASL data redacted/);
  });

  it('redacts every part of an unknown mechanism', () => {
    expect(describeSaslMessage('SCRAM-SHA-1', 0, toBase64(`n,,n=user,r=${PASSWORD}`), null)).not.toContain(
      PASSWORD,
    );
  });
});
