// The run orchestrator: the token preflight, then the chosen protocol checks concurrently, with
// progress and transcript streamed as they happen, and one AbortSignal for all of them.
import type {
  CheckResult,
  EndpointTarget,
  MailProtocol,
  Report,
  ReportTarget,
  SaslMechanism,
  StepId,
  TokenSection,
  TranscriptEntry,
} from '../../../shared/report/model';
import type { CheckInput, NetworkSettings, TestMessage } from './types';
import { assertSaslSafe, type SaslCredentials } from '../protocols/sasl';
import { SecretSet } from '../wire/secrets';
import { Transcript, clockFrom } from '../wire/transcript';
import { stepResult } from '../wire/step';
import { runTokenCheck } from './token-check';
import { roundtripReader } from './run-plan';
import { diagnoseReport } from '../diagnosis/diagnose';
import { auditReadiness } from '../readiness/audit';
import type { AcquireSpec } from '../identity/acquire';
import type { GraphToken } from './graph-check';
import type { GoogleTokenSpec } from '../identity/google-token';
import type { OidcTokenSpec } from '../identity/oidc-token';
import { proxySecrets } from '../wire/proxy';

/** The credential of a run: a password, a token we were given, or one we acquire. */
export type RunCredential =
  | { kind: 'password'; user: string; password: string }
  | { kind: 'token'; user: string; token: string }
  | { kind: 'client-credentials'; user: string; spec: AcquireSpec }
  /** A Google service account with domain-wide delegation signs the user's mailbox in. */
  | { kind: 'google-service-account'; user: string; spec: GoogleTokenSpec }
  /** Another OpenID provider, by its issuer: the app's own token or a person's. */
  | { kind: 'oidc'; user: string; spec: OidcTokenSpec };

export interface RunInput {
  protocols: MailProtocol[];
  endpoints: Partial<Record<MailProtocol, EndpointTarget>>;
  credentials: RunCredential;
  /** Where the secret came from, for the report ("access token from $VAR"): never the value. */
  credentialSource: string;
  mechanism: SaslMechanism;
  network: NetworkSettings;
  /** The sender, the test message, and the RCPT TO of a probe without one (default: the user). */
  smtp?: { from?: string; message?: TestMessage; probeRecipient?: string };
  target: ReportTarget;
  /** Only the token check (`mailprobe token`): acquire and inspect, no mail connection. */
  tokenOnly?: boolean;
  /** After sending the test message, find it over IMAP in the recipient's mailbox within this budget. */
  roundtrip?: { budgetMs: number };
  /** After each mail check, which TLS versions its endpoint accepts (1.0 to 1.3): `tls-versions`. */
  tlsProbe?: boolean;
  /**
   * The Graph check beside the mail checks: Graph's endpoint and resource (by cloud, or the lab's).
   * It sends the test message (smtp.message) with sendMail when there is one.
   */
  graph?: { endpoint: EndpointTarget; resource: string };
}

export interface ProgressEvent {
  protocol: CheckResult['protocol'];
  step: StepId;
  state: 'started' | 'finished';
  status?: CheckResult['verdict'];
  at: number;
}

export interface RunEvents {
  onProgress?: (event: ProgressEvent) => void;
  onTranscript?: (protocol: CheckResult['protocol'], entry: TranscriptEntry) => void;
}

type Runner = (input: CheckInput, transcript: Transcript) => Promise<CheckResult>;

// Loaded on demand: a POP3-only run does not pay for loading imapflow.
const RUNNERS: Record<MailProtocol, () => Promise<Runner>> = {
  imap: async () => (await import('./imap-check')).runImapCheck,
  pop3: async () => (await import('./pop3-check')).runPop3Check,
  smtp: async () => (await import('./smtp-check')).runSmtpCheck,
};

