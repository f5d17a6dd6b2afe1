// The `token` check, run before any mail connection: acquire (or take the supplied token), then
// inspect its claims against the protocols about to be tested (SPEC 2.3).
import type {
  CheckResult,
  MailProtocol,
  StepResult,
  StepStatus,
  TokenSection,
} from '../../../shared/report/model';
import type { Transcript } from '../wire/transcript';
import type { NetworkSettings } from './types';
import { stepResult, stopwatch } from '../wire/step';
import { inspectToken } from '../identity/inspect';
import { acquireToken, type AcquireSpec } from '../identity/acquire';

export type TokenSource =
  { kind: 'supplied'; token: string; source: string } | { kind: 'acquire'; spec: AcquireSpec };

export interface TokenCheckInput {
  source: TokenSource;
  protocols: MailProtocol[];
  tenant?: string;
  clientId?: string;
  /** The mailbox the run opens (a delegated token must be its user's). */
  mailbox?: string;
  network: NetworkSettings;
  signal?: AbortSignal;
}

export interface TokenCheckOutcome {
  check: CheckResult;
  section: TokenSection | null;
  token: string | null;
}

function worst(statuses: StepStatus[]): StepStatus {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.includes('warn')) return 'warn';
  return 'pass';
}

export async function runTokenCheck(
  input: TokenCheckInput,
  transcript: Transcript,
): Promise<TokenCheckOutcome> {
  const started = transcript.now();
  let acquire: StepResult;
  let token: string | null;
  if (input.source.kind === 'supplied') {
    transcript.step = 'acquire';
    token = input.source.token;
    transcript.info(`Access token supplied (${input.source.source}); nothing to acquire`);
    acquire = stepResult(
      'acquire',
      'pass',
      0,
      `Access token supplied (${input.source.source}, ${token.length} characters)`,
      {
        source: input.source.source,
      },
    );
  } else {
    const outcome = await acquireToken(
      input.source.spec,
      transcript,
      input.network.tls,
      input.network.timeouts.commandMs,
      input.signal,
    );
    acquire = outcome.step;
    token = outcome.token;
  }
  const steps: StepResult[] = [acquire];
  let section: TokenSection | null = null;
  if (token === null) {
    steps.push(stepResult('inspect', 'skipped', 0, 'Not run: no token'));
  } else {
    transcript.step = 'inspect';
    const elapsed = stopwatch();
    section = inspectToken(token, {
      protocols: input.protocols,
      ...(input.tenant ? { tenant: input.tenant } : {}),
      ...(input.clientId ? { clientId: input.clientId } : {}),
      ...(input.mailbox ? { mailbox: input.mailbox } : {}),
    });
    const status = worst(section.checks.map((c) => c.status));
    const problems = section.checks.filter((c) => c.status !== 'pass').map((c) => c.summary);
    for (const c of section.checks)
      transcript.add(c.status === 'fail' ? 'e' : 'i', `${c.status}: ${c.summary}`);
    steps.push(
      stepResult(
        'inspect',
        status,
        elapsed(),
        problems.length ? problems.join('; ') : 'Every claim fits the protocols to test',
        {
          checks: section.checks,
        },
      ),
    );
  }
  return {
    check: {
      protocol: 'token',
      verdict: worst(steps.map((s) => s.status)),
      durationMs: Math.round((transcript.now() - started) * 10) / 10,
      steps,
      transcript: transcript.entries,
    },
    section,
    token,
  };
}
