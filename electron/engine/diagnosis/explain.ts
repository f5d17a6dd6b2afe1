// `mailprobe explain`: any pasted error text or transcript (ours or another client's: curl -v,
// MailKit, Thunderbird, Python, Java Mail, PHPMailer, .NET, a token-endpoint JSON) -> ranked
// findings through the same rules as a run. Text it does not recognise gives no finding.
/* eslint-disable no-control-regex -- XOAUTH2 framing is made of 0x01 bytes: matching them is the point. */
import type { Finding, MailProtocol } from '../../../shared/report/model';
import type { ExchangeRegistration } from '../../../shared/report/model';
import type { Evidence, MailFailure } from './evidence';
import { EMPTY_CONTEXT } from './context';
import { aadstsCodes, isGenericRejection, matchText } from './patterns';
import { diagnose } from './diagnose';
import { inspectToken } from '../identity/inspect';
import { matchKnowledge } from './knowledge';
import { readText } from './reader';

const MAX_TEXT = 2 * 1024 * 1024;
const JWT = /^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/;

/**
 * The first JWT in a text: the text is cut into runs of base64url characters and dots in one pass,
 * and each run is tested whole (a search for "eyJ..." from every position would be quadratic).
 */
function firstJwt(text: string): string | undefined {
  for (const run of text.matchAll(/[A-Za-z0-9_.-]{30,}/g)) if (JWT.test(run[0])) return run[0];
  return undefined;
}
// Bounded parts: an unbounded run before the @ is retried from every position (quadratic).
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/;
// An SMTP reply with an enhanced status code of failure ("550 5.5.105 ..."): a failure to read.
const ENHANCED_REPLY = /^[45]\d\d[ -][45]\.\d{1,3}\.\d{1,3}\b/;
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Which protocol a line belongs to, from its shape. */
function protocolOf(line: string, fallback: MailProtocol | null): MailProtocol | null {
  if (/\bIMAP|AUTHENTICATE\b|^\S+ (NO|BAD|OK)\b|\* BYE|imaplib|ImapClient|ImapFlow/i.test(line))
    return 'imap';
  if (/\bPOP3?\b|^[+-](OK|ERR)\b|poplib|Pop3Client/i.test(line)) return 'pop3';
  if (/\bSMTP|^\d{3}[ -]\d\.\d|^\d{3} |smtplib|SmtpClient|nodemailer|PHPMailer|sendmail|EHLO/i.test(line))
    return 'smtp';
  return fallback;
}

function credentialOf(text: string): Evidence['credential'] {
  if (/XOAUTH2|OAUTHBEARER|Bearer|access[_ ]token|OAuth/i.test(text)) return 'token';
  if (
    /\bLOGIN\b.{0,200}\bpassword|AUTH (PLAIN|LOGIN)|\bPASS\b|password|basic auth|\bLOGIN failed/i.test(text)
  )
    return 'password';
  return 'unknown';
}

function providerOf(text: string): Evidence['provider'] {
  // "(Failure)" ends Gmail's IMAP refusals: "Invalid credentials (Failure)".
  if (/gmail|google|googleapis|mail\.google\.com|\(Failure\)/i.test(text)) return 'google';
  if (/office365|outlook|hotmail|live\.com|microsoft|exchange|AADSTS|login\.microsoftonline/i.test(text))
    return 'microsoft';
  return 'unknown';
}

function decodeXoauth2(text: string): Evidence['saslPayloads'] {
  const out: Evidence['saslPayloads'] = [];
  for (const m of text.matchAll(/(?:XOAUTH2\s+|^\s*|\+\s+|334\s+)([A-Za-z0-9+/]{16,}={0,2})\s*$/gm)) {
    const decoded = Buffer.from(m[1] ?? '', 'base64').toString('utf8');
    const user = /user=([^\x01\s]*)/.exec(decoded)?.[1];
    if (user === undefined || !/auth=/.test(decoded)) continue;
    out.push({ user, wellFormed: /^user=[^\x01]*\x01auth=Bearer [^\x01]+\x01\x01$/.test(decoded) });
  }
  return out;
}

