// ACS SMTP user names read as Azure Communication Services reads them, and the HVE/ACS hosts.
import { describe, expect, it } from 'vitest';
import {
  acsUsername,
  acsUsernameOf,
  readAcsUsername,
  serviceOfHost,
} from '../../../shared/config/sending-paths';

const APP = '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87';
const TENANT = '5f1c2b9e-3a47-4c2d-9e61-2d8b7c4a1f30';
const expected = { appId: APP, tenantId: TENANT };

describe('ACS user names', () => {
  it('composes <resource>.<app id>.<tenant id> from a resource name, and keeps a whole user name', () => {
    expect(acsUsername('contoso-acs', APP, TENANT)).toBe(`contoso-acs.${APP}.${TENANT}`);
    expect(acsUsernameOf(' contoso-acs ', APP, TENANT)).toBe(`contoso-acs.${APP}.${TENANT}`);
    expect(acsUsernameOf(`contoso-acs|${APP}|${TENANT}`, APP, TENANT)).toBe(`contoso-acs|${APP}|${TENANT}`);
    expect(acsUsernameOf('sender@notify.contoso.com', APP, TENANT)).toBe('sender@notify.contoso.com');
  });

  it('accepts the dot and the pipe forms', () => {
    for (const name of [`contoso-acs.${APP}.${TENANT}`, `contoso-acs|${APP}|${TENANT}`]) {
      const reading = readAcsUsername(name, expected);
      expect(reading).toMatchObject({
        form: 'three-part',
        resource: 'contoso-acs',
        appId: APP,
        problems: [],
      });
    }
  });

  it('reads a name without GUIDs as an SMTP Username resource', () => {
    expect(readAcsUsername('alerts@notify.contoso.com')).toMatchObject({
      form: 'smtp-username',
      problems: [],
    });
    expect(readAcsUsername('billing-sender')).toMatchObject({ form: 'smtp-username', problems: [] });
  });

  it('names what is wrong', () => {
    const cases: Array<[string, RegExp]> = [
      [`contoso-acs.${APP}`, /2 parts, not 3/],
      [`contoso-acs.${APP}.contoso.onmicrosoft.com`, /5 parts/],
      [
        `contoso-acs|${APP}|contoso.onmicrosoft.com`,
        /not the tenant id GUID \(a domain is not accepted here\)/,
      ],
      [`${APP}.${TENANT}.contoso-acs`, /first part is a GUID/],
      [`contoso-acs.${TENANT}.${APP}`, /swapped/],
      [`contoso-acs.11111111-2222-3333-4444-555555555555.${TENANT}`, /not this app's client id/],
      [`contoso_acs!.${APP}.${TENANT}`, /not a resource name/],
      ['', /empty/],
      [`x.${APP}.${'y'.repeat(600)}`, /characters long/],
    ];
    for (const [name, problem] of cases)
      expect(readAcsUsername(name, expected).problems.join('; '), name).toMatch(problem);
  });

  it('reads a pasted megabyte in linear time without throwing', () => {
    expect(readAcsUsername(`${APP}.`.repeat(30_000)).problems.length).toBeGreaterThan(0);
  });
});

describe('sending-path hosts', () => {
  it('knows HVE (both names) and ACS, and nothing else', () => {
    expect(serviceOfHost('smtp-hve.office365.com')).toBe('hve');
    expect(serviceOfHost('SMTP.HVE.MX.MICROSOFT')).toBe('hve');
    expect(serviceOfHost('smtp.azurecomm.net')).toBe('acs');
    expect(serviceOfHost('smtp.office365.com')).toBeNull();
    expect(serviceOfHost('evil-smtp-hve.office365.com.example')).toBeNull();
  });
});
