// The lab's authorization code + PKCE checks without sockets: which redirects a desktop app may
// use, and a code redeemed once, by the same app, to the same redirect, with the right verifier.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AuthorizeFlows, isLoopbackRedirect } from '../../../electron/lab/authorize-flow';
import { DEMO, demoState } from '../../../electron/lab/scenarios';

describe('authorization code with PKCE', () => {
  it('takes loopback http redirects only', () => {
    expect(isLoopbackRedirect('http://localhost:53123/')).toBe(true);
    expect(isLoopbackRedirect('http://127.0.0.1/callback')).toBe(true);
    expect(isLoopbackRedirect('https://localhost/')).toBe(false);
    expect(isLoopbackRedirect('http://evil.example/')).toBe(false);
    expect(isLoopbackRedirect('not a url')).toBe(false);
  });

  it('refuses a code it never issued', () => {
    const flows = new AuthorizeFlows(demoState());
    expect(flows.redeem('nope', DEMO.clientId, 'http://localhost/', 'v')).toEqual({
      ok: false,
      why: 'unknown-code',
    });
  });

  const verifier = 'a-verifier-of-enough-length-for-pkce-0123456789';

  /** The sign-in page, then the form's post, through minimal request and response objects: the code. */
  async function codeFor(flows: AuthorizeFlows, state: ReturnType<typeof demoState>): Promise<URL> {
    let html = '';
    const res = {
      headers: {} as Record<string, unknown>,
      statusCode: 0,
      writeHead(status: number, headers: Record<string, unknown>) {
        this.statusCode = status;
        this.headers = headers;
        return this;
      },
      end(body?: string) {
        html = body ?? '';
      },
    };
    flows.signInPage(res as unknown as ServerResponse, {
      clientId: DEMO.clientId,
      redirectUri: 'http://localhost:4000/',
      responseMode: 'query',
      state: 's1',
      challenge: createHash('sha256').update(verifier).digest('base64url'),
      scopes: ['IMAP.AccessAsUser.All'],
    });
    const id = /name="request" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const alice = state.users[0];
    if (!alice) throw new Error('no demo user');
    const body = new URLSearchParams({ request: id, username: alice.address, password: alice.password });
    const req = Object.assign(Readable.from([Buffer.from(body.toString())]), { method: 'POST' });
    await flows.handle(req as never, res as unknown as ServerResponse, '/authorize/signin');
    expect(res.statusCode).toBe(302);
    return new URL(String(res.headers.location));
  }

  it('redeems a code once, with its verifier, for the same redirect', async () => {
    const state = demoState();
    const flows = new AuthorizeFlows(state);
    const good = await codeFor(flows, state);
    expect(good.searchParams.get('state')).toBe('s1');
    const redeemed = flows.redeem(
      good.searchParams.get('code') ?? '',
      DEMO.clientId,
      'http://localhost:4000/',
      verifier,
    );
    expect(redeemed).toMatchObject({ ok: true, scopes: ['IMAP.AccessAsUser.All'] });
    expect(redeemed.ok && redeemed.user.address).toBe(DEMO.mailbox);
    const bad = (await codeFor(flows, state)).searchParams.get('code') ?? '';
    expect(flows.redeem(bad, DEMO.clientId, 'http://localhost:4000/', 'wrong-verifier')).toEqual({
      ok: false,
      why: 'verifier-mismatch',
    });
    // A code is gone once tried, right or wrong.
    expect(flows.redeem(bad, DEMO.clientId, 'http://localhost:4000/', verifier)).toEqual({
      ok: false,
      why: 'unknown-code',
    });
    const other = (await codeFor(flows, state)).searchParams.get('code') ?? '';
    expect(flows.redeem(other, DEMO.clientId, 'http://localhost:4001/', verifier)).toEqual({
      ok: false,
      why: 'redirect-mismatch',
    });
  });
});
