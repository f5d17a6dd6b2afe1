// The test message: the form's subject and body when given, else a unique subject with a token;
// a subject that would add a header line of its own is refused at the boundary.
import { describe, expect, it } from 'vitest';
import { testMessage } from '../../../../electron/engine/app/targets';
import { REQUEST_SCHEMAS } from '../../../../shared/api/schemas';

describe('test message', () => {
  it('makes a unique subject and a body naming the sender when the form leaves them empty', () => {
    const a = testMessage('ops@contoso.com', 'shared@contoso.com');
    const b = testMessage('ops@contoso.com', 'shared@contoso.com', { subject: '  ', body: '' });
    expect(a.subject).toMatch(/^MailProbe test \d{8}T\d{6}-[0-9A-F]{8}$/);
    expect(b.subject).not.toBe(a.subject);
    expect(a.text).toContain('ops@contoso.com can send mail');
    expect(a.text).toContain(a.subject.replace('MailProbe test ', 'Token: '));
  });

  it("keeps the form's subject and body", () => {
    const m = testMessage('ops@contoso.com', 'shared@contoso.com', {
      subject: ' Case 4711 ',
      body: 'Line one\r\nLine two\n\n',
    });
    expect(m).toEqual({
      from: 'ops@contoso.com',
      to: 'shared@contoso.com',
      subject: 'Case 4711',
      text: 'Line one\nLine two\n',
    });
  });

  it('refuses a subject with a line break, and an oversized body', () => {
    const run = (sendTest: Record<string, unknown>) =>
      REQUEST_SCHEMAS['checks:run'].safeParse({
        runId: 'r1',
        profileId: 'p1',
        protocols: ['smtp'],
        sendTest: { from: 'a@contoso.com', to: 'b@contoso.com', ...sendTest },
      }).success;
    expect(run({ subject: 'Case 4711', body: 'hello' })).toBe(true);
    expect(run({ subject: 'Case\r\nBcc: victim@example.com' })).toBe(false);
    expect(run({ body: 'x'.repeat(64 * 1024 + 1) })).toBe(false);
  });
});
