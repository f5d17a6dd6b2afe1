// The report model: what a run produces, what the CLI prints as JSON (schema mailprobe.report/1)
// and what the renderer shows. Types only; no Node, no DOM.

/** The checks of a run: the token, the mail protocols, and Microsoft Graph's mail API. */
export type Protocol = 'token' | 'imap' | 'pop3' | 'smtp' | 'graph';
export type MailProtocol = Exclude<Protocol, 'token' | 'graph'>;
/** A check that reaches the mailbox: over a mail protocol, or over Graph's HTTPS API. */
export type MailboxProtocol = Exclude<Protocol, 'token'>;
export const MAIL_PROTOCOLS: readonly MailProtocol[] = ['imap', 'pop3', 'smtp'];

/** The order of checks in a run, a report or a bundle: the token first, then the mail protocols. */
export const PROTOCOL_ORDER: readonly Protocol[] = ['token', 'imap', 'pop3', 'smtp', 'graph'];

export const PROTOCOL_LABEL: Record<Protocol, string> = {
  token: 'Token',
  imap: 'IMAP',
  pop3: 'POP3',
  smtp: 'SMTP',
  graph: 'Graph',
};

export type StepId =
  | 'acquire'
  | 'inspect'
  | 'dns'
  | 'proxy'
  | 'tcp'
  | 'tls'
  | 'tls-versions'
  | 'greeting'
  | 'capabilities'
  | 'starttls'
  | 'auth'
  | 'mailbox'
  | 'send'
  | 'roundtrip'
  | 'logout';

/** The order of steps in a check, for display and reports: token steps, then the mail pipeline. */
export const STEP_ORDER: readonly StepId[] = [
  'acquire',
  'inspect',
  'dns',
  'tcp',
  'proxy',
  'tls',
  'greeting',
  'capabilities',
  'starttls',
  'auth',
  'mailbox',
  'send',
  'roundtrip',
  'logout',
  // The TLS floor probe runs after the check, on connections of its own.
  'tls-versions',
];

export type StepStatus = 'pass' | 'warn' | 'fail' | 'skipped';
export type CheckVerdict = StepStatus;

/** Transcript direction: client, server, info, error. */
export type Direction = 'c' | 's' | 'i' | 'e';

export interface TranscriptEntry {
  /** Milliseconds since the run started. */
  t: number;
  dir: Direction;
  step: StepId;
  /** Already redacted where the entry was created. */
  text: string;
}

export type Detail = Record<string, unknown>;

export interface StepResult {
  id: StepId;
  status: StepStatus;
  durationMs: number;
  summary: string;
  detail: Detail;
}

export interface CheckResult {
  protocol: Protocol;
  verdict: CheckVerdict;
  durationMs: number;
  steps: StepResult[];
  transcript: TranscriptEntry[];
}

export type Confidence = 'high' | 'medium' | 'low';

export interface Finding {
  cause: string;
  confidence: Confidence;
  protocol: Protocol | null;
  title: string;
  explanation: string;
  evidence: string[];
  fix: FindingFix;
  docs: string[];
}

/**
 * A finding's fix. `steps` (every step's text) and `commands` (every command, in plan order) are
 * the flat form of mailprobe.report/1; `plan` is the same fix as a person runs it: ordered steps,
 * each with at most one command, alternatives as a choice, destructive steps marked. Absent in
 * reports stored before it existed.
 */
export interface FindingFix {
  steps: string[];
  commands: string[];
  plan?: FixPlan;
}

export interface FixPlan {
  steps: FixPlanStep[];
  /**
   * What "copy all" copies: the commands of one path (the recommended option of each choice),
   * ending before the first destructive step, which waits for its check to be read.
   */
  copyAll: string[];
}

export type FixPlanStep = FixStep | FixChoice;

/** setup: connect to the admin shell; check: look, change nothing; action: change something. */
export type FixStepKind = 'setup' | 'check' | 'action';

export interface FixStep {
  kind: FixStepKind;
  /** What to do, in words; empty when the command says it all. */
  text: string;
  /** The one command of this step, to paste as it is. */
  command?: string;
  /**
   * Removes or replaces something, or switches a setting for the whole organisation: it comes
   * after the check that must be read first, and "copy all" never includes it.
   */
  destructive?: boolean;
}

/** Alternatives: do one of them, the recommended one first. */
export interface FixChoice {
  kind: 'choice';
  text: string;
  options: FixOption[];
}

export interface FixOption {
  label: string;
  recommended: boolean;
  steps: FixStep[];
}