export async function runChecks(
  input: RunInput,
  events: RunEvents = {},
  signal?: AbortSignal,
): Promise<Report> {
  const startedAt = new Date();
  const origin = performance.now();
  const clock = clockFrom(origin);
  const secrets = new SecretSet();
  const creds = input.credentials;
  for (const value of [
    ...proxySecrets(input.network.proxy.identity),
    ...proxySecrets(input.network.proxy.mail),
  ])
    secrets.add(value);
  if (creds.kind === 'password') secrets.add(creds.password);
  if (creds.kind === 'token') secrets.add(creds.token);
  if (creds.kind === 'google-service-account') secrets.add(creds.spec.key.privateKey);
  if (creds.kind === 'oidc' && creds.spec.clientSecret) secrets.add(creds.spec.clientSecret);
  // A kept sign-in's refresh token, read from the keychain for this run.
  const person =
    creds.kind === 'oidc'
      ? creds.spec.flow
      : creds.kind === 'client-credentials'
        ? creds.spec.credential
        : null;
  if (person && (person.kind === 'device-code' || person.kind === 'browser') && person.kept?.refreshToken)
    secrets.add(person.kept.refreshToken);
  if (creds.kind === 'client-credentials') {
    const credential = creds.spec.credential;
    if (credential.kind === 'secret') secrets.add(credential.value);
    else if (credential.kind === 'password-grant') secrets.add(credential.password);
    else if (credential.kind === 'certificate') {
      secrets.add(credential.privateKeyPem);
      secrets.add(credential.passphrase);
    }
  }

  let token: TokenSection | null = null;
  const checks: CheckResult[] = [];
  let sasl: SaslCredentials | null = creds.kind === 'password' ? creds : null;
  // Graph alone needs no token for Exchange.
  const mailWanted = input.protocols.length > 0 || input.tokenOnly === true;
  // The Graph check gets its own token (another resource): the app's runs beside the mail checks;
  // a person's comes from the same sign-in once it is done (nobody signs in twice), or from a
  // sign-in for Graph when Graph runs alone.
  const personGraph = input.graph && !input.tokenOnly ? personGraphToken(input) : null;
  let graph =
    input.graph && !input.tokenOnly && (personGraph === null || !mailWanted)
      ? runGraph(input, clock, secrets, events, signal, personGraph?.alone)
      : null;
  if (creds.kind !== 'password' && mailWanted) {
    const transcript = new Transcript(clock, secrets, input.network.limits);
    transcript.onStep((step, at) => events.onProgress?.({ protocol: 'token', step, state: 'started', at }));
    transcript.onEntry((entry) => events.onTranscript?.('token', entry));
    const outcome = await runTokenCheck(
      {
        source:
          creds.kind === 'token'
            ? { kind: 'supplied', token: creds.token, source: input.credentialSource }
            : creds.kind === 'google-service-account'
              ? { kind: 'google', spec: creds.spec }
              : creds.kind === 'oidc'
                ? { kind: 'oidc', spec: creds.spec, user: creds.user }
                : { kind: 'acquire', spec: creds.spec },
        protocols: input.protocols,
        network: input.network,
        ...(input.target.tenant ? { tenant: input.target.tenant } : {}),
        ...(input.target.clientId ? { clientId: input.target.clientId } : {}),
        mailbox: creds.user,
        ...(input.target.service ? { service: input.target.service } : {}),
        ...(signal ? { signal } : {}),
      },
      transcript,
    );
    secrets.add(outcome.token);
    secrets.add(outcome.refreshToken);
    checks.push(outcome.check);
    token = outcome.section;
    if (personGraph && graph === null)
      graph = runGraph(
        input,
        clock,
        secrets,
        events,
        signal,
        outcome.refreshToken !== null
          ? personGraph.after(outcome.refreshToken)
          : { kind: 'none', why: 'Not run: the sign-in failed (see the token check)' },
      );
    events.onProgress?.({
      protocol: 'token',
      step: 'inspect',
      state: 'finished',
      status: outcome.check.verdict,
      at: clock(),
    });
    sasl = outcome.token === null ? null : { kind: 'token', user: creds.user, token: outcome.token };
  }

  if (input.tokenOnly) return report(input, startedAt, clock, token, checks);
  if (sasl === null && mailWanted) {
    // No token: the mail checks would only repeat the acquire failure.
    for (const protocol of input.protocols)
      checks.push({
        protocol,
        verdict: 'skipped',
        durationMs: 0,
        steps: [stepResult('auth', 'skipped', 0, 'Not run: no access token (the token check failed)')],
        transcript: [],
      });
    if (graph) checks.push(await graph);
    return report(input, startedAt, clock, token, checks);
  }
  if (sasl === null) {
    if (graph) checks.push(await graph);
    return report(input, startedAt, clock, token, checks);
  }
  const mailCredentials: SaslCredentials = sasl;
  assertSaslSafe(mailCredentials);

  // The round trip: IMAP (or POP3 when IMAP is not checked) signs in to the recipient's mailbox
  // and waits for what SMTP sends.
  const message = input.smtp?.message;
  const reader = roundtripReader(input.protocols);
  const roundtrip = input.roundtrip && message && reader ? input.roundtrip : null;
  let announceSent: (sent: { messageId: string; sentAt: number } | null) => void = () => undefined;
  const sent = new Promise<{ messageId: string; sentAt: number } | null>((resolve) => {
    announceSent = resolve;
  });

  const results = await Promise.all(
    input.protocols.map(async (protocol) => {
      const endpoint = input.endpoints[protocol];
      if (!endpoint) throw new Error(`No endpoint for ${protocol}`);
      const transcript = new Transcript(clock, secrets, input.network.limits);
      transcript.onStep((step, at) => events.onProgress?.({ protocol, step, state: 'started', at }));
      transcript.onEntry((entry) => events.onTranscript?.(protocol, entry));
      events.onProgress?.({ protocol, step: 'dns', state: 'started', at: clock() });
      const checkInput: CheckInput = {
        protocol,
        endpoint,
        credentials: mailCredentials,
        mechanism: input.mechanism,
        network: input.network,
        secrets,
        clock,
        ...(typeof token?.claims.exp === 'number' ? { tokenExpiresAt: token.claims.exp } : {}),
        ...(signal ? { signal } : {}),
        ...(protocol === 'smtp'
          ? {
              smtp: {
                from: input.smtp?.from ?? creds.user,
                probeRecipient: input.smtp?.message?.to ?? input.smtp?.probeRecipient ?? creds.user,
                ...(input.smtp?.message ? { message: input.smtp.message } : {}),
              },
            }
          : {}),
      };
      if (protocol === reader && roundtrip && message) {
        checkInput.credentials = { ...mailCredentials, user: message.to };
        checkInput.roundtrip = { sent, budgetMs: roundtrip.budgetMs };
      }
      const runner = await RUNNERS[protocol]();
      const result = await runner(checkInput, transcript);
      if (input.tlsProbe && endpoint.security !== 'none') {
        const { probeTlsVersions } = await import('./tls-probe');
        result.steps.push(await probeTlsVersions(protocol, endpoint, input.network, secrets, signal));
      }
      if (protocol === 'smtp') {
        const send = result.steps.find((s) => s.id === 'send' && s.status === 'pass');
        const messageId = send?.detail.messageId;
        const acceptedAt = send?.detail.acceptedAt;
        announceSent(
          typeof messageId === 'string' && typeof acceptedAt === 'number'
            ? { messageId, sentAt: acceptedAt }
            : null,
        );
      }
      events.onProgress?.({
        protocol,
        step: 'logout',
        state: 'finished',
        status: result.verdict,
        at: clock(),
      });
      return result;
    }),
  );
  checks.push(...results);
  if (graph) checks.push(await graph);
  return report(input, startedAt, clock, token, checks);
}

