// What a pasted text carries beside its error words: SASL exchanges (PLAIN, LOGIN, XOAUTH2,
// OAUTHBEARER), the server's challenges, bearer tokens, form bodies and URLs with passwords. Read
// once, line by line, before anything else reads the text: the payloads are decoded into evidence
// (who signed in, with which mechanism, how well formed, what the server's challenge said, the
// token inside the payload), and every secret is replaced by its description, with the
// transcript's own rules, so that no finding, evidence line or screen repeats it.
/* eslint-disable no-control-regex -- SASL payloads are made of NUL and 0x01 bytes: matching them is the point. */
import { describeSaslMessage, describeChallenge, fromBase64 } from '../protocols/sasl';
import { describeSecret } from '../wire/secrets';

export type PastedMechanism = 'XOAUTH2' | 'OAUTHBEARER' | 'PLAIN' | 'LOGIN';

export interface PastedSasl {
  mechanism: PastedMechanism;
  /** The user the payload names (user= of XOAUTH2, a= of OAUTHBEARER, the PLAIN or LOGIN name). */
  user: string | null;
  /** XOAUTH2: user=...^Aauth=Bearer ...^A^A exactly; the other mechanisms: their own framing. */
  wellFormed: boolean;
}

export interface PastedChallenge {
  /** The decoded challenge as the server sent it: `{"status":"400","schemes":"Bearer",...}`. */
  decoded: string;
  status: string | null;
  scope: string | null;
}

export interface PastedText {
  /** The text with every secret replaced by its description; line breaks kept. */
  text: string;
  sasl: PastedSasl[];
  challenges: PastedChallenge[];
  /** The first JWT of the text, raw or inside a payload: for the token inspector, never shown. */
  jwt: string | undefined;
  /** How many secrets were replaced. */
  redacted: number;
}

/** Whether a text can hold a SASL exchange or a challenge at all, and a line an AUTH command. */
const SASL_ANYWHERE = /AUTH|334 |\+ /i;
const AUTH_WORD = /auth/i;
const MECHANISMS = new Set<string>(['PLAIN', 'LOGIN', 'XOAUTH2', 'XOAUTH', 'OAUTHBEARER']);
/** A SASL exchange's start: "AUTH PLAIN <initial>", "A1 AUTHENTICATE XOAUTH2 <initial>". */
const SASL_START =
  /\bAUTH(?:ENTICATE)?\s{1,4}(PLAIN|LOGIN|XOAUTH2|XOAUTH|OAUTHBEARER)\b(?:\s{1,4}(\S{1,65536}))?/i;
