// What a run was asked to do (its checks, a test message, the round trip), kept beside its report
// in the history: the app and the CLI record it the same way.
import type { RunAsked } from '../../../shared/api/contract';
import type { RunInput } from '../checks/run';

export function askedOf(input: RunInput): RunAsked {
  const message = input.smtp?.message;
  return {
    protocols: [...input.protocols],
    graph: input.graph !== undefined,
    testMessage: message ? { to: message.to } : null,
    roundtrip: message !== undefined && input.roundtrip !== undefined,
  };
}
