import { describe, expect, it } from 'vitest';
import { dotStuff, parseEhlo, queueIdOf, type SmtpReply } from '../../../../electron/engine/protocols/smtp';

const reply = (code: number, ...lines: string[]): SmtpReply => ({
  code,
  enhanced: /^(\d\.\d+\.\d+)/.exec(lines[0] ?? '')?.[1] ?? null,
  lines,
  text: lines.join(' '),
});

describe('EHLO', () => {
  it('reads AUTH, STARTTLS and SIZE as Exchange Online sends them', () => {
    const info = parseEhlo(
      reply(
        250,
        'MN2PR01CA0007.outlook.office365.com Hello [203.0.113.7]',
        'SIZE 157286400',
        'PIPELINING',
        'DSN',
        'ENHANCEDSTATUSCODES',
        'STARTTLS',
        '8BITMIME',
        'BINARYMIME',
        'CHUNKING',
        'SMTPUTF8',
      ),
    );
    expect(info.starttls).toBe(true);
    expect(info.auth).toEqual([]);
    expect(info.size).toBe(157286400);
    expect(info.domain).toBe('MN2PR01CA0007.outlook.office365.com');
    const after = parseEhlo(reply(250, 'host Hello', 'AUTH LOGIN XOAUTH2', 'SIZE 1000'));
    expect(after.auth).toEqual(['LOGIN', 'XOAUTH2']);
    expect(after.starttls).toBe(false);
  });
});

describe('queue id', () => {
  it('finds the id each server family gives', () => {
    expect(queueIdOf(reply(250, '2.0.0 Ok: queued as 4XbN2d0Lz3z9rwD'))).toBe('4XbN2d0Lz3z9rwD');
    expect(
      queueIdOf(
        reply(
          250,
          '2.6.0 <a1b2@x.test> [InternalId=123456789, Hostname=MN2PR01MB1234.namprd01.prod.outlook.com] 1234 bytes in 0.1, Queued mail for delivery',
        ),
      ),
    ).toBe('123456789');
    expect(queueIdOf(reply(250, '2.0.0 2.0.0 Ok: delivered'))).toBeNull();
  });
});

describe('dot-stuffing', () => {
  it('doubles a leading dot and keeps the rest', () => {
    expect(dotStuff('a\r\n.b\r\n..c\r\nd\r\n')).toEqual(['a', '..b', '...c', 'd']);
  });
});
