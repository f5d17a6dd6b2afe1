// The round trip's small parts: which check reads the message back, the Message-ID of a POP3 TOP
// answer (folded headers too), and a transcript pinned to the round trip's step.
import { describe, expect, it } from 'vitest';
import { messageIdOf } from '../../../../electron/engine/checks/pop3-check';
import { roundtripReader } from '../../../../electron/engine/checks/run-plan';
import { Transcript } from '../../../../electron/engine/wire/transcript';

describe('round trip', () => {
  it('reads back over IMAP, else POP3, and only with SMTP', () => {
    expect(roundtripReader(['imap', 'pop3', 'smtp'])).toBe('imap');
    expect(roundtripReader(['pop3', 'smtp'])).toBe('pop3');
    expect(roundtripReader(['smtp'])).toBeNull();
    expect(roundtripReader(['imap', 'pop3'])).toBeNull();
  });

  it('finds the Message-ID in header lines, folded or not, and not in the body', () => {
    expect(messageIdOf(['From: a@b.test', 'Message-ID: <x1@mailprobe>', 'Subject: s', ''])).toBe(
      '<x1@mailprobe>',
    );
    expect(messageIdOf(['message-id:', ' <folded-2@mailprobe>', 'Subject: s'])).toBe('<folded-2@mailprobe>');
    expect(messageIdOf(['Subject: s', '', 'Message-ID: <in-body@x>'])).toBeNull();
    expect(messageIdOf([])).toBeNull();
  });

  it('keeps every entry in the pinned step until unpinned', () => {
    let now = 0;
    const transcript = new Transcript(() => now++);
    const steps: string[] = [];
    transcript.onStep((step) => steps.push(step));
    transcript.step = 'logout';
    transcript.pin('roundtrip');
    transcript.step = 'auth';
    transcript.add('c', 'AUTH XOAUTH2');
    transcript.unpin();
    transcript.step = 'mailbox';
    transcript.add('c', 'STAT');
    expect(transcript.entries.map((e) => [e.step, e.text])).toEqual([
      ['roundtrip', 'AUTH XOAUTH2'],
      ['mailbox', 'STAT'],
    ]);
    expect(steps).toEqual(['logout', 'roundtrip', 'mailbox']);
  });
});
