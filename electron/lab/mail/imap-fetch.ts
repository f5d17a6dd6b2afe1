// IMAP FETCH for the lab: which data items a client asked for, and their rendering (flags, dates,
// ENVELOPE, BODYSTRUCTURE and BODY[section]<partial>), enough for imapflow, Thunderbird and the
// MailProbe round trip to find and read a message.
import type { StoredMessage } from './mailbox-store';
import { ImapSyntaxError, imapString, type Token } from './imap-syntax';
import {
  addressText,
  headerValue,
  parseAddresses,
  parseMime,
  partAt,
  splitMessage,
  type HeaderField,
  type MimePart,
} from './message-parsing';

export type FetchItem =
  | { kind: 'UID' | 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODYSTRUCTURE' | 'BODY' }
  | { kind: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' }
  | { kind: 'section'; peek: boolean; section: Section; partial: [number, number] | null; label: string };

export interface Section {
  path: number[];
  /** '' whole part, HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT, MIME */
  text: string;
  fields: string[];
}

const MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

const SIMPLE = new Set([
  'UID',
  'FLAGS',
  'INTERNALDATE',
  'RFC822.SIZE',
  'ENVELOPE',
  'BODYSTRUCTURE',
  'BODY',
  'RFC822',
  'RFC822.HEADER',
  'RFC822.TEXT',
]);

/** The data items of a FETCH: a macro, one item, or a parenthesized list. */
export function parseFetchItems(token: Token): FetchItem[] {
  const atoms: string[] = [];
  if (token.kind === 'list') {
    for (const item of token.items) {
      if (item.kind !== 'atom') throw new ImapSyntaxError('bad fetch item');
      atoms.push(item.value);
    }
  } else atoms.push(token.value);
  const items: FetchItem[] = [];
  for (const atom of atoms) {
    const upper = atom.toUpperCase();
    const macro = MACROS[upper];
    if (macro && token.kind !== 'list') {
      for (const name of macro) items.push({ kind: name } as FetchItem);
      continue;
    }
    if (SIMPLE.has(upper)) {
      items.push({ kind: upper } as FetchItem);
      continue;
    }
    items.push(parseSectionItem(atom));
  }
  return items;
}

function parseSectionItem(atom: string): FetchItem {
  const m = /^(BODY(?:\.PEEK)?)\[([^\]]*)\](?:<(\d+)\.(\d+)>)?$/i.exec(atom);
  if (!m) throw new ImapSyntaxError(`unknown fetch item ${atom}`);
  const peek = (m[1] ?? '').toUpperCase() === 'BODY.PEEK';
  const spec = m[2] ?? '';
  const partial: [number, number] | null = m[3] !== undefined ? [Number(m[3]), Number(m[4])] : null;
  const section = parseSection(spec);
  const label = `BODY[${spec.toUpperCase().replace(/\s+/g, ' ')}]${partial ? `<${partial[0]}>` : ''}`;
  return { kind: 'section', peek, section, partial, label };
}

function parseSection(spec: string): Section {
  const m =
    /^((?:\d+\.)*\d+)?\.?(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME)?\s*(?:\(([^)]*)\))?$/i.exec(
      spec.trim(),
    );
  if (!m) throw new ImapSyntaxError(`bad section ${spec}`);
  const path = m[1] ? m[1].split('.').map(Number) : [];
  const text = (m[2] ?? '').toUpperCase();
  const fields = (m[3] ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((f) => f.replace(/^"|"$/g, '').toLowerCase());
  if (text.startsWith('HEADER.FIELDS') && fields.length === 0) throw new ImapSyntaxError('no header fields');
  if (text === 'MIME' && path.length === 0) throw new ImapSyntaxError('MIME needs a part');
  return { path, text, fields };
}

/** Whether the items read the body without .PEEK, which sets \Seen. */
export function fetchSetsSeen(items: readonly FetchItem[]): boolean {
  return items.some(
    (i) => (i.kind === 'section' && !i.peek) || i.kind === 'RFC822' || i.kind === 'RFC822.TEXT',
  );
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function internalDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()] ?? 'Jan'}-${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}

export function flagList(flags: ReadonlySet<string>): string {
  return `(${[...flags].join(' ')})`;
}

function addressList(fields: readonly HeaderField[], name: string): string {
  const value = headerValue(fields, name);
  if (!value) return 'NIL';
  const addresses = parseAddresses(value);
  if (addresses.length === 0) return 'NIL';
  return `(${addresses
    .map((a) => `(${imapString(a.name)} NIL ${imapString(a.local)} ${imapString(a.domain || null)})`)
    .join('')})`;
}

export function envelope(fields: readonly HeaderField[]): string {
  const text = (name: string): string => imapString(headerValue(fields, name));
  const from = addressList(fields, 'From');
  const sender = headerValue(fields, 'Sender') ? addressList(fields, 'Sender') : from;
  const replyTo = headerValue(fields, 'Reply-To') ? addressList(fields, 'Reply-To') : from;
  return `(${[
    text('Date'),
    text('Subject'),
    from,
    sender,
    replyTo,
    addressList(fields, 'To'),
    addressList(fields, 'Cc'),
    addressList(fields, 'Bcc'),
    text('In-Reply-To'),
    text('Message-ID'),
  ].join(' ')})`;
}

