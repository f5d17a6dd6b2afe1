// Turns an exception met during a protocol dialogue into a failed step: expected failures are
// data (timeouts, closed connections, refusals), each with the words a support engineer needs.
import type { Detail, StepId, StepResult } from '../../../shared/report/model';
import type { StepLog } from './step-log';
import type { CheckInput } from './types';
import type { Transcript } from '../wire/transcript';
import { WaitTimeoutError } from '../wire/wait';
import { ConnectionClosedError } from '../wire/channel';
import { errorCode } from '../wire/connect';

/** The last thing the server said, the evidence most findings quote. */
export function lastServerLine(transcript: Transcript): string | null {
  for (let i = transcript.entries.length - 1; i >= 0; i -= 1) {
    const entry = transcript.entries[i];
    if (entry?.dir === 's') return entry.text;
  }
  return null;
}

function hintFor(step: StepId, input: CheckInput, error: unknown): string | null {
  if (step === 'greeting' && error instanceof WaitTimeoutError) {
    if (input.endpoint.security !== 'tls')
      return 'A server that says nothing on connect may be waiting for a TLS handshake: this port may expect implicit TLS (security tls).';
    return 'The server accepted the connection and then stayed silent.';
  }
  if (step === 'greeting' && error instanceof ConnectionClosedError)
    return 'The server closed the connection before greeting: it may be refusing this client address, or expects TLS.';
  return null;
}

export function describeFailure(
  step: StepId,
  input: CheckInput,
  error: unknown,
): { summary: string; detail: Detail } {
  const hint = hintFor(step, input, error);
  let summary: string;
  let code = errorCode(error) ?? 'ERROR';
  if (error instanceof WaitTimeoutError) {
    summary =
      step === 'greeting'
        ? `No greeting from the server within ${error.ms} ms`
        : `No answer from the server within ${error.ms} ms (${error.what})`;
  } else if (error instanceof Error) {
    summary = error.message;
    code = errorCode(error) ?? error.name;
  } else {
    summary = String(error);
  }
  return { summary, detail: { code, ...(hint ? { hint } : {}) } };
}

/** Records the step the transcript was in as failed, from an exception. */
export function failCurrentStep(
  log: StepLog,
  transcript: Transcript,
  input: CheckInput,
  error: unknown,
): StepResult {
  const step = transcript.step;
  const { summary, detail } = describeFailure(step, input, error);
  transcript.error(summary);
  const server = lastServerLine(transcript);
  return log.record(step, 'fail', summary, { ...detail, ...(server ? { serverSaid: server } : {}) });
}
