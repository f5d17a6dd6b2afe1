import { beforeAll, describe, expect, it } from 'vitest';
import { gmailSignIn } from '../../../electron/lab/google/gmail-sign-in';
import { GMAIL_TEXTS } from '../../../electron/lab/mail/gmail-wording';
import {
  GOOGLE_DEMO,
  GoogleTokens,
  googleWorkspaceState,
  type GoogleWorkspaceState,
} from '../../../electron/lab/google/workspace';

const MAIL = 'https://mail.google.com/';
let state: GoogleWorkspaceState;
const now = Date.now();

beforeAll(async () => {
  state = await googleWorkspaceState();
});

function payload(user: string, token: string): string {
  return Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString('base64');
}

function challengeOf(result: ReturnType<typeof gmailSignIn>): unknown {
  const outcome = result.outcome;
  if (outcome.kind !== 'refused' || outcome.challenge === undefined) return null;
  return JSON.parse(Buffer.from(outcome.challenge, 'base64').toString('utf8'));
}

describe("the lab Gmail's sign-in", () => {
  it('signs the token of the mailbox in', () => {
    const tokens = new GoogleTokens();
    const token = tokens.issue({ subject: GOOGLE_DEMO.mailbox, scopes: [MAIL], expiresAtMs: now + 60_000 });
    expect(gmailSignIn(state, tokens, 'imap', payload(GOOGLE_DEMO.mailbox, token), now).outcome).toEqual({
      kind: 'signed-in',
      mailbox: GOOGLE_DEMO.mailbox,
      expiresAtMs: now + 60_000,
    });
  });

  it('sends the error challenge Gmail sends: 401 for an unknown or expired token, 400 for scope or user', () => {
    const tokens = new GoogleTokens();
    const expired = tokens.issue({ subject: GOOGLE_DEMO.mailbox, scopes: [MAIL], expiresAtMs: now - 1 });
    const readonly = tokens.issue({
      subject: GOOGLE_DEMO.mailbox,
      scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
      expiresAtMs: now + 60_000,
    });
    const bobs = tokens.issue({ subject: GOOGLE_DEMO.other, scopes: [MAIL], expiresAtMs: now + 60_000 });
    const at = (token: string) =>
      gmailSignIn(state, tokens, 'smtp', payload(GOOGLE_DEMO.mailbox, token), now);
    expect(challengeOf(at('ya29.unknown'))).toEqual({ status: '401', schemes: 'Bearer', scope: MAIL });
    expect(challengeOf(at(expired))).toMatchObject({ status: '401' });
    expect(at(readonly).outcome).toMatchObject({ kind: 'refused', why: 'scope-missing' });
    expect(challengeOf(at(readonly))).toMatchObject({ status: '400' });
    expect(at(bobs).outcome).toMatchObject({ kind: 'refused', why: 'wrong-user' });
  });

  it('says IMAP is off for the domain, without a challenge, when the admin turned it off', () => {
    const tokens = new GoogleTokens();
    const token = tokens.issue({ subject: GOOGLE_DEMO.mailbox, scopes: [MAIL], expiresAtMs: now + 60_000 });
    const alice = state.users[GOOGLE_DEMO.mailbox];
    if (!alice) throw new Error('no demo user');
    alice.imapEnabled = false;
    try {
      expect(gmailSignIn(state, tokens, 'imap', payload(GOOGLE_DEMO.mailbox, token), now).outcome).toEqual({
        kind: 'refused',
        why: 'protocol-disabled',
        reply: GMAIL_TEXTS.imapDisabled,
      });
      expect(gmailSignIn(state, tokens, 'pop3', payload(GOOGLE_DEMO.mailbox, token), now).outcome.kind).toBe(
        'signed-in',
      );
    } finally {
      alice.imapEnabled = true;
    }
  });

  it('bounds the tokens it remembers', () => {
    const tokens = new GoogleTokens(2);
    const first = tokens.issue({ subject: 'a', scopes: [], expiresAtMs: 0 });
    tokens.issue({ subject: 'b', scopes: [], expiresAtMs: 0 });
    tokens.issue({ subject: 'c', scopes: [], expiresAtMs: 0 });
    expect(tokens.lookup(first)).toBeNull();
  });
});
