// The lab's Exchange wording helpers and IMAP syntax: server tags, session ids, dates, command
// arguments with literals, sequence sets and safe strings.
import { describe, expect, it } from 'vitest';
import {
  bannerDate,
  exchangeSessionId,
  IMAP,
  serverTag,
  SMTP,
  smtpTrailer,
  throttleBackoffMs,
} from '../../../electron/lab/mail/exchange-wording';
import {
  ArgReader,
  ImapSyntaxError,
  imapMailboxName,
  imapString,
  inRanges,
  parseSequenceSet,
  tagOf,
} from '../../../electron/lab/mail/imap-syntax';
import { serverNames } from '../../../electron/lab/mail/mail-context';

describe('Exchange wording', () => {
  it('tags the greeting with the backend name in UTF-16LE base64, as outlook.office365.com does', () => {
    // From a real greeting (MailKit issue #1494): FR3P281CA0157.DEUP281.PROD.OUTLOOK.COM
    expect(serverTag('FR3P281CA0157.DEUP281.PROD.OUTLOOK.COM')).toBe(
      'RgBSADMAUAAyADgAMQBDAEEAMAAxADUANwAuAEQARQBVAFAAMgA4ADEALgBQAFIATwBEAC4ATwBVAFQATABPAE8ASwAuAEMATwBNAA==',
    );
    expect(IMAP.greeting('A.B')).toBe('* OK The Microsoft Exchange IMAP4 service is ready. [QQAuAEIA]');
  });

  it('makes 16-digit session ids that grow with time like the observed ones', () => {
    const at = Date.parse('2023-09-12T20:59:57.214Z');
    const id = exchangeSessionId(at, 0);
    expect(id).toMatch(/^08DBB[0-9A-F]{11}$/);
    expect(exchangeSessionId(at, 1) > id).toBe(true);
    expect(exchangeSessionId(Date.parse('2025-08-04T11:15:30Z'), 0)).toMatch(/^08DDD3/);
  });

  it('writes the banner date without a leading zero on the day', () => {
    expect(bannerDate(new Date('2022-11-09T10:09:41Z'))).toBe('Wed, 9 Nov 2022 10:09:41 +0000');
  });

  it('builds the SMTP trailers and texts', () => {
    const at = new Date('2023-09-12T20:59:57.214Z');
    expect(smtpTrailer('MN2PR05CA0004.namprd05.prod.outlook.com', at, '08DBB276B7E699C4')).toBe(
      '[MN2PR05CA0004.namprd05.prod.outlook.com 2023-09-12T20:59:57.214Z 08DBB276B7E699C4]',
    );
    expect(SMTP.smtpAuthDisabled('Tenant', '[x]')).toBe(
      '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. ' +
        'Visit https://aka.ms/smtp_auth_disabled for more information. [x]',
    );
    expect(SMTP.queued('<a@b>', 'HOST')).toBe('250 2.0.0 OK <a@b> [Hostname=HOST]');
  });

  it('suggests a backoff of a few minutes', () => {
    expect(throttleBackoffMs(() => 0)).toBe(150_000);
    expect(throttleBackoffMs(() => 0.999)).toBeLessThan(300_000);
  });

  it('derives the front end and mailbox host names from the backend', () => {
    expect(serverNames('LAB01PR01MB0001.lab.prod.outlook.com')).toEqual({
      backend: 'LAB01PR01MB0001.lab.prod.outlook.com',
      frontend: 'LAB01PR01MB0001.outlook.office365.com',
      mailboxHost: 'LAB01PR01MB0001.LAB.PROD.OUTLOOK.COM',
    });
  });
});

describe('IMAP syntax', () => {
  it('reads atoms, quoted strings, literals and lists', () => {
    const args = new ArgReader(['a1 LOGIN {5}', Buffer.from('al"ce'), ' "p\\"w" (A (B "c d") NIL)']);
    expect(args.atom()).toBe('a1');
    args.space();
    expect(args.atom()).toBe('LOGIN');
    args.space();
    expect(args.string()).toBe('al"ce');
    args.space();
    expect(args.string()).toBe('p"w');
    args.space();
    expect(args.token()).toEqual({
      kind: 'list',
      items: [
        { kind: 'atom', value: 'A' },
        {
          kind: 'list',
          items: [
            { kind: 'atom', value: 'B' },
            { kind: 'string', value: 'c d' },
          ],
        },
        { kind: 'atom', value: 'NIL' },
      ],
    });
    expect(args.atEnd()).toBe(true);
  });

  it('keeps brackets with spaces inside one atom (FETCH sections)', () => {
    const args = new ArgReader(['BODY.PEEK[HEADER.FIELDS (MESSAGE-ID SUBJECT)]<0.10> UID']);
    expect(args.atom()).toBe('BODY.PEEK[HEADER.FIELDS (MESSAGE-ID SUBJECT)]<0.10>');
  });

  it('refuses malformed input with ImapSyntaxError', () => {
    expect(() => new ArgReader(['"open']).string()).toThrow(ImapSyntaxError);
    expect(() => new ArgReader(['(a b']).list()).toThrow(ImapSyntaxError);
    expect(() => new ArgReader(['{3}']).string()).toThrow(ImapSyntaxError);
    expect(() => new ArgReader(['']).atom()).toThrow(ImapSyntaxError);
  });

  it('reads sequence sets with *', () => {
    expect(parseSequenceSet('1:3,7,9:*', 12)).toEqual([
      [1, 3],
      [7, 7],
      [9, 12],
    ]);
    expect(parseSequenceSet('*:4', 2)).toEqual([[2, 4]]);
    expect(inRanges(8, parseSequenceSet('1:3,7,9:*', 12))).toBe(false);
    expect(() => parseSequenceSet('1:x', 3)).toThrow(ImapSyntaxError);
  });

  it('quotes, escapes, or falls back to a literal', () => {
    expect(imapString('plain')).toBe('"plain"');
    expect(imapString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(imapString('é')).toBe('{2}\r\né');
    expect(imapString(null)).toBe('NIL');
    expect(imapMailboxName('INBOX')).toBe('INBOX');
    expect(imapMailboxName('Sent Items')).toBe('"Sent Items"');
  });

  it('finds the tag of a line', () => {
    expect(tagOf('a12 FETCH 1 (UID)')).toBe('a12');
    expect(tagOf('(((')).toBeNull();
  });
});
