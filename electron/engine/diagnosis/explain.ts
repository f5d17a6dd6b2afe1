// `mailprobe explain`: any pasted error text or transcript (ours or another client's: curl -v,
// MailKit, Thunderbird, Python, Java Mail, PHPMailer, .NET, a token-endpoint JSON) -> ranked
// findings through the same rules as a run. Text it does not recognise gives no finding.
import type { Finding, MailProtocol } from '../../../shared/report/model';
import type { ExchangeRegistration } from '../../../shared/report/model';
import type { Evidence, MailFailure } from './evidence';
import { EMPTY_CONTEXT, type FixContext } from './context';
import { GENERIC_REJECTION, aadstsCodes } from './patterns';
import { diagnose } from './diagnose';
import { inspectToken } from '../identity/inspect';
import { matchKnowledge } from './knowledge';
import { readText } from './reader';
import { serviceOfHost } from '../../../shared/config/sending-paths';
import { readPastedSecrets } from './pasted-secrets';

const MAX_TEXT = 2 * 1024 * 1024;
// Bounded parts: an unbounded run before the @ is retried from every position (quadratic).
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/;

/**
 * The first e-mail address, looked for only around each of the first 500 "@" (a scan from every
 * position of a long text costs 64 steps a character).
 */
function firstEmail(text: string): string | null {
  let tries = 0;
  for (let at = text.indexOf('@'); at !== -1 && tries < 500; at = text.indexOf('@', at + 1), tries += 1) {
    const start = Math.max(0, at - 64);
    const found = EMAIL.exec(text.slice(start, at + 280));
    if (found) return found[0];
  }
  return null;
}
// An SMTP reply with an enhanced status code of failure ("550 5.5.105 ..."): a failure to read.
const PATTERN_WINDOW = 4096;
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
  // "exchange" alone is any word or domain (exchange24.net): Exchange names itself as Microsoft's.
  if (
    /office365|outlook|hotmail|live\.com|microsoft|Exchange (Online|Server|IMAP4|POP3)|exchangelabs|AADSTS|login\.microsoftonline/i.test(
      text,
    )
  )
    return 'microsoft';
  // A server that names itself as another product: an Exchange fix would be wrong there.
  if (
    /\b(postfix|exim|dovecot|courier|zimbra|hmailserver|sendmail|qmail|cyrus|haraka|mailcow|mailu|iredmail|mdaemon|kerio|smartermail|yandex|zoho|fastmail|gmx|web\.de|t-online|yahoo|icloud|aol|mail\.ru|qq\.com|foxmail|163\.com|126\.com|sina|aliyun|tiscali|libero|aruba|orange\.fr|free\.fr|ionos|strato|ovh|brevo|sendinblue|amazonaws|mailgun|sendgrid|mailjet|postmark|sparkpost)\b/i.test(
      text,
    )
  )
    return 'other';
  return 'unknown';
}

