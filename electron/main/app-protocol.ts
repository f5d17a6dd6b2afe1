// The renderer is served from app://mailprobe/, a privileged scheme of its own, not file://:
// under file:// the CSP's 'self' would match any file on the disk. Every answer carries the CSP
// as a response header (the meta tag in index.html stays as a second line). Only files inside
// the renderer folder are served; anything else is 404.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://mailprobe';
export const APP_URL = `${APP_ORIGIN}/index.html`;

/** The renderer's policy: its own bundle only, no network, no frames, no plugins. */
export const RENDERER_CSP =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** The file inside `rendererDir` that `url` names, or null (another origin, a way out, a bad escape). */
export function appFilePath(url: string, rendererDir: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (`${parsed.protocol}//${parsed.host}` !== APP_ORIGIN) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const relative = normalize(path === '/' ? '/index.html' : path).replace(/^[/\\]+/, '');
  const root = normalize(rendererDir + sep);
  const file = normalize(join(rendererDir, relative));
  return file.startsWith(root) ? file : null;
}

export interface AppAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

/** What app:// answers for `url`: the file with its type and the CSP, or 404. */
export async function appAnswer(
  url: string,
  rendererDir: string,
  read: (path: string) => Promise<Uint8Array> = (p) => readFile(p),
): Promise<AppAnswer> {
  const headers = {
    'content-security-policy': RENDERER_CSP,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
  };
  const file = appFilePath(url, rendererDir);
  if (!file) return { status: 404, headers: { ...headers, 'content-type': 'text/plain' }, body: 'Not found' };
  try {
    const body = await read(file);
    return {
      status: 200,
      headers: {
        ...headers,
        'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      },
      body,
    };
  } catch {
    return { status: 404, headers: { ...headers, 'content-type': 'text/plain' }, body: 'Not found' };
  }
}
