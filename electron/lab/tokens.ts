// Tokens shaped like Microsoft Entra ID v1 app-only access tokens for Exchange Online, signed
// RS256 with a key the lab publishes in its JWKS, and the verifier the lab's mail servers use.
import { createHash, randomUUID } from 'node:crypto';
import {
  SignJWT,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  jwtVerify,
  errors,
  type JWK,
  type CryptoKey,
} from 'jose';

/** What the mail servers learn about a presented token (signature, issuer, audience, time). */
export type TokenVerdict =
  | { ok: true; claims: Record<string, unknown> }
  | {
      ok: false;
      reason: 'malformed' | 'bad-signature' | 'expired' | 'wrong-audience' | 'wrong-issuer' | 'not-yet-valid';
    };

export const EXCHANGE_RESOURCE = 'https://outlook.office365.com';
/** Exchange Online takes tokens for either of its resource names (delegated ones say office.com). */
export const EXCHANGE_AUDIENCES = [EXCHANGE_RESOURCE, 'https://outlook.office.com'];

export interface LabTokenIssuer {
  readonly kid: string;
  jwks(): { keys: JWK[] };
  /** The signing key's public half (PEM), for a relying party that validates tokens offline. */
  publicKeyPem(): Promise<string>;
  issue(claims: Record<string, unknown>, lifetimeSeconds: number): Promise<string>;
  verify(token: string, audience?: string | string[]): Promise<TokenVerdict>;
  issuer(tenantId: string): string;
}

/** A tokens signing key pair, to share between the labs of one process (a batch). */
export interface SigningKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

export function createSigningKeys(): Promise<SigningKeys> {
  return generateKeyPair('RS256', { extractable: true });
}

export async function createTokenIssuer(tenantId: string, keys?: SigningKeys): Promise<LabTokenIssuer> {
  const { privateKey, publicKey } = keys ?? (await createSigningKeys());
  const jwk = await exportJWK(publicKey);
  // Entra publishes x5t (base64url SHA-1 of the certificate); the lab has no certificate for its
  // signing key, so it uses the key's thumbprint in both places.
  const kid = createHash('sha1')
    .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
    .digest('base64url');
  const issuer = (tid: string): string => `https://sts.windows.net/${tid}/`;
  const signingKey: CryptoKey = privateKey;
  return {
    kid,
    issuer,
    jwks: () => ({ keys: [{ ...jwk, kid, x5t: kid, use: 'sig', alg: 'RS256' }] }),
    publicKeyPem: () => exportSPKI(publicKey),
    issue: async (claims, lifetimeSeconds) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ ...claims, ver: '1.0', uti: randomUUID().replace(/-/g, '').slice(0, 22) })
        .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid, x5t: kid })
        .setIssuer(issuer(tenantId))
        .setIssuedAt(now - 5)
        .setNotBefore(now - 5)
        .setExpirationTime(now + lifetimeSeconds)
        .sign(signingKey);
    },
    verify: async (token, audience = EXCHANGE_AUDIENCES) => {
      try {
        const { payload } = await jwtVerify(token, publicKey, {
          issuer: issuer(tenantId),
          audience,
          algorithms: ['RS256'],
        });
        return { ok: true, claims: payload };
      } catch (error) {
        if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
        if (error instanceof errors.JWSSignatureVerificationFailed)
          return { ok: false, reason: 'bad-signature' };
        if (error instanceof errors.JWTClaimValidationFailed) {
          if (error.claim === 'aud') return { ok: false, reason: 'wrong-audience' };
          if (error.claim === 'iss') return { ok: false, reason: 'wrong-issuer' };
          if (error.claim === 'nbf') return { ok: false, reason: 'not-yet-valid' };
        }
        return { ok: false, reason: 'malformed' };
      }
    },
  };
}
