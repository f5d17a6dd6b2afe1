// Secrets come from files, environment variables or stdin, never from argv (shell history, ps).
import { FileProblem, readBoundedFile } from '../engine/files/bounded-file';
import { optionError, UsageError } from './usage-error';

/** The option that names the variable of each secret, for the messages. */
const ENV_FLAG: Record<string, string> = {
  'client secret': '--client-secret-env',
  password: '--password-env',
  'access token': '--access-token-env',
  'key passphrase': '--key-passphrase-env',
  'proxy password': '--proxy-password-env',
};

const MAX_SECRET_BYTES = 64 * 1024;

/** A line break or NUL inside a secret would smuggle a second command onto the wire. */
function checked(text: string, what: string): string {
  if (/[\r\n\0]/.test(text))
    throw new UsageError(`the ${what} contains a line break or NUL character; remove it`);
  return text;
}

export async function readSecretFile(path: string, what: string): Promise<string> {
  let text: string;
  try {
    text = (await readBoundedFile(path, MAX_SECRET_BYTES)).toString('utf8').trim();
  } catch (error) {
    if (error instanceof FileProblem)
      throw what === 'access token'
        ? optionError('--access-token-file', `file ${error.message}`)
        : new UsageError(`${what} file ${error.message}`);
    throw error;
  }
  if (!text)
    throw what === 'access token'
      ? optionError('--access-token-file', `file ${path} is empty`)
      : new UsageError(`${what} file ${path} is empty`);
  return checked(text, what);
}

export function readSecretEnv(name: string, what: string): string {
  const flag = ENV_FLAG[what];
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw flag
      ? optionError(flag, `"${name}" is not an environment variable name`)
      : new UsageError(`"${name}" is not an environment variable name`);
  const value = process.env[name]?.trim();
  if (!value)
    throw flag
      ? optionError(flag, `environment variable ${name} is not set or empty`)
      : new UsageError(`environment variable ${name} (${what}) is not set or empty`);
  return checked(value, what);
}

/** Standard input as text, at most `maxBytes`. */
export async function readStdinText(what: string, maxBytes: number): Promise<string> {
  if (process.stdin.isTTY)
    throw new UsageError(`expected the ${what} on standard input, but it is a terminal`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes)
      throw new UsageError(`the ${what} on standard input is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) throw new UsageError(`no ${what} on standard input`);
  return text;
}

export async function readSecretStdin(what: string): Promise<string> {
  return checked(await readStdinText(what, MAX_SECRET_BYTES), what);
}

/** A token pasted with its header prefix ("Bearer eyJ...") is the same token. */
export function withoutBearer(token: string): string {
  return token.replace(/^Bearer\s+/i, '');
}
