// The tolerant reader: what a person pastes is rarely clean. Before anything is matched, escapes
// are decoded (JSON, URL, HTML), quotes straightened, line wraps and indentation undone, and the
// codes found wherever they hide: with or without their prefix, inside JSON, masked ("AADSTS7000XXX")
// or bare ("Error Code: 53003"). Every step is one pass over the text, so a pasted megabyte is
// read in linear time.

export interface ReadText {
  /** Escapes decoded, HTML tags that only format removed; line breaks kept. */
  decoded: string;
  /** The decoded text's lines, trimmed, empty ones dropped: what evidence quotes. */
  lines: string[];
  /**
   * For phrase matching: the lines folded (lower case, accents and typographic quotes plain, white
   * space runs one space) and joined by one space, so a phrase wrapped over two lines still matches.
   */
  folded: string;
  /** The folded offset where each line starts. */
  lineStarts: number[];
  codes: TextCodes;
}

export interface TextCodes {
  /** AADSTS codes, from "AADSTS7000215", `"error_codes":[7000215]` or a bare "Error Code: 53003". */
  aadsts: number[];
  /** Digits of masked or cut AADSTS codes ("AADSTS70002XX" -> "70002"): matched by prefix. */
  aadstsPrefixes: string[];
  /** Enhanced status codes (RFC 3463): "5.7.139", "4.3.2". */
  enhanced: string[];
}

const URL_ESCAPES = /(?:%[0-9A-Fa-f]{2}){1,400}/g;
const HTML_ENTITY = /&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|quot|amp|lt|gt|apos|nbsp);/g;
const FORMAT_TAG =
  /<\/?(?:br|p|div|span|pre|code|b|i|u|em|strong|td|tr|th|table|tbody|li|ul|ol|h[1-6]|font|small)\b[^<>]{0,300}>/gi;
const ENTITIES: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'", nbsp: ' ' };

function fromCodePoint(n: number): string {
  return Number.isInteger(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '';
}

const HEX4 = /^[0-9a-fA-F]{4}$/;

/** One escape at `at` (a backslash): what it stands for and how long it is, or null. */
function jsonEscapeAt(text: string, at: number): { value: string; length: number } | null {
  const c = text.charAt(at + 1);
  switch (c) {
    case 'n':
      return { value: '\n', length: 2 };
    case 'r':
      return { value: '\r', length: 2 };
    case 't':
      return { value: ' ', length: 2 };
    case '"':
    case '\\':
    case '/':
      return { value: c, length: 2 };
    case 'u': {
      const hex = text.slice(at + 2, at + 6);
      return HEX4.test(hex) ? { value: fromCodePoint(parseInt(hex, 16)), length: 6 } : null;
    }
    default:
      return null;
  }
}

/** Escapes above this count are decoded character by character into a buffer (many small
 * slices joined cost more than one pass over the text). */
const DENSE_ESCAPES = 10_000;

/** JSON escapes decoded in one scan from backslash to backslash (a replace with a callback per
 * escape is several times slower on an escaped megabyte). */
function decodeJsonEscapes(text: string): string {
  let at = text.indexOf('\\');
  if (at === -1) return text;
  const out: string[] = [];
  let from = 0;
  while (at !== -1) {
    if (out.length > 2 * DENSE_ESCAPES) return decodeDenseJsonEscapes(text);
    const escape = jsonEscapeAt(text, at);
    if (escape) {
      out.push(text.slice(from, at), escape.value);
      from = at + escape.length;
      at = text.indexOf('\\', from);
    } else at = text.indexOf('\\', at + 1);
  }
  out.push(text.slice(from));
  return out.join('');
}

const SIMPLE_ESCAPE: Record<number, number> = { 110: 10, 114: 13, 116: 32, 34: 34, 92: 92, 47: 47 };

/** The same decoding for a text made mostly of escapes: one pass over its UTF-16 code units. */
function decodeDenseJsonEscapes(text: string): string {
  const n = text.length;
  const out = new Uint16Array(n);
  let j = 0;
  for (let i = 0; i < n; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 92 && i + 1 < n) {
      const next = text.charCodeAt(i + 1);
      const simple = SIMPLE_ESCAPE[next];
      if (simple !== undefined) {
        out[j++] = simple;
        i += 1;
        continue;
      }
      if (next === 117 && HEX4.test(text.slice(i + 2, i + 6))) {
        out[j++] = parseInt(text.slice(i + 2, i + 6), 16);
        i += 5;
        continue;
      }
    }
    out[j++] = c;
  }
  const chunks: string[] = [];
  for (let k = 0; k < j; k += 8192)
    chunks.push(String.fromCharCode(...out.subarray(k, Math.min(j, k + 8192))));
  return chunks.join('');
}

