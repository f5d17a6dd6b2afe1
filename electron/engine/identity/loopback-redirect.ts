// The loopback redirect of a native app's sign-in (RFC 8252 7.3): a listener on 127.0.0.1, on a
// port of the system's choosing, that waits for the browser to come back with the authorization
// response, answers with a plain page, and stops. Bounded in time; one answer, then closed.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface LoopbackRedirect {
  /** http://127.0.0.1:<port>/callback: the redirect URI to register (any port, RFC 8252). */
  redirectUri: string;
  /** The full URL the browser came back to (code, state or error), once it has. */
  response: Promise<URL>;
  close(): void;
}

export const LOOPBACK_PATH = '/callback';

const PAGE = (title: string, text: string): string =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body>`;

export async function startLoopbackRedirect(
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<LoopbackRedirect> {
  let settle: { resolve(url: URL): void; reject(error: Error): void } = {
    resolve: () => undefined,
    reject: () => undefined,
  };
  const response = new Promise<URL>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // A rejection nobody waits for yet is not an unhandled one: the caller awaits it later.
  response.catch(() => undefined);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1`);
    if (req.method !== 'GET' || url.pathname !== LOOPBACK_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    const failed = url.searchParams.get('error');
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(
        failed
          ? PAGE(
              'Sign-in not completed',
              'The provider sent an error back; MailProbe shows it. You can close this window.',
            )
          : PAGE(
              'Signed in',
              'MailProbe has the sign-in and goes on with the check. You can close this window.',
            ),
      );
    settle.resolve(new URL(`${LOOPBACK_PATH}${url.search}`, base));
    close();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const base = `http://127.0.0.1:${port}`;
  const timer = setTimeout(() => {
    settle.reject(new Error(`No sign-in came back within ${Math.round(timeoutMs / 1000)} s`));
    close();
  }, timeoutMs);
  const onAbort = (): void => {
    settle.reject(new Error('The sign-in was cancelled'));
    close();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  function close(): void {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    server.close();
    server.closeAllConnections();
  }
  return { redirectUri: `${base}${LOOPBACK_PATH}`, response, close };
}
