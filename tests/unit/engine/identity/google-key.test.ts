import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readServiceAccountKey } from '../../../../electron/engine/identity/google-key';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

function key(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: 'service_account',
    project_id: 'acme-mail',
    private_key_id: 'abc123',
    private_key: privateKey,
    client_email: 'reader@acme-mail.iam.gserviceaccount.com',
    client_id: '104729516380042176531',
    token_uri: 'https://oauth2.googleapis.com/token',
    ...overrides,
  });
}

function problemOf(text: string): string {
  const reading = readServiceAccountKey(text);
  if (reading.ok) throw new Error('expected a problem');
  return reading.problem;
}

describe('readServiceAccountKey', () => {
  it('reads a service-account key and keeps its own token_uri', () => {
    const reading = readServiceAccountKey(key({ token_uri: 'https://oauth2.example.test/token' }));
    expect(reading.ok).toBe(true);
    if (!reading.ok) return;
    expect(reading.key).toMatchObject({
      clientEmail: 'reader@acme-mail.iam.gserviceaccount.com',
      clientId: '104729516380042176531',
      privateKeyId: 'abc123',
      projectId: 'acme-mail',
      tokenUri: 'https://oauth2.example.test/token',
    });
  });

  it('says what other Google JSON files are', () => {
    expect(
      problemOf(JSON.stringify({ type: 'authorized_user', client_id: 'x', refresh_token: 'y' })),
    ).toMatch(/person's own Google credentials/);
    expect(problemOf(JSON.stringify({ type: 'external_account', audience: 'x' }))).toMatch(
      /workload identity federation/,
    );
    expect(problemOf(JSON.stringify({ installed: { client_id: 'x', client_secret: 'y' } }))).toMatch(
      /OAuth client's JSON/,
    );
    expect(problemOf(JSON.stringify({ hello: 'world' }))).toMatch(/no "type": "service_account"/);
  });

  it('names a missing or unusable field', () => {
    expect(problemOf(key({ client_email: undefined }))).toMatch(/"client_email" \(missing\)$/);
    expect(problemOf(key({ client_email: 42 }))).toMatch(/"client_email" \(42 is not text\)$/);
    expect(problemOf(key({ client_email: undefined }))).not.toMatch(/Invalid input|received/);
    expect(problemOf(key({ client_id: 'reader@acme' }))).toMatch(/"client_id".*numeric client id/);
    expect(problemOf(key({ token_uri: 'http://oauth2.googleapis.com/token' }))).toMatch(/not https/);
    expect(problemOf(key({ token_uri: 'token' }))).toMatch(/not a URL/);
    expect(
      problemOf(key({ private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' })),
    ).toMatch(/private_key that does not parse/);
  });

  it('refuses what is not JSON, a binary .p12 and an oversized file, in words', () => {
    expect(problemOf('client_email = x')).toMatch(/is not JSON/);
    expect(problemOf('\u0000\u0001binary')).toMatch(/binary \(a \.p12 key\?\)/);
    expect(problemOf(' '.repeat(70_000))).toMatch(/a few kilobytes/);
    expect(problemOf('[1,2]')).toMatch(/not an object/);
  });
});