/**
 * A pasted New-ServicePrincipal command says which ObjectId Exchange was given: the last one
 * pasted (an earlier attempt may have been undone), by -ObjectId or the older -ServiceId.
 */
function registeredIn(text: string): ExchangeRegistration | null {
  const GUID_AT =
    /-(?:ObjectId|ServiceId)(?::|\s+)['"]?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;
  let objectId: string | undefined;
  for (const command of text.match(/New-ServicePrincipal\b[^\n]*/gi) ?? [])
    objectId = GUID_AT.exec(command)?.[1] ?? objectId;
  return objectId ? { objectId, source: 'text' } : null;
}

export function evidenceFromText(input: string): Evidence {
  const text = input.length > MAX_TEXT ? input.slice(0, MAX_TEXT) : input;
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  let current: MailProtocol | null = /imap/i.test(text)
    ? 'imap'
    : /pop3?/i.test(text)
      ? 'pop3'
      : /smtp/i.test(text)
        ? 'smtp'
        : null;
  const host = /\b((?:outlook|smtp|imap|pop)[\w.-]{0,200}\.(?:com|us|cn))\b/i.exec(text)?.[1] ?? null;
  // Leave the Microsoft check to the provider when the text names no host.
  const failures: MailFailure[] = [];
  for (const line of lines) {
    current = protocolOf(line, current);
    if (/AADSTS\d/.test(line)) continue; // token endpoint, below
    if (matchText(line).length === 0 && !isGenericRejection(line) && !ENHANCED_REPLY.test(line)) continue;
    failures.push({
      protocol: current,
      step: isGenericRejection(line) ? 'auth' : null,
      code: null,
      said: line.slice(0, 500),
      security: null,
      port: null,
      host,
      outcome: null,
    });
  }
  const codes = aadstsCodes(text);
  const jwt = firstJwt(text);
  const section = jwt
    ? inspectToken(jwt, { protocols: current ? [current] : ['imap', 'pop3', 'smtp'] })
    : null;
  const claims = section && Object.keys(section.claims).length ? section.claims : null;
  return {
    source: 'text',
    tokenEndpoint: codes.length ? { codes, text: lines.find((l) => /AADSTS\d/.test(l)) ?? '' } : null,
    identityUnreachable: null,
    claims,
    claimChecks: section?.checks ?? [],
    credential: credentialOf(text),
    provider: providerOf(text),
    failures,
    authPassed: [],
    mailboxOpened: [],
    warnings: [],
    saslPayloads: decodeXoauth2(text),
    pop3InitialResponseRefused:
      /AUTH XOAUTH2 [A-Za-z0-9+/]{20,}={0,2}\s*$/m.test(text) && /^-ERR/m.test(text),
    exchangeRegistration: registeredIn(text),
    // Every documented error the text holds, each with the protocol of the line it was found in.
    knowledge: matchKnowledge(readText(text)).map((hit) => ({
      ...hit,
      protocol: protocolOf(hit.line, null) ?? hit.protocol,
    })),
    context: {
      ...EMPTY_CONTEXT,
      mailbox: /user=([^\s\x01^@]{1,64}@[^\s\x01^]{1,253})/.exec(text)?.[1] ?? EMAIL.exec(text)?.[0] ?? null,
      // Only where the text names them: a bare GUID in a log is as often a trace id.
      clientId:
        typeof claims?.appid === 'string'
          ? claims.appid
          : (new RegExp(`(?:identifier|app) '(${GUID.source})'`, 'i').exec(text)?.[1] ?? null),
      tenant: typeof claims?.tid === 'string' ? claims.tid : (/Tenant '([^']+)'/i.exec(text)?.[1] ?? null),
      servicePrincipalId: typeof claims?.oid === 'string' ? claims.oid : null,
      registeredServicePrincipalId: registeredIn(text)?.objectId ?? null,
    },
  };
}

export function explain(text: string): Finding[] {
  return diagnose(evidenceFromText(text));
}
