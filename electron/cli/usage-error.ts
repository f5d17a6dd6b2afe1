import { fieldProblem } from '../../shared/config/messages';
import { optionWords } from './option-words';

/** Bad input or usage: the CLI prints the one-line message on stderr and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT = { pass: 0, fail: 1, usage: 2, internal: 3 } as const;

/**
 * A problem with an option's value, as a sentence that names the option and what it expects:
 * `--imap-port: "abc" is not a port number; expected a port number from 1 to 65535`.
 */
export function optionError(flag: string, got: string): UsageError {
  return new UsageError(fieldProblem(optionWords(flag), got));
}

/**
 * What node's argument parser refused, in the CLI's words: an unknown option, an option without
 * its value, a value given to an option that takes none, an argument where none goes.
 */
export function argumentsError(command: string, error: unknown): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(message);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || unknown)
    return new UsageError(
      `${command}: ${unknown?.[1] ?? 'an option'} is not an option of ${command}; expected one that mailprobe --help lists`,
    );
  const missing =
    /^Option '(?:-\w, )?(--[^ ']+) <value>' argument missing/.exec(message) ??
    /^Option '(?:-\w, )?(--[^ ']+)' argument is ambiguous/.exec(message);
  if (missing?.[1]) {
    const words = optionWords(missing[1]);
    return new UsageError(
      `${command} needs a value after ${words.name}${words.metavar ? ` (${words.metavar})` : ''}: ${words.expected}`,
    );
  }
  const noValue = /^Option '(?:-\w, )?(--[^ ']+)' does not take an argument/.exec(message);
  if (noValue?.[1])
    return new UsageError(`${command}: ${noValue[1]} takes no value; give ${noValue[1]} alone`);
  const positional = /^Unexpected argument '([^']*)'/.exec(message);
  if (positional)
    return new UsageError(
      `${command}: "${positional[1] ?? ''}" is not an option; expected options only (--name value), see mailprobe --help`,
    );
  return new UsageError(`${command}: ${message.split('\n')[0] ?? 'the arguments are not as expected'}`);
}
