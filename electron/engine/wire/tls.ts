// The TLS handshake (implicit TLS or after STARTTLS) and everything worth knowing about it:
// version, cipher, chain, hostname match, trust verdict. A certificate we do not trust is a
// failed step, never a connection that goes on to send credentials.
import { X509Certificate } from 'node:crypto';
import { isIP, type Socket } from 'node:net';
import {
  checkServerIdentity,
  connect as tlsConnect,
  createSecureContext,
  type SecureContext,
  rootCertificates,
  type PeerCertificate,
  type DetailedPeerCertificate,
  type SecureVersion,
  type TLSSocket,
} from 'node:tls';
import type { StepId, StepResult } from '../../../shared/report/model';
import type { Transcript } from './transcript';
import { stepResult, stopwatch } from './step';
import { bounded, WaitTimeoutError } from './wait';
import { errorCode } from './connect';
import { describeInterception, interceptionOf, type Interception } from './interception';

export interface TlsSettings {
  /** Extra trusted CA certificates (PEM), added to the public roots. */
  extraCaPem: string[];
  minVersion: SecureVersion;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  san: string[];
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  selfSigned: boolean;
}

export type IssuerKind = 'public-ca' | 'extra-ca' | 'untrusted';

export interface TlsDetail {
  protocol: string | null;
  cipher: string | null;
  chain: CertificateSummary[];
  trusted: boolean;
  trustError: string | null;
  hostnameMatch: boolean;
  hostnameError: string | null;
  issuerKind: IssuerKind;
  servername: string | null;
  /** Something between client and server re-signed the connection (a product, when named). */
  interception: Interception | null;
}

export interface TlsOutcome {
  step: StepResult;
  socket: TLSSocket | null;
  detail: TlsDetail | null;
}

// Building a context with the public roots and the extra CAs costs milliseconds of CPU: once per
// settings object (one run), not once per connection.
const contexts = new WeakMap<TlsSettings, SecureContext>();

export function secureContextFor(settings: TlsSettings): SecureContext {
  let context = contexts.get(settings);
  if (!context) {
    context = createSecureContext({
      ca: [...rootCertificates, ...settings.extraCaPem],
      minVersion: settings.minVersion,
    });
    contexts.set(settings, context);
  }
  return context;
}

function fingerprintOf(pem: string): string | null {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return null;
  }
}

function nameOf(entity: object | undefined): string {
  if (!entity) return '';
  return Object.entries(entity as Record<string, unknown>)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}

function summarise(cert: PeerCertificate): CertificateSummary {
  return {
    subject: nameOf(cert.subject),
    issuer: nameOf(cert.issuer),
    san: (cert.subjectaltname ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    validFrom: new Date(cert.valid_from).toISOString(),
    validTo: new Date(cert.valid_to).toISOString(),
    fingerprint256: cert.fingerprint256,
    selfSigned: nameOf(cert.subject) === nameOf(cert.issuer),
  };
}

/** The chain as the server sent it, leaf first, stopping at a self-signed root or a loop. */
function chainOf(socket: TLSSocket): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = [];
  const seen = new Set<string>();
  // The issuer link is missing at the end of the chain although the type says otherwise.
  let cert = socket.getPeerCertificate(true) as DetailedPeerCertificate | undefined;
  while (cert && Object.keys(cert).length > 0 && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(cert);
    cert = cert.issuerCertificate;
  }
  return chain;
}

/** Who vouched for a trusted chain: one of the extra CA files, or else the public roots. */
function issuerKind(chain: DetailedPeerCertificate[], trusted: boolean, extraCa: string[]): IssuerKind {
  const top = chain.at(-1);
  if (!trusted || !top) return 'untrusted';
  if (extraCa.length === 0) return 'public-ca';
  const extras = extraCa.flatMap((pem) => {
    try {
      const cert = new X509Certificate(pem);
      return [cert.fingerprint256, cert.subject.replace(/\n/g, ', ')];
    } catch {
      return [];
    }
  });
  const topPem = `-----BEGIN CERTIFICATE-----\n${top.raw.toString('base64')}\n-----END CERTIFICATE-----`;
  const fp = fingerprintOf(topPem);
  return (fp && extras.includes(fp)) || extras.includes(nameOf(top.issuer)) ? 'extra-ca' : 'public-ca';
}

/** Why a handshake failed, in words a support engineer can act on. */
export function describeTlsError(error: unknown, minVersion: string): { code: string; reason: string } {
  const code = errorCode(error) ?? 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  if (/wrong version number|packet length too long|http request|unknown protocol/i.test(message)) {
    return {
      code: 'NOT_TLS',
      reason:
        'The server did not answer with TLS: this port speaks plain text first (STARTTLS) rather than implicit TLS',
    };
  }
  if (/unsupported protocol|protocol version|no protocols available/i.test(message)) {
    return { code: 'OLD_TLS', reason: `The server only offers TLS versions below ${minVersion}` };
  }
  if (error instanceof WaitTimeoutError)
    return { code: 'ETIMEDOUT', reason: 'The TLS handshake did not complete in time' };
  if (code === 'ECONNRESET')
    return { code, reason: 'The server reset the connection during the TLS handshake' };
  return { code, reason: `TLS handshake failed: ${message}` };
}

