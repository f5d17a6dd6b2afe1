// Everything diagnosis can know, in one shape, whether it comes from a run (precise: steps,
// details, claims) or from pasted text (heuristic: lines and codes). The rules read only this.
import { challengeOf } from './pasted-secrets';
import type {
  MailboxProtocol,
  ExchangeRegistration,
  Report,
  SecurityMode,
  StepId,
  TokenClaimCheck,
  UnreadableCaFile,
} from '../../../shared/report/model';
import { EMPTY_CONTEXT, type FixContext } from './context';
import { matchKnowledge, type KnowledgeHit } from './knowledge';
import { readText } from './reader';
import { serviceOfHost, type SendingService } from '../../../shared/config/sending-paths';

export interface MailFailure {
  protocol: MailboxProtocol | null;
  step: StepId | null;
  /** The step detail's code (NOT_TLS, UNTRUSTED, ETIMEDOUT...), when a run says it. */
  code: string | null;
  /** The server's words, or the pasted line. */
  said: string;
  security: SecurityMode | null;
  port: number | null;
  host: string | null;
  /** Whether the tcp step timed out / was refused (run only). */
  outcome: string | null;
}

export interface Evidence {
  source: 'run' | 'text';
  tokenEndpoint: { codes: number[]; text: string } | null;
  identityUnreachable: string | null;
  claims: Record<string, unknown> | null;
  claimChecks: TokenClaimCheck[];
  credential: 'token' | 'password' | 'unknown';
  /** The mail hosts the run used or the text names. */
  hosts: string[];
  /** Whose servers: decides which candidates fit a generic rejection. */
  provider: 'microsoft' | 'google' | 'other' | 'unknown';
  failures: MailFailure[];
  /** Protocols whose sign-in succeeded in this run. */
  authPassed: MailboxProtocol[];
  /** Protocols that opened the mailbox (IMAP EXAMINE, POP3 STAT) in this run. */
  mailboxOpened: MailboxProtocol[];
  /** Warnings worth a finding even in a passing run. */
  warnings: MailFailure[];
  /** XOAUTH2 payloads seen decoded in pasted text: their user= and whether the framing is right. */
  saslPayloads: Array<{ user: string; wellFormed: boolean }>;
  /** Scope lists the text shows (a token response's "scope", a request's scope=): one per list. */
  scopeLists: string[][];
  /** The servers' error challenges to an OAuth sign-in, decoded: their status (400, 401, invalid_token). */
  challenges: Array<{ status: string | null; scope: string | null }>;
  /** POP3 refused an AUTH XOAUTH2 that carried its payload on the AUTH line. */
  pop3InitialResponseRefused: boolean;
  /**
   * How the app signs in, when only a pasted text tells (its scopes, its library calls, its grant):
   * a person's sign-in (delegated) or the app's own (client credentials). Absent: not said.
   */
  signIn?: 'delegated' | 'app-only' | null;
  /** What Exchange Online has registered for the app (New-ServicePrincipal), when known. */
  exchangeRegistration: ExchangeRegistration | null;
  /** Microsoft's other sending paths (HVE, ACS SMTP), from the target or the host. */
  service: SendingService | null;
  /** The SMTP user name when it is not the mailbox (ACS). */
  smtpUser: string | null;
  /** CA files the settings name that the run could not read: it trusted the system's CAs only. */
  unreadableCaFiles: UnreadableCaFile[];
  /** The documented errors the servers' words match (the knowledge files), most likely first. */
  knowledge: KnowledgeHit[];
  context: FixContext;
}

