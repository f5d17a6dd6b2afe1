// Exchange Online hides the name of the backend server that answered in its IMAP and POP3
// greetings, as base64 of UTF-16LE text in square brackets:
//   * OK The Microsoft Exchange IMAP4 service is ready. [TQBOADIAUABSADAA...]
// Support staff quote that name to Microsoft, so we decode it.

const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9.-]{2,252}$/;

export function decodeServerTag(greeting: string): string | null {
  for (const match of greeting.matchAll(/\[([A-Za-z0-9+/]{8,}={0,2})\]/g)) {
    const b64 = match[1] ?? '';
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length % 2 !== 0) continue;
    const text = bytes.toString('utf16le');
    if (HOSTNAME.test(text)) return text;
  }
  return null;
}

/**
 * The greeting for a summary: without the status prefix (`* OK`, `+OK`, `220`), and with
 * Exchange's base64 tag replaced by the backend server name it encodes.
 */
export function greetingText(line: string): string {
  const text = line.replace(/^(\* OK|\+OK|220[ -])\s*/i, '');
  const backend = decodeServerTag(text);
  return backend ? `${text.replace(/\s*\[[A-Za-z0-9+/]{8,}={0,2}\]/, '')} (backend ${backend})` : text;
}
