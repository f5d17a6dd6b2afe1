// Throw-away TLS material for the test Dovecot: a CA and one server certificate it signed.
// Keys come from node:crypto (generated in parallel on the libuv pool, which is faster than
// one openssl process after the other); the certificates come from the openssl CLI because
// Node cannot build X.509 certificates.

import { generateKeyPair } from 'node:crypto';
import { isIP } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runChecked } from './run';

const generateKeyPairAsync = promisify(generateKeyPair);

/** What the certificate covers unless a test asks for something else. */
export const DEFAULT_CERT_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '127.0.0.2'];

export interface TlsMaterial {
  caPem: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** An RSA key pair as PEM text (PKCS#8 private key, SPKI public key). */
export interface PemKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

export async function generateRsaKeyPair(): Promise<PemKeyPair> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/**
 * Writes ca.pem, ca.key, server.pem and server.key into `dir`. `hosts` become the server
 * certificate's subjectAltName entries (IP literals as IP:, everything else as DNS:).
 */
export async function generateTlsMaterial(
  dir: string,
  hosts: readonly string[] = DEFAULT_CERT_HOSTS,
): Promise<TlsMaterial> {
  if (hosts.length === 0) throw new Error('generateTlsMaterial: at least one certificate host is needed');
  const [caKey, serverKey] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair()]);
  const caKeyFile = join(dir, 'ca.key');
  const caFile = join(dir, 'ca.pem');
  const keyFile = join(dir, 'server.key');
  const certFile = join(dir, 'server.pem');
  await Promise.all([
    writeFile(caKeyFile, caKey.privateKeyPem, { mode: 0o600 }),
    writeFile(keyFile, serverKey.privateKeyPem, { mode: 0o600 }),
  ]);

  // Backdated by the openssl default (now); two days is plenty for a test run and keeps the
  // certificate obviously disposable.
  // prettier-ignore
  await runChecked('openssl', [
    'req', '-x509', '-new', '-key', caKeyFile, '-out', caFile, '-days', '2',
    '-subj', '/O=MailProbe tests/CN=MailProbe Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);

  const san = hosts.map((h) => (isIP(h) === 0 ? `DNS:${h}` : `IP:${h}`)).join(',');
  // The CN is informational only (clients match on the SAN), but keep it equal to the first host
  // so that a certificate-mismatch report shows something recognisable.
  const commonName = hosts[0] ?? 'localhost';
  // prettier-ignore
  await runChecked('openssl', [
    'req', '-x509', '-new', '-key', keyFile, '-CA', caFile, '-CAkey', caKeyFile,
    '-out', certFile, '-days', '2',
    '-subj', `/O=MailProbe tests/CN=${commonName}`,
    '-addext', `subjectAltName=${san}`,
    '-addext', 'basicConstraints=critical,CA:FALSE',
    '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment',
    '-addext', 'extendedKeyUsage=serverAuth',
  ]);

  const caPem = await readFile(caFile, 'utf8');
  return { caPem, caFile, certFile, keyFile };
}
