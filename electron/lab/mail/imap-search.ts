// IMAP SEARCH for the lab: the RFC 3501 keys a client needs to find a message (HEADER Message-ID
// above all, which is how a round trip finds its test message), over a selected folder.
import type { StoredMessage } from './mailbox-store';
import { ArgReader, ImapSyntaxError, inRanges, parseSequenceSet, tokenText, type Token } from './imap-syntax';
import { headerValue, parseMime, splitMessage } from './message-parsing';

export type SearchKey = (message: StoredMessage, seq: number) => boolean;

/** Reads the search keys after SEARCH (and an optional CHARSET); all of them must match. */
export function parseSearch(args: ArgReader, lastSeq: number, lastUid: number): SearchKey {
  const tokens: Token[] = [];
  while (!args.atEnd()) {
    tokens.push(args.token());
    if (!args.maybeSpace()) break;
  }
  if (tokens.length === 0) throw new ImapSyntaxError('no search keys');
  let start = 0;
  if (tokenText(tokens[0])?.toUpperCase() === 'CHARSET') start = 2;
  const cursor = { tokens: tokens.slice(start), index: 0 };
  const keys: SearchKey[] = [];
  while (cursor.index < cursor.tokens.length) keys.push(readKey(cursor, lastSeq, lastUid));
  if (keys.length === 0) throw new ImapSyntaxError('no search keys');
  return (m, seq) => keys.every((k) => k(m, seq));
}

interface Cursor {
  tokens: Token[];
  index: number;
}

function next(cursor: Cursor): Token {
  const token = cursor.tokens[cursor.index];
  if (!token) throw new ImapSyntaxError('search key needs an argument');
  cursor.index += 1;
  return token;
}

function nextText(cursor: Cursor): string {
  const value = tokenText(next(cursor));
  if (value === null) throw new ImapSyntaxError('expected a string');
  return value;
}

function nextNumber(cursor: Cursor): number {
  const value = Number(nextText(cursor));
  if (!Number.isSafeInteger(value) || value < 0) throw new ImapSyntaxError('expected a number');
  return value;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** An IMAP date ("1-Feb-2024") as the UTC midnight it starts. */
function nextDay(cursor: Cursor): number {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(nextText(cursor));
  const month = m ? MONTHS.indexOf((m[2] ?? '').toLowerCase()) : -1;
  if (!m || month < 0) throw new ImapSyntaxError('bad date');
  return Date.UTC(Number(m[3]), month, Number(m[1]));
}

const DAY = 86_400_000;

function dayOf(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

function sentDay(message: StoredMessage): number {
  const date = headerValue(parseMime(message.raw).fields, 'Date');
  const parsed = date ? Date.parse(date) : NaN;
  return dayOf(Number.isNaN(parsed) ? message.receivedAt : parsed);
}

function headerContains(message: StoredMessage, name: string, needle: string): boolean {
  const wanted = name.toLowerCase();
  const lower = needle.toLowerCase();
  return parseMime(message.raw).fields.some(
    (f) => f.name.toLowerCase() === wanted && f.value.toLowerCase().includes(lower),
  );
}

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  UNANSWERED: ['\\Answered', false],
  DELETED: ['\\Deleted', true],
  UNDELETED: ['\\Deleted', false],
  DRAFT: ['\\Draft', true],
  UNDRAFT: ['\\Draft', false],
  FLAGGED: ['\\Flagged', true],
  UNFLAGGED: ['\\Flagged', false],
  SEEN: ['\\Seen', true],
  UNSEEN: ['\\Seen', false],
};

const ADDRESS_KEYS = new Set(['FROM', 'TO', 'CC', 'BCC', 'SUBJECT']);

function readKey(cursor: Cursor, lastSeq: number, lastUid: number): SearchKey {
  const token = next(cursor);
  if (token.kind === 'list') {
    const inner = { tokens: token.items, index: 0 };
    const keys: SearchKey[] = [];
    while (inner.index < inner.tokens.length) keys.push(readKey(inner, lastSeq, lastUid));
    return (m, seq) => keys.every((k) => k(m, seq));
  }
  const word = token.value.toUpperCase();
  const flag = FLAG_KEYS[word];
  if (flag) return (m) => m.flags.has(flag[0]) === flag[1];
  if (ADDRESS_KEYS.has(word)) {
    const needle = nextText(cursor);
    return (m) => headerContains(m, word, needle);
  }
  switch (word) {
    case 'ALL':
    case 'OLD':
      return () => true;
    case 'NEW':
    case 'RECENT':
      return () => false;
    case 'HEADER': {
      const name = nextText(cursor);
      const needle = nextText(cursor);
      return (m) => headerContains(m, name, needle);
    }
    case 'BODY': {
      const needle = nextText(cursor).toLowerCase();
      return (m) => splitMessage(m.raw).body.toLowerCase().includes(needle);
    }
    case 'TEXT': {
      const needle = nextText(cursor).toLowerCase();
      return (m) => m.raw.toLowerCase().includes(needle);
    }
    case 'KEYWORD': {
      const keyword = nextText(cursor);
      return (m) => m.flags.has(keyword);
    }
    case 'UNKEYWORD': {
      const keyword = nextText(cursor);
      return (m) => !m.flags.has(keyword);
    }
    case 'LARGER': {
      const size = nextNumber(cursor);
      return (m) => m.size > size;
    }
    case 'SMALLER': {
      const size = nextNumber(cursor);
      return (m) => m.size < size;
    }
    case 'BEFORE':
    case 'ON':
    case 'SINCE': {
      const day = nextDay(cursor);
      return (m) => compareDay(dayOf(m.receivedAt), day, word);
    }
    case 'SENTBEFORE':
    case 'SENTON':
    case 'SENTSINCE': {
      const day = nextDay(cursor);
      return (m) => compareDay(sentDay(m), day, word.slice(4));
    }
    case 'UID': {
      const ranges = parseSequenceSet(nextText(cursor), lastUid);
      return (m) => inRanges(m.uid, ranges);
    }
    case 'NOT': {
      const key = readKey(cursor, lastSeq, lastUid);
      return (m, seq) => !key(m, seq);
    }
    case 'OR': {
      const a = readKey(cursor, lastSeq, lastUid);
      const b = readKey(cursor, lastSeq, lastUid);
      return (m, seq) => a(m, seq) || b(m, seq);
    }
    default: {
      if (/^[\d*:,]+$/.test(word)) {
        const ranges = parseSequenceSet(word, lastSeq);
        return (_m, seq) => inRanges(seq, ranges);
      }
      throw new ImapSyntaxError(`unknown search key ${word}`);
    }
  }
}

function compareDay(value: number, day: number, how: string): boolean {
  if (how === 'BEFORE') return value < day;
  if (how === 'ON') return value === day;
  return value >= day;
}
