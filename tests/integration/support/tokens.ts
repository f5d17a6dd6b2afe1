// JWT access tokens that the test Dovecot validates locally (passdb oauth2, introspection_mode =
// local). They imitate the shape of Microsoft 365 (Entra ID v1) access tokens for the Outlook
// resource, which is what MailProbe diagnoses first.
//
// How Dovecot 2.3.19 finds the verification key, verified on this machine:
//   dict key  /shared/<azp or "default">/<ALG upper-cased>/<kid or "default">
//   with fs:posix:prefix=<keysDir>/ that is the file <keysDir>/default/RS256/<kid>, holding the
//   PEM public key. A '/' in azp or kid is escaped as %2f (and, per the source, '%' as %25);
//   '.' is kept as is.
// The header must carry "typ":"JWT" (anything else, e.g. "at+jwt", is refused with
// "Cannot find 'typ' field"); the body needs sub and exp. Our tokens carry no azp, so the
// "default" directory is used.

import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { generateRsaKeyPair } from './certs';

/** A made-up tenant; the issuer has the form of an Entra ID v1 token's. Dovecot's `issuers`. */
export const TOKEN_TENANT_ID = '0a1b2c3d-0000-4000-8000-00000000cafe';
export const TOKEN_ISSUER = `https://sts.windows.net/${TOKEN_TENANT_ID}/`;
/** The resource Microsoft issues IMAP/POP/SMTP tokens for; Dovecot's `audience`. */
export const TOKEN_AUDIENCE = 'https://outlook.office365.com';
/**
 * The claim Dovecot compares with the SASL user name (`username_attribute`). Microsoft puts the
 * sign-in name in `upn`, so the same claim works for tokens from the real service.
 */
export const USERNAME_CLAIM = 'upn';
export const TOKEN_KEY_ID = 'mailprobe-test-key';
export const TOKEN_ALGORITHM = 'RS256';
export const TOKEN_SCOPES = 'IMAP.AccessAsUser.All POP.AccessAsUser.All SMTP.Send';

export interface MintTokenOptions {
  /** Goes into the `upn` claim: the user the token is for. */
  user: string;
  /** Default one hour. Negative gives a token that has already expired. */
  expiresInSeconds?: number;
  /** Sign with a second key that Dovecot has never seen (same kid, so the lookup succeeds). */
  signWithWrongKey?: boolean;
  /** Default TOKEN_AUDIENCE; anything else is refused by Dovecot. */
  audience?: string;
}

export class TokenMinter {
  private wrongKey: Promise<KeyObject> | undefined;

  private constructor(private readonly signingKey: KeyObject) {}

  /** Creates the signing key and publishes its public half where Dovecot looks for it. */
  static async create(keysDir: string): Promise<TokenMinter> {
    const pair = await generateRsaKeyPair();
    const keyDir = join(keysDir, 'default', TOKEN_ALGORITHM);
    await mkdir(keyDir, { recursive: true, mode: 0o755 });
    // Read by the auth process, which runs as default_internal_user, hence world-readable.
    await writeFile(join(keyDir, TOKEN_KEY_ID), pair.publicKeyPem, { mode: 0o644 });
    return new TokenMinter(createPrivateKey(pair.privateKeyPem));
  }

  async mint(opts: MintTokenOptions): Promise<string> {
    const key = opts.signWithWrongKey === true ? await this.getWrongKey() : this.signingKey;
    const now = Math.floor(Date.now() / 1000);
    const exp = now + (opts.expiresInSeconds ?? 3600);
    // Dovecot refuses exp < iat as "conflicting" before it checks expiry; keeping iat well before
    // exp makes an expired token fail for the reason the test means ("Token has expired").
    const iat = Math.min(now, exp) - 300;
    const digest = createHash('sha256').update(opts.user.toLowerCase()).digest();
    return new SignJWT({
      [USERNAME_CLAIM]: opts.user,
      unique_name: opts.user,
      scp: TOKEN_SCOPES,
      tid: TOKEN_TENANT_ID,
      oid: uuidFrom(digest),
    })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: 'JWT', kid: TOKEN_KEY_ID })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(opts.audience ?? TOKEN_AUDIENCE)
      .setSubject(digest.subarray(0, 24).toString('base64url'))
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(exp)
      .sign(key);
  }

  // Generated on first use: most test files never ask for it and RSA generation costs ~100 ms.
  private getWrongKey(): Promise<KeyObject> {
    this.wrongKey ??= generateRsaKeyPair().then((pair) => createPrivateKey(pair.privateKeyPem));
    return this.wrongKey;
  }
}

/** The `oauth2` passdb's args file, matching the tokens minted above. */
export interface ForeignIssuer {
  issuer: string;
  audience: string;
}

export function oauth2PassdbConfig(keysDir: string, foreign?: ForeignIssuer): string {
  return [
    'introspection_mode = local',
    // The trailing slash matters: the dict key is appended to the prefix as is.
    `local_validation_key_dict = fs:posix:prefix=${keysDir}/`,
    `issuers = ${foreign?.issuer ?? TOKEN_ISSUER}`,
    `audience = ${foreign?.audience ?? TOKEN_AUDIENCE}`,
    // An app-only token names no user, only its service principal (oid).
    `username_attribute = ${foreign ? 'oid' : USERNAME_CLAIM}`,
    // Never `debug = yes` here: oauth2 debug lines include the bearer token.
    '',
  ].join('\n');
}

function uuidFrom(bytes: Buffer): string {
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Installs another issuer's public key where Dovecot looks it up: default/RS256/<kid>. */
export async function writeIssuerKey(keysDir: string, kid: string, publicKeyPem: string): Promise<void> {
  const dir = join(keysDir, 'default', TOKEN_ALGORITHM);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await writeFile(join(dir, kid.replace(/\//g, '%2f')), publicKeyPem, { mode: 0o644 });
}
