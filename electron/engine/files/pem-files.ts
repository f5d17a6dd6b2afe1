// A CA file or certificate must hold PEM certificates that parse; a key file one private key.
// Checked when the file is chosen (settings, profile form, import, CLI) and again when a run
// reads it, so a wrong file is named in words at once instead of failing later inside a TLS or
// token library with that library's message.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { FileProblem, readBoundedText } from './bounded-file';

/** A CA bundle of a few hundred certificates fits; anything larger is not what was meant. */
export const MAX_PEM_BYTES = 1024 * 1024;

const KEY_LABELS = ['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'];

/** The PEM blocks with this label, BEGIN to END, found in one pass with indexOf (linear). */
function pemBlocks(text: string, label: string): string[] {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const blocks: string[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf(begin, from);
    if (start < 0) return blocks;
    const stop = text.indexOf(end, start + begin.length);
    if (stop < 0) return blocks;
    blocks.push(text.slice(start, stop + end.length));
    from = stop + end.length;
  }
}

/** The problem with a text that should hold PEM certificates, or null when every one parses. */
export function certificatesProblem(pem: string): string | null {
  const blocks = pemBlocks(pem, 'CERTIFICATE');
  if (blocks.length === 0) {
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) return 'holds a private key, not a certificate';
    if (pem.includes('\uFFFD') || pem.includes('\0'))
      return 'is not PEM text (a binary DER file? convert it with `openssl x509 -inform der -in FILE -out FILE.pem`)';
    return 'holds no PEM certificate (no "-----BEGIN CERTIFICATE-----" block)';
  }
  for (const [index, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      return blocks.length === 1
        ? 'holds a certificate block that does not parse (damaged or cut short)'
        : `holds a certificate (number ${index + 1} of ${blocks.length}) that does not parse (damaged or cut short)`;
    }
  }
  return null;
}

/** The problem with a text that should hold one PEM private key, or null when it is usable. */
export function privateKeyProblem(pem: string): string | null {
  let label: string | undefined;
  let block: string | undefined;
  for (const candidate of KEY_LABELS) {
    block = pemBlocks(pem, candidate)[0];
    if (block) {
      label = candidate;
      break;
    }
  }
  if (!block) {
    if (pem.includes('-----BEGIN CERTIFICATE-----')) return 'holds a certificate, not a private key';
    return 'holds no PEM private key (no "-----BEGIN PRIVATE KEY-----" block)';
  }
  // An encrypted key needs its passphrase (the profile's secret) to be read: checked at run time.
  if (label === 'ENCRYPTED PRIVATE KEY' || block.includes('Proc-Type: 4,ENCRYPTED')) return null;
  try {
    createPrivateKey(block);
    return null;
  } catch {
    return 'holds a private key block that does not parse (damaged or cut short)';
  }
}

async function readChecked(path: string, problemOf: (pem: string) => string | null): Promise<string> {
  const pem = await readBoundedText(path, MAX_PEM_BYTES);
  const problem = problemOf(pem);
  if (problem) throw new FileProblem(path, problem);
  return pem;
}

/** The PEM text of a CA file or certificate, or a FileProblem that says what is wrong with it. */
export function readCertificateFile(path: string): Promise<string> {
  return readChecked(path, certificatesProblem);
}

/** The PEM text of a private key file, or a FileProblem that says what is wrong with it. */
export function readPrivateKeyFile(path: string): Promise<string> {
  return readChecked(path, privateKeyProblem);
}

export type PemKind = 'certificate' | 'private-key';

/** The problem with a chosen file, in words, or null when it is usable. */
export async function pemFileProblem(path: string, kind: PemKind): Promise<string | null> {
  try {
    await (kind === 'certificate' ? readCertificateFile(path) : readPrivateKeyFile(path));
    return null;
  } catch (error) {
    if (error instanceof FileProblem) return error.problem;
    throw error;
  }
}
