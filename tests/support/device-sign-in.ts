// The person of a device code flow, for tests: waits for the CLI's words on stderr ("open the page
// URL and enter the code CODE"), then enters the code and signs in on the lab's pages over HTTPS.
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:https';

export interface DevicePrompt {
  url: string;
  code: string;
}

const PROMPT = /open the page (\S+) and enter the code (\S+) to authenticate/;

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
