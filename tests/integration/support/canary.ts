// The canary scanner: known secret values (and the forms they take when encoded or cut up) are
// searched for in every byte the app wrote or printed. A hit is reported as where it was found
// and which kind of secret it was, never with the secret itself, so that a failing test does not
// leak the value into its own log.
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { lstat, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';

export interface Hit {
  /** A file path, a zip entry (`archive.zip!entry`) or the name of a captured output. */
  source: string;
  /** Byte offset (character offset for captured text) of the first occurrence. */
  offset: number;
  kind: string;
}

export interface ScanTotals {
  files: number;
  bytes: number;
  zipEntries: number;
}

/** Length of the cut-up pieces of a token signature or a key searched for on their own. */
export const FRAGMENT_LENGTH = 24;
/** Shorter base64 pieces would turn up by chance. */
const MIN_BASE64_FORM = 8;
/** Runs of base64 or base64url characters long enough to hold a fragment. */
const BASE64_RUN = new RegExp(`[A-Za-z0-9+/_-]{${FRAGMENT_LENGTH},}`, 'g');
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const MAX_ZIP_DEPTH = 3;

/**
 * How a value looks inside a larger base64 payload, at each of the three byte alignments, without
 * the edge characters that depend on its neighbours.
 */
export function base64InnerForms(value: string | Buffer): string[] {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset += 1) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const start = offset === 0 ? 0 : offset === 1 ? 2 : 3;
    const inner = encoded.replace(/=+$/, '').slice(start, -2);
    if (inner.length >= MIN_BASE64_FORM) forms.push(inner);
  }
  return forms;
}

/** The plain encodings of a value on its own: base64, base64url and hex. */
export function wholeEncodings(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  return [bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')];
}

function windows(text: string, length: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + length <= text.length; i += 1) out.push(text.slice(i, i + length));
  return out;
}

function pemBody(pem: string): string {
  return pem
    .split('\n')
    .filter((l) => !l.startsWith('-----') && !l.includes(':'))
    .join('')
    .replace(/\s+/g, '');
}

function isZip(bytes: Uint8Array): boolean {
  return ZIP_MAGIC.every((b, i) => bytes[i] === b);
}

export class CanaryScanner {
  private readonly literals = new Map<string, string>();
  private readonly fragments = new Map<string, string>();
  private readonly patterns: Array<{ kind: string; re: RegExp }> = [];
  readonly totals: ScanTotals = { files: 0, bytes: 0, zipEntries: 0 };

  /** A value searched for as is, and nothing else. */
  addLiteral(kind: string, value: string): void {
    if (value.length < MIN_BASE64_FORM)
      throw new Error(`a ${kind} canary of ${value.length} chars is too short`);
    if (!this.literals.has(value)) this.literals.set(value, kind);
  }

  /** A secret a person types (password, client secret, passphrase): as is, and encoded. */
  addSecret(kind: string, value: string): void {
    this.addLiteral(kind, value);
    for (const form of wholeEncodings(value)) this.addLiteral(`${kind} (encoded)`, form);
    for (const form of base64InnerForms(value)) this.addLiteral(`${kind} (inside base64)`, form);
  }

  /**
   * An access token: the whole token, its signature, the signature inside base64, and every
   * FRAGMENT_LENGTH-character piece of the signature (a truncated or wrapped token still leaks).
   */
  addToken(kind: string, token: string): void {
    const signature = token.split('.')[2] ?? '';
    if (signature.length < FRAGMENT_LENGTH) throw new Error(`the ${kind} has no signature to look for`);
    this.addLiteral(kind, token);
    for (const form of base64InnerForms(token)) this.addLiteral(`${kind} (inside base64)`, form);
    this.addLiteral(`${kind} signature`, signature);
    for (const form of base64InnerForms(signature))
      this.addLiteral(`${kind} signature (inside base64)`, form);
    for (const piece of windows(signature, FRAGMENT_LENGTH))
      if (!this.fragments.has(piece)) this.fragments.set(piece, `${kind} signature fragment`);
  }

  /**
   * A private key (PEM, possibly encrypted with `passphrase`): every piece of its base64 body, in
   * PKCS#8 and PKCS#1, and the lines of the PEM file as given. Pieces that also occur in the
   * public half or in the certificate (the modulus is in all three) are left out: those are not
   * secret and may be shown.
   */
  /** `certificatePem`: the key's certificate, whose public parts may be shown; none for a bare key. */
  addPrivateKey(kind: string, keyFilePem: string, certificatePem: string | null, passphrase?: string): void {
    const key = createPrivateKey(passphrase === undefined ? keyFilePem : { key: keyFilePem, passphrase });
    const publicEncodings: string[] = [];
    for (const der of [
      createPublicKey(key).export({ type: 'spki', format: 'der' }),
      createPublicKey(key).export({ type: 'pkcs1', format: 'der' }),
      ...(certificatePem === null ? [] : [new X509Certificate(certificatePem).raw]),
    ])
      for (let offset = 0; offset < 3; offset += 1)
        publicEncodings.push(Buffer.concat([Buffer.alloc(offset), der]).toString('base64'));
    const shown = new Set(publicEncodings.flatMap((e) => windows(e, FRAGMENT_LENGTH)));
    for (const line of keyFilePem.split('\n')) {
      const body = line.trim();
      if (body.length < FRAGMENT_LENGTH || body.startsWith('-----') || body.includes(':')) continue;
      if (!publicEncodings.some((e) => e.includes(body))) this.addLiteral(`${kind} file line`, body);
    }
    const plain = [
      key.export({ type: 'pkcs8', format: 'pem' }).toString(),
      key.export({ type: 'pkcs1', format: 'pem' }).toString(),
    ].map(pemBody);
    for (const body of plain)
      for (const piece of windows(body, FRAGMENT_LENGTH))
        if (!shown.has(piece) && !this.fragments.has(piece)) this.fragments.set(piece, `${kind} fragment`);
  }

