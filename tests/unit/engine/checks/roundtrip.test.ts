// The round trip's small parts: which check reads the message back, the Message-ID of a POP3 TOP
// answer (folded headers too), and a transcript pinned to the round trip's step.
import { describe, expect, it } from 'vitest';
import { lookOnce, messageIdOf } from '../../../../electron/engine/checks/pop3-check';
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

  it('looks at the newest messages once each, by UIDL, and stops at a refused TOP', async () => {
    const mailbox = new Map<number, { uid: string; headers: string[] }>([
      [1, { uid: 'u1', headers: ['Message-ID: <old@x>'] }],
      [2, { uid: 'u2', headers: ['Subject: hello', 'Message-ID: <other@x>'] }],
    ]);
    const sent: string[] = [];
    let pending: string[] = [];
    const pop = {
      command: (line: string) => {
        sent.push(line);
        const [verb, arg] = line.split(' ');
        const n = Number(arg);
        const reply = (ok: boolean, text: string) =>
          Promise.resolve({ ok, text, line: `${ok ? '+OK' : '-ERR'} ${text}` });
        if (verb === 'STAT') return reply(true, `${mailbox.size} 100`);
        if (verb === 'UIDL') return reply(true, `${n} ${mailbox.get(n)?.uid ?? ''}`);
        if (verb === 'TOP') {
          if (refuseTop) return reply(false, 'command not supported');
          pending = mailbox.get(n)?.headers ?? [];
          return reply(true, '');
        }
        return reply(false, 'unknown');
      },
      multiline: () => Promise.resolve(pending),
    };
    let refuseTop = false;
    const seen = new Set<string>();
    expect(await lookOnce(pop, '<sent@x>', seen)).toEqual({ kind: 'not-yet', looked: 2 });
    expect([...seen]).toEqual(['u2', 'u1']);
    mailbox.set(3, { uid: 'u3', headers: ['message-id: <SENT@x>'] });
    sent.length = 0;
    expect(await lookOnce(pop, '<sent@x>', seen)).toEqual({ kind: 'found', message: 3 });
    expect(sent).toEqual(['STAT', 'UIDL 3', 'TOP 3 0']);
    refuseTop = true;
    expect(await lookOnce(pop, '<sent@x>', new Set())).toMatchObject({ kind: 'refused', command: 'TOP' });
  });
});
