import { describe, expect, it } from 'vitest';
import { decodeServerTag, greetingText } from '../../../../electron/engine/protocols/greeting';

const tag = (name: string): string => Buffer.from(name, 'utf16le').toString('base64');

describe('Exchange greeting tag', () => {
  it('decodes the backend server name from an IMAP greeting', () => {
    const line = `* OK The Microsoft Exchange IMAP4 service is ready. [${tag('MN2PR01CA0007.namprd01.prod.outlook.com')}]`;
    expect(decodeServerTag(line)).toBe('MN2PR01CA0007.namprd01.prod.outlook.com');
  });

  it('decodes it from a POP3 greeting too', () => {
    expect(
      decodeServerTag(
        `+OK The Microsoft Exchange POP3 service is ready. [${tag('AM0PR02CA0123.eurprd02.prod.outlook.com')}]`,
      ),
    ).toBe('AM0PR02CA0123.eurprd02.prod.outlook.com');
  });

  it('ignores bracketed text that is not such a tag', () => {
    expect(decodeServerTag('* OK [CAPABILITY IMAP4rev1 SASL-IR] Dovecot ready.')).toBeNull();
    expect(decodeServerTag(`* OK [${Buffer.from('plain ascii text').toString('base64')}]`)).toBeNull();
  });

  it('strips the status prefix', () => {
    expect(greetingText('* OK Dovecot ready.')).toBe('Dovecot ready.');
    expect(greetingText('+OK POP3 ready')).toBe('POP3 ready');
    expect(greetingText('220 smtp.example ESMTP')).toBe('smtp.example ESMTP');
  });
});