function paramList(params: ReadonlyArray<[string, string]>): string {
  if (params.length === 0) return 'NIL';
  return `(${params.map(([k, v]) => `${imapString(k)} ${imapString(v)}`).join(' ')})`;
}

function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

export function bodyStructure(part: MimePart): string {
  if (part.type === 'multipart' && part.parts.length > 0)
    return `(${part.parts.map((p) => bodyStructure(p)).join('')} ${imapString(part.subtype)})`;
  const encoding = headerValue(part.fields, 'Content-Transfer-Encoding') ?? '7bit';
  const basic = [
    imapString(part.type),
    imapString(part.subtype),
    paramList(part.params),
    imapString(headerValue(part.fields, 'Content-ID')),
    imapString(headerValue(part.fields, 'Content-Description')),
    imapString(encoding.toLowerCase()),
    String(Buffer.byteLength(part.body, 'utf8')),
  ];
  if (part.type === 'message' && part.subtype === 'rfc822' && part.parts[0]) {
    const inner = part.parts[0];
    basic.push(envelope(inner.fields), bodyStructure(inner), String(lineCount(part.body)));
  } else if (part.type === 'text') basic.push(String(lineCount(part.body)));
  return `(${basic.join(' ')})`;
}

function headerSubset(fields: readonly HeaderField[], names: readonly string[], exclude: boolean): string {
  const wanted = new Set(names);
  return `${fields
    .filter((f) => wanted.has(f.name.toLowerCase()) !== exclude)
    .map((f) => (f.raw.endsWith('\n') ? f.raw.replace(/\r?\n$/, '\r\n') : `${f.raw}\r\n`))
    .join('')}\r\n`;
}

/** The bytes of a BODY[section], or null when the section does not exist (answered as empty). */
export function sectionText(raw: string, section: Section): string | null {
  const root = parseMime(raw);
  const part = section.path.length > 0 ? partAt(root, section.path) : root;
  if (!part) return null;
  // BODY[n.HEADER] of a message/rfc822 part addresses the encapsulated message.
  const message =
    section.path.length > 0 && part.type === 'message' && part.subtype === 'rfc822' && part.parts[0]
      ? part.parts[0]
      : part;
  switch (section.text) {
    case '':
      return section.path.length > 0 ? part.body : raw;
    case 'HEADER':
      return message.header;
    case 'HEADER.FIELDS':
      return headerSubset(message.fields, section.fields, false);
    case 'HEADER.FIELDS.NOT':
      return headerSubset(message.fields, section.fields, true);
    case 'TEXT':
      return message.body;
    case 'MIME':
      return part.header;
    default:
      return null;
  }
}

function partialOf(text: string, partial: [number, number] | null): string {
  if (!partial) return text;
  const bytes = Buffer.from(text, 'utf8');
  return bytes.subarray(partial[0], partial[0] + partial[1]).toString('utf8');
}

/** The data of one FETCH response, "(UID 4 FLAGS (\Seen) ...)", literals included. */
export function renderFetch(message: StoredMessage, items: readonly FetchItem[], withUid: boolean): string {
  const out: string[] = [];
  const wantsUid = withUid || items.some((i) => i.kind === 'UID');
  if (wantsUid) out.push(`UID ${message.uid}`);
  let parsed: { header: string; fields: HeaderField[] } | null = null;
  const fields = (): HeaderField[] => {
    parsed ??= { header: splitMessage(message.raw).header, fields: parseMime(message.raw).fields };
    return parsed.fields;
  };
  for (const item of items) {
    switch (item.kind) {
      case 'UID':
        break;
      case 'FLAGS':
        out.push(`FLAGS ${flagList(message.flags)}`);
        break;
      case 'INTERNALDATE':
        out.push(`INTERNALDATE "${internalDate(message.receivedAt)}"`);
        break;
      case 'RFC822.SIZE':
        out.push(`RFC822.SIZE ${message.size}`);
        break;
      case 'ENVELOPE':
        out.push(`ENVELOPE ${envelope(fields())}`);
        break;
      case 'BODYSTRUCTURE':
        out.push(`BODYSTRUCTURE ${bodyStructure(parseMime(message.raw))}`);
        break;
      case 'BODY':
        out.push(`BODY ${bodyStructure(parseMime(message.raw))}`);
        break;
      case 'RFC822':
        out.push(`RFC822 ${literal(message.raw)}`);
        break;
      case 'RFC822.HEADER':
        out.push(`RFC822.HEADER ${literal(splitMessage(message.raw).header)}`);
        break;
      case 'RFC822.TEXT':
        out.push(`RFC822.TEXT ${literal(splitMessage(message.raw).body)}`);
        break;
      case 'section': {
        const text = sectionText(message.raw, item.section) ?? '';
        out.push(`${item.label} ${literal(partialOf(text, item.partial))}`);
        break;
      }
    }
  }
  return `(${out.join(' ')})`;
}

function literal(text: string): string {
  return `{${Buffer.byteLength(text, 'utf8')}}\r\n${text}`;
}

export function messageIdOf(raw: string): string | null {
  return headerValue(parseMime(raw).fields, 'Message-ID');
}

export function fromAddressOf(raw: string): string | null {
  const value = headerValue(parseMime(raw).fields, 'From');
  const first = value ? parseAddresses(value)[0] : undefined;
  return first ? addressText(first) : null;
}
