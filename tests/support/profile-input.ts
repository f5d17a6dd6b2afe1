// A valid profile for tests: a Microsoft 365 tenant on the global cloud's endpoints.
import type { ProfileInput } from '../../shared/api/contract';

export function sampleProfileInput(overrides: Partial<ProfileInput> = {}): ProfileInput {
  return {
    name: 'Contoso support',
    cloud: 'global',
    tenant: 'contoso.onmicrosoft.com',
    clientId: '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87',
    mailbox: 'shared@contoso.com',
    credential: 'client-secret',
    mechanism: 'auto',
    imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
    pop3: { host: 'outlook.office365.com', port: 995, security: 'tls' },
    smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
    testMessage: {},
    ...overrides,
  };
}
