import { describe, expect, it } from 'vitest';
import { chooseMechanism } from '../../../../electron/engine/protocols/mechanism';

const token = { kind: 'token', user: 'a@x.test', token: 't' } as const;
const password = { kind: 'password', user: 'a@x.test', password: 'p' } as const;

describe('SASL mechanism choice', () => {
  it('prefers XOAUTH2 for a token, as Microsoft 365 offers', () => {
    expect(chooseMechanism('auto', ['PLAIN', 'OAUTHBEARER', 'XOAUTH2'], token).mechanism).toBe('XOAUTH2');
    expect(chooseMechanism('auto', ['OAUTHBEARER'], token).mechanism).toBe('OAUTHBEARER');
  });

  it('prefers PLAIN for a password', () => {
    expect(chooseMechanism('auto', ['LOGIN', 'PLAIN'], password).mechanism).toBe('PLAIN');
    expect(chooseMechanism('auto', ['LOGIN'], password).mechanism).toBe('LOGIN');
  });

  it('honours an explicit choice and says when the server does not advertise it', () => {
    const choice = chooseMechanism('oauthbearer', ['XOAUTH2'], token);
    expect(choice).toMatchObject({ mechanism: 'OAUTHBEARER', unadvertised: true });
  });

  it('tries the first preference when nothing fits, and says so', () => {
    const choice = chooseMechanism('auto', ['GSSAPI'], token);
    expect(choice.unadvertised).toBe(true);
    expect(choice.reason).toMatch(/advertises none/);
  });
});
