// SASL payloads (RFC 4422 and the OAuth mechanisms) and their redacted rendering for transcripts.
import { describeSecret } from '../wire/secrets';

export type ConcreteMechanism = 'XOAUTH2' | 'OAUTHBEARER' | 'PLAIN' | 'LOGIN';

export type SaslCredentials =
  { kind: 'token'; user: string; token: string } | { kind: 'password'; user: string; password: string };

export interface OAuthBearerContext {
  host: string;
  port: number;
}

const SOH = '\x01';

export function xoauth2Payload(user: string, token: string): string {
  return `user=${user}${SOH}auth=Bearer ${token}${SOH}${SOH}`;
}

/** RFC 7628: GS2 header, then host/port/auth key-value pairs separated by ^A. */
export function oauthBearerPayload(user: string, token: string, ctx: OAuthBearerContext): string {
  const saslName = user.replace(/=/g, '=3D').replace(/,/g, '=2C');
  return `n,a=${saslName},${SOH}host=${ctx.host}${SOH}port=${ctx.port}${SOH}auth=Bearer ${token}${SOH}${SOH}`;
}

export function plainPayload(user: string, password: string): string {
  return `\0${user}\0${password}`;
}

export function toBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Decodes strict base64, or returns null when the text is not base64 at all. */
export function fromBase64(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) return null;
  return Buffer.from(trimmed, 'base64').toString('utf8');
}

/** The first client message of a mechanism (sent inline with SASL-IR or after the first "+"). */
/** A line break or NUL inside a credential would end the SASL line early: refuse it. */
export function assertSaslSafe(creds: SaslCredentials): void {
  const secret = secretOf(creds);
  if (/[\r\n\0]/.test(creds.user)) throw new Error('The user name contains a line break or NUL');
  if (/[\r\n\0]/.test(secret))
    throw new Error(`The ${creds.kind === 'token' ? 'token' : 'password'} contains a line break or NUL`);
}

export function initialResponse(
  mech: ConcreteMechanism,
  creds: SaslCredentials,
  ctx: OAuthBearerContext,
): string {
  assertSaslSafe(creds);
  switch (mech) {
    case 'XOAUTH2':
      return toBase64(xoauth2Payload(creds.user, secretOf(creds)));
    case 'OAUTHBEARER':
      return toBase64(oauthBearerPayload(creds.user, secretOf(creds), ctx));
    case 'PLAIN':
      return toBase64(plainPayload(creds.user, secretOf(creds)));
    case 'LOGIN':
      return toBase64(creds.user);
  }
}

function secretOf(creds: SaslCredentials): string {
  return creds.kind === 'token' ? creds.token : creds.password;
}

/** Makes control characters visible: ^A for 0x01, ^@ for NUL. */
function showControls(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we look for
  return text.replace(/[\x00-\x1f]/g, (c) => `^${String.fromCharCode(c.charCodeAt(0) + 64)}`);
}

/** A JWT, or a long run of token characters: what an access token looks like in a payload. */
const TOKEN_LIKE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9._-]+|[A-Za-z0-9._~+/=-]{40,}/g;

/**
 * Renders the ^A-separated fields of XOAUTH2 / OAUTHBEARER with the bearer token redacted. A
 * malformed payload (spaces for ^A, a missing "auth=") is shown as it is, since that is often the
 * bug, but whatever follows "auth=" and any token-like run is still redacted.
 */
function describeOAuthFields(decoded: string): string {
  return decoded
    .split(SOH)
    .map((field) => {
      const at = field.search(/auth=/i);
      if (at >= 0) {
        const before = field.slice(0, at).replace(TOKEN_LIKE, (run) => describeSecret('value', run));
        const value = field.slice(at + 5);
        const scheme = /^(\S+)\s+(.*)$/s.exec(value);
        const shown = scheme
          ? `${scheme[1] ?? ''} ${describeSecret('token', scheme[2] ?? '')}`
          : describeSecret('value', value);
        return `${showControls(before)}${field.slice(at, at + 5)}${shown}`;
      }
      return showControls(field.replace(TOKEN_LIKE, (run) => describeSecret('value', run)));
    })
    .join('^A');
}

/**
 * The transcript text for a client SASL message: what it decodes to, with the secret part
 * replaced by its description. The structure stays visible because the user= part is often the bug.
 *
 * @param index 0 for the first client message of the exchange
 * @param _lastChallenge the server's last decoded challenge (kept for callers; LOGIN goes by order)
 */
export function describeSaslMessage(
  mech: string,
  index: number,
  base64: string,
  _lastChallenge: string | null,
): string {
  const raw = base64.trim();
  if (raw === '') return '(empty response)';
  if (raw === '*') return '* (client cancels the exchange)';
  if (raw === '=') return '= (empty initial response)';
  const decoded = fromBase64(raw);
  if (decoded === null) return describeSecret('undecodable SASL data', raw);
  const m = mech.toUpperCase();
  let shown: string;
  if (m === 'XOAUTH2' || m === 'XOAUTH' || m === 'OAUTHBEARER') {
    shown = decoded === SOH ? '^A (client aborts after an error)' : describeOAuthFields(decoded);
  } else if (m === 'PLAIN') {
    const parts = decoded.split('\0');
    const password = parts.pop() ?? '';
    shown = `${parts.map(showControls).join('^@')}^@${describeSecret('password', password)}`;
  } else if (m === 'LOGIN') {
    // The first answer is the user name, every later one the password, whatever the prompts say
    // (they are localised: "Benutzername:", "Kennwort:"); the dialogue sends them in that order.
    shown = index >= 1 ? describeSecret('password', decoded) : `username ${showControls(decoded)}`;
  } else {
    shown = describeSecret(`${m} data`, decoded);
  }
  return `[base64, ${raw.length} chars] ${shown}`;
}

/** The transcript text for a server challenge: the raw text, and what it decodes to. */
export function describeChallenge(base64: string): string | null {
  const decoded = fromBase64(base64);
  return decoded === null ? null : `decoded challenge: ${showControls(decoded)}`;
}
