/** Bad input or usage: the CLI prints the one-line message on stderr and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT = { pass: 0, fail: 1, usage: 2, internal: 3 } as const;
