// The lab's device code flow without sockets: codes, polling, expiry and the bounds on both.
import { describe, expect, it } from 'vitest';
import { DeviceFlows } from '../../../electron/lab/device-flow';
import { DEMO, demoState } from '../../../electron/lab/scenarios';

describe('device flows', () => {
  it('answers pending until approved, then the user and scopes once', () => {
    const flows = new DeviceFlows(demoState());
    const auth = flows.start('https://127.0.0.1:1', DEMO.clientId, ['IMAP.AccessAsUser.All'], 0);
    expect(auth.user_code).toMatch(/^[A-HJ-NP-Z2-9]{9}$/);
    expect(auth.message).toBe(
      `To sign in, use a web browser to open the page https://127.0.0.1:1/devicelogin and enter the code ${auth.user_code} to authenticate.`,
    );
    expect(flows.poll(auth.device_code, DEMO.clientId, 1000)).toEqual({ status: 'pending' });
    expect(flows.poll(auth.device_code, 'another-client', 1000)).toEqual({ status: 'unknown' });
    expect(flows.poll('not-a-code', DEMO.clientId, 1000)).toEqual({ status: 'unknown' });
  });

  it('expires a code after 15 minutes', () => {
    const flows = new DeviceFlows(demoState());
    const auth = flows.start('https://127.0.0.1:1', DEMO.clientId, [], 0);
    expect(auth.expires_in).toBe(900);
    expect(flows.poll(auth.device_code, DEMO.clientId, 900_000)).toEqual({ status: 'expired' });
    expect(flows.poll(auth.device_code, DEMO.clientId, 900_001)).toEqual({ status: 'unknown' });
  });

  it('keeps at most 50 codes waiting: the oldest goes first', () => {
    const flows = new DeviceFlows(demoState());
    const first = flows.start('https://x', DEMO.clientId, [], 0);
    for (let i = 0; i < 50; i += 1) flows.start('https://x', DEMO.clientId, [], 0);
    expect(flows.poll(first.device_code, DEMO.clientId, 1)).toEqual({ status: 'unknown' });
  });
});
