// The lab's Google token endpoint judges real assertions, signed the way the engine signs them.
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { serviceAccountAssertion, GMAIL_SCOPE } from '../../../electron/engine/identity/google-token';
import { readServiceAccountKey, type ServiceAccountKey } from '../../../electron/engine/identity/google-key';
import { GOOGLE_ERRORS, judgeAssertion } from '../../../electron/lab/google/token-endpoint';
import {
  GOOGLE_DEMO,
  googleWorkspaceState,
  serviceAccountKeyJson,
  type GoogleWorkspaceState,
} from '../../../electron/lab/google/workspace';

const TOKEN_URI = 'https://127.0.0.1:9/google/token';
let state: GoogleWorkspaceState;
let key: ServiceAccountKey;
const now = Math.floor(Date.now() / 1000);

beforeAll(async () => {
  state = await googleWorkspaceState();
  const reading = readServiceAccountKey(serviceAccountKeyJson(state, TOKEN_URI));
  if (!reading.ok) throw new Error(reading.problem);
  key = reading.key;
});

async function judge(
  spec: Partial<{ key: ServiceAccountKey; subject: string; scope: string }> = {},
  at = now,
): Promise<Awaited<ReturnType<typeof judgeAssertion>>> {
  const assertion = await serviceAccountAssertion(
    { key: spec.key ?? key, subject: spec.subject ?? GOOGLE_DEMO.mailbox, scope: spec.scope ?? GMAIL_SCOPE },
    at,
  );
  return judgeAssertion(state, assertion, TOKEN_URI, now);
}

describe('the lab Google token endpoint', () => {
  it('grants the mail scope to a delegated service account for a user of the domain', async () => {
    expect(await judge()).toEqual({ ok: true, subject: GOOGLE_DEMO.mailbox, scopes: [GMAIL_SCOPE] });
  });

  it("refuses a subject outside the domain with Google's invalid_grant", async () => {
    expect(await judge({ subject: GOOGLE_DEMO.outsider })).toEqual({
      ok: false,
      problem: GOOGLE_ERRORS.invalidSubject,
    });
  });

  it('refuses a client id without domain-wide delegation, or a scope not authorised', async () => {
    expect(await judge({ scope: 'https://www.googleapis.com/auth/gmail.readonly' })).toEqual({
      ok: false,
      problem: GOOGLE_ERRORS.unauthorizedClient,
    });
    const saved = state.delegation;
    state.delegation = {};
    try {
      expect(await judge()).toEqual({ ok: false, problem: GOOGLE_ERRORS.unauthorizedClient });
    } finally {
      state.delegation = saved;
    }
  });

  it('refuses an assertion signed with another key, or from another account', async () => {
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    expect(await judge({ key: { ...key, privateKey: other.privateKey } })).toEqual({
      ok: false,
      problem: GOOGLE_ERRORS.badSignature,
    });
    expect(await judge({ key: { ...key, clientEmail: 'someone@else.iam.gserviceaccount.com' } })).toEqual({
      ok: false,
      problem: GOOGLE_ERRORS.accountNotFound,
    });
  });

  it('refuses the wrong audience and an assertion from a wrong clock', async () => {
    expect(await judge({ key: { ...key, tokenUri: 'https://oauth2.googleapis.com/token' } })).toEqual({
      ok: false,
      problem: GOOGLE_ERRORS.audience,
    });
    expect(await judge({}, now + 2 * 3600)).toEqual({ ok: false, problem: GOOGLE_ERRORS.lifetime });
    expect(await judge({}, now - 2 * 3600)).toEqual({ ok: false, problem: GOOGLE_ERRORS.lifetime });
    expect(await judgeAssertion(state, 'not-a-jwt', TOKEN_URI, now)).toEqual({
      ok: false,
      problem: GOOGLE_ERRORS.badSignature,
    });
  });
});
