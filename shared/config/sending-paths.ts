// Microsoft's other sending paths for an app registration: High Volume Email (HVE) and Azure
// Communication Services (ACS) SMTP. Both are SMTP submission only, with hosts and user names of
// their own. Shared by the CLI, the engine and the profile form.
import type { EndpointTarget } from '../report/model';

export type SendingService = 'hve' | 'acs';

/**
 * HVE's submission host. Microsoft's HVE page also lists smtp.hve.mx.microsoft as the newer name
 * (the older one "will be deprecated"): both are recognised, the documented one is the default.
 */
export const HVE_ENDPOINT: EndpointTarget = {
  host: 'smtp-hve.office365.com',
  port: 587,
  security: 'starttls',
};
export const HVE_HOSTS = /^(smtp-hve\.office365\.com|smtp\.hve\.mx\.microsoft)\.?$/i;

/** The application permission HVE's OAuth needs: Office 365 Exchange Online > Mail.Send. */
export const HVE_ROLE = 'Mail.Send';

/** ACS SMTP: "Use the DNS name smtp.azurecomm.net", port 587 with STARTTLS, TLS 1.2 or later. */
export const ACS_ENDPOINT: EndpointTarget = { host: 'smtp.azurecomm.net', port: 587, security: 'starttls' };
export const ACS_HOSTS = /^smtp\.azurecomm\.net\.?$/i;

/** The ACS role that lets an Entra app send over SMTP (or a custom role with the same actions). */
export const ACS_ROLE = 'Communication and Email Service Owner';

export function serviceOfHost(host: string): SendingService | null {
  if (HVE_HOSTS.test(host)) return 'hve';
  if (ACS_HOSTS.test(host)) return 'acs';
  return null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An Azure Communication Services resource name: letters, digits and hyphens, 1 to 63. */
const RESOURCE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const MAX_USERNAME = 512;

/** `<resource>.<application id>.<tenant id>`: the ACS SMTP user name of an Entra app. */
export function acsUsername(resource: string, appId: string, tenantId: string): string {
  return `${resource}.${appId}.${tenantId}`;
}

/**
 * What an ACS profile's one field holds: a resource name (the user name is then composed from it,
 * the client id and the tenant id), or a whole user name (three parts, or an SMTP Username
 * resource's name, which may be an address).
 */
export function acsUsernameOf(value: string, appId: string, tenantId: string): string {
  const v = value.trim();
  return RESOURCE.test(v) && !GUID.test(v) ? acsUsername(v, appId, tenantId) : v;
}

export interface AcsUsernameReading {
  /** three-part: resource.appId.tenantId (dot or pipe); smtp-username: an SMTP Username resource. */
  form: 'three-part' | 'smtp-username';
  resource: string | null;
  appId: string | null;
  tenantId: string | null;
  /** What is wrong with it, in words a support engineer can act on; empty when it looks right. */
  problems: string[];
}

/**
 * Reads an ACS SMTP user name and says what is wrong with it. `expected` holds the app's client
 * id and tenant id when known (a user name naming another app or tenant is wrong too).
 */
export function readAcsUsername(
  name: string,
  expected: { appId?: string | null; tenantId?: string | null } = {},
): AcsUsernameReading {
  const text = name.trim();
  const none = { resource: null, appId: null, tenantId: null };
  if (text.length === 0) return { form: 'three-part', ...none, problems: ['the user name is empty'] };
  if (text.length > MAX_USERNAME)
    return { form: 'three-part', ...none, problems: [`the user name is ${text.length} characters long`] };
  const separator = text.includes('|') ? '|' : '.';
  const parts = text.split(separator);
  const guids = parts.filter((p) => GUID.test(p)).length;
  // An SMTP Username resource is free-form or an address: only a name built of GUIDs is read as
  // the three-part form.
  if (guids === 0) return { form: 'smtp-username', ...none, problems: [] };
  const problems: string[] = [];
  if (text.includes('|') && text.includes('.') && parts.length !== 3)
    problems.push('it mixes "." and "|": use one of them between the three parts');
  if (parts.length !== 3) {
    problems.push(
      `it has ${parts.length} part${parts.length === 1 ? '' : 's'}, not 3: the user name is <resource name>.<application (client) id>.<tenant id>`,
    );
    return { form: 'three-part', ...none, problems };
  }
  const [resource = '', appId = '', tenantId = ''] = parts;
  if (GUID.test(resource))
    problems.push(
      'the first part is a GUID: it must be the Communication Services resource name, then the application id, then the tenant id',
    );
  else if (!RESOURCE.test(resource))
    problems.push(`the first part "${resource}" is not a resource name (letters, digits and hyphens)`);
  if (!GUID.test(appId)) problems.push(`the second part "${appId}" is not the application (client) id GUID`);
  if (!GUID.test(tenantId))
    problems.push(
      `the third part "${tenantId}" is not the tenant id GUID${tenantId.includes('.') || /onmicrosoft/i.test(tenantId) ? ' (a domain is not accepted here)' : ''}`,
    );
  const same = (a: string, b: string | null | undefined): boolean =>
    !b || !GUID.test(b) || a.toLowerCase() === b.toLowerCase();
  if (GUID.test(appId) && GUID.test(tenantId)) {
    const swapped =
      expected.appId && expected.tenantId && appId.toLowerCase() === expected.tenantId.toLowerCase();
    if (swapped)
      problems.push('the application id and the tenant id are swapped: the application id comes second');
    else {
      if (!same(appId, expected.appId))
        problems.push(`the application id ${appId} is not this app's client id ${expected.appId ?? ''}`);
      if (!same(tenantId, expected.tenantId))
        problems.push(`the tenant id ${tenantId} is not this tenant's ${expected.tenantId ?? ''}`);
    }
  }
  return { form: 'three-part', resource, appId, tenantId, problems };
}
