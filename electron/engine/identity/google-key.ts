// A Google service-account key (the JSON file the Cloud console downloads under Keys > Add key):
// read and checked before any request, so that a wrong file is named in words. Support staff are
// handed every other kind of Google JSON too (a user's gcloud credentials, an OAuth client, a
// workload identity federation config); each says what it is and why it cannot sign a mailbox in.
import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { FileProblem, readBoundedText } from '../files/bounded-file';
import { gotWords, isSchemaText } from '../../../shared/config/messages';

export interface ServiceAccountKey {
  clientEmail: string;
  /** The numeric client id the Workspace admin authorises under domain-wide delegation. */
  clientId: string;
  privateKeyId: string;
  /** PKCS#8 PEM. A secret: kept in the keychain, never written elsewhere. */
  privateKey: string;
  /** Where the assertion is sent: the key's own `token_uri`. */
  tokenUri: string;
  projectId: string | null;
}

/** A service-account key is a few kilobytes; anything much larger is another file. */
export const MAX_KEY_BYTES = 64 * 1024;

const KEY_SHAPE = z.object({
  type: z.literal('service_account'),
  client_email: z.string().min(3),
  client_id: z.string().regex(/^\d{10,30}$/, 'is not the numeric client id of a service account'),
  private_key_id: z.string().min(1),
  private_key: z.string().min(1),
  token_uri: z.string().min(1),
  project_id: z.string().optional(),
});

/** What other Google JSON files are, said in a support engineer's words. */
function otherKind(value: Record<string, unknown>): string | null {
  const type = value.type;
  if (type === 'authorized_user')
    return "holds a person's own Google credentials (gcloud auth application-default login), not a service-account key";
  if (type === 'external_account')
    return 'is a workload identity federation configuration: it holds no private key to sign with';
  if (type === 'impersonated_service_account')
    return 'is an impersonation configuration (gcloud --impersonate-service-account): it holds no private key';
  if ('installed' in value || 'web' in value)
    return "is an OAuth client's JSON (client id and secret, for a user's own sign-in), not a service-account key";
  if (typeof type === 'string' && type !== 'service_account')
    return `is a Google credential of type "${type}", not a service-account key`;
  return null;
}

export type KeyReading = { ok: true; key: ServiceAccountKey } | { ok: false; problem: string };

/**
 * Reads the text of a key file. The problem, when there is one, completes a sentence that starts
 * with the file's name ("key.json is not JSON...").
 */
export function readServiceAccountKey(text: string): KeyReading {
  if (text.length > MAX_KEY_BYTES)
    return { ok: false, problem: `is ${text.length} bytes: a service-account key is a few kilobytes` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    if (text.includes('\0') || text.includes('\uFFFD'))
      return {
        ok: false,
        problem:
          'is binary (a .p12 key?): create a JSON key instead (IAM > Service accounts > Keys > Add key > JSON)',
      };
    return {
      ok: false,
      problem: 'is not JSON: a service-account key is the JSON file the Cloud console downloads',
    };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, problem: 'is JSON but not an object: not a service-account key' };
  const other = otherKind(value as Record<string, unknown>);
  if (other) return { ok: false, problem: other };
  const parsed = KEY_SHAPE.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'type';
    return {
      ok: false,
      problem:
        field === 'type'
          ? 'has no "type": "service_account": not a service-account key'
          : `is a service-account key without a usable "${field}" (${
              !issue
                ? 'missing'
                : isSchemaText(issue.message)
                  ? gotWords(issue, (value as Record<string, unknown>)[String(issue.path[0])])
                  : issue.message
            })`,
    };
  }
  const raw = parsed.data;
  let tokenUri: URL;
  try {
    tokenUri = new URL(raw.token_uri);
  } catch {
    return { ok: false, problem: `has a token_uri that is not a URL: ${raw.token_uri.slice(0, 80)}` };
  }
  if (tokenUri.protocol !== 'https:')
    return { ok: false, problem: `has a token_uri that is not https: ${tokenUri.href}` };
  try {
    const key = createPrivateKey(raw.private_key);
    if (key.asymmetricKeyType !== 'rsa')
      return {
        ok: false,
        problem: `holds a ${key.asymmetricKeyType ?? 'non-RSA'} private key: Google signs with RSA`,
      };
  } catch {
    return {
      ok: false,
      problem: 'has a private_key that does not parse (damaged when copied? its line breaks must stay \\n)',
    };
  }
  return {
    ok: true,
    key: {
      clientEmail: raw.client_email,
      clientId: raw.client_id,
      privateKeyId: raw.private_key_id,
      privateKey: raw.private_key,
      tokenUri: tokenUri.href,
      projectId: raw.project_id ?? null,
    },
  };
}

/** The key's non-secret facts, for a report or a profile's summary. */
export function keyFacts(key: ServiceAccountKey): Record<string, string | null> {
  return {
    clientEmail: key.clientEmail,
    clientId: key.clientId,
    privateKeyId: key.privateKeyId,
    projectId: key.projectId,
    tokenUri: key.tokenUri,
  };
}

/** Reads and checks a key file; a file that is not a usable key is a FileProblem naming why. */
export async function readServiceAccountKeyFile(path: string): Promise<ServiceAccountKey> {
  const reading = readServiceAccountKey(await readBoundedText(path, MAX_KEY_BYTES));
  if (!reading.ok) throw new FileProblem(path, reading.problem);
  return reading.key;
}
