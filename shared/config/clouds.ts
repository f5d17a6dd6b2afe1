// Microsoft 365 clouds: identity authority and default mail endpoints.
// Hosts follow Microsoft's "Office 365 URLs and IP address ranges" per national cloud.
import type { EndpointTarget, MailProtocol } from '../report/model';

export type CloudId = 'global' | 'usgov' | 'usgov-dod' | 'china';

export interface Cloud {
  id: CloudId;
  label: string;
  authority: string;
  endpoints: Record<MailProtocol, EndpointTarget>;
  /** Microsoft Graph in this cloud (Microsoft's "National cloud deployments"): host and resource. */
  graph: { host: string; resource: string };
}

export const CLOUDS: Record<CloudId, Cloud> = {
  global: {
    id: 'global',
    label: 'Global (worldwide)',
    authority: 'https://login.microsoftonline.com',
    graph: { host: 'graph.microsoft.com', resource: 'https://graph.microsoft.com' },
    endpoints: {
      imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
      pop3: { host: 'outlook.office365.com', port: 995, security: 'tls' },
      smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
    },
  },
  usgov: {
    id: 'usgov',
    label: 'US Government GCC High',
    authority: 'https://login.microsoftonline.us',
    graph: { host: 'graph.microsoft.us', resource: 'https://graph.microsoft.us' },
    endpoints: {
      imap: { host: 'outlook.office365.us', port: 993, security: 'tls' },
      pop3: { host: 'outlook.office365.us', port: 995, security: 'tls' },
      smtp: { host: 'smtp.office365.us', port: 587, security: 'starttls' },
    },
  },
  'usgov-dod': {
    id: 'usgov-dod',
    label: 'US Government DoD',
    authority: 'https://login.microsoftonline.us',
    graph: { host: 'dod-graph.microsoft.us', resource: 'https://dod-graph.microsoft.us' },
    endpoints: {
      imap: { host: 'outlook-dod.office365.us', port: 993, security: 'tls' },
      pop3: { host: 'outlook-dod.office365.us', port: 995, security: 'tls' },
      smtp: { host: 'smtp-dod.office365.us', port: 587, security: 'starttls' },
    },
  },
  china: {
    id: 'china',
    label: 'China (operated by 21Vianet)',
    authority: 'https://login.partner.microsoftonline.cn',
    graph: { host: 'microsoftgraph.chinacloudapi.cn', resource: 'https://microsoftgraph.chinacloudapi.cn' },
    endpoints: {
      imap: { host: 'partner.outlook.cn', port: 993, security: 'tls' },
      pop3: { host: 'partner.outlook.cn', port: 995, security: 'tls' },
      smtp: { host: 'smtp.partner.outlook.cn', port: 587, security: 'starttls' },
    },
  },
};

/** The Graph endpoint of a cloud, as a check's target. */
export function graphEndpoint(cloud: CloudId): EndpointTarget {
  return { host: CLOUDS[cloud].graph.host, port: 443, security: 'tls' };
}

export function isCloudId(value: string): value is CloudId {
  return value in CLOUDS;
}

/** Gmail's hosts for IMAP, POP3 and SMTP (Google Workspace and consumer Gmail alike). */
export const GMAIL_ENDPOINTS: Record<MailProtocol, EndpointTarget> = {
  imap: { host: 'imap.gmail.com', port: 993, security: 'tls' },
  pop3: { host: 'pop.gmail.com', port: 995, security: 'tls' },
  smtp: { host: 'smtp.gmail.com', port: 465, security: 'tls' },
};

export const PROVIDERS = ['microsoft', 'google', 'oidc'] as const;
export type ProviderId = (typeof PROVIDERS)[number];
