import { describe, expect, it } from 'vitest';
import {
  createImapObserver,
  createPop3Observer,
  createSmtpObserver,
} from '../../../../electron/engine/protocols/line-observer';
import { toBase64, xoauth2Payload } from '../../../../electron/engine/protocols/sasl';

const SECRET = 'S3cr3t-Pa55word!';
const TOKEN = 'header.payload-with-claims.signature-bytes-here';

describe('IMAP', () => {
  it('redacts LOGIN with quoted strings and with atoms', () => {
    const o = createImapObserver();
    const quoted = o.client(`A1 LOGIN "carol@x.test" "${SECRET}"`);
    expect(quoted).toMatch(/^A1 LOGIN "carol@x\.test" <password redacted/);
    expect(quoted).not.toContain(SECRET);
    expect(o.client(`A2 LOGIN carol ${SECRET}`)).not.toContain(SECRET);
  });

  it('redacts LOGIN literals until the command is answered', () => {
    const o = createImapObserver();
    expect(o.client('A1 LOGIN {5}')).not.toContain(SECRET);
    o.server('+ Ready for literal data');
    expect(o.client(`carol {${SECRET.length}}`)).not.toContain('carol');
    expect(o.client(SECRET)).not.toContain(SECRET);
    o.server('A1 OK Logged in');
    expect(o.client('A2 LIST "" "*"')).toBe('A2 LIST "" "*"');
  });

  it('decodes AUTHENTICATE with an initial response, and the error challenge', () => {
    const o = createImapObserver();
    expect(o.stepOf('A1 AUTHENTICATE XOAUTH2 x')).toBe('auth');
    const line = o.client(`A1 AUTHENTICATE XOAUTH2 ${toBase64(xoauth2Payload('alice@x.test', TOKEN))}`);
    expect(line).toMatch(
      /^A1 AUTHENTICATE XOAUTH2 \[base64, \d+ chars\] user=alice@x\.test\^Aauth=Bearer <token redacted/,
    );
    const notes = o.server(`+ ${toBase64('{"status":"401","schemes":"bearer","scope":"mail"}')}`);
    expect(notes).toEqual(['decoded challenge: {"status":"401","schemes":"bearer","scope":"mail"}']);
    expect(o.client('')).toBe('(empty response)');
    expect(o.stepOf('')).toBeNull();
    o.server('A1 NO [AUTHENTICATIONFAILED] Authentication failed.');
    expect(o.client('A2 LOGOUT')).toBe('A2 LOGOUT');
    expect(o.stepOf('A2 LOGOUT')).toBe('logout');
  });

  it('decodes the payload sent after an empty continuation (no SASL-IR)', () => {
    const o = createImapObserver();
    expect(o.client('A1 AUTHENTICATE XOAUTH2')).toBe('A1 AUTHENTICATE XOAUTH2');
    o.server('+ ');
    const payload = o.client(toBase64(xoauth2Payload('alice@x.test', TOKEN)));
    expect(payload).toContain('user=alice@x.test');
    expect(payload).not.toContain(TOKEN);
  });

  it('maps commands to steps', () => {
    const o = createImapObserver();
    expect(o.stepOf('A1 CAPABILITY')).toBe('capabilities');
    expect(o.stepOf('A2 STARTTLS')).toBe('starttls');
    expect(o.stepOf('A3 EXAMINE INBOX')).toBe('mailbox');
    expect(o.stepOf('A4 NOOP')).toBeNull();
  });
});

describe('POP3', () => {
  it('redacts PASS and APOP', () => {
    const o = createPop3Observer();
    expect(o.client('USER carol')).toBe('USER carol');
    expect(o.client(`PASS ${SECRET}`)).toMatch(/^PASS <password redacted: 16 chars/);
    expect(o.client('APOP carol c4c9334bac560ecc979e58001b3e22fb')).not.toContain(
      'c4c9334bac560ecc979e58001b3e22fb',
    );
  });

  it('follows the two-step AUTH exchange', () => {
    const o = createPop3Observer();
    expect(o.client('AUTH XOAUTH2')).toBe('AUTH XOAUTH2');
    o.server('+ ');
    expect(o.stepOf('x')).toBeNull();
    expect(o.client(toBase64(xoauth2Payload('alice@x.test', TOKEN)))).not.toContain(TOKEN);
    o.server('-ERR [AUTH] Authentication failed.');
    expect(o.client('QUIT')).toBe('QUIT');
  });
});

describe('SMTP', () => {
  it('redacts AUTH PLAIN inline and AUTH LOGIN prompts', () => {
    const o = createSmtpObserver();
    expect(o.client(`AUTH PLAIN ${toBase64(`\0carol\0${SECRET}`)}`)).not.toContain(SECRET);
    o.server('235 2.7.0 Authentication successful');
    expect(o.client('AUTH LOGIN')).toBe('AUTH LOGIN');
    o.server(`334 ${toBase64('Username:')}`);
    expect(o.client(toBase64('carol'))).toContain('username carol');
    o.server(`334 ${toBase64('Password:')}`);
    const pass = o.client(toBase64(SECRET));
    expect(pass).toContain('<password redacted');
    expect(pass).not.toContain(toBase64(SECRET));
    o.server('535 5.7.3 Authentication unsuccessful');
    expect(o.client('QUIT')).toBe('QUIT');
  });

  it('does not take message lines for commands', () => {
    const o = createSmtpObserver();
    expect(o.stepOf('DATA')).toBe('send');
    o.client('DATA');
    o.server('354 Start mail input');
    expect(o.stepOf('QUIT is a word in this body line')).toBeNull();
    o.client('.');
    expect(o.stepOf('QUIT')).toBe('logout');
  });
});

describe('IMAP steps after the sign-in', () => {
  it('tags the commands that open the session with the mailbox step, where a refusal is recorded', () => {
    const o = createImapObserver();
    expect(o.stepOf('1 CAPABILITY')).toBe('capabilities');
    o.client('1 CAPABILITY');
    o.server('1 OK CAPABILITY completed.');
    expect(o.stepOf('2 AUTHENTICATE XOAUTH2 x')).toBe('auth');
    o.client(`2 AUTHENTICATE XOAUTH2 ${toBase64(xoauth2Payload('alice@x.test', TOKEN))}`);
    o.server('2 OK AUTHENTICATE completed.');
    expect(o.stepOf('3 CAPABILITY')).toBe('mailbox');
    expect(o.stepOf('4 NAMESPACE')).toBe('mailbox');
    expect(o.stepOf('5 EXAMINE INBOX')).toBe('mailbox');
    expect(o.stepOf('6 LOGOUT')).toBe('logout');
  });

  it('keeps CAPABILITY in the capabilities step while the sign-in is refused', () => {
    const o = createImapObserver();
    o.client(`A1 LOGIN carol ${SECRET}`);
    o.server('A1 NO LOGIN failed.');
    expect(o.stepOf('A2 CAPABILITY')).toBe('capabilities');
    o.client(`A3 LOGIN carol ${SECRET}`);
    o.server('A3 OK LOGIN completed.');
    expect(o.stepOf('A4 CAPABILITY')).toBe('mailbox');
  });
});
