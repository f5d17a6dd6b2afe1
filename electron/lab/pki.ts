// The lab's own certificate authority and server certificate, made in memory at start. Keys come
// from Node's native generator; node-forge only assembles and signs the certificates (Node has no
// API for that). Nothing is written to disk unless the user saves the CA to point a mail client
// at the lab.
import { generateKeyPair as generateKeyPairCb, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

export interface LabPki {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

const generateKeyPair = promisify(generateKeyPairCb);
const DAY = 24 * 60 * 60 * 1000;

async function rsaKeys(): Promise<{
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
  pem: string;
}> {
  const { privateKey } = await generateKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const key = forge.pki.privateKeyFromPem(privateKey);
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e), pem: privateKey };
}

function serial(): string {
  // Positive: the top bit of the first byte clear.
  const bytes = randomBytes(12);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate): void {
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + 365 * DAY);
}

const ORG = { name: 'organizationName', value: 'MailProbe lab (simulated tenant)' };

/** Who signs: the lab's own CA, or another (the lab's TLS-inspecting proxy plays mitmproxy). */
export interface PkiAuthority {
  commonName: string;
  organization: string;
}

const LAB_AUTHORITY: PkiAuthority = { commonName: 'MailProbe Lab CA', organization: ORG.value };

/** A CA valid for a year and a server certificate for `hosts` (DNS names or IP addresses). */
export async function createLabPki(
  hosts: string[] = ['localhost', '127.0.0.1', '::1'],
  authority: PkiAuthority = LAB_AUTHORITY,
): Promise<LabPki> {
  const [caKeys, serverKeys] = await Promise.all([rsaKeys(), rsaKeys()]);
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serial();
  validity(ca);
  const caName = [
    { name: 'commonName', value: authority.commonName },
    { name: 'organizationName', value: authority.organization },
  ];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const server = forge.pki.createCertificate();
  server.publicKey = serverKeys.publicKey;
  server.serialNumber = serial();
  validity(server);
  server.setSubject([
    { name: 'commonName', value: 'localhost' },
    { name: 'organizationName', value: authority.organization },
  ]);
  server.setIssuer(caName);
  server.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: hosts.map((h) => (/^[\d.]+$|:/.test(h) ? { type: 7, ip: h } : { type: 2, value: h })),
    },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  server.sign(caKeys.privateKey, forge.md.sha256.create());
  return {
    caPem: forge.pki.certificateToPem(ca),
    serverCertPem: forge.pki.certificateToPem(server),
    serverKeyPem: serverKeys.pem,
  };
}
