import { describe, expect, it } from 'vitest';
import { Transcript } from '../../../../electron/engine/wire/transcript';
import { SecretSet, describeSecret } from '../../../../electron/engine/wire/secrets';

const clock = (): number => 1;

describe('transcript', () => {
  it('scrubs every known secret, raw or base64, where the entry is created', () => {
    const secrets = new SecretSet();
    secrets.add('hunter2-password');
    const t = new Transcript(clock, secrets);
    t.add('c', 'PASS hunter2-password');
    t.add('c', Buffer.from('hunter2-password').toString('base64'));
    expect(t.entries[0]?.text).toBe('PASS <secret redacted>');
    expect(t.entries[1]?.text).toMatch(/^<secret redacted>.{0,4}$/);
  });

  it.each([0, 1, 2, 5])('scrubs a secret inside a base64 payload a server echoes (offset %i)', (offset) => {
    const secrets = new SecretSet();
    secrets.add('Correct-Horse-Battery-Staple');
    const payload = Buffer.from(
      `${'x'.repeat(offset)}\0carol@example.test\0Correct-Horse-Battery-Staple`,
    ).toString('base64');
    const scrubbed = secrets.scrub(`535 5.7.8 Authentication failed for ${payload}`);
    expect(Buffer.from(scrubbed.split(' ').pop() ?? '', 'base64').toString('utf8')).not.toContain(
      'Horse-Battery',
    );
    expect(scrubbed).toContain('<secret redacted>');
  });

  it('scrubs every string of a nested detail', () => {
    const secrets = new SecretSet();
    secrets.add('tok-1234567890');
    expect(secrets.scrubDeep({ a: ['x tok-1234567890 y'], b: { c: 'tok-1234567890' }, n: 3 })).toEqual({
      a: ['x <secret redacted> y'],
      b: { c: '<secret redacted>' },
      n: 3,
    });
  });

  it('ignores secrets too short to scrub safely', () => {
    const secrets = new SecretSet();
    secrets.add('ab');
    expect(secrets.scrub('about ab')).toBe('about ab');
  });

  it('cuts long entries with a marker', () => {
    const t = new Transcript(clock, new SecretSet(), { maxTranscriptEntries: 100, maxEntryChars: 10 });
    t.add('s', 'x'.repeat(25));
    expect(t.entries[0]?.text).toBe('xxxxxxxxxx [... 15 more characters not shown]');
  });

  it('stops at the entry bound with one visible marker', () => {
    const t = new Transcript(clock, new SecretSet(), { maxTranscriptEntries: 5, maxEntryChars: 100 });
    for (let i = 0; i < 50; i += 1) t.add('s', `line ${i}`);
    expect(t.entries).toHaveLength(5);
    expect(t.entries[4]?.dir).toBe('e');
    expect(t.entries[4]?.text).toMatch(/transcript truncated/);
  });

  it('tells listeners about new steps', () => {
    const t = new Transcript(clock);
    const seen: string[] = [];
    t.onStep((s) => seen.push(s));
    t.step = 'tcp';
    t.step = 'tcp';
    t.step = 'tls';
    expect(seen).toEqual(['tcp', 'tls']);
  });
});

describe('describeSecret', () => {
  it('gives a token its length and a short hash, never the value', () => {
    expect(describeSecret('token', 'abcdef')).toBe('<token redacted: 6 chars, sha256 bef57ec7>');
  });

  it('gives a password its length only: a short digest of a guessable value could be checked', () => {
    expect(describeSecret('password', 'hunter2')).toBe('<password redacted: 7 chars>');
    expect(describeSecret('client secret', 'abc~def')).toBe('<client secret redacted: 7 chars>');
  });
});
