// The person of a user sign-in, for tests: waits for the CLI's words on stderr ("open the page
// URL and enter the code CODE", or the browser page to open), then signs in on the lab's pages
// over HTTPS as a browser would.
import type { ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { request } from 'node:https';

export interface DevicePrompt {
  url: string;
  code: string;
}

const PROMPT = /open the page (\S+) and enter the code (\S+) to authenticate/;

/** The browser page the child prints (check --browser), within `ms`. */
export function browserPrompt(child: ChildProcess, ms = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no browser prompt within ${ms} ms: ${seen}`)), ms);
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const m = /Sign in in a browser: open (\S+)/.exec(seen);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
}

/** The page and code the child prints, within `ms`. */
export function devicePrompt(child: ChildProcess, ms = 20_000): Promise<DevicePrompt> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no device code prompt within ${ms} ms: ${seen}`)), ms);
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const m = PROMPT.exec(seen);
      if (m?.[1] && m[2]) {
        clearTimeout(timer);
        resolve({ url: m[1], code: m[2] });
      }
    });
  });
}

/** A form POST to the lab; `ca` is the lab's CA, or null to take the page's certificate unchecked. */
export function postForm(
  url: string,
  form: Record<string, string>,
  ca: string | null,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = new URLSearchParams(form).toString();
    const req = request(
      url,
      {
        method: 'POST',
        ...(ca ? { ca } : { rejectUnauthorized: false }),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Enters the code, then signs in as `user`. */
export async function signInOnDevicePage(
  prompt: DevicePrompt,
  user: { address: string; password: string },
  ca: string | null,
): Promise<string> {
  const code = await postForm(prompt.url, { code: prompt.code }, ca);
  if (code.status !== 200) throw new Error(`the code page answered ${code.status}`);
  const done = await postForm(
    `${prompt.url}/signin`,
    { code: prompt.code, username: user.address, password: user.password },
    ca,
  );
  return done.body;
}

function get(
  url: string,
  ca: string | null,
): Promise<{ status: number; body: string; location: string | null }> {
  return new Promise((resolve, reject) => {
    const secure = url.startsWith('https:');
    const handler = (res: import('node:http').IncomingMessage): void => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text, location: res.headers.location ?? null }),
      );
    };
    const req = secure
      ? request(url, { ...(ca ? { ca } : { rejectUnauthorized: false }), timeout: 10_000 }, handler)
      : httpRequest(url, { timeout: 10_000 }, handler);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** The person of a browser sign-in: the page MSAL opens, the lab's form, then back to MSAL's loopback. */
export async function browserSignIn(
  url: string,
  user: { address: string; password: string },
  ca: string | null,
): Promise<string> {
  const form = await get(url, ca);
  const id = /name="request" value="([^"]+)"/.exec(form.body)?.[1];
  if (form.status !== 200 || !id)
    throw new Error(`no sign-in form (${form.status}): ${form.body.slice(0, 300)}`);
  const origin = new URL(url).origin;
  const done = await postFormFull(
    `${origin}/authorize/signin`,
    { request: id, username: user.address, password: user.password },
    ca,
  );
  if (done.status === 302 && done.location) return (await get(done.location, null)).body;
  // response_mode=form_post: the page posts the code to the app's loopback listener.
  const action = /<form method="post" action="([^"]+)"/.exec(done.body)?.[1];
  if (done.status !== 200 || !action)
    throw new Error(`the sign-in answered ${done.status}: ${done.body.slice(0, 300)}`);
  const fields = Object.fromEntries(
    [...done.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      m[1] ?? '',
      (m[2] ?? '').replace(/&#(\d+);/g, (_x, n: string) => String.fromCharCode(Number(n))),
    ]),
  );
  return (
    await postPlain(
      action.replace(/&#(\d+);/g, (_x, n: string) => String.fromCharCode(Number(n))),
      fields,
    )
  ).body;
}

function postPlain(url: string, form: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = new URLSearchParams(form).toString();
    const req = httpRequest(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

function postFormFull(
  url: string,
  form: Record<string, string>,
  ca: string | null,
): Promise<{ status: number; body: string; location: string | null }> {
  return new Promise((resolve, reject) => {
    const body = new URLSearchParams(form).toString();
    const req = request(
      url,
      {
        method: 'POST',
        ...(ca ? { ca } : { rejectUnauthorized: false }),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text, location: res.headers.location ?? null }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
