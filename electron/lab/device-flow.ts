// The lab's device code flow (RFC 8628, as Microsoft Entra ID runs it): the app asks for a code,
// a person opens the verification page, enters the code and signs in as one of the tenant's demo
// users; meanwhile the app polls the token endpoint until the sign-in is done. The pages are plain
// HTML forms (a field named `code`, then `username` and `password`) with no script at all.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CREDENTIAL_FIELDS, escapeHtml, formError, htmlPage as page, readForm } from './pages';
import type { TenantState, UserState } from './state';

/** How long a code is valid (Entra: 15 minutes) and how often the app may poll, seconds. */
const EXPIRES_IN = 900;
const INTERVAL = 1;
/** Codes waiting at once, and sign-in attempts per code: bounded, oldest dropped first. */
const MAX_PENDING = 50;
const MAX_ATTEMPTS = 10;
// Entra's user codes: nine characters, upper-case letters and digits that cannot be confused.
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

interface Flow {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
  attempts: number;
  user: UserState | null;
}

export type Poll =
  | { status: 'unknown' }
  | { status: 'expired' }
  | { status: 'pending' }
  | { status: 'approved'; user: UserState; scopes: string[] };

export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  expires_in: number;
  interval: number;
  message: string;
}

function userCode(): string {
  const bytes = randomBytes(9);
  return [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length] ?? 'A').join('');
}

const CODE_FORM = (error: string): string =>
  formError(error) +
  '<p>Enter the code displayed on your app or device.</p>' +
  '<form method="post" action="/devicelogin"><label for="code">Code</label>' +
  '<input id="code" name="code" autocomplete="off" autofocus required>' +
  '<button type="submit">Next</button></form>';

const SIGN_IN_FORM = (code: string, app: string, error: string): string =>
  formError(error) +
  `<p>You are signing in to <strong>${escapeHtml(app)}</strong> on another device.</p>` +
  '<form method="post" action="/devicelogin/signin">' +
  `<input type="hidden" name="code" value="${escapeHtml(code)}">` +
  `${CREDENTIAL_FIELDS}</form>`;

export class DeviceFlows {
  private readonly flows = new Map<string, Flow>();
  private readonly byUserCode = new Map<string, Flow>();

  constructor(private readonly state: TenantState) {}

  /** A new code for the app (the devicecode endpoint's answer). */
  start(base: string, clientId: string, scopes: string[], now = Date.now()): DeviceAuthorization {
    this.expire(now);
    while (this.flows.size >= MAX_PENDING) {
      const oldest = this.flows.values().next().value;
      if (!oldest) break;
      this.drop(oldest);
    }
    const flow: Flow = {
      deviceCode: randomBytes(32).toString('base64url'),
      userCode: userCode(),
      clientId,
      scopes,
      expiresAt: now + EXPIRES_IN * 1000,
      attempts: 0,
      user: null,
    };
    this.flows.set(flow.deviceCode, flow);
    this.byUserCode.set(flow.userCode, flow);
    const uri = `${base}/devicelogin`;
    return {
      device_code: flow.deviceCode,
      user_code: flow.userCode,
      verification_uri: uri,
      expires_in: EXPIRES_IN,
      interval: INTERVAL,
      message: `To sign in, use a web browser to open the page ${uri} and enter the code ${flow.userCode} to authenticate.`,
    };
  }

  /** What the token endpoint answers the polling app. An approved code is used once. */
  poll(deviceCode: string, clientId: string, now = Date.now()): Poll {
    const flow = this.flows.get(deviceCode);
    if (!flow || flow.clientId.toLowerCase() !== clientId.toLowerCase()) return { status: 'unknown' };
    if (now >= flow.expiresAt) {
      this.drop(flow);
      return { status: 'expired' };
    }
    if (!flow.user) return { status: 'pending' };
    this.drop(flow);
    return { status: 'approved', user: flow.user, scopes: flow.scopes };
  }

  /** The verification pages; false when the request is not for them. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (path !== '/devicelogin' && path !== '/devicelogin/signin') return false;
    if (req.method === 'GET' && path === '/devicelogin') {
      page(res, 200, 'Enter code', CODE_FORM(''));
      return true;
    }
    if (req.method !== 'POST') {
      page(res, 405, 'Not allowed', '<p>Use the form.</p>');
      return true;
    }
    const form = await readForm(req);
    if (!form) {
      page(res, 413, 'Too large', '<p>The form was too large.</p>');
      return true;
    }
    this.expire(Date.now());
    const code = (form.get('code') ?? '').trim().toUpperCase().replace(/[\s-]/g, '');
    const flow = this.byUserCode.get(code);
    if (!flow || flow.user) {
      page(res, 400, 'Enter code', CODE_FORM("That code didn't work. Check the code and try again."));
      return true;
    }
    if (path === '/devicelogin') {
      page(res, 200, 'Sign in', SIGN_IN_FORM(code, this.state.app.displayName, ''));
      return true;
    }
    flow.attempts += 1;
    const username = (form.get('username') ?? '').trim().toLowerCase();
    const password = form.get('password') ?? '';
    const user = this.state.users.find((u) => u.address.toLowerCase() === username);
    if (!user || user.password !== password) {
      if (flow.attempts >= MAX_ATTEMPTS) this.drop(flow);
      page(
        res,
        401,
        'Sign in',
        SIGN_IN_FORM(code, this.state.app.displayName, 'Your account or password is incorrect.'),
      );
      return true;
    }
    flow.user = user;
    page(
      res,
      200,
      'You have signed in',
      `<p>You have signed in to the ${escapeHtml(this.state.app.displayName)} application on your device as ${escapeHtml(user.address)}. You may now close this window.</p>`,
    );
    return true;
  }

  private drop(flow: Flow): void {
    this.flows.delete(flow.deviceCode);
    this.byUserCode.delete(flow.userCode);
  }

  private expire(now: number): void {
    for (const flow of [...this.flows.values()]) if (now >= flow.expiresAt) this.drop(flow);
  }
}