/**
 * Starts a TLS handshake over `socket` (a fresh TCP socket for implicit TLS, or the plain socket
 * after STARTTLS) and returns the TLS socket at once; `awaitHandshake` judges the outcome.
 */
export function beginHandshake(socket: Socket, host: string, settings: TlsSettings): TLSSocket {
  const servername = isIP(host) ? null : host;
  return tlsConnect({
    socket,
    ...(servername ? { servername } : {}),
    secureContext: secureContextFor(settings),
    minVersion: settings.minVersion,
    // We judge trust ourselves below, so that an untrusted chain is reported with its details.
    rejectUnauthorized: false,
  });
}

/**
 * Waits for the handshake and reports it as step `stepId` ('tls' or 'starttls'). On failure the
 * returned socket is null and the caller destroys `secure`: no credentials ever follow.
 */
export async function awaitHandshake(
  secure: TLSSocket,
  host: string,
  settings: TlsSettings,
  transcript: Transcript,
  timeoutMs: number,
  stepId: StepId,
  signal?: AbortSignal,
): Promise<TlsOutcome> {
  transcript.step = stepId;
  const elapsed = stopwatch();
  const servername = isIP(host) ? null : host;
  transcript.info(`TLS handshake${servername ? ` (SNI ${servername})` : ''}, minimum ${settings.minVersion}`);
  const established = new Promise<TLSSocket>((resolve, reject) => {
    secure.once('secureConnect', () => {
      secure.off('error', reject);
      resolve(secure);
    });
    secure.once('error', reject);
  });
  try {
    await bounded(established, timeoutMs, 'TLS handshake', signal);
  } catch (error) {
    const { code, reason } = describeTlsError(error, settings.minVersion);
    transcript.error(reason);
    return {
      step: stepResult(stepId, 'fail', elapsed(), reason, { code, error: String(error) }),
      socket: null,
      detail: null,
    };
  }
  const chain = chainOf(secure);
  const leaf = chain[0];
  const leafSummary = leaf ? summarise(leaf) : null;
  // Node folds a name mismatch into authorizationError; the chain itself is judged apart from it.
  const rawError = secure.authorized ? null : String(secure.authorizationError);
  const nameOnly = rawError !== null && /ALTNAME|does not match/i.test(rawError);
  const chainTrusted = secure.authorized || nameOnly;
  const trustError = nameOnly ? null : rawError;
  const identity = leaf ? checkServerIdentity(host, leaf) : new Error('No certificate');
  const cipher = secure.getCipher();
  const detail: TlsDetail = {
    protocol: secure.getProtocol(),
    cipher: cipher.standardName || cipher.name,
    chain: chain.map(summarise),
    trusted: chainTrusted,
    trustError,
    hostnameMatch: !identity,
    hostnameError: identity ? identity.message : null,
    issuerKind: issuerKind(chain, chainTrusted, settings.extraCaPem),
    servername,
    interception: null,
  };
  detail.interception = interceptionOf(host, detail.chain);
  const ms = elapsed();
  transcript.info(
    `TLS ${detail.protocol ?? '?'} ${detail.cipher ?? ''}; certificate ${leafSummary?.subject ?? '(none)'}, issuer ${leafSummary?.issuer ?? '?'}`,
  );
  let problem: string | null = null;
  let code: string | null = null;
  if (!detail.trusted && detail.interception) {
    code = 'INTERCEPTED';
    problem = `${describeInterception(detail.interception)}; its CA is not trusted here`;
  } else if (!detail.trusted) {
    code = trustError === 'CERT_HAS_EXPIRED' ? 'CERT_HAS_EXPIRED' : 'UNTRUSTED';
    problem =
      code === 'CERT_HAS_EXPIRED'
        ? `The server's certificate has expired (valid until ${leafSummary?.validTo ?? '?'})`
        : `The server's certificate is not trusted (${trustError ?? ''}): a private CA, a self-signed certificate or a TLS-inspecting proxy`;
  } else if (!detail.hostnameMatch) {
    code = 'HOSTNAME_MISMATCH';
    problem = `The certificate does not name ${host}: ${detail.hostnameError ?? ''}`;
  }
  if (problem) {
    transcript.error(`${problem}; no credentials are sent`);
    return { step: stepResult(stepId, 'fail', ms, problem, { code, ...detail }), socket: null, detail };
  }
  if (detail.interception) {
    // Trusted (the company's CA is installed or given with --ca), and still not the server's own.
    const said = `${detail.protocol ?? 'TLS'}, certificate trusted, but: ${describeInterception(detail.interception)}`;
    transcript.info(said);
    return {
      step: stepResult(stepId, 'warn', ms, said, { ...detail, code: 'INTERCEPTED_TRUSTED' }),
      socket: secure,
      detail,
    };
  }
  return {
    step: stepResult(
      stepId,
      'pass',
      ms,
      `${detail.protocol ?? 'TLS'}, ${detail.cipher ?? ''}, certificate trusted and matches ${host}`,
      { ...detail },
    ),
    socket: secure,
    detail,
  };
}
