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
    expect(t.entries.map((e) => e.text)).toEqual(['PASS <secret redacted>', '<secret redacted>==']);
  });

  it('ignores secrets too short to scrub safely', () => {
    const secrets = new SecretSet();
    secrets.add('ab');
    expect(secrets.size).toBe(0);
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
  it('gives kind, length and a short hash, never the value', () => {
    const text = describeSecret('token', 'abcdef');
    expect(text).toBe('<token redacted: 6 chars, sha256 bef57ec7>');
  });
});
