// Reading messages for IMAP FETCH / SEARCH and POP3 RETR, and the bounded mail store.
import { describe, expect, it } from 'vitest';
import {
  addressText,
  parseAddresses,
  parseHeaderFields,
  parseMime,
  partAt,
  splitMessage,
} from '../../../electron/lab/mail/message-parsing';
import {
  bodyStructure,
  envelope,
  fetchSetsSeen,
  internalDate,
  parseFetchItems,
  renderFetch,
  sectionText,
} from '../../../electron/lab/mail/imap-fetch';
import { parseSearch } from '../../../electron/lab/mail/imap-search';
import { ArgReader, ImapSyntaxError } from '../../../electron/lab/mail/imap-syntax';
import { MailboxStore, canonicalFolder, type StoredMessage } from '../../../electron/lab/mail/mailbox-store';
import { dotStuffed } from '../../../electron/lab/mail/pop3-server';

const SIMPLE = [
  'From: "Alice, A." <alice@lab.test>',
  'To: bob@lab.test, Carol <carol@lab.test>',
  'Subject: Hello',
  '  world',
  'Date: Mon, 1 Jan 2024 10:00:00 +0000',
  'Message-ID: <m1@lab.test>',
  '',
  'line one',
  '.dot line',
  '',
].join('\r\n');

const MULTIPART = [
  'From: alice@lab.test',
  'Subject: parts',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  'preamble',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'first part',
  '--b1',
  'Content-Type: application/octet-stream',
  'Content-Transfer-Encoding: base64',
  '',
  'AAAA',
  '--b1--',
  '',
].join('\r\n');

function stored(raw: string, uid = 1, flags: string[] = []): StoredMessage {
  return {
    uid,
    raw,
    size: Buffer.byteLength(raw),
    receivedAt: Date.parse('2024-01-02T03:04:05Z'),
    flags: new Set(flags),
    messageId: '<m1@lab.test>',
    from: 'alice@lab.test',
    to: ['bob@lab.test'],
  };
}

describe('message parsing', () => {
  it('unfolds header fields and splits at the blank line', () => {
    const fields = parseHeaderFields(splitMessage(SIMPLE).header);
    expect(fields.map((f) => f.name)).toEqual(['From', 'To', 'Subject', 'Date', 'Message-ID']);
    expect(fields[2]?.value).toBe('Hello world');
    expect(splitMessage(SIMPLE).body).toBe('line one\r\n.dot line\r\n');
  });

  it('reads address lists with quoted commas', () => {
    const addresses = parseAddresses('"Alice, A." <alice@lab.test>, bob@lab.test, Carol <carol@lab.test>');
    expect(addresses.map(addressText)).toEqual(['alice@lab.test', 'bob@lab.test', 'carol@lab.test']);
    expect(addresses[0]?.name).toBe('Alice, A.');
  });

  it('walks MIME parts', () => {
    const root = parseMime(MULTIPART);
    expect(root.parts.map((p) => `${p.type}/${p.subtype}`)).toEqual([
      'text/plain',
      'application/octet-stream',
    ]);
    expect(partAt(root, [1])?.body).toBe('first part');
    expect(partAt(root, [3])).toBeNull();
    expect(partAt(parseMime(SIMPLE), [1])?.type).toBe('text');
  });
});

describe('IMAP FETCH', () => {
  it('expands macros and parses sections', () => {
    expect(parseFetchItems({ kind: 'atom', value: 'FAST' }).map((i) => i.kind)).toEqual([
      'FLAGS',
      'INTERNALDATE',
      'RFC822.SIZE',
    ]);
    const [item] = parseFetchItems({ kind: 'atom', value: 'BODY.PEEK[HEADER.FIELDS (Message-ID)]<0.20>' });
    expect(item).toMatchObject({
      kind: 'section',
      peek: true,
      partial: [0, 20],
      section: { path: [], text: 'HEADER.FIELDS', fields: ['message-id'] },
      label: 'BODY[HEADER.FIELDS (MESSAGE-ID)]<0>',
    });
    expect(() => parseFetchItems({ kind: 'atom', value: 'BODY[NOPE]' })).toThrow(ImapSyntaxError);
    expect(fetchSetsSeen(parseFetchItems({ kind: 'atom', value: 'BODY[]' }))).toBe(true);
    expect(fetchSetsSeen(parseFetchItems({ kind: 'atom', value: 'BODY.PEEK[]' }))).toBe(false);
  });

  it('renders ENVELOPE and BODYSTRUCTURE', () => {
    expect(envelope(parseMime(SIMPLE).fields)).toBe(
      '("Mon, 1 Jan 2024 10:00:00 +0000" "Hello world" (("Alice, A." NIL "alice" "lab.test")) ' +
        '(("Alice, A." NIL "alice" "lab.test")) (("Alice, A." NIL "alice" "lab.test")) ' +
        '((NIL NIL "bob" "lab.test")("Carol" NIL "carol" "lab.test")) NIL NIL NIL "<m1@lab.test>")',
    );
    expect(bodyStructure(parseMime(MULTIPART))).toBe(
      '(("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 10 1)' +
        '("application" "octet-stream" NIL NIL NIL "base64" 4) "mixed")',
    );
  });

  it('cuts sections and renders a FETCH response with literals', () => {
    expect(sectionText(SIMPLE, { path: [], text: 'HEADER.FIELDS', fields: ['message-id'] })).toBe(
      'Message-ID: <m1@lab.test>\r\n\r\n',
    );
    expect(sectionText(MULTIPART, { path: [2], text: '', fields: [] })).toBe('AAAA');
    expect(sectionText(MULTIPART, { path: [1], text: 'MIME', fields: [] })).toBe(
      'Content-Type: text/plain; charset=utf-8\r\n\r\n',
    );
    const items = parseFetchItems({
      kind: 'list',
      items: [
        { kind: 'atom', value: 'FLAGS' },
        { kind: 'atom', value: 'INTERNALDATE' },
        { kind: 'atom', value: 'BODY[TEXT]<0.4>' },
      ],
    });
    expect(renderFetch(stored(SIMPLE, 7, ['\\Seen']), items, true)).toBe(
      `(UID 7 FLAGS (\\Seen) INTERNALDATE "02-Jan-2024 03:04:05 +0000" BODY[TEXT]<0> {4}\r\nline)`,
    );
    expect(internalDate(0)).toBe('01-Jan-1970 00:00:00 +0000');
  });
});

