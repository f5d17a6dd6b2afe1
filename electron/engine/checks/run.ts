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
import type { SaslCredentials } from '../protocols/sasl';
import { SecretSet } from '../wire/secrets';
import { Transcript, clockFrom } from '../wire/transcript';
import { stepResult } from '../wire/step';
import { inspectToken } from '../identity/inspect';

export interface RunInput {
  protocols: MailProtocol[];
  endpoints: Partial<Record<MailProtocol, EndpointTarget>>;
  credentials: SaslCredentials;
  /** Where the secret came from, for the report ("access token from $VAR"): never the value. */
  credentialSource: string;
  mechanism: SaslMechanism;
  network: NetworkSettings;
  smtp?: { from?: string; message?: TestMessage };
  target: ReportTarget;
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

function tokenCheck(
  section: TokenSection,
  source: string,
  tokenLength: number,
  clock: () => number,
): CheckResult {
  const worst = section.checks.some((c) => c.status === 'fail')
    ? 'fail'
    : section.checks.some((c) => c.status === 'warn')
      ? 'warn'
      : 'pass';
  const failures = section.checks.filter((c) => c.status !== 'pass').map((c) => c.summary);
  const inspect = stepResult(
    'inspect',
    worst,
    0,
    failures.length ? failures.join('; ') : 'Every claim fits the protocols to test',
    { checks: section.checks },
  );
  return {
    protocol: 'token',
    verdict: worst,
    durationMs: 0,
    steps: [
      stepResult('acquire', 'pass', 0, `Access token supplied (${source}, ${tokenLength} characters)`),
      inspect,
    ],
    transcript: [
      {
        t: clock(),
        dir: 'i',
        step: 'inspect',
        text: `Token decoded locally; ${section.checks.length} claim checks`,
      },
    ],
  };
}

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
  secrets.add(creds.kind === 'token' ? creds.token : creds.password);

  let token: TokenSection | null = null;
  const checks: CheckResult[] = [];
  if (creds.kind === 'token') {
    token = inspectToken(creds.token, {
      protocols: input.protocols,
      ...(input.target.tenant ? { tenant: input.target.tenant } : {}),
      ...(input.target.clientId ? { clientId: input.target.clientId } : {}),
    });
    const check = tokenCheck(token, input.credentialSource, creds.token.length, clock);
    checks.push(check);
    events.onProgress?.({
      protocol: 'token',
      step: 'inspect',
      state: 'finished',
      status: check.verdict,
      at: clock(),
    });
  }

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
        credentials: creds,
        mechanism: input.mechanism,
        network: input.network,
        secrets,
        clock,
        ...(signal ? { signal } : {}),
        ...(protocol === 'smtp'
          ? {
              smtp: {
                from: input.smtp?.from ?? creds.user,
                probeRecipient: input.smtp?.message?.to ?? creds.user,
                ...(input.smtp?.message ? { message: input.smtp.message } : {}),
              },
            }
          : {}),
      };
      const runner = await RUNNERS[protocol]();
      const result = await runner(checkInput, transcript);
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
  const verdict = checks.some((c) => c.verdict === 'fail') ? 'fail' : 'pass';
  return {
    schema: 'mailprobe.report/1',
    verdict,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(clock()),
    target: input.target,
    token,
    checks,
    findings: [],
  };
}