/** A server challenge inside an exchange: "334 <base64>", "+ <base64>". */
const CHALLENGE = /(?:^|[\s:>\]])(?:334|\+)\s{1,4}([A-Za-z0-9+/]{4,65536}={0,2})\s*$/;
/** A client's answer inside an exchange: a line that ends in a base64 run after a short prefix. */
const CLIENT_ANSWER = /^((?:.{0,60}?[\s:>\]])?)([A-Za-z0-9+/]{4,65536}={0,2})\s*$/;
/** Longer lines are not a client's SASL answer (and would cost the answer test 60 tries each). */
const MAX_ANSWER_LINE = 70_000;
/** A server's final word on the exchange: an SMTP reply, an IMAP tagged answer, a POP3 status. */
const FINAL_REPLY = /(?:^|[\s:>\]])(?:[245]\d\d(?:[ -]|$)|(?:OK|NO|BAD)\b|[+-]OK\b|-ERR\b)/;
/** Lines an exchange lasts at most: a prose mention of "AUTH PLAIN" does not redact a page. */
const EXCHANGE_LINES = 8;
/** Base64 runs checked for a payload outside an exchange, and the longest one decoded. */
const MAX_RUNS = 5000;
const MAX_RUN = 65536;
// Runs that can be a SASL payload: PLAIN without authzid starts with NUL ("A"), XOAUTH2 with
// "user=" ("dXNlcj"), OAUTHBEARER with "n," ("bi").
const PAYLOAD_RUN = /(?<![A-Za-z0-9+/])(?:A|dXNlcj|bi)[A-Za-z0-9+/]{14,65536}={0,2}(?![A-Za-z0-9+/=])/g;
const AUTHORIZATION =
  /\b((?:Proxy-)?Authorization"?[ \t]{0,3}[:=][ \t]{0,3}"?)(?:(Basic|Bearer|Negotiate|NTLM|Digest)[ \t]{1,3})?([^\s",;<]{4,65536})/gi;
const BEARER = /\b(Bearer[ \t]{1,3})([A-Za-z0-9._~+/-]{20,65536}=*)/g;
const SECRET_FIELD =
  /\b(client_secret|client_assertion|password|passwd|pwd|refresh_token|access_token|id_token|code_verifier|assertion)("?[ \t]{0,3}[=:][ \t]{0,3}"?)([^\s&"',;<>]{1,65536})/gi;
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]{1,20}:\/\/[^\s/:@]{1,256}):([^\s/@]{1,256})@/gi;
/** Runs of base64url and dots: a JWT is one, and is told by its parts (no search from every "eyJ"). */
const DOTTED_RUN = /[A-Za-z0-9_.-]{30,}/g;
const JWT_PART = /^eyJ[A-Za-z0-9_-]{8,}$/;
const JWT_WHOLE = /^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/;
/** IMAP "a LOGIN user password" and POP3 "PASS password" (not a server's "NO LOGIN failed"). */
const IMAP_LOGIN =
  /^(.{0,40}?\b(?!(?:NO|BAD|OK|BYE|\S*AUTH)\b)\S{1,20}[ \t]{1,3}LOGIN[ \t]{1,3}(?:"[^"\n]{0,300}"|\S{1,300})[ \t]{1,3})("[^"\n]{0,300}"|\S{1,300})/i;
/** What follows "login" in a sentence rather than a command ("Invalid login or password", "Too many
 * login attempts, please ..."): a user name is never one of these words. */
const PROSE_AFTER_LOGIN =
  /\b[Ll]ogin[ \t]{1,3}(?:or|and|attempts?,?|failed|failure|for|to|with|from|is|was|has|error|details|credentials|name)[ \t]{1,3}$/;

function isProse(before: string): boolean {
  return PROSE_AFTER_LOGIN.test(before);
}
const POP3_PASS = /^(.{0,40}?\bPASS[ \t]{1,3})(\S.{0,300})$/;
/** The lines of a text that hold a word: each tried once (an anchored pattern tried at every line start
 * with a lazy prefix costs its prefix's length a line). */
const LOGIN_LINE = /^[^\n]*\bLOGIN\b[^\n]*$/gim;
const PASS_LINE = /^[^\n]*\bPASS\b[^\n]*$/gm;

function decodeRun(run: string): string | null {
  if (run.length > MAX_RUN) return null;
  const padded = run.length % 4 === 0 ? run : run.replace(/=+$/, '');
  const decoded = fromBase64(
    padded.length % 4 === 0 ? padded : `${padded}${'='.repeat(4 - (padded.length % 4))}`,
  );
  if (decoded === null || decoded.includes('\uFFFD')) return null;
  return decoded;
}

/** What a decoded client payload is, if it is one. */
function payloadOf(decoded: string, mechanism: PastedMechanism | null): PastedSasl | null {
  if (/^user=/.test(decoded) || (mechanism === 'XOAUTH2' && /auth=/i.test(decoded))) {
    const user = /^user=([^\x01\s]*)/.exec(decoded)?.[1] ?? null;
    return {
      mechanism: 'XOAUTH2',
      user,
      wellFormed: /^user=[^\x01]*\x01auth=Bearer [^\x01]+\x01\x01$/.test(decoded),
    };
  }
  if (/^n,(a=[^,]*)?,/.test(decoded) || mechanism === 'OAUTHBEARER') {
    const user = /^n,a=([^,]*),/.exec(decoded)?.[1]?.replace(/=2C/g, ',').replace(/=3D/g, '=') ?? null;
    return { mechanism: 'OAUTHBEARER', user, wellFormed: /\x01auth=Bearer [^\x01]+\x01\x01$/.test(decoded) };
  }
  const plain = /^([^\0]*)\0([^\0]+)\0([^\0]+)$/.exec(decoded);
  if (plain && (mechanism === 'PLAIN' || mechanism === null))
    return { mechanism: 'PLAIN', user: plain[2] ?? null, wellFormed: true };
  return null;
}

/** The access token inside a decoded OAuth payload, when it is a JWT. */
function jwtInside(decoded: string): string | undefined {
  const token = /auth=Bearer ([^\x01\s]+)/i.exec(decoded)?.[1];
  return token && JWT_WHOLE.test(token) ? token : undefined;
}

function parseChallenge(decoded: string): PastedChallenge | null {
  if (!decoded.trim().startsWith('{')) return null;
  try {
    const json = JSON.parse(decoded) as Record<string, unknown>;
    const text = (v: unknown): string | null =>
      typeof v === 'string' || typeof v === 'number' ? String(v) : null;
    return { decoded: decoded.trim(), status: text(json.status), scope: text(json.scope) };
  } catch {
    return {
      decoded: decoded.trim(),
      status: /"status"\s*:\s*"?(\w+)/.exec(decoded)?.[1] ?? null,
      scope: null,
    };
  }
}

/** A server line that is an error challenge ("334 <base64 JSON>", "+ <base64 JSON>"), decoded. */
export function challengeOf(line: string): PastedChallenge | null {
  const challenge = CHALLENGE.exec(line);
  const decoded = challenge ? decodeRun(challenge[1] ?? '') : null;
  return decoded === null ? null : parseChallenge(decoded);
}

interface Exchange {
  mechanism: PastedMechanism;
  /** Client messages seen so far (LOGIN: 0 the user name, then the password). */
  index: number;
  /** Lines left before the exchange is taken as over. */
  linesLeft: number;
}

function mechanismOf(name: string): PastedMechanism {
  const upper = name.toUpperCase();
  return upper === 'XOAUTH' ? 'XOAUTH2' : (upper as PastedMechanism);
}

/** Worth redacting as a SASL message: decodes, or is long enough to be a cut secret. */
function looksLikePayload(run: string): boolean {
  return decodeRun(run) !== null || (run.length >= 12 && /[0-9+/=]|[a-z][A-Z]/.test(run));
}

/** How many pasted client payloads are decoded to be read; every one is redacted all the same. */
const MAX_DECODES = 200;

export function readPastedSecrets(input: string): PastedText {
  const sasl: PastedSasl[] = [];
  const challenges: PastedChallenge[] = [];
  let jwt: string | undefined;
  let redacted = 0;
  let exchange: Exchange | null = null;
  // The first payloads tell what was sent; a megabyte of the same dialogue is only redacted.
  let decodes = 0;
  const noteClient = (run: string, mechanism: PastedMechanism | null): void => {
    if (decodes >= MAX_DECODES || (sasl.length >= 100 && jwt !== undefined)) return;
    decodes += 1;
    const decoded = decodeRun(run);
    if (decoded === null) return;
    const payload = payloadOf(decoded, mechanism);
    if (payload && sasl.length < 100) sasl.push(payload);
    jwt ??= jwtInside(decoded);
  };
  const describe = (mechanism: PastedMechanism, index: number, run: string): string => {
    redacted += 1;
    return describeSaslMessage(mechanism, index, run, null);
  };

  // The SASL exchanges are followed line by line, and only where the text can hold one; the
  // other secrets are redacted over the whole text at once (each a single global scan).
  let text = input;
  if (SASL_ANYWHERE.test(input)) {
    const out: string[] = [];
    for (const original of input.split('\n')) {
      let line = original;
      if (line.length < 3) {
        out.push(line);
        if (exchange && --exchange.linesLeft <= 0) exchange = null;
        continue;
      }
      const start = AUTH_WORD.test(line) ? SASL_START.exec(line) : null;
      const second = start?.[2];
      // "250-AUTH LOGIN PLAIN XOAUTH2" lists mechanisms: no exchange starts there.
      if (start && !(second !== undefined && MECHANISMS.has(second.toUpperCase()))) {
        exchange = { mechanism: mechanismOf(start[1] ?? ''), index: 0, linesLeft: EXCHANGE_LINES };
        if (
          second !== undefined &&
          second !== '=' &&
          /^[A-Za-z0-9+/]+={0,2}$/.test(second) &&
          looksLikePayload(second)
        ) {
          noteClient(second, exchange.mechanism);
          const at = start.index + start[0].length - second.length;
          line = `${line.slice(0, at)}${describe(exchange.mechanism, 0, second)}${line.slice(at + second.length)}`;
          exchange.index = 1;
        }
      } else {
        const challenge = line.includes('334') || line.includes('+') ? CHALLENGE.exec(line) : null;
        if (challenge) {
          const parsed = challengeOf(line);
          if (parsed && challenges.length < 100) challenges.push(parsed);
          const note = describeChallenge(challenge[1] ?? '');
          if (note && parsed) line = `${line} (${note})`;
        } else if (exchange && FINAL_REPLY.test(line)) {
          exchange = null;
        } else if (exchange && line.length <= MAX_ANSWER_LINE) {
          const answer = CLIENT_ANSWER.exec(line);
          const run = answer?.[2];
          if (answer && run !== undefined && looksLikePayload(run)) {
            noteClient(run, exchange.mechanism);
            line = `${answer[1] ?? ''}${describe(exchange.mechanism, exchange.index, run)}`;
            exchange.index += 1;
          }
        }
        if (exchange && --exchange.linesLeft <= 0) exchange = null;
      }
      out.push(line);
    }
    text = out.join('\n');
  }
  text = redactText(text, {
    payload: (run) => {
      const decoded = decodeRun(run);
      const payload = decoded === null ? null : payloadOf(decoded, null);
      if (!payload || decoded === null) return null;
      noteClient(run, null);
      return describe(payload.mechanism, 0, run);
    },
    jwt: (token) => {
      jwt ??= token;
    },
    count: () => {
      redacted += 1;
    },
  });
  return { text, sasl, challenges, jwt, redacted };
}

interface LineHooks {
  /** A base64 run that may be a payload: its description, or null to keep it. */
  payload(run: string): string | null;
  jwt(token: string): void;
  count(): void;
}

/** The secrets any text may hold, wherever they stand: one global scan each, where it can match. */
function redactText(input: string, hooks: LineHooks): string {
  let line = input;
  let runs = 0;
  line = line.replace(PAYLOAD_RUN, (run) => (++runs > MAX_RUNS ? run : (hooks.payload(run) ?? run)));
  if (/[=:]/.test(line))
    line = line.replace(SECRET_FIELD, (_m, key: string, sep: string, value: string) => {
      hooks.count();
      if (JWT_WHOLE.test(value)) hooks.jwt(value);
      const kind = /pass|pwd|secret|assertion|verifier/i.test(key) ? 'secret' : 'token';
      return `${key}${sep}${describeSecret(kind, value)}`;
    });
  if (/authorization/i.test(line))
    line = line.replace(AUTHORIZATION, (_m, key: string, scheme: string | undefined, value: string) => {
      hooks.count();
      if (JWT_WHOLE.test(value)) hooks.jwt(value);
      return `${key}${scheme ? `${scheme} ` : ''}${describeSecret(/^bearer$/i.test(scheme ?? '') ? 'token' : 'authorization secret', value)}`;
    });
  if (line.includes('Bearer'))
    line = line.replace(BEARER, (_m, key: string, value: string) => {
      hooks.count();
      if (JWT_WHOLE.test(value)) hooks.jwt(value);
      return `${key}${describeSecret('token', value)}`;
    });
  if (line.includes('eyJ'))
    line = line.replace(DOTTED_RUN, (run) => {
      const parts = run.split('.');
      const [header, payload, signature] = parts;
      if (parts.length < 3 || !JWT_PART.test(header ?? '') || !JWT_PART.test(payload ?? '')) return run;
      hooks.jwt(`${header}.${payload}.${signature}`);
      if ((signature ?? '').length < 16) return run;
      hooks.count();
      return `${header}.${payload}.<signature redacted>${parts.length > 3 ? `.${parts.slice(3).join('.')}` : ''}`;
    });
  if (line.includes('://'))
    line = line.replace(URL_PASSWORD, (_m, before: string, password: string) => {
      hooks.count();
      return `${before}:${describeSecret('password', password)}@`;
    });
  if (/LOGIN/i.test(line))
    line = line.replace(LOGIN_LINE, (whole) =>
      whole.replace(IMAP_LOGIN, (m: string, before: string, password: string) => {
        // A sentence, not a command: its "user name" is a word of the sentence.
        if (isProse(before)) return m;
        hooks.count();
        return `${before}${describeSecret('password', password)}`;
      }),
    );
  if (line.includes('PASS'))
    line = line.replace(PASS_LINE, (whole) =>
      whole.replace(POP3_PASS, (_m, before: string, password: string) => {
        hooks.count();
        return `${before}${describeSecret('password', password)}`;
      }),
    );
  return line;
}
