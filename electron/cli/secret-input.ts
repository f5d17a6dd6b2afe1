// Secrets come from files, environment variables or stdin, never from argv (shell history, ps).
import { readFile } from 'node:fs/promises';
import { UsageError } from './usage-error';

const MAX_SECRET_BYTES = 64 * 1024;

export async function readSecretFile(path: string, what: string): Promise<string> {
  let text: string;
  try {
    const data = await readFile(path);
    if (data.length > MAX_SECRET_BYTES)
      throw new UsageError(`${what} file ${path} is larger than ${MAX_SECRET_BYTES} bytes`);
    text = data.toString('utf8').trim();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = error && typeof error === 'object' && 'code' in error ? String(error.code) : String(error);
    throw new UsageError(`cannot read ${what} file ${path} (${code})`);
  }
  if (!text) throw new UsageError(`${what} file ${path} is empty`);
  return text;
}

export function readSecretEnv(name: string, what: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new UsageError(`"${name}" is not an environment variable name`);
  const value = process.env[name]?.trim();
  if (!value) throw new UsageError(`environment variable ${name} (${what}) is not set or empty`);
  return value;
}

export async function readSecretStdin(what: string): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError(`expected ${what} on standard input, but it is a terminal`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_SECRET_BYTES)
      throw new UsageError(`${what} on standard input is larger than ${MAX_SECRET_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) throw new UsageError(`no ${what} on standard input`);
  return text;
}
