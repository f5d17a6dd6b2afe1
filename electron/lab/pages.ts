// The lab's sign-in pages share their shape: plain HTML with no script of their own, a strict
// content security policy, and forms read with a bound.
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_FORM = 8 * 1024;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A page with a heading and `body` (already HTML), or the form's error above it. */
export function htmlPage(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    'x-frame-options': 'DENY',
  });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
      '<style>body{font-family:sans-serif;max-width:28rem;margin:3rem auto;line-height:1.5}' +
      'label{display:block;margin-top:1rem}input{font-size:1rem;padding:.4rem;width:100%}' +
      'button{margin-top:1rem;font-size:1rem;padding:.4rem 1.2rem}.error{color:#a00}</style></head>' +
      `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  );
}

/** An error line for the top of a form, or nothing. */
export function formError(error: string): string {
  return error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
}

/** The email and password fields every sign-in form has. */
export const CREDENTIAL_FIELDS =
  '<label for="username">Email</label><input id="username" name="username" type="email" autocomplete="username" required>' +
  '<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>' +
  '<button type="submit">Sign in</button>';

/** A posted form, or null when it is larger than a sign-in form can be. */
export function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  return new Promise((resolve) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', () => resolve(null));
  });
}