/** The knowledge a run's failures point to: each server reply read on its own, with its protocol. */
export function knowledgeOfFailures(failures: MailFailure[], tokenText: string | null): KnowledgeHit[] {
  const hits: KnowledgeHit[] = [];
  if (tokenText) hits.push(...matchKnowledge(readText(tokenText)));
  for (const f of failures)
    for (const hit of matchKnowledge(readText(f.said)))
      hits.push({ ...hit, protocol: f.protocol ?? hit.protocol });
  return hits;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

export function evidenceFromReport(report: Report): Evidence {
  const target = report.target;
  const claims = report.token?.claims ?? null;
  const context: FixContext = {
    ...EMPTY_CONTEXT,
    tenant: target.tenant ?? str(claims?.tid),
    clientId: target.clientId ?? str(claims?.appid) ?? str(claims?.azp),
    servicePrincipalId: str(claims?.oid),
    registeredServicePrincipalId: target.exchangeServicePrincipal?.objectId ?? null,
    mailbox: target.mailbox,
    from: null,
    cloud: target.cloud ?? null,
    service: target.service ?? (target.smtp ? serviceOfHost(target.smtp.host) : null),
    failedEndpoints: {},
  };
  const evidence: Evidence = {
    source: 'run',
    tokenEndpoint: null,
    identityUnreachable: null,
    claims,
    claimChecks: report.token?.checks ?? [],
    credential:
      target.credential === 'password' ? 'password' : target.credential === 'none' ? 'unknown' : 'token',
    hosts: [target.imap?.host, target.pop3?.host, target.smtp?.host].filter((h): h is string => Boolean(h)),
    // Another OpenID provider's mail server is nobody's in particular: "other".
    provider:
      (target.provider === 'oidc' ? 'other' : target.provider) ??
      providerOfHosts([target.imap?.host, target.pop3?.host, target.smtp?.host], target.cloud ?? null),
    failures: [],
    authPassed: [],
    mailboxOpened: [],
    warnings: [],
    saslPayloads: [],
    challenges: [],
    scopeLists: [],
    pop3InitialResponseRefused: false,
    exchangeRegistration: target.exchangeServicePrincipal ?? null,
    service: context.service,
    smtpUser: target.smtpUser ?? null,
    unreadableCaFiles: target.unreadableCaFiles ?? [],
    knowledge: [],
    context,
  };
  for (const check of report.checks) {
    if (check.protocol === 'token') {
      const acquire = check.steps.find((s) => s.id === 'acquire');
      if (acquire?.status === 'fail') {
        const endpointError = acquire.detail.endpointError as
          { error?: string; error_codes?: number[]; error_description?: string } | undefined;
        // Google's errors have no numeric codes: the error field is the code.
        const named =
          (target.provider === 'google' || target.provider === 'oidc') && endpointError?.error
            ? `${endpointError.error}: `
            : '';
        if (endpointError)
          evidence.tokenEndpoint = {
            codes: endpointError.error_codes ?? [],
            text: `${named}${endpointError.error_description ?? acquire.summary}`,
          };
        else evidence.identityUnreachable = acquire.summary;
      }
      // The identity endpoint's proxy step: its refusal is the reason the token request failed.
      for (const step of check.steps)
        if (step.id === 'proxy' && step.status === 'fail')
          evidence.failures.push({
            protocol: null,
            step: 'proxy',
            code: str(step.detail.code),
            said: str(step.detail.serverSaid) ?? step.summary,
            security: null,
            port: num(step.detail.port),
            host: null,
            outcome: str(step.detail.outcome),
          });
      const authority = str(acquire?.detail.authority);
      if (authority) context.authorityHost = new URL(authority).origin;
      // The token failed on the identity endpoint's host: a fix names it, not the mail hosts.
      if (acquire?.status === 'fail') {
        const url = new URL(context.authorityHost);
        context.failedEndpoints.token = { host: url.hostname, port: url.port ? Number(url.port) : 443 };
      }
      continue;
    }
    const protocol = check.protocol;
    const endpoint = target[protocol];
    const passed = (id: string): boolean =>
      check.steps.some((s) => s.id === id && (s.status === 'pass' || s.status === 'warn'));
    if (passed('auth')) evidence.authPassed.push(protocol);
    if (protocol !== 'smtp' && passed('mailbox')) evidence.mailboxOpened.push(protocol);
    const send = check.steps.find((s) => s.id === 'send');
    if (send) context.from = str(send.detail.from) ?? context.from;
    for (const step of check.steps) {
      if (step.status !== 'fail' && !(step.status === 'warn' && typeof step.detail.code === 'string'))
        continue;
      const failure: MailFailure = {
        protocol,
        step: step.id,
        code: str(step.detail.code),
        said: str(step.detail.serverSaid) ?? step.summary,
        security: endpoint?.security ?? null,
        port: endpoint?.port ?? null,
        host: endpoint?.host ?? null,
        outcome: str(step.detail.outcome),
      };
      if (step.status === 'fail' && endpoint && !context.failedEndpoints[protocol])
        context.failedEndpoints[protocol] = { host: endpoint.host, port: endpoint.port };
      if (step.status === 'fail') evidence.failures.push(failure);
      else evidence.warnings.push(failure);
      if (step.id === 'send' || step.id === 'mailbox') context.from = str(step.detail.from) ?? context.from;
    }
    // Lines the server said during a failed auth (error challenges, a BYE) are evidence too.
    const failedAuth = check.steps.find((s) => s.status === 'fail' && s.id === 'auth');
    if (failedAuth) {
      for (const entry of check.transcript) {
        const challenge = entry.step === 'auth' && entry.dir === 's' ? challengeOf(entry.text) : null;
        if (challenge) evidence.challenges.push({ status: challenge.status, scope: challenge.scope });
        if (entry.step === 'auth' && entry.dir === 's' && /BYE|AccessTokenExpired/i.test(entry.text))
          evidence.failures.push({
            protocol,
            step: 'auth',
            code: null,
            said: entry.text,
            security: null,
            port: null,
            host: null,
            outcome: null,
          });
      }
    }
  }
  for (const check of report.checks)
    for (const step of check.steps)
      if (step.status === 'fail' && typeof step.detail.proxy === 'string') noteProxy(context, step.detail);
      else if (step.status === 'fail' && step.detail.code === 'INTERCEPTED')
        noteInterceptor(context, step.detail);
  // A proxy step's answer is already read by its code; its words would only repeat it.
  const proxyFailed = evidence.failures.some((f) => f.step === 'proxy');
  evidence.knowledge = knowledgeOfFailures(
    evidence.failures.filter((f) => f.step !== 'proxy'),
    evidence.tokenEndpoint?.text ?? (proxyFailed ? null : evidence.identityUnreachable),
  );
  return evidence;
}

function providerOfHosts(hosts: Array<string | undefined>, cloud: string | null): Evidence['provider'] {
  if (cloud === 'lab') return 'microsoft';
  const known = hosts.filter((h): h is string => Boolean(h));
  if (known.some((h) => /office365|outlook\.|office\.com|partner\.outlook\.cn/i.test(h))) return 'microsoft';
  if (known.some((h) => /gmail|google/i.test(h))) return 'google';
  return known.length ? 'other' : 'unknown';
}

/** The proxy a failed step went through, for the fix's placeholders; the first one decides. */
function noteProxy(context: FixContext, detail: Record<string, unknown>): void {
  if (context.proxy) return;
  context.proxy = str(detail.proxy);
  context.proxyTarget = str(detail.target);
  const schemes = detail.schemes;
  context.proxyScheme = Array.isArray(schemes) && schemes.length ? schemes.join(', ') : null;
}

/** Who re-signed the TLS connection, for the interference finding's text. */
function noteInterceptor(context: FixContext, detail: Record<string, unknown>): void {
  const found = detail.interception;
  if (context.interceptor || !found || typeof found !== 'object') return;
  const product = (found as { product?: unknown }).product;
  context.interceptor = typeof product === 'string' ? product : 'an inspecting proxy or antivirus';
}
