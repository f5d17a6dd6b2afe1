// The cause catalog (SPEC section 4): every finding names one of these ids. Extend it; never
// rename an id (reports, saved runs and scripts depend on them).

export const CAUSE_IDS = [
  // Token endpoint and token contents
  'token.tenant_not_found',
  'token.invalid_tenant_identifier',
  'token.app_not_found',
  'token.app_disabled',
  'token.invalid_secret',
  'token.secret_expired',
  'token.invalid_certificate',
  'token.client_type_mismatch',
  'token.invalid_scope',
  'token.consent_missing',
  'token.redirect_uri_mismatch',
  'token.account_type_mismatch',
  'token.invalid_user_credentials',
  'token.mfa_required',
  'token.conditional_access',
  'token.refresh_token_expired',
  'token.single_tenant_common_endpoint',
  'token.invalid_permission_config',
  'token.expired',
  'token.wrong_audience',
  'token.missing_role',
  'token.missing_scope',
  'token.delegated_vs_app_confusion',
  // Exchange-side grants
  'grant.service_principal_missing',
  'grant.service_principal_wrong_id',
  'grant.mailbox_permission_missing',
  'grant.sendas_missing',
  // SASL
  'xoauth2.wrong_user',
  'xoauth2.malformed',
  'xoauth2.pop3_initial_response',
  'xoauth2.token_too_long',
  // Account policy
  'account.basic_auth_disabled',
  'account.invalid_password',
  'account.smtp_auth_disabled_tenant',
  'account.smtp_auth_disabled_mailbox',
  'account.security_defaults',
  'account.conditional_access',
  'account.protocol_disabled',
  'account.signin_blocked',
  'account.sending_restricted',
  // SMTP
  'smtp.not_authenticated',
  'smtp.unsupported_mechanism',
  // TLS
  'tls.old_version',
  'tls.implicit_vs_starttls',
  'tls.untrusted_certificate',
  'tls.hostname_mismatch',
  'tls.certificate_expired',
  'tls.starttls_unavailable',
  // Network
  'network.dns_not_found',
  'network.connect_refused',
  'network.port_blocked',
  'network.proxy_interference',
  'network.sovereign_cloud_mismatch',
  // Server
  'server.throttled',
  'server.transient',
  // Added in the second wave (SPEC section 4): never rename these either.
  'token.service_principal_missing_in_tenant',
  'grant.app_scope_restricted',
  'account.basic_auth_retired',
  'smtp.relay_denied',
  'smtp.sender_rejected',
  'smtp.message_rejected',
  'smtp.quota_exceeded',
  'smtp.hve_external_recipient',
  'smtp.direct_send_rejected',
  'network.proxy_refused',
  'network.proxy_auth_required',
  'network.proxy_blocks_port',
  'graph.mailbox_not_enabled',
  'graph.access_policy_denied',
  'google.dwd_not_authorized',
  'google.invalid_grant',
  'google.service_account_key_invalid',
  'google.imap_disabled',
  'google.app_password_required',
  'google.scope_insufficient',
  // Microsoft's other sending paths (High Volume Email, Azure Communication Services SMTP)
  'grant.hve_app_access_missing',
  'acs.bad_username',
  'acs.role_missing',
  // A CA file named in the settings that the run could not read (issue 17)
  'tls.ca_file_unreadable',
] as const;

export type CauseId = (typeof CAUSE_IDS)[number];

export function isCauseId(value: string): value is CauseId {
  return (CAUSE_IDS as readonly string[]).includes(value);
}
