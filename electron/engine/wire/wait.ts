// Every wait on the network goes through here: bounded by a timeout, stopped by an AbortSignal.

export class WaitTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(
    readonly what: string,
    readonly ms: number,
  ) {
    super(`${what} did not finish within ${ms} ms`);
  }
}

export class AbortedError extends Error {
  readonly code = 'ABORTED';
  constructor() {
    super('The run was cancelled');
  }
}

/**
 * Waits for `promise` at most `ms`; on timeout or abort calls `cleanup` (which should release
 * whatever the promise holds, e.g. destroy a socket) and rejects.
 */
export function bounded<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  signal?: AbortSignal,
  cleanup?: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      cleanup?.();
      reject(new AbortedError());
      return;
    }
    const finish = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      finish();
      cleanup?.();
      reject(new AbortedError());
    };
    const timer = setTimeout(() => {
      finish();
      cleanup?.();
      reject(new WaitTimeoutError(what, ms));
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        finish();
        resolve(value);
      },
      (error: unknown) => {
        finish();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
