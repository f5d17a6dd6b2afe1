// The lab's authorization code flow with PKCE (RFC 7636, as Microsoft Entra ID runs it for a
// desktop app): the app sends the person's browser to /authorize with a code challenge and a
// loopback redirect, the person signs in on a plain HTML form, the browser is redirected back with
// a one-time code, and the app redeems it with the code verifier.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CREDENTIAL_FIELDS, escapeHtml, formError, htmlPage as page, readForm } from './pages';
import type { TenantState, UserState } from './state';

/** How long a sign-in page and a code stay valid (Entra's codes: about ten minutes), in ms. */
const REQUEST_TTL = 10 * 60_000;
const CODE_TTL = 10 * 60_000;
const MAX_PENDING = 50;

export interface AuthorizeQuery {
  clientId: string;
  redirectUri: string;
  /** query (a redirect with ?code=) or form_post (a page that posts the code back), as asked. */
  responseMode: 'query' | 'form_post';
  state: string | null;
  challenge: string;
  scopes: string[];
}

/** A sign-in page shown for a checked authorize request, until the form comes back. */
type PendingSignIn = AuthorizeQuery & { id: string; expiresAt: number };

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scopes: string[];
  user: UserState;
  expiresAt: number;
}

export type Redemption =
  | { ok: true; user: UserState; scopes: string[] }
  | { ok: false; why: 'unknown-code' | 'redirect-mismatch' | 'verifier-mismatch' };

/** Where a desktop app may be sent back to: http on the loopback, any port (Entra's rule for native apps). */
export function isLoopbackRedirect(uri: string): boolean {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1');
  } catch {
    return false;
  }
}

const SIGN_IN_FORM = (id: string, app: string, error: string): string =>
  formError(error) +
  `<p>Sign in to continue to <strong>${escapeHtml(app)}</strong>.</p>` +
  '<form method="post" action="/authorize/signin">' +
  `<input type="hidden" name="request" value="${escapeHtml(id)}">` +
  `${CREDENTIAL_FIELDS}</form>`;

export class AuthorizeFlows {
  private readonly pending = new Map<string, PendingSignIn>();
  private readonly codes = new Map<string, IssuedCode>();

  constructor(private readonly state: TenantState) {}

  /** The sign-in page for a checked authorize request. */
  signInPage(res: ServerResponse, query: AuthorizeQuery, now = Date.now()): void {
    this.expire(now);
    while (this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next().value;
      if (oldest === undefined) break;
      this.pending.delete(oldest);
    }
    const id = randomBytes(18).toString('base64url');
    this.pending.set(id, { id, ...query, expiresAt: now + REQUEST_TTL });
    page(res, 200, 'Sign in', SIGN_IN_FORM(id, this.state.app.displayName, ''));
  }

  /** The form's answer: the browser goes back to the app with a code, or sees the error. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (path !== '/authorize/signin') return false;
    if (req.method !== 'POST') {
      page(res, 405, 'Not allowed', '<p>Use the form.</p>');
      return true;
    }
    const form = await readForm(req);
    const now = Date.now();
    this.expire(now);
    const request = form ? this.pending.get(form.get('request') ?? '') : undefined;
    if (!form || !request) {
      page(
        res,
        400,
        'Sign in',
        '<p class="error" role="alert">This sign-in page has expired. Start again from the app.</p>',
      );
      return true;
    }
    const username = (form.get('username') ?? '').trim().toLowerCase();
    const user = this.state.users.find((u) => u.address.toLowerCase() === username);
    if (!user || user.password !== (form.get('password') ?? '')) {
      page(
        res,
        401,
        'Sign in',
        SIGN_IN_FORM(request.id, this.state.app.displayName, 'Your account or password is incorrect.'),
      );
      return true;
    }
    this.pending.delete(request.id);
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      challenge: request.challenge,
      scopes: request.scopes,
      user,
      expiresAt: now + CODE_TTL,
    });
    if (request.responseMode === 'form_post') {
      // The page posts the code to the app's loopback listener (with a button where scripts are off).
      const nonce = randomBytes(12).toString('base64url');
      const target = new URL(request.redirectUri);
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; form-action ${target.origin}`,
      });
      res.end(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Working...</title></head><body>' +
          `<form method="post" action="${escapeHtml(request.redirectUri)}">` +
          `<input type="hidden" name="code" value="${escapeHtml(code)}">` +
          (request.state !== null
            ? `<input type="hidden" name="state" value="${escapeHtml(request.state)}">`
            : '') +
          '<noscript><button type="submit">Continue</button></noscript></form>' +
          `<script nonce="${nonce}">document.forms[0].submit();</script></body></html>`,
      );
      return true;
    }
    const back = new URL(request.redirectUri);
    back.searchParams.set('code', code);
    if (request.state !== null) back.searchParams.set('state', request.state);
    res.writeHead(302, { location: back.toString(), 'cache-control': 'no-store' });
    res.end();
    return true;
  }

  /** The token endpoint's check of a code: once, for the same app and redirect, with the verifier. */
  redeem(
    code: string,
    clientId: string,
    redirectUri: string,
    verifier: string,
    now = Date.now(),
  ): Redemption {
    this.expire(now);
    const issued = this.codes.get(code);
    if (!issued || issued.clientId.toLowerCase() !== clientId.toLowerCase())
      return { ok: false, why: 'unknown-code' };
    this.codes.delete(code);
    if (issued.redirectUri !== redirectUri) return { ok: false, why: 'redirect-mismatch' };
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (challenge !== issued.challenge) return { ok: false, why: 'verifier-mismatch' };
    return { ok: true, user: issued.user, scopes: issued.scopes };
  }

  private expire(now: number): void {
    for (const [id, p] of this.pending) if (now >= p.expiresAt) this.pending.delete(id);
    for (const [code, c] of this.codes) if (now >= c.expiresAt) this.codes.delete(code);
  }
}
