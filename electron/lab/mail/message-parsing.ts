// Just enough RFC 5322 / MIME reading for the lab's IMAP FETCH and SEARCH and for SMTP's checks:
// header fields, addresses, and the MIME tree (for BODYSTRUCTURE and BODY[1.2] sections).

export interface HeaderField {
  name: string;
  /** The unfolded value. */
  value: string;
  /** The field as it appears, folding and CRLF included. */
  raw: string;
}

export interface Address {
  name: string | null;
  local: string;
  domain: string;
}

export interface MimePart {
  /** The header block including the blank line that ends it. */
  header: string;
  body: string;
  fields: HeaderField[];
  type: string;
  subtype: string;
  params: Array<[string, string]>;
  parts: MimePart[];
}

/** Splits at the first empty line; the header keeps its terminating blank line. */
export function splitMessage(raw: string): { header: string; body: string } {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf))
    return { header: raw.slice(0, crlf + 4), body: raw.slice(crlf + 4) };
  if (lf >= 0) return { header: raw.slice(0, lf + 2), body: raw.slice(lf + 2) };
  return { header: raw, body: '' };
}

export function parseHeaderFields(header: string): HeaderField[] {
  const fields: HeaderField[] = [];
  const lines = header.split(/(?<=\n)/);
  for (const line of lines) {
    if (/^\r?\n$/.test(line)) break;
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last.raw += line;
      last.value = `${last.value} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim(), raw: line });
  }
  return fields;
}

export function headerValue(fields: readonly HeaderField[], name: string): string | null {
  const wanted = name.toLowerCase();
  return fields.find((f) => f.name.toLowerCase() === wanted)?.value ?? null;
}

/** "Name <a@b>, c@d" -> addresses; group syntax and comments are read loosely. */
export function parseAddresses(value: string): Address[] {
  const result: Address[] = [];
  for (const item of splitOutsideQuotes(value.replace(/^[^:<"]*:(?=.*;\s*$)/, '').replace(/;\s*$/, ''))) {
    const angle = /^(.*)<([^>]*)>\s*$/.exec(item);
    const name = angle ? unquote((angle[1] ?? '').trim()) : null;
    const spec = (angle ? (angle[2] ?? '') : item.replace(/\(.*?\)/g, '')).trim();
    const at = spec.lastIndexOf('@');
    if (!spec) continue;
    result.push({
      name: name ? name : null,
      local: at > 0 ? spec.slice(0, at) : spec,
      domain: at > 0 ? spec.slice(at + 1) : '',
    });
  }
  return result;
}

export function addressText(address: Address): string {
  return address.domain ? `${address.local}@${address.domain}` : address.local;
}

function splitOutsideQuotes(value: string): string[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') angle += 1;
    else if (!quoted && ch === '>') angle = Math.max(0, angle - 1);
    if (ch === ',' && !quoted && angle === 0) {
      if (current.trim()) items.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) items.push(current.trim());
  return items;
}

function unquote(text: string): string {
  return text.startsWith('"') && text.endsWith('"') && text.length >= 2
    ? text.slice(1, -1).replace(/\\(.)/g, '$1')
    : text;
}

/** Content-Type and its parameters; text/plain; charset=us-ascii when absent (RFC 2045). */
export function parseContentType(value: string | null): {
  type: string;
  subtype: string;
  params: Array<[string, string]>;
} {
  if (!value) return { type: 'text', subtype: 'plain', params: [['charset', 'us-ascii']] };
  const [head = '', ...rest] = value.split(';');
  const [type = 'text', subtype = 'plain'] = head.trim().toLowerCase().split('/');
  const params: Array<[string, string]> = [];
  for (const param of rest) {
    const eq = param.indexOf('=');
    if (eq <= 0) continue;
    params.push([param.slice(0, eq).trim().toLowerCase(), unquote(param.slice(eq + 1).trim())]);
  }
  return { type, subtype, params };
}

const MAX_DEPTH = 8;

export function parseMime(raw: string, depth = 0): MimePart {
  const { header, body } = splitMessage(raw);
  const fields = parseHeaderFields(header);
  const { type, subtype, params } = parseContentType(headerValue(fields, 'Content-Type'));
  const part: MimePart = { header, body, fields, type, subtype, params, parts: [] };
  const boundary = params.find(([k]) => k === 'boundary')?.[1];
  if (type === 'multipart' && boundary && depth < MAX_DEPTH) {
    const delimiter = `--${boundary}`;
    const lines = body.split(/(?<=\n)/);
    let current: string[] | null = null;
    for (const line of lines) {
      const bare = line.replace(/\r?\n$/, '');
      if (bare === delimiter || bare === `${delimiter}--`) {
        if (current) part.parts.push(parseMime(current.join('').replace(/\r?\n$/, ''), depth + 1));
        current = bare === delimiter ? [] : null;
        if (!current) break;
        continue;
      }
      current?.push(line);
    }
  } else if (type === 'message' && subtype === 'rfc822' && depth < MAX_DEPTH) {
    part.parts.push(parseMime(body, depth + 1));
  }
  return part;
}

/** The part at an IMAP section path ("1", "2.1"), or null. A single-part message is its own part 1. */
export function partAt(root: MimePart, path: readonly number[]): MimePart | null {
  let current: MimePart = root;
  for (const index of path) {
    if (current.type === 'message' && current.subtype === 'rfc822' && current.parts[0])
      current = current.parts[0];
    if (current.parts.length === 0) {
      if (index !== 1) return null;
      continue;
    }
    const next = current.parts[index - 1];
    if (!next) return null;
    current = next;
  }
  return current;
}