/**
 * A person's sign-in (device code, browser, ROPC) checked on Graph with the person's own
 * (delegated) permissions: Mail.Read, and Mail.Send when sending. `alone`: Graph runs alone, the
 * person signs in for Graph; `after`: the mail checks' sign-in is reused through its refresh token.
 */
function personGraphToken(
  input: RunInput,
): { alone: GraphToken; after: (refreshToken: string) => GraphToken } | null {
  const creds = input.credentials;
  if (creds.kind !== 'client-credentials' || !input.graph) return null;
  const credential = creds.spec.credential;
  if (
    credential.kind !== 'device-code' &&
    credential.kind !== 'browser' &&
    credential.kind !== 'password-grant'
  )
    return null;
  const resource = input.graph.resource;
  const scope = [`${resource}/Mail.Read`, ...(input.smtp?.message ? [`${resource}/Mail.Send`] : [])].join(
    ' ',
  );
  const kept = credential.kind === 'password-grant' ? undefined : credential.kept;
  return {
    alone: { kind: 'acquire', spec: creds.spec, scope },
    after: (refreshToken) => ({
      kind: 'acquire',
      spec: { ...creds.spec, credential: { kind: 'refresh-token', refreshToken, ...(kept ? { kept } : {}) } },
      scope,
    }),
  };
}

/** The Graph check of a run: its token is had with the run's credential, or as given. */
async function runGraph(
  input: RunInput,
  clock: () => number,
  secrets: SecretSet,
  events: RunEvents,
  signal?: AbortSignal,
  given?: GraphToken,
): Promise<CheckResult> {
  const graph = input.graph;
  if (!graph) throw new Error('No Graph endpoint');
  const { runGraphCheck } = await import('./graph-check');
  const creds = input.credentials;
  const transcript = new Transcript(clock, secrets, input.network.limits);
  transcript.onStep((step, at) => events.onProgress?.({ protocol: 'graph', step, state: 'started', at }));
  transcript.onEntry((entry) => events.onTranscript?.('graph', entry));
  // A person's sign-in comes with its token (personGraphToken); the app's is had here.
  const outcome = await runGraphCheck(
    {
      token:
        given ??
        (creds.kind === 'token'
          ? { kind: 'supplied', token: creds.token, source: input.credentialSource }
          : creds.kind === 'client-credentials'
            ? { kind: 'acquire', spec: creds.spec }
            : {
                kind: 'none',
                why:
                  creds.kind === 'password'
                    ? 'Not run: Graph takes an OAuth token, not a password'
                    : "Not run: Graph is Microsoft 365's API; this target is another provider's",
              }),
      endpoint: graph.endpoint,
      resource: graph.resource,
      mailbox: creds.user,
      ...(input.smtp?.message ? { message: input.smtp.message } : {}),
      network: input.network,
      ...(signal ? { signal } : {}),
    },
    transcript,
  );
  if (outcome.token) secrets.add(outcome.token);
  events.onProgress?.({
    protocol: 'graph',
    step: 'logout',
    state: 'finished',
    status: outcome.check.verdict,
    at: clock(),
  });
  return outcome.check;
}

function report(
  input: RunInput,
  startedAt: Date,
  clock: () => number,
  token: TokenSection | null,
  checks: CheckResult[],
): Report {
  const verdict = checks.some((c) => c.verdict === 'fail') ? 'fail' : 'pass';
  const result: Report = {
    schema: 'mailprobe.report/1',
    verdict,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(clock()),
    target: input.graph ? { ...input.target, graph: input.graph.endpoint } : input.target,
    token,
    checks,
    findings: [],
  };
  result.findings = diagnoseReport(result);
  result.readiness = auditReadiness(result);
  return result;
}