function decodeUrlEscapes(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(URL_ESCAPES, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

function decodeHtml(text: string): string {
  if (!text.includes('&') && !text.includes('<')) return text;
  return text
    .replace(/<br\s{0,3}\/?>/gi, '\n')
    .replace(FORMAT_TAG, ' ')
    .replace(HTML_ENTITY, (_m, e: string) => {
      if (e.startsWith('#x') || e.startsWith('#X')) return fromCodePoint(parseInt(e.slice(2), 16));
      if (e.startsWith('#')) return fromCodePoint(Number(e.slice(1)));
      return ENTITIES[e] ?? _m;
    });
}

/** Lower case, accents and typographic quotes and dashes plain; line breaks kept. */
function foldCharacters(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201a\u201b\u2032\u0060\u00b4]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033\u00ab\u00bb]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-');
}

/** The folding both a text and a known phrase go through before they are compared. */
export function fold(text: string): string {
  return foldCharacters(text).replace(/\s+/g, ' ').trim();
}

function codesOf(text: string): TextCodes {
  const aadsts = new Set<number>();
  const prefixes = new Set<string>();
  const enhanced = new Set<string>();
  for (const m of text.matchAll(/AADSTS\s{0,2}-?\s{0,2}(\d{4,7})(?![\d])/gi)) aadsts.add(Number(m[1]));
  for (const m of text.matchAll(/"error_codes"\s{0,20}:\s{0,20}\[([\d,\s]{1,200})\]/g))
    for (const c of (m[1] ?? '').split(',')) if (c.trim()) aadsts.add(Number(c.trim()));
  // A bare code in an application's own words: "Error Code: 53003", "error code 7000215".
  for (const m of text.matchAll(/\berror[ _-]?code\s{0,3}[:=#]?\s{0,3}(\d{5,7})\b/gi))
    aadsts.add(Number(m[1]));
  for (const m of text.matchAll(/AADSTS(\d{2,6})[Xx*#?.]{1,5}/g)) prefixes.add(m[1] ?? '');
  for (const m of text.matchAll(/(?<![\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.])/g)) enhanced.add(m[1] ?? '');
  return { aadsts: [...aadsts], aadstsPrefixes: [...prefixes].filter(Boolean), enhanced: [...enhanced] };
}

// A reply line's code and, when it has one, its enhanced status code: "250-", "535 5.7.139 ".
const REPLY_PREFIX = /^(\d{3})([ -])(?:[245]\.\d{1,3}\.\d{1,3}(?:\s|$))?\s{0,8}/;

/** The lines with the repeated code of a multi-line SMTP reply's later lines taken off; one pass,
 * each line looked at once with a bounded pattern. */
function unwrapReplies(lines: string[]): string[] {
  let open: string | null = null;
  return lines.map((line) => {
    const m = REPLY_PREFIX.exec(line);
    if (!m) {
      open = null;
      return line;
    }
    const continued = open === m[1];
    open = m[2] === '-' ? (m[1] ?? null) : null;
    return continued ? line.slice(m[0].length) : line;
  });
}

export function readText(input: string): ReadText {
  const decoded = decodeHtml(decodeUrlEscapes(decodeJsonEscapes(input.replace(/\r\n?/g, '\n')))).replace(
    /\r\n?/g,
    '\n',
  );
  const lines: string[] = [];
  for (const raw of decoded.split('\n')) {
    const line = raw.trim();
    if (line) lines.push(line);
  }
  // Folded all at once (one pass of each replacement, not one per line); folding never makes or
  // removes a line break, so the line starts are where the breaks of the folded text are, and the
  // breaks then become spaces (a phrase wrapped over two lines still matches). A multi-line SMTP
  // reply repeats its code on every line ("535-5.7.139 ...", "535 5.7.139 ..."): the repeats are
  // left out of what is matched, so a sentence the server wrapped reads as one.
  const collapsed =
    lines.length === 0 ? '' : foldCharacters(unwrapReplies(lines).join('\n')).replace(/[^\S\n]+/g, ' ');
  const lineStarts: number[] = lines.length === 0 ? [] : [0];
  for (let at = collapsed.indexOf('\n'); at !== -1; at = collapsed.indexOf('\n', at + 1))
    lineStarts.push(at + 1);
  return { decoded, lines, folded: collapsed.replaceAll('\n', ' '), lineStarts, codes: codesOf(decoded) };
}

/** The line a folded offset falls in (binary search over the line starts). */
export function lineAt(read: ReadText, foldedOffset: number): string {
  let lo = 0;
  let hi = read.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((read.lineStarts[mid] ?? 0) <= foldedOffset) lo = mid;
    else hi = mid - 1;
  }
  return read.lines[lo] ?? '';
}
