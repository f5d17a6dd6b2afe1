// Input validation shared by the CLI and the profile form: each returns an error message or null.

const HOSTNAME =
  /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;
const EMAIL = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function hostError(value: string): string | null {
  if (IPV4.test(value) || (value.includes(':') && IPV6.test(value)) || HOSTNAME.test(value)) return null;
  return `"${value}" is not a host name or IP address`;
}

export function portError(value: string): string | null {
  if (!/^\d{1,5}$/.test(value)) return `"${value}" is not a port number (1 to 65535)`;
  const n = Number(value);
  return n >= 1 && n <= 65535 ? null : `${value} is out of range: a port is 1 to 65535`;
}

export function addressError(value: string): string | null {
  return EMAIL.test(value) ? null : `"${value}" is not an email address (name@domain)`;
}

export function guidError(value: string): string | null {
  return GUID.test(value) ? null : `"${value}" is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`;
}

/** A tenant is its GUID or one of its verified domains (contoso.onmicrosoft.com). */
export function tenantError(value: string): string | null {
  if (GUID.test(value)) return null;
  if (HOSTNAME.test(value) && value.includes('.')) return null;
  return `"${value}" is neither a tenant GUID nor a domain such as contoso.onmicrosoft.com`;
}

export function positiveIntError(value: string, what: string, max = 600_000): string | null {
  if (!/^\d+$/.test(value)) return `${what} must be a whole number of milliseconds, not "${value}"`;
  const n = Number(value);
  return n >= 1 && n <= max ? null : `${what} must be between 1 and ${max}`;
}

/** The registered ObjectId is never the app's client id: typing one for the other is the mix-up. */
export const NOT_THE_CLIENT_ID =
  'that is the application (client) id; enter the ObjectId that Get-ServicePrincipal lists for the app';