export type SecurityMode = 'tls' | 'starttls' | 'none';
export type SaslMechanism = 'auto' | 'xoauth2' | 'oauthbearer' | 'plain' | 'login';

export interface EndpointTarget {
  host: string;
  port: number;
  security: SecurityMode;
}

/** What was checked, without any secret. */
export interface ReportTarget {
  mailbox: string;
  credential:
    | 'access-token'
    | 'password'
    | 'client-secret'
    | 'certificate'
    | 'device-code'
    | 'browser'
    | 'ropc'
    | 'google-service-account'
    | 'none';
  mechanism: SaslMechanism;
  imap?: EndpointTarget;
  pop3?: EndpointTarget;
  smtp?: EndpointTarget;
  /** Microsoft Graph's endpoint (graph.microsoft.com:443, a national cloud's, or the lab's). */
  graph?: EndpointTarget;
  tenant?: string;
  clientId?: string;
  cloud?: string;
  /** Set for Google (Gmail, Workspace) and other OpenID providers; absent for Microsoft 365. */
  provider?: 'google' | 'oidc';
  /** An OpenID provider's issuer URL (provider oidc). */
  issuer?: string;
  /**
   * Microsoft's other sending paths: High Volume Email or Azure Communication Services SMTP
   * (submission only, hosts and user names of their own). Absent: the mailbox's own Exchange Online.
   */
  service?: 'hve' | 'acs';
  /** The SMTP user name when it is not the mailbox (ACS: <resource>.<app id>.<tenant id>). */
  smtpUser?: string;
  /**
   * Exchange Online's own record of the app's service principal (New-ServicePrincipal), when the
   * user knows it: the ObjectId it was registered with, or null when Exchange has none. Where it
   * came from: the profile, the command line, or the simulated tenant.
   */
  exchangeServicePrincipal?: ExchangeRegistration;
  /** The client secret's end date (its endDateTime in Entra ID), when the profile records it. */
  secretExpiresAt?: string;
  /**
   * CA files the settings name that could not be read (missing, not a file, too large, not PEM):
   * the run went on trusting the system's CAs only. Each with where it was named.
   */
  unreadableCaFiles?: UnreadableCaFile[];
}

export interface UnreadableCaFile {
  /** Where the file was named: "Settings" (the app's extra CA files). */
  source: string;
  path: string;
  problem: string;
}

export interface ExchangeRegistration {
  /** The ObjectId Exchange has, null when it has none; absent when only the RBAC state is known. */
  objectId?: string | null;
  source: 'profile' | 'cli' | 'lab' | 'text';
  /**
   * RBAC for Applications for SMTP, as Test-ServicePrincipalAuthorization reports it for the
   * mailbox: the app holds "Application SMTP.SendAsApp" with a scope that includes the mailbox,
   * with one that leaves it out, or not at all. Absent when nobody asked Exchange.
   */
  smtpRbac?: 'in-scope' | 'out-of-scope' | 'none';
  /** The same for Microsoft Graph's mail roles ("Application Mail.Read", "Application Mail.Send"). */
  graphRbac?: 'in-scope' | 'out-of-scope' | 'none';
}

export interface TokenSection {
  claims: Record<string, unknown>;
  checks: TokenClaimCheck[];
}

export interface TokenClaimCheck {
  id: string;
  /** The protocol this check is about, or null when it concerns every protocol. */
  protocol: MailProtocol | null;
  status: 'pass' | 'warn' | 'fail';
  summary: string;
}

export interface Report {
  schema: 'mailprobe.report/1';
  verdict: 'pass' | 'fail';
  startedAt: string;
  durationMs: number;
  target: ReportTarget;
  token: TokenSection | null;
  checks: CheckResult[];
  findings: Finding[];
  /**
   * What will break, and when, though it works today (SPEC 2.11): basic SMTP AUTH on Exchange
   * Online, old TLS, a secret or certificate near its end, the server's certificate, a legacy
   * access policy. Absent in reports stored before the audit existed.
   */
  readiness?: ReadinessItem[];
}

export type ReadinessTopic =
  | 'smtp-basic-auth'
  | 'tls-version'
  | 'client-secret-expiry'
  | 'client-certificate-expiry'
  | 'server-certificate-expiry'
  | 'access-policy';

export interface ReadinessItem {
  topic: ReadinessTopic;
  /** fail: broken now; warn: breaks at `when` (or soon); ok: checked, nothing to do yet. */
  status: 'ok' | 'warn' | 'fail';
  protocol: Protocol | null;
  summary: string;
  /** The day it breaks (YYYY-MM-DD), when known. */
  when: string | null;
  fix: string;
}