describe('IMAP SEARCH', () => {
  const messages = [stored(SIMPLE, 4, ['\\Seen']), stored(MULTIPART, 9)];
  function search(text: string): number[] {
    const matches = parseSearch(new ArgReader([text]), messages.length, 9);
    return messages.flatMap((m, i) => (matches(m, i + 1) ? [m.uid] : []));
  }

  it('finds by header, address, flags, size, dates, sets and combinations', () => {
    expect(search('HEADER Message-ID "<m1@lab.test>"')).toEqual([4]);
    expect(search('HEADER MESSAGE-ID m1@lab')).toEqual([4]);
    expect(search('CHARSET UTF-8 SUBJECT parts')).toEqual([9]);
    expect(search('FROM alice')).toEqual([4, 9]);
    expect(search('UNSEEN')).toEqual([9]);
    expect(search('NOT SEEN')).toEqual([9]);
    expect(search('OR SEEN LARGER 100000')).toEqual([4]);
    expect(search('UID 5:*')).toEqual([9]);
    expect(search('1')).toEqual([4]);
    expect(search('(FROM alice BODY "first part")')).toEqual([9]);
    expect(search('SINCE 2-Jan-2024')).toEqual([4, 9]);
    expect(search('SENTBEFORE 2-Jan-2024')).toEqual([4]);
  });

  it('refuses unknown keys and missing arguments', () => {
    expect(() => search('FROBNICATE')).toThrow(ImapSyntaxError);
    expect(() => search('HEADER Subject')).toThrow(ImapSyntaxError);
    expect(() => search('SINCE yesterday')).toThrow(ImapSyntaxError);
  });
});

describe('mail store and POP3 framing', () => {
  it('keeps folders apart, bounds each, and reports deliveries', () => {
    const store = new MailboxStore(2);
    const changes: string[] = [];
    store.onChange((mailbox, folder) => changes.push(`${mailbox}/${folder}`));
    for (const n of [1, 2, 3])
      store.deliver('Alice@Lab.test', {
        messageId: `<${n}>`,
        raw: `n: ${n}\r\n\r\n`,
        receivedAt: n,
        from: 'x',
        to: [],
      });
    expect(store.delivered('alice@lab.test').map((m) => m.messageId)).toEqual(['<2>', '<3>']);
    expect(store.list('alice@lab.test', 'inbox').map((m) => m.uid)).toEqual([2, 3]);
    expect(store.status('alice@lab.test', 'INBOX')).toEqual({ uidValidity: 14, uidNext: 4 });
    expect(store.append('alice@lab.test', 'Sent Items', 'x\r\n', ['\\Seen'])?.uid).toBe(1);
    expect(store.append('alice@lab.test', 'No Such Folder', 'x', [])).toBeNull();
    store.remove('alice@lab.test', 'INBOX', new Set([2]));
    expect(store.list('alice@lab.test', 'INBOX').map((m) => m.uid)).toEqual([3]);
    // The delivery log keeps what a client deleted.
    expect(store.delivered('ALICE@lab.test').map((m) => m.messageId)).toEqual(['<2>', '<3>']);
    expect(changes).toContain('alice@lab.test/Sent Items');
    expect(canonicalFolder('iNbOx')).toBe('INBOX');
    expect(canonicalFolder('sent items')).toBeNull();
  });

  it('dot-stuffs RETR and cuts TOP after n body lines', () => {
    expect(dotStuffed(SIMPLE, Infinity)).toContain('\r\n..dot line\r\n');
    const top = dotStuffed(SIMPLE, 1);
    expect(top.endsWith('\r\n\r\nline one\r\n')).toBe(true);
  });
});