  /** A shape that no output may have, for secrets whose value the test cannot know. */
  addPattern(kind: string, re: RegExp): void {
    this.patterns.push({
      kind,
      re: new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`),
    });
  }

  get needleCount(): number {
    return this.literals.size + this.fragments.size + this.patterns.length;
  }

  /** The text with every known secret and shape blanked out, for a failure message. */
  mask(text: string): string {
    let out = text;
    for (const value of this.literals.keys()) out = out.split(value).join('<canary>');
    out = out.replace(BASE64_RUN, (run) => {
      for (let i = 0; i + FRAGMENT_LENGTH <= run.length; i += 1)
        if (this.fragments.has(run.slice(i, i + FRAGMENT_LENGTH))) return '<canary fragment>';
      return run;
    });
    for (const { re } of this.patterns) out = out.replace(re, '<secret shape>');
    return out;
  }

  /** Every hit in one text; one hit per kind and source is enough to tell where to look. */
  scanText(source: string, text: string): Hit[] {
    const hits: Hit[] = [];
    const seen = new Set<string>();
    const report = (offset: number, kind: string): void => {
      if (seen.has(kind)) return;
      seen.add(kind);
      hits.push({ source, offset, kind });
    };
    for (const [value, kind] of this.literals) {
      const at = text.indexOf(value);
      if (at >= 0) report(at, kind);
    }
    if (this.fragments.size > 0)
      for (const run of text.matchAll(BASE64_RUN)) {
        const value = run[0];
        for (let i = 0; i + FRAGMENT_LENGTH <= value.length; i += 1) {
          const kind = this.fragments.get(value.slice(i, i + FRAGMENT_LENGTH));
          if (kind !== undefined) report(run.index + i, kind);
        }
      }
    for (const { kind, re } of this.patterns) {
      re.lastIndex = 0;
      const match = re.exec(text);
      if (match) report(match.index, kind);
    }
    return hits;
  }

  /** Raw bytes, and, for a zip, each entry decompressed (nested zips too). */
  scanBytes(source: string, bytes: Uint8Array, depth = 0): Hit[] {
    const hits = this.scanText(
      source,
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'),
    );
    if (isZip(bytes)) {
      if (depth >= MAX_ZIP_DEPTH) throw new Error(`${source}: zips nested too deep to scan`);
      let entries: Record<string, Uint8Array>;
      try {
        entries = unzipSync(bytes);
      } catch (error) {
        // A zip the scanner cannot open is a scan that cannot vouch for it.
        throw new Error(
          `${source}: cannot unzip (${error instanceof Error ? error.message : String(error)})`,
        );
      }
      for (const [name, data] of Object.entries(entries)) {
        this.totals.zipEntries += 1;
        this.totals.bytes += data.length;
        hits.push(...this.scanBytes(`${source}!${name}`, data, depth + 1));
      }
    }
    return hits;
  }

  async scanFile(path: string): Promise<Hit[]> {
    const bytes = await readFile(path);
    this.totals.files += 1;
    this.totals.bytes += bytes.length;
    return this.scanBytes(path, bytes);
  }

  /** Every regular file below `root`; anything else (a link, a socket) is reported as a problem. */
  async scanTree(root: string): Promise<Hit[]> {
    const hits: Hit[] = [];
    for (const path of await listFiles(root)) hits.push(...(await this.scanFile(path)));
    return hits;
  }

  /** Captured output (stdout, a dispatch result, an event), counted like a file. */
  scanCaptured(source: string, text: string): Hit[] {
    this.totals.files += 1;
    this.totals.bytes += Buffer.byteLength(text);
    return this.scanText(source, text);
  }
}

/** Regular files below `root`, recursively. Links are not followed: the app writes none. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out.push(path);
      else {
        const info = await lstat(path);
        throw new Error(`${path}: not a regular file (mode ${info.mode.toString(8)}); cannot vouch for it`);
      }
    }
  };
  await walk(root);
  return out.sort();
}

/** Hits as lines for an assertion message: where and what kind, never the value. */
export function describeHits(hits: Hit[]): string {
  return hits.map((h) => `${h.source} @${h.offset}: ${h.kind}`).join('\n');
}
