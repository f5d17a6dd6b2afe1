// The lab's Google Workspace tenant: one domain, its users, one service account with a fresh key
// per lab start, and the admin console's domain-wide delegation list. Its token endpoint and its
// Gmail servers read this one object, so a switch changes what both say.
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { GMAIL_SCOPE } from '../../engine/identity/google-token';

export const GOOGLE_DEMO = {
  domain: 'gws.mailprobe.test',
  mailbox: 'alice@gws.mailprobe.test',
  other: 'bob@gws.mailprobe.test',
  projectId: 'mailprobe-lab',
  clientEmail: 'mail-reader@mailprobe-lab.iam.gserviceaccount.com',
  /** A service account's OAuth client id: 21 digits. */
  clientId: '104729516380042176531',
  /** A user of no domain of this tenant (another company, or a typo). */
  outsider: 'alice@gws-other.mailprobe.test',
  /** The OAuth client of an installed (desktop) app, as the Cloud console names one. */
  installedAppClientId: '201735426798-mailprobelab0.apps.googleusercontent.com',
} as const;

export interface GoogleUserState {
  address: string;
  /** The demo password for the lab's sign-in page: a test user's, new at every start. */
  password: string;
  /** Admin console > Apps > Google Workspace > Gmail > End User Access (per user or OU). */
  imapEnabled: boolean;
}

export interface GoogleWorkspaceState {
  domain: string;
  serviceAccount: {
    clientEmail: string;
    clientId: string;
    privateKeyId: string;
    publicKeyPem: string;
    /** The key's private half: the lab hands it to its own client only (the key file). */
    privateKeyPem: string;
  };
  /** Security > Access and data control > API controls > Domain-wide delegation: client id -> scopes. */
  delegation: Record<string, string[]>;
  users: Record<string, GoogleUserState>;
  /** An installed app's OAuth client (Desktop app): its id and its secret (Google gives one). */
  installedApp: { clientId: string; clientSecret: string };
  tokenLifetimeSeconds: number;
}

const generate = promisify(generateKeyPair);

/** The service account's key pair (PEM), to share between the labs of one process (a batch). */
export interface ServiceAccountKeys {
  privateKey: string;
  publicKey: string;
}

export function createServiceAccountKeys(): Promise<ServiceAccountKeys> {
  return generate('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

export async function googleWorkspaceState(keys?: ServiceAccountKeys): Promise<GoogleWorkspaceState> {
  const { privateKey, publicKey } = keys ?? (await createServiceAccountKeys());
  const user = (address: string): GoogleUserState => ({
    address,
    password: `Lab-${randomBytes(9).toString('base64url')}`,
    imapEnabled: true,
  });
  return {
    domain: GOOGLE_DEMO.domain,
    serviceAccount: {
      clientEmail: GOOGLE_DEMO.clientEmail,
      clientId: GOOGLE_DEMO.clientId,
      privateKeyId: randomBytes(20).toString('hex'),
      publicKeyPem: publicKey,
      privateKeyPem: privateKey,
    },
    delegation: { [GOOGLE_DEMO.clientId]: [GMAIL_SCOPE] },
    users: { [GOOGLE_DEMO.mailbox]: user(GOOGLE_DEMO.mailbox), [GOOGLE_DEMO.other]: user(GOOGLE_DEMO.other) },
    installedApp: {
      clientId: GOOGLE_DEMO.installedAppClientId,
      clientSecret: `GOCSPX-${randomBytes(21).toString('base64url')}`,
    },
    tokenLifetimeSeconds: 3599,
  };
}

/** The JSON key file of the lab's service account, as the Cloud console would download it. */
export function serviceAccountKeyJson(state: GoogleWorkspaceState, tokenUri: string): string {
  const account = state.serviceAccount;
  return JSON.stringify(
    {
      type: 'service_account',
      project_id: GOOGLE_DEMO.projectId,
      private_key_id: account.privateKeyId,
      private_key: account.privateKeyPem,
      client_email: account.clientEmail,
      client_id: account.clientId,
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: tokenUri,
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(account.clientEmail)}`,
      universe_domain: 'googleapis.com',
    },
    null,
    2,
  );
}

export function googleUserOf(state: GoogleWorkspaceState, address: string): GoogleUserState | null {
  const wanted = address.trim().toLowerCase();
  return Object.values(state.users).find((u) => u.address.toLowerCase() === wanted) ?? null;
}

/** An access token the lab issued: opaque, like Google's ("ya29."), remembered here. */
export interface IssuedGoogleToken {
  subject: string;
  scopes: string[];
  expiresAtMs: number;
}

/** The tokens issued, bounded (oldest dropped first). */
export class GoogleTokens {
  private readonly issued = new Map<string, IssuedGoogleToken>();

  constructor(private readonly max = 1000) {}

  issue(grant: IssuedGoogleToken): string {
    const token = `ya29.c.lab${randomBytes(32).toString('base64url')}`;
    this.issued.set(token, grant);
    if (this.issued.size > this.max) {
      const oldest = this.issued.keys().next();
      if (!oldest.done) this.issued.delete(oldest.value);
    }
    return token;
  }

  lookup(token: string): IssuedGoogleToken | null {
    return this.issued.get(token) ?? null;
  }
}
