// The person of a user sign-in, for tests: waits for the CLI's words on stderr ("open the page
// URL and enter the code CODE", or the browser page to open), then signs in on the lab's pages
// over HTTPS as a browser would.
import type { ChildProcess } from 'node:child_process';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Lab } from '../../electron/lab/lab';

export interface DevicePrompt {
  url: string;
  code: string;
}

interface Answer {
  status: number;
  body: string;
  location: string | null;
}

/** The first match of `pattern` in what the child writes on stderr, within `ms`. */
export function promptOf(
  child: ChildProcess,
  pattern: RegExp,
  what: string,
  ms = 20_000,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms: ${seen}`)), ms);
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const m = pattern.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
  });
}

/** The browser page the child prints (check --browser), within `ms`. */
export async function browserPrompt(child: ChildProcess, ms = 20_000): Promise<string> {
  return (await promptOf(child, /Sign in in a browser: open (\S+)/, 'browser prompt', ms))[1] ?? '';
}

/** The page and code the child prints (check --device-code), within `ms`. */
export async function devicePrompt(child: ChildProcess, ms = 20_000): Promise<DevicePrompt> {
  const m = await promptOf(
    child,
    /open the page (\S+) and enter the code (\S+) to authenticate/,
    'device code prompt',
    ms,
  );
  return { url: m[1] ?? '', code: m[2] ?? '' };
}

/**
 * One request, as a browser would send it: a GET, or a form POST. HTTPS with `ca` (the lab's CA),
 * or taking the page's certificate unchecked when it is null; plain HTTP for a loopback redirect.
 */
function send(url: string, form: Record<string, string> | null, ca: string | null): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = form ? new URLSearchParams(form).toString() : '';
    const onAnswer = (res: IncomingMessage): void => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text, location: res.headers.location ?? null }),
      );
    };
    const options = {
      method: form ? 'POST' : 'GET',
      headers: form
        ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) }
        : {},
      timeout: 10_000,
    };
    const req = url.startsWith('https:')
      ? httpsRequest(url, { ...options, ...(ca ? { ca } : { rejectUnauthorized: false }) }, onAnswer)
      : httpRequest(url, options, onAnswer);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** A form POST to the lab. */
export function postForm(url: string, form: Record<string, string>, ca: string | null): Promise<Answer> {
  return send(url, form, ca);
}

/** Enters the code, then signs in as `user`. */
export async function signInOnDevicePage(
  prompt: DevicePrompt,
  user: { address: string; password: string },
  ca: string | null,
): Promise<string> {
  const code = await send(prompt.url, { code: prompt.code }, ca);
  if (code.status !== 200) throw new Error(`the code page answered ${code.status}`);
  const done = await send(
    `${prompt.url}/signin`,
    { code: prompt.code, username: user.address, password: user.password },
    ca,
  );
  return done.body;
}

const unescape = (text: string): string =>
  text.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));

/** The person of a browser sign-in: the page MSAL opens, the lab's form, then back to MSAL's loopback. */
export async function browserSignIn(
  url: string,
  user: { address: string; password: string },
  ca: string | null,
): Promise<string> {
  const form = await send(url, null, ca);
  const id = /name="request" value="([^"]+)"/.exec(form.body)?.[1];
  if (form.status !== 200 || !id)
    throw new Error(`no sign-in form (${form.status}): ${form.body.slice(0, 300)}`);
  const done = await send(
    `${new URL(url).origin}/authorize/signin`,
    { request: id, username: user.address, password: user.password },
    ca,
  );
  if (done.status === 302 && done.location) return (await send(done.location, null, null)).body;
  // response_mode=form_post: the page posts the code to the app's loopback listener.
  const action = /<form method="post" action="([^"]+)"/.exec(done.body)?.[1];
  if (done.status !== 200 || !action)
    throw new Error(`the sign-in answered ${done.status}: ${done.body.slice(0, 300)}`);
  const fields = Object.fromEntries(
    [...done.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      m[1] ?? '',
      unescape(m[2] ?? ''),
    ]),
  );
  return (await send(unescape(action), fields, null)).body;
}

/** The arguments of a check of the lab's tenant as if it were a real one (explicit endpoints). */
export function labTargetArgs(lab: Lab, caFile: string): string[] {
  // prettier-ignore
  return ['--imap', '--smtp', '--mailbox', lab.demo.mailbox, '--tenant', lab.demo.tenantId,
    '--client-id', lab.demo.clientId, '--authority', lab.authorityHost, '--ca', caFile,
    '--imap-host', '127.0.0.1', '--imap-port', String(lab.mail.ports.imap),
    '--smtp-host', '127.0.0.1', '--smtp-port', String(lab.mail.ports.smtp), '--smtp-security', 'starttls'];
}

/** The person of a user's own Google sign-in on the lab's page, then back to the app's loopback. */
export async function googleSignIn(
  url: string,
  user: { address: string; password: string },
  ca: string | null,
): Promise<string> {
  const form = await send(url, null, ca);
  const id = /name="request" value="([^"]+)"/.exec(form.body)?.[1];
  const action = /<form method="post" action="([^"]+)"/.exec(form.body)?.[1];
  if (form.status !== 200 || !id || !action)
    throw new Error(`no sign-in form (${form.status}): ${form.body.slice(0, 300)}`);
  const done = await send(
    `${new URL(url).origin}${action}`,
    { request: id, username: user.address, password: user.password },
    ca,
  );
  if (done.status !== 302 || !done.location)
    throw new Error(`the sign-in answered ${done.status}: ${done.body.slice(0, 300)}`);
  return (await send(done.location, null, null)).body;
}
