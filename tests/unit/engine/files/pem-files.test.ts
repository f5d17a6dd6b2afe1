// Files chosen by the user: read with a bound, only when regular files, and checked for what
// their field asks for (PEM certificates, one private key), with the reason in words.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileProblem, readBoundedFile } from '../../../../electron/engine/files/bounded-file';
import {
  certificatesProblem,
  pemFileProblem,
  privateKeyProblem,
  readCertificateFile,
} from '../../../../electron/engine/files/pem-files';
import { checkChosenFiles, importedFiles } from '../../../../electron/engine/files/chosen-files';
import { createLabPki, type LabPki } from '../../../../electron/lab/pki';

let dir: string;
let pki: LabPki;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-files-'));
  pki = await createLabPki();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe('readBoundedFile', () => {
  it('reads a regular file', async () => {
    const path = await file('plain.txt', 'hello');
    expect((await readBoundedFile(path, 100)).toString()).toBe('hello');
  });

  it.each([
    ['a missing file', () => Promise.resolve(join(dir, 'missing.pem')), /does not exist$/],
    ['a folder', () => Promise.resolve(dir), /is a folder, not a file$/],
    ['a device', () => Promise.resolve('/dev/zero'), /is a device, not a file$/],
    ['an empty name', () => Promise.resolve(''), /is not named/],
  ])('refuses %s with its reason', async (_what, path, reason) => {
    const error = await readBoundedFile(await path(), 1024).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileProblem);
    expect((error as FileProblem).message).toMatch(reason);
  });

  it('refuses a named pipe at once instead of waiting for a writer', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await expect(readBoundedFile(fifo, 1024)).rejects.toThrow(/is a named pipe, not a file$/);
  });

  it('refuses a file over the bound without reading it', async () => {
    const path = await file('big.bin', Buffer.alloc(3 * 1024 * 1024));
    await expect(readBoundedFile(path, 1024 * 1024)).rejects.toThrow(/is too large \(3 MB; at most 1 MB\)/);
  });
});

describe('PEM checks', () => {
  it('accepts certificates and CA bundles', () => {
    expect(certificatesProblem(pki.caPem)).toBeNull();
    expect(certificatesProblem(`${pki.caPem}\n${pki.serverCertPem}`)).toBeNull();
  });

  it('names what is wrong with a certificate file', () => {
    expect(certificatesProblem(pki.serverKeyPem)).toBe('holds a private key, not a certificate');
    expect(certificatesProblem('just text')).toMatch(/holds no PEM certificate/);
    expect(certificatesProblem('0\u0082\u0003binary\0')).toMatch(/not PEM text.*openssl x509 -inform der/);
    const damaged = pki.caPem.replace(/\n[A-Za-z0-9+/]{20}/, '\n');
    expect(certificatesProblem(`${pki.serverCertPem}\n${damaged}`)).toMatch(
      /certificate \(number 2 of 2\) that does not parse/,
    );
  });

  it('accepts unencrypted and encrypted private keys', () => {
    expect(privateKeyProblem(pki.serverKeyPem)).toBeNull();
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const encrypted = privateKey.export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'pass',
    });
    expect(privateKeyProblem(String(encrypted))).toBeNull();
    const sec1 = privateKey.export({ type: 'sec1', format: 'pem' });
    expect(privateKeyProblem(String(sec1))).toBeNull();
    expect(createPrivateKey(String(sec1)).asymmetricKeyType).toBe('ec');
  });

  it('names what is wrong with a key file', () => {
    expect(privateKeyProblem(pki.caPem)).toBe('holds a certificate, not a private key');
    expect(privateKeyProblem('')).toMatch(/holds no PEM private key/);
    expect(privateKeyProblem('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')).toMatch(
      /does not parse/,
    );
  });

  it('reads in one pass: a megabyte of unterminated BEGIN lines is answered at once', () => {
    const hostile = '-----BEGIN CERTIFICATE-----\n'.repeat(37_000);
    // Linear by construction (indexOf); a backtracking pattern would take minutes here.
    expect(certificatesProblem(hostile)).toMatch(/holds no PEM certificate/);
    expect(privateKeyProblem('-----BEGIN PRIVATE KEY-----\n'.repeat(37_000))).toMatch(/no PEM private key/);
  });

  it('checks the file a path names', async () => {
    const ca = await file('ca.pem', pki.caPem);
    const key = await file('key.pem', pki.serverKeyPem);
    expect(await readCertificateFile(ca)).toBe(pki.caPem);
    expect(await pemFileProblem(key, 'certificate')).toBe('holds a private key, not a certificate');
    expect(await pemFileProblem(ca, 'private-key')).toBe('holds a certificate, not a private key');
  });
});

describe('chosen files', () => {
  it('refuses a certificate profile whose files are missing or wrong, naming the field', async () => {
    const ca = await file('cert.pem', pki.serverCertPem);
    await expect(
      checkChosenFiles([
        { field: 'certificatePath', label: 'Certificate file', path: ca, kind: 'certificate' },
        { field: 'keyPath', label: 'Private key file', path: ca, kind: 'private-key' },
      ]),
    ).rejects.toThrow(`Private key file: ${ca} holds a certificate, not a private key`);
  });

  it('lists the files an import names, with their state on this machine', async () => {
    const cert = await file('import-cert.pem', pki.serverCertPem);
    const preview = await importedFiles([
      { name: 'A', credential: 'client-secret' },
      { name: 'B', credential: 'certificate', certificatePath: cert, keyPath: '/nowhere/key.pem' },
    ]);
    expect(preview.profiles).toEqual([
      { name: 'A', files: [] },
      {
        name: 'B',
        files: [
          { label: 'Certificate file', path: cert, problem: null },
          { label: 'Private key file', path: '/nowhere/key.pem', problem: 'does not exist' },
        ],
      },
    ]);
  });
});
