// The tenant's own values that a fix is filled in with. Unknown values stay as visible
// placeholders (<mailbox>), never as made-up ones.
import type { MailboxProtocol, Protocol } from '../../../shared/report/model';

/** Where a check failed: the mail endpoint, or the identity endpoint for the token. */
export interface FailedEndpoint {
  host: string;
  port: number | null;
}

export interface FixContext {
  tenant: string | null;
  clientId: string | null;
  /** The service principal's object id: the app-only token's `oid`. */
  servicePrincipalId: string | null;
  /** The ObjectId Exchange has the service principal registered with, when known. */
  registeredServicePrincipalId: string | null;
  mailbox: string | null;
  /** Sender of a test message, when it differs from the mailbox. */
  from: string | null;
  cloud: string | null;
  /** Authority host for error lookups and portal links. */
  authorityHost: string;
  /** A sending path with permissions of its own (HVE's SMTP role is Mail.Send). */
  service: 'hve' | 'acs' | null;
  /** The proxy a step went through (`http://user@host:port`, no password), when one failed. */
  proxy: string | null;
  /** What the proxy was asked to reach (`host:port`). */
  proxyTarget: string | null;
  /** The authentication schemes a 407 offered (Basic, NTLM, Negotiate). */
  proxyScheme: string | null;
  /** The product that re-signed TLS (mitmproxy, Zscaler...), when a TLS step named it. */
  interceptor: string | null;
  /** The endpoint each failing check used, the token's being the identity endpoint. */
  failedEndpoints: Partial<Record<Protocol, FailedEndpoint>>;
}

export const EMPTY_CONTEXT: FixContext = {
  tenant: null,
  clientId: null,
  servicePrincipalId: null,
  registeredServicePrincipalId: null,
  mailbox: null,
  from: null,
  cloud: null,
  authorityHost: 'https://login.microsoftonline.com',
  proxy: null,
  proxyTarget: null,
  proxyScheme: null,
  interceptor: null,
  service: null,
  failedEndpoints: {},
};

export function value(v: string | null, placeholder: string): string {
  return v ?? `<${placeholder}>`;
}

export function protocolName(p: MailboxProtocol | null): string {
  return p === 'imap'
    ? 'IMAP'
    : p === 'pop3'
      ? 'POP3'
      : p === 'smtp'
        ? 'SMTP'
        : p === 'graph'
          ? 'Graph'
          : 'mail';
}

/**
 * The endpoint a finding's check failed on: its protocol's, or for a finding of no one protocol
 * the identity endpoint when the token failed there, else the only one that failed.
 */
export function failedEndpoint(ctx: FixContext, protocol: MailboxProtocol | null): FailedEndpoint | null {
  const all = ctx.failedEndpoints;
  if (protocol) return all[protocol] ?? null;
  if (all.token) return all.token;
  const hosts = Object.values(all);
  return hosts.length === 1 ? (hosts[0] ?? null) : null;
}