// A scope list as a token response, a request body or a configuration shows it.
const SCOPE_LIST = /["']?\bscopes?["']?\s{0,3}[:=]\s{0,3}\[?\s{0,3}["']?([^"'\]\n&]{3,2000})/gi;

/** The scope lists of a text (at most 20), each split into its scopes. */
function scopeListsIn(decoded: string): string[][] {
  const lists: string[][] = [];
  for (const m of decoded.matchAll(SCOPE_LIST)) {
    const scopes = (m[1] ?? '')
      .split(/[\s,+"']+/)
      .filter((x) => /^(https?:\/\/|api:\/\/)?[\w.-]+(\/[\w.-]+)*\/?$|^\.default$/.test(x) && x.length > 2);
    if (scopes.length > 0) lists.push(scopes);
    if (lists.length === 20) break;
  }
  return lists;
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
  const raw = input.length > MAX_TEXT ? input.slice(0, MAX_TEXT) : input;
  // Secrets out before anything reads the text; what the payloads said stays as evidence, and a
  // server's decoded challenge is read like any other line.
  const pasted = readPastedSecrets(raw);
  const text = [pasted.text, ...pasted.challenges.map((c) => `decoded challenge: ${c.decoded}`)].join('\n');
  let current: MailProtocol | null = /imap/i.test(text)
    ? 'imap'
    : /pop3?/i.test(text)
      ? 'pop3'
      : /smtp/i.test(text)
        ? 'smtp'
        : null;
  const host =
    /\b((?:outlook|smtp|imap|pop|pop3|mail|smtp-mail|smtp-hve)[.-][a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,4}\.(?:com|net|org|de|fr|ru|us|cn|microsoft))\b/i.exec(
      text,
    )?.[1] ?? null;
  // Leave the Microsoft check to the provider when the text names no host.
  const read = readText(text);
  const hits = matchKnowledge(read);
  // A line is a failure when the knowledge documents it, or it is a bare refusal or an SMTP reply
  // with a failure's enhanced code; a bare refusal is one that no specific entry explains.
  const documented = new Set(hits.filter((h) => !h.entry.generic).map((h) => h.line));
  const known = new Set(hits.map((h) => h.line));
  const failures: MailFailure[] = [];
  // A line repeated in a log is one failure, read once (per protocol).
  const seen = new Set<string>();
  for (const line of read.lines) {
    // proxychains marks a connection its proxy would not open: "... host:993 <--denied".
    const denied = /(?:chain\]?|-<>-|\.\.\.)\s.{0,200}?[:.](\d{1,5})\s?-?<--denied\s*$/.exec(line);
    if (denied && !seen.has(`denied ${denied[1] ?? ''}`)) {
      seen.add(`denied ${denied[1] ?? ''}`);
      failures.push({
        protocol: current,
        step: 'tcp',
        code: 'PROXY_DENIED',
        said: line.slice(0, 500),
        security: null,
        port: Number(denied[1]),
        host,
        outcome: 'refused',
      });
      continue;
    }
    if (!/[A-Za-z]{2}/.test(line)) continue; // no words: no protocol, no error
    current = protocolOf(line, current);
    if (/AADSTS\d/.test(line)) continue; // token endpoint, below
    // The older patterns read the first 4 KB of a line (the documented texts are found anywhere).
    const head = line.length > PATTERN_WINDOW ? line.slice(0, PATTERN_WINDOW) : line;
    const key = `${current ?? ''} ${head}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const bare = GENERIC_REJECTION.test(head) && !documented.has(line);
    if (!known.has(line) && !bare && !ENHANCED_REPLY.test(head)) continue;
    failures.push({
      protocol: current,
      step: bare ? 'auth' : null,
      code: null,
      said: line.slice(0, 500),
      security: null,
      port: null,
      host,
      outcome: null,
    });
  }
  const codes = aadstsCodes(text);
  const jwt = pasted.jwt;
  const saslUser = pasted.sasl.find((p) => p.user?.includes('@'))?.user;
  const section = jwt
    ? inspectToken(jwt, {
        protocols: current ? [current] : ['imap', 'pop3', 'smtp'],
        ...(saslUser ? { mailbox: saslUser } : {}),
      })
    : null;
  const claims = section && Object.keys(section.claims).length ? section.claims : null;
  const signIn = signInOf(read.decoded);
  return {
    source: 'text',
    tokenEndpoint: codes.length ? { codes, text: read.lines.find((l) => /AADSTS\d/.test(l)) ?? '' } : null,
    identityUnreachable: null,
    claims,
    claimChecks: section?.checks ?? [],
    hosts: host ? [host] : [],
    credential: pasted.sasl.some((p) => p.mechanism === 'PLAIN' || p.mechanism === 'LOGIN')
      ? 'password'
      : pasted.sasl.length > 0
        ? 'token'
        : credentialOf(text),
    provider: providerOf(text),
    failures,
    authPassed: [],
    mailboxOpened: [],
    warnings: [],
    saslPayloads: pasted.sasl
      .filter((p) => p.mechanism === 'XOAUTH2')
      .map((p) => ({ user: p.user ?? '', wellFormed: p.wellFormed })),
    challenges: pasted.challenges.map((c) => ({ status: c.status, scope: c.scope })),
    pop3InitialResponseRefused: /AUTH XOAUTH2 [A-Za-z0-9+/]{20,}={0,2}\s*$/m.test(raw) && /^-ERR/m.test(raw),
    exchangeRegistration: registeredIn(text),
    signIn,
    service: host ? serviceOfHost(host) : null,
    smtpUser: pasted.sasl.find((p) => p.mechanism === 'LOGIN' || p.mechanism === 'PLAIN')?.user ?? null,
    unreadableCaFiles: [],
    // Every documented error the text holds, each with the protocol of the line it was found in.
    scopeLists: scopeListsIn(read.decoded),
    knowledge: hits
      // Exchange's grants to a service principal concern the app's own sign-in, never a person's.
      .filter((hit) => !(signIn === 'delegated' && claims === null && APP_ONLY_CAUSES.has(hit.entry.cause)))
      .map((hit) => ({
        ...hit,
        protocol: protocolOf(hit.line, null) ?? hit.protocol,
      })),
    context: {
      ...EMPTY_CONTEXT,
      mailbox: pasted.sasl.find((p) => p.user?.includes('@'))?.user ?? firstEmail(text),
      // Only where the text names them: a bare GUID in a log is as often a trace id.
      clientId:
        typeof claims?.appid === 'string'
          ? claims.appid
          : (new RegExp(`(?:identifier|app) '(${GUID.source})'`, 'i').exec(text)?.[1] ?? null),
      tenant: typeof claims?.tid === 'string' ? claims.tid : (/Tenant '([^']+)'/i.exec(text)?.[1] ?? null),
      servicePrincipalId: typeof claims?.oid === 'string' ? claims.oid : null,
      registeredServicePrincipalId: registeredIn(text)?.objectId ?? null,
      service: host ? serviceOfHost(host) : null,
      failedEndpoints: endpointsIn(text, host, current),
    },
  };
}

// What a text says of how the app signs in. A person's sign-in: delegated scopes, a refresh
// token, device code, authorization code, ROPC, MSAL's interactive calls. The app's own: the
// .default scope with client credentials, the *.AccessAsApp / SendAsApp roles, Exchange's
// service-principal cmdlets. Bounded alternations only, each a single scan.
const DELEGATED_WORDS =
  /\b(?:IMAP\.AccessAsUser\.All|POP\.AccessAsUser\.All|SMTP\.Send|offline_access|AcquireTokenInteractive|AcquireTokenByDeviceCode|AcquireTokenSilent|AcquireTokenByUsernamePassword|acquire_token_interactive|acquire_token_by_device_flow|initiate_device_flow|device[ _-]code|authorization[ _]code|grant_type=password|grant_type=refresh_token)\b/i;
const APP_ONLY_WORDS =
  /\b(?:client_credentials|AcquireTokenForClient|acquire_token_for_client|ClientSecretCredential|ClientCertificateCredential|ConfidentialClientApplication|IMAP\.AccessAsApp|POP\.AccessAsApp|SMTP\.SendAsApp|New-ServicePrincipal|Add-MailboxPermission)\b/i;

/** The causes that only an app's own (client-credentials) sign-in can have. */
const APP_ONLY_CAUSES = new Set<string>([
  'grant.service_principal_missing',
  'grant.service_principal_wrong_id',
  'grant.mailbox_permission_missing',
]);

/** A person's sign-in or the app's own, where the text says one and not the other. */
export function signInOf(text: string): 'delegated' | 'app-only' | null {
  const delegated = DELEGATED_WORDS.test(text);
  const appOnly = APP_ONLY_WORDS.test(text);
  return delegated === appOnly ? null : delegated ? 'delegated' : 'app-only';
}

const IDENTITY_HOST =
  /\b(login\.microsoftonline\.(?:com|us)|login\.chinacloudapi\.cn|login\.partner\.microsoftonline\.cn|oauth2\.googleapis\.com|accounts\.google\.com)\b/i;

/** The hosts a pasted text names: the identity endpoint's for the token, the mail host's. */
function endpointsIn(
  text: string,
  mailHost: string | null,
  protocol: MailProtocol | null,
): FixContext['failedEndpoints'] {
  const identity = IDENTITY_HOST.exec(text)?.[1] ?? null;
  const port = mailHost
    ? new RegExp(`${mailHost.replace(/\./g, '\\.')}[:\\s]{1,3}(\\d{2,5})\\b`).exec(text)
    : null;
  return {
    ...(identity ? { token: { host: identity.toLowerCase(), port: 443 } } : {}),
    ...(mailHost && protocol ? { [protocol]: { host: mailHost, port: port ? Number(port[1]) : null } } : {}),
  };
}

export function explain(text: string): Finding[] {
  return diagnose(evidenceFromText(text));
}

/** Words of a line that reports a failure, in any client's or server's style. */
const FAILURE_LINE =
  /\b(error|exception|fail(ed|ure)?|denied|refused|rejected|invalid|unable|cannot|can't|timed? ?out|unsuccessful)\b|^\S{1,20} (NO|BAD) |^-ERR\b|^[45]\d\d[ -]/i;

/**
 * For a text in which nothing is known: how much was read, and the lines that look like failures,
 * so that a person sees what was looked at (and can paste the right part).
 */
export function whatWasRead(input: string): { lines: number; characters: number; failureLines: string[] } {
  const raw = input.length > MAX_TEXT ? input.slice(0, MAX_TEXT) : input;
  // The lines are quoted back: with the secrets out, as everywhere else.
  const text = readPastedSecrets(raw).text;
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const failureLines: string[] = [];
  for (const line of lines) {
    if (failureLines.length === 5) break;
    const trimmed = line.trim();
    if (FAILURE_LINE.test(trimmed))
      failureLines.push(trimmed.length > 200 ? `${trimmed.slice(0, 200)}...` : trimmed);
  }
  return { lines: lines.length, characters: text.length, failureLines };
}
