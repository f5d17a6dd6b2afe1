// What each cause means for a support engineer and how to fix it, filled in with the tenant's own
// values. One entry per catalog id; the rules decide which apply, this file says what to do.
import type { MailProtocol } from '../../../shared/report/model';
import type { CauseId } from '../../../shared/diagnosis/catalog';
import { protocolName, value, type FixContext } from './context';

export interface CauseText {
  title: string;
  explanation: string;
  steps: string[];
  commands: string[];
  docs: string[];
}

const DOCS = {
  oauthMail:
    'https://learn.microsoft.com/en-us/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth',
  smtpAuth:
    'https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/authenticated-client-smtp-submission',
  smtpAuthDisabled: 'https://aka.ms/smtp_auth_disabled',
  aadsts: 'https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes',
  clientCredentials:
    'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow',
  certCredentials: 'https://learn.microsoft.com/en-us/entra/identity-platform/certificate-credentials',
  consent: 'https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/grant-admin-consent',
  casMailbox:
    'https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/pop3-and-imap4/enable-or-disable-pop3-or-imap4-access',
  basicAuth:
    'https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/deprecation-of-basic-authentication-exchange-online',
  securityDefaults: 'https://learn.microsoft.com/en-us/entra/fundamentals/security-defaults',
  conditionalAccess: 'https://learn.microsoft.com/en-us/entra/identity/conditional-access/overview',
  sendAs:
    'https://learn.microsoft.com/en-us/exchange/recipients-in-exchange-online/manage-permissions-for-recipients',
  endpoints: 'https://learn.microsoft.com/en-us/microsoft-365/enterprise/microsoft-365-endpoints',
  throttling:
    'https://learn.microsoft.com/en-us/exchange/mailbox-migration/office-365-migration-best-practices#throttling',
  outboundSpam: 'https://learn.microsoft.com/en-us/defender-office-365/outbound-spam-protection-about',
  rbacApps: 'https://learn.microsoft.com/en-us/exchange/permissions-exo/application-rbac',
  accessPolicy: 'https://learn.microsoft.com/en-us/graph/auth-limit-mailbox-access',
  sendingLimits:
    'https://learn.microsoft.com/en-us/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits#sending-limits',
  hve: 'https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/high-volume-mails-m365',
  directSend:
    'https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/how-to-set-up-a-multifunction-device-or-application-to-send-email-using-microsoft-365-or-office-365',
  graphSendMail: 'https://learn.microsoft.com/en-us/graph/api/user-sendmail',
  googleDwd: 'https://support.google.com/a/answer/162106',
  googleOauthErrors: 'https://developers.google.com/identity/protocols/oauth2/service-account',
  googleKeys: 'https://cloud.google.com/iam/docs/keys-create-delete',
  googleImap: 'https://support.google.com/a/answer/105694',
  googleAppPasswords: 'https://support.google.com/accounts/answer/185833',
  googleXoauth2: 'https://developers.google.com/gmail/imap/xoauth2-protocol',
  appPermissionsCheck:
    'https://learn.microsoft.com/en-us/entra/identity-platform/howto-add-app-roles-in-apps',
} as const;

const ROLE: Record<MailProtocol, string> = {
  imap: 'IMAP.AccessAsApp',
  pop3: 'POP.AccessAsApp',
  smtp: 'SMTP.SendAsApp',
};
const SCOPE: Record<MailProtocol, string> = {
  imap: 'IMAP.AccessAsUser.All',
  pop3: 'POP.AccessAsUser.All',
  smtp: 'SMTP.Send',
};

function connect(): string {
  return 'Connect-ExchangeOnline -UserPrincipalName <admin@yourtenant.onmicrosoft.com>';
}

function portal(ctx: FixContext): string {
  return `Microsoft Entra admin center > Identity > Applications > App registrations > ${value(ctx.clientId, 'application (client) id')}`;
}

function exchangeHost(ctx: FixContext): string {
  switch (ctx.cloud) {
    case 'usgov':
      return 'https://outlook.office365.us';
    case 'usgov-dod':
      return 'https://outlook-dod.office365.us';
    case 'china':
      return 'https://partner.outlook.cn';
    default:
      return 'https://outlook.office365.com';
  }
}

function newServicePrincipal(ctx: FixContext): string {
  return `New-ServicePrincipal -AppId ${value(ctx.clientId, 'application (client) id')} -ObjectId ${value(ctx.servicePrincipalId, 'object id of the Enterprise Application')} -DisplayName "MailProbe-checked app"`;
}

function fullAccess(ctx: FixContext): string {
  return `Add-MailboxPermission -Identity ${value(ctx.mailbox, 'mailbox')} -User ${value(ctx.servicePrincipalId, 'service principal object id')} -AccessRights FullAccess`;
}

export function causeText(cause: CauseId, ctx: FixContext, protocol: MailProtocol | null): CauseText {
  const p = protocolName(protocol);
  const app = value(ctx.clientId, 'application (client) id');
  const mailbox = value(ctx.mailbox, 'mailbox');
  const sp = value(ctx.servicePrincipalId, 'service principal object id');
  switch (cause) {
    case 'token.tenant_not_found':
      return {
        title: 'The tenant does not exist in this cloud',
        explanation: `The identity endpoint does not know the tenant ${value(ctx.tenant, 'tenant')}. The tenant id or domain is mistyped, belongs to another customer, or lives in another Microsoft cloud (GCC High, 21Vianet) than the one asked.`,
        steps: [
          'In the Microsoft Entra admin center > Overview, copy the Tenant ID (a GUID) or a verified domain such as contoso.onmicrosoft.com.',
          'Check that the cloud matches where the tenant lives (login.microsoftonline.com, .us or .cn).',
          'Put that value in the profile and run the checks again.',
        ],
        commands: [],
        docs: [DOCS.aadsts],
      };
    case 'token.invalid_tenant_identifier':
      return {
        title: 'The tenant identifier is not a GUID or a domain',
        explanation: `"${value(ctx.tenant, 'tenant')}" is neither a tenant GUID nor a domain name, so the identity endpoint cannot even look it up.`,
        steps: [
          'Use the Directory (tenant) ID GUID from the app registration overview, or a verified domain of the tenant.',
        ],
        commands: [],
        docs: [DOCS.aadsts],
      };
    case 'token.app_not_found':
      return {
        title: 'The app registration is not in this tenant',
        explanation: `No application with client id ${app} exists in tenant ${value(ctx.tenant, 'tenant')}. The client id is mistyped, the app was registered in another tenant, or it was deleted.`,
        steps: [
          `Open ${portal(ctx)} and compare the Application (client) ID with the one configured.`,
          'If the app lives in another tenant, use that tenant id, or register the app in this tenant.',
        ],
        commands: [],
        docs: [DOCS.aadsts],
      };
    case 'token.app_disabled':
      return {
        title: 'The application is disabled',
        explanation: `Application ${app} exists but is disabled for sign-in, so no token is issued.`,
        steps: [
          'Microsoft Entra admin center > Enterprise applications > the app > Properties: set "Enabled for users to sign-in?" to Yes.',
        ],
        commands: [`Update-MgServicePrincipal -ServicePrincipalId ${sp} -AccountEnabled:$true`],
        docs: [DOCS.aadsts],
      };
    case 'token.invalid_secret':
      return {
        title: 'The client secret is wrong (often the secret ID pasted instead of its value)',
        explanation: `The token endpoint rejects the client secret of app ${app}. The usual cause is copying the "Secret ID" column instead of the "Value" column, which is only shown once when the secret is created; a secret of another app or one with stray spaces does the same.`,
        steps: [
          `Open ${portal(ctx)} > Certificates & secrets > Client secrets.`,
          'Create a new client secret and copy its Value (not the Secret ID) right away.',
          'Store the value in the application and in the MailProbe profile, then run the checks again.',
        ],
        commands: [],
        docs: [DOCS.clientCredentials],
      };
    case 'token.secret_expired':
      return {
        title: 'The client secret has expired',
        explanation: `The secret used by app ${app} is past its expiry date. Entra ID secrets last at most 24 months.`,
        steps: [
          `Open ${portal(ctx)} > Certificates & secrets, add a new client secret and replace the expired one in the application.`,
        ],
        commands: [],
        docs: [DOCS.clientCredentials],
      };
    case 'token.invalid_certificate':
      return {
        title: 'The certificate is not registered on the app, or its assertion is invalid',
        explanation: `The certificate that signed the client assertion is not among app ${app}'s credentials, or the assertion failed validation (wrong key for the certificate, clock skew, wrong audience).`,
        steps: [
          `Open ${portal(ctx)} > Certificates & secrets > Certificates and compare the thumbprint with the one in the acquire step's detail.`,
          'Upload the public certificate (.cer/.pem) that matches the private key the application uses.',
        ],
        commands: [],
        docs: [DOCS.certCredentials],
      };
    case 'token.client_type_mismatch':
      return {
        title: 'The request carries no credential the app accepts',
        explanation: `App ${app} needs a client secret or a certificate assertion in the request (it is a confidential client), or the credential kind does not match the registration.`,
        steps: ['Configure a client secret or certificate in the application and in the profile.'],
        commands: [],
        docs: [DOCS.clientCredentials],
      };
    case 'token.invalid_scope':
      return {
        title: 'The scope is not valid for this flow',
        explanation: `Client credentials need a single scope of the form <resource>/.default; for Exchange Online that is ${exchangeHost(ctx)}/.default. Scopes such as IMAP.AccessAsApp, https://outlook.office365.com/IMAP.AccessAsUser.All or "openid" are refused in this flow.`,
        steps: [`Set the scope to ${exchangeHost(ctx)}/.default.`],
        commands: [],
        docs: [DOCS.clientCredentials],
      };
    case 'token.consent_missing':
      return {
        title: 'Admin consent for the Exchange permissions is missing',
        explanation: `App ${app} asks for Office 365 Exchange Online application permissions that no administrator has consented to, so the token carries no roles and every mail server refuses it.`,
        steps: [
          `Open ${portal(ctx)} > API permissions.`,
          'Add permission > APIs my organization uses > Office 365 Exchange Online > Application permissions: IMAP.AccessAsApp, POP.AccessAsApp, SMTP.SendAsApp as needed.',
          `Click "Grant admin consent for ${value(ctx.tenant, 'tenant')}" and check that the status shows a green tick.`,
        ],
        commands: [],
        docs: [DOCS.oauthMail, DOCS.consent],
      };
    case 'token.redirect_uri_mismatch':
      return {
        title: 'The redirect URI is not registered on the app',
        explanation: 'The interactive sign-in used a redirect URI that the app registration does not list.',
        steps: [
          `Open ${portal(ctx)} > Authentication and add the exact redirect URI (for MailProbe: http://localhost).`,
        ],
        commands: [],
        docs: [DOCS.aadsts],
      };
    case 'token.account_type_mismatch':
      return {
        title: 'The account is not allowed by the app registration',
        explanation:
          'The user belongs to another tenant (or is a personal account) than the app registration accepts.',
        steps: [
          `Sign in with an account of tenant ${value(ctx.tenant, 'tenant')}, or change "Supported account types" in ${portal(ctx)} > Authentication.`,
        ],
        commands: [],
        docs: [DOCS.aadsts],
      };
    case 'token.invalid_user_credentials':
      return {
        title: 'The user name or password is wrong',
        explanation: 'Entra ID refused the user credentials of the password (ROPC) sign-in.',
        steps: [
          'Check the user name (the UPN) and reset the password if needed. ROPC is a legacy flow; prefer client credentials.',
        ],
        commands: [],
        docs: [DOCS.aadsts],
      };
    case 'token.mfa_required':
      return {
        title: 'Multi-factor authentication is required for this sign-in',
        explanation:
          'A non-interactive sign-in (password or refresh) cannot satisfy MFA. Background services should use client credentials (app-only) instead.',
        steps: [
          'Use an app registration with application permissions and client credentials, or sign in interactively (device code / browser).',
        ],
        commands: [],
        docs: [DOCS.oauthMail],
      };
    case 'token.conditional_access':
      return {
        title: 'A Conditional Access policy blocks the token',
        explanation: `A Conditional Access policy (location, device, workload identity) refused to issue the token for app ${app}.`,
        steps: [
          'Microsoft Entra admin center > Protection > Conditional Access: find the policy in the sign-in logs of the service principal (Sign-in logs > Service principal sign-ins).',
          'Exclude the app or allow the location the service runs from, as your security policy permits.',
        ],
        commands: [],
        docs: [DOCS.conditionalAccess],
      };
    case 'token.refresh_token_expired':
      return {
        title: 'The refresh token has expired or was revoked',
        explanation:
          'The stored refresh token can no longer be redeemed (inactivity, password change, revocation, sign-in frequency policy).',
        steps: [
          'Sign in interactively once more to get a new refresh token; for services, switch to client credentials.',
        ],
        commands: [],
        docs: [DOCS.aadsts],
      };
    case 'token.single_tenant_common_endpoint':
      return {
        title: 'A single-tenant app was asked through /common',
        explanation: `App ${app} is single-tenant, so its tokens must be requested from its own tenant, not from /common or /organizations.`,
        steps: [`Use the authority ${ctx.authorityHost}/${value(ctx.tenant, 'tenant id')}.`],
        commands: [],
        docs: [DOCS.aadsts],
      };
    case 'token.invalid_permission_config':
      return {
        title: 'The app registration lists permissions that do not exist',
        explanation: `App ${app} requests a permission that the resource does not define (for example an Exchange permission added under Microsoft Graph).`,
        steps: [
          `Open ${portal(ctx)} > API permissions, remove the invalid entries and add IMAP.AccessAsApp / POP.AccessAsApp / SMTP.SendAsApp under "Office 365 Exchange Online".`,
        ],
        commands: [],
        docs: [DOCS.oauthMail],
      };
    case 'token.expired':
      return {
        title: 'The access token has expired',
        explanation:
          "The token's exp is in the past (or passed during the session). Tokens live 60 to 90 minutes; the application must get a new one before each session or when the server says the session was invalidated.",
        steps: [
          'Acquire a fresh token for each connection (MSAL caches and renews it), and reconnect when a long session ends.',
        ],
        commands: [],
        docs: [DOCS.clientCredentials],
      };
    case 'token.wrong_audience':
      return {
        title: 'The token is for another resource than Exchange Online (for example Microsoft Graph)',
        explanation: `IMAP, POP3 and SMTP only accept tokens whose audience is Exchange Online (${exchangeHost(ctx)}). A token requested with the scope https://graph.microsoft.com/.default (or for any other API) is refused by the mail servers even though it is valid.`,
        steps: [
          `Request the token with the scope ${exchangeHost(ctx)}/.default.`,
          'Make sure the app has the Office 365 Exchange Online application permissions (not the Microsoft Graph ones named alike).',
        ],
        commands: [],
        docs: [DOCS.oauthMail],
      };
    case 'token.missing_role':
      return {
        title: `The token lacks the ${protocol ? ROLE[protocol] : 'Exchange'} application permission`,
        explanation: `An app-only token must carry the role ${protocol ? ROLE[protocol] : 'IMAP.AccessAsApp / POP.AccessAsApp / SMTP.SendAsApp'} for ${p}. Without it Exchange Online refuses the sign-in.`,
        steps: [
          `Open ${portal(ctx)} > API permissions > Add a permission > APIs my organization uses > Office 365 Exchange Online > Application permissions.`,
          `Add ${protocol ? ROLE[protocol] : 'the protocol permissions'} and grant admin consent; get a new token (the old one keeps its old roles).`,
        ],
        commands: [],
        docs: [DOCS.oauthMail],
      };
    case 'token.missing_scope':
      return {
        title: `The delegated token lacks the ${protocol ? SCOPE[protocol] : 'mail'} scope`,
        explanation: `A delegated (user) token needs the scope ${protocol ? SCOPE[protocol] : 'IMAP.AccessAsUser.All / POP.AccessAsUser.All / SMTP.Send'} of Office 365 Exchange Online.`,
        steps: [
          `Add the delegated permission in ${portal(ctx)} > API permissions, consent, and request https://outlook.office365.com/${protocol ? SCOPE[protocol] : 'IMAP.AccessAsUser.All'} plus offline_access.`,
        ],
        commands: [],
        docs: [DOCS.oauthMail],
      };
    case 'token.delegated_vs_app_confusion':
      return {
        title: 'Delegated and application permissions are mixed up',
        explanation:
          'The token is a delegated (user) token where an app-only one is expected, or the reverse: app-only tokens need Application permissions (roles) and the Exchange service principal setup; delegated tokens need Delegated permissions (scp) and a signed-in user who owns the mailbox.',
        steps: [
          'Decide on one model. For a background service: Application permissions, client credentials, New-ServicePrincipal and Add-MailboxPermission.',
        ],
        commands: [],
        docs: [DOCS.oauthMail],
      };
    case 'grant.service_principal_missing':
      return {
        title: "Exchange Online does not know the app's service principal",
        explanation: `For app-only access Exchange Online needs its own registration of the service principal (New-ServicePrincipal). Until then every IMAP, POP3 and SMTP sign-in with a valid token fails with a bare "authentication failed".`,
        steps: [
          "Find the Object ID of the Enterprise Application (Enterprise applications > the app > Overview), not the one of the App registration: it is also the token's oid.",
          'In Exchange Online PowerShell, register it and give it access to the mailbox.',
        ],
        commands: [connect(), newServicePrincipal(ctx), fullAccess(ctx)],
        docs: [DOCS.oauthMail],
      };
    case 'grant.service_principal_wrong_id':
      return {
        title: 'New-ServicePrincipal was given the wrong object id',
        explanation: `New-ServicePrincipal must get the Object ID of the Enterprise Application (the service principal, ${sp} in the token's oid), not the Object ID shown on the App registration page. With the wrong one Exchange does not match the token to the registration.`,
        steps: [
          'List what Exchange has and confirm which registration carries the wrong ObjectId before removing it (Remove-ServicePrincipal also drops the mailbox permissions given to it).',
          'Register the Object ID of the Enterprise Application (the token oid) and give it access to the mailbox again.',
        ],
        commands: [
          connect(),
          `Get-ServicePrincipal | Where-Object AppId -eq '${app}' | Format-List DisplayName,AppId,ObjectId`,
          `Remove-ServicePrincipal -Identity ${ctx.registeredServicePrincipalId && ctx.registeredServicePrincipalId !== ctx.servicePrincipalId ? `'${ctx.registeredServicePrincipalId}'` : '<the wrong ObjectId>'}`,
          newServicePrincipal(ctx),
          fullAccess(ctx),
        ],
        docs: [DOCS.oauthMail],
      };
    case 'grant.mailbox_permission_missing':
      return {
        title: `The app has no access to the mailbox ${mailbox}`,
        explanation: `The service principal is known to Exchange and its token is valid, but it has no FullAccess permission on ${mailbox}. Exchange then accepts the sign-in and refuses the mailbox ("User is authenticated but not connected."), or refuses the sign-in outright.`,
        steps: ['Grant the service principal FullAccess on the mailbox (it takes a few minutes to apply).'],
        commands: [
          connect(),
          fullAccess(ctx),
          `Get-MailboxPermission -Identity ${mailbox} | Where-Object User -like '*${value(ctx.servicePrincipalId, 'id')}*'`,
        ],
        docs: [DOCS.oauthMail],
      };
    case 'grant.sendas_missing':
      return {
        title: `The app may not send as ${value(ctx.from, 'sender address')}`,
        explanation: `Sending with a From address other than the signed-in mailbox needs the SendAs permission for the service principal on that address.`,
        steps: ['Grant SendAs on the sender mailbox to the service principal.'],
        commands: [
          connect(),
          `Add-RecipientPermission -Identity ${value(ctx.from, 'sender address')} -Trustee ${sp} -AccessRights SendAs -Confirm:$false`,
        ],
        docs: [DOCS.sendAs, DOCS.oauthMail],
      };
    case 'xoauth2.wrong_user':
      return {
        title: 'The user= of the XOAUTH2 string is not the mailbox the app may open',
        explanation: `With app-only tokens the user= part names the mailbox to open (${mailbox} here). A display name, the app id, an alias without a mailbox, or a mailbox the service principal has no FullAccess to makes Exchange refuse the sign-in or the mailbox.`,
        steps: [
          'Set user= to the primary SMTP address of a mailbox the service principal has FullAccess to.',
        ],
        commands: [
          connect(),
          `Get-Mailbox -Identity ${mailbox} | Format-List PrimarySmtpAddress`,
          fullAccess(ctx),
        ],
        docs: [DOCS.oauthMail],
      };
    case 'xoauth2.malformed':
      return {
        title: 'The XOAUTH2 string is malformed',
        explanation:
          'The SASL XOAUTH2 payload must be base64 of "user=<mailbox>^Aauth=Bearer <token>^A^A" (^A is the byte 0x01). Spaces instead of ^A, a missing "Bearer", a missing final ^A^A or base64 applied twice all make the server refuse it.',
        steps: [
          'Build the string exactly as above and base64 it once; compare with the decoded payload in the transcript.',
        ],
        commands: [],
        docs: [DOCS.oauthMail],
      };
    case 'xoauth2.pop3_initial_response':
      return {
        title: 'POP3 refuses XOAUTH2 with an initial response',
        explanation:
          'Exchange Online\'s POP3 wants the two-step form: "AUTH XOAUTH2", wait for "+", then send the base64 payload. Sending the payload on the AUTH line is refused.',
        steps: [
          'Configure the POP3 client to send AUTH XOAUTH2 without an initial response (many libraries have an option for SASL-IR).',
        ],
        commands: [],
        docs: [DOCS.oauthMail],
      };
    case 'xoauth2.token_too_long':
      return {
        title: 'The server refused the AUTH line as too long',
        explanation:
          'Access tokens of 1.5 to 3 KB sent inline on the AUTH command exceed the line limit of some servers (500 5.5.2 Line too long). The payload must be sent after the 334 prompt instead.',
        steps: ['Have the client send "AUTH XOAUTH2" alone and the payload after "334".'],
        commands: [],
        docs: [DOCS.oauthMail],
      };
    case 'account.basic_auth_disabled':
      return {
        title: 'Basic authentication (password) is disabled for this protocol',
        explanation: `Exchange Online no longer accepts passwords for ${p}; the application must use OAuth2 (XOAUTH2) instead.`,
        steps: [
          'Register an app with the Exchange application permissions and switch the application to OAuth2 client credentials; MailProbe can check that setup end to end.',
        ],
        commands: [],
        docs: [DOCS.basicAuth, DOCS.oauthMail],
      };
    case 'account.invalid_password':
      return {
        title: 'The user name or password is not accepted',
        explanation: `The server refused the credentials for ${mailbox}: a wrong password, a locked account, or (for Gmail) an account that needs an app password.`,
        steps: [
          'Check the user name and password; for Google accounts with 2-Step Verification use an app password or OAuth2.',
        ],
        commands: [],
        docs: [],
      };
    case 'account.smtp_auth_disabled_tenant':
      return {
        title: 'SMTP AUTH is disabled for the whole tenant',
        explanation:
          "Exchange Online's authenticated SMTP submission (SMTP AUTH) is turned off organisation-wide, so every SMTP sign-in is refused with 5.7.139, OAuth or not.",
        steps: [
          'Enable SMTP AUTH for the organisation, or (better) only for this mailbox and keep it off for the rest.',
        ],
        commands: [
          connect(),
          'Set-TransportConfig -SmtpClientAuthenticationDisabled $false',
          `Set-CASMailbox -Identity ${mailbox} -SmtpClientAuthenticationDisabled $false`,
        ],
        docs: [DOCS.smtpAuthDisabled, DOCS.smtpAuth],
      };
    case 'account.smtp_auth_disabled_mailbox':
      return {
        title: `SMTP AUTH is disabled for the mailbox ${mailbox}`,
        explanation:
          'The mailbox has SmtpClientAuthenticationDisabled set, which overrides the organisation setting.',
        steps: ['Enable SMTP AUTH for this mailbox.'],
        commands: [
          connect(),
          `Set-CASMailbox -Identity ${mailbox} -SmtpClientAuthenticationDisabled $false`,
          `Get-CASMailbox -Identity ${mailbox} | Format-List SmtpClientAuthenticationDisabled`,
        ],
        docs: [DOCS.smtpAuthDisabled, DOCS.smtpAuth],
      };
    case 'account.security_defaults':
      return {
        title: 'Security defaults block this kind of sign-in',
        explanation:
          'With security defaults on, legacy authentication (passwords over IMAP/POP/SMTP) is blocked for every account.',
        steps: [
          'Move the application to OAuth2, or replace security defaults by Conditional Access policies that allow it (not recommended).',
        ],
        commands: [],
        docs: [DOCS.securityDefaults],
      };
    case 'account.conditional_access':
      return {
        title: 'A Conditional Access policy blocks the mailbox sign-in',
        explanation:
          'The sign-in was refused by a Conditional Access policy (location, device or legacy-authentication block).',
        steps: [
          'Look up the sign-in in Microsoft Entra ID > Sign-in logs and adjust or exclude the policy that failed.',
        ],
        commands: [],
        docs: [DOCS.conditionalAccess],
      };
    case 'account.protocol_disabled':
      return {
        title: `${p} is disabled for the mailbox ${mailbox}`,
        explanation: `Exchange Online lets admins switch IMAP and POP3 off per mailbox (and by default for new mailboxes through CAS mailbox plans). A disabled protocol refuses the sign-in like a bad token.`,
        steps: [`Enable ${p} for the mailbox and check its CAS settings.`],
        commands: [
          connect(),
          `Set-CASMailbox -Identity ${mailbox} ${protocol === 'pop3' ? '-PopEnabled $true' : '-ImapEnabled $true'}`,
          `Get-CASMailbox -Identity ${mailbox} | Format-List ImapEnabled,PopEnabled,SmtpClientAuthenticationDisabled`,
        ],
        docs: [DOCS.casMailbox],
      };
    case 'account.signin_blocked':
      return {
        title: 'The provider wants the user to confirm the sign-in in a browser',
        explanation:
          'The mail provider (typically Google) blocked the sign-in as suspicious or from a less secure app and asks the user to verify it in a web browser.',
        steps: [
          'Sign in to the account in a browser and confirm the activity, or switch the application to OAuth2.',
        ],
        commands: [],
        docs: [],
      };
    case 'account.sending_restricted':
      return {
        title: 'The account may sign in but is restricted from sending',
        explanation:
          'Outbound spam protection put the account on the restricted senders list (or a policy limits external sending), so messages are refused after a successful sign-in.',
        steps: [
          'Microsoft Defender portal > Email & collaboration > Review > Restricted entities: release the user after checking the account is not compromised.',
        ],
        commands: [],
        docs: [DOCS.outboundSpam],
      };
    case 'smtp.not_authenticated':
      return {
        title: 'The client sent mail without signing in first',
        explanation:
          '530 5.7.57 means MAIL FROM came before a successful AUTH: the client skipped authentication, or its AUTH failed silently.',
        steps: [
          'Make the client authenticate (AUTH XOAUTH2) after STARTTLS and before MAIL FROM; check its SMTP AUTH settings.',
        ],
        commands: [],
        docs: [DOCS.smtpAuth],
      };
    case 'smtp.unsupported_mechanism':
      return {
        title: 'The server does not offer this authentication mechanism here',
        explanation:
          '504 5.7.4 Unrecognized authentication type: the mechanism is not offered, often because AUTH was tried before STARTTLS or SMTP AUTH is off.',
        steps: [
          'Connect with STARTTLS first and use a mechanism from the EHLO AUTH line (XOAUTH2 for Exchange Online).',
        ],
        commands: [],
        docs: [DOCS.smtpAuth],
      };
    case 'tls.old_version':
      return {
        title: 'The TLS version is too old for one side',
        explanation:
          'One side only speaks TLS 1.0/1.1 while the other requires TLS 1.2 or newer. Exchange Online requires TLS 1.2.',
        steps: [
          'Update the client (or its runtime, e.g. .NET Framework SchUseStrongCrypto) to use TLS 1.2+.',
        ],
        commands: [],
        docs: [],
      };
    case 'tls.implicit_vs_starttls':
      return {
        title: 'Implicit TLS and STARTTLS are mixed up',
        explanation:
          'Ports 993 (IMAP), 995 (POP3) and 465 (SMTP) expect TLS from the first byte; 143, 110 and 587 start in plain text and upgrade with STARTTLS. Using one mode on the other\'s port fails with "wrong version number" or a silent server. Exchange Online SMTP is smtp.office365.com:587 with STARTTLS.',
        steps: [`Use implicit TLS on 993/995 and STARTTLS on 587 (SMTP).`],
        commands: [],
        docs: [DOCS.smtpAuth],
      };
    case 'tls.untrusted_certificate':
      return {
        title: 'The server certificate is not trusted',
        explanation:
          'The certificate chain does not lead to a trusted root: a private CA, a self-signed certificate, or a TLS-inspecting proxy or antivirus replacing the certificate. Against Microsoft 365 it is almost always an inspecting proxy.',
        steps: [
          'Look at the certificate issuer in the tls step. If it is a proxy or antivirus, exempt the mail hosts from inspection or trust its CA explicitly (--ca).',
        ],
        commands: [],
        docs: [],
      };
    case 'tls.hostname_mismatch':
      return {
        title: 'The certificate is for another host name',
        explanation:
          'The server presented a certificate that does not name the host connected to: a wrong host name, a DNS override, or an intercepting device.',
        steps: [
          'Connect with the host name on the certificate (see the SAN list in the tls step), e.g. outlook.office365.com.',
        ],
        commands: [],
        docs: [DOCS.endpoints],
      };
    case 'tls.certificate_expired':
      return {
        title: 'The server certificate has expired',
        explanation: "The certificate presented is past its validity, or the client's clock is wrong.",
        steps: ['Renew the server certificate, or fix the client clock.'],
        commands: [],
        docs: [],
      };
    case 'tls.starttls_unavailable':
      return {
        title: 'The server does not offer STARTTLS on this port',
        explanation:
          'No STARTTLS in the capabilities: the port may expect implicit TLS, or a middlebox strips STARTTLS. Credentials were not sent.',
        steps: [
          'Use the implicit TLS port (993/995/465) or the right host; check for a firewall that rewrites SMTP.',
        ],
        commands: [],
        docs: [],
      };
    case 'network.dns_not_found':
      return {
        title: 'The host name does not resolve',
        explanation: 'DNS has no address for the host: a typo, or an internal DNS without the public zone.',
        steps: [
          'Check the host name (outlook.office365.com, smtp.office365.com) and the DNS server the machine uses.',
        ],
        commands: [],
        docs: [DOCS.endpoints],
      };
    case 'network.connect_refused':
      return {
        title: 'The connection was refused',
        explanation:
          'Something answered with a refusal: nothing listens on that port, or a firewall rejects the connection.',
        steps: ['Check the port number and any local firewall or proxy rules.'],
        commands: [],
        docs: [DOCS.endpoints],
      };
    case 'network.port_blocked':
      return {
        title: 'The port does not answer (filtered)',
        explanation:
          'No answer within the connect timeout: a firewall drops the traffic (outbound 587/993/995 are often blocked on corporate and cloud networks).',
        steps: [
          'Ask the network team to allow outbound TCP to the Microsoft 365 mail endpoints on 587, 993 and 995.',
        ],
        commands: [],
        docs: [DOCS.endpoints],
      };
    case 'network.proxy_interference':
      return {
        title: 'A proxy or security device interferes with the connection',
        explanation:
          'The TLS certificate or the protocol answers come from a middlebox rather than Microsoft 365.',
        steps: ['Exempt the Microsoft 365 mail endpoints from TLS inspection and SMTP fixups.'],
        commands: [],
        docs: [DOCS.endpoints],
      };
    case 'network.sovereign_cloud_mismatch':
      return {
        title: 'The token and the mail servers belong to different Microsoft clouds',
        explanation:
          "A token from one cloud (e.g. login.microsoftonline.com) is useless at another cloud's mail servers (e.g. outlook.office365.us).",
        steps: ['Use the authority and mail hosts of the same cloud (global, GCC High, DoD or 21Vianet).'],
        commands: [],
        docs: [DOCS.endpoints],
      };
    case 'token.service_principal_missing_in_tenant':
      return {
        title: 'The app has no service principal (Enterprise Application) in this tenant',
        explanation: `The app registration ${app} exists, but tenant ${value(ctx.tenant, 'tenant')} has no service principal for it (AADSTS7000229), so Entra ID cannot issue an app-only token. This happens when an app is created through an API or CLI that makes the registration only, or when a multi-tenant app was never consented in the customer's tenant.`,
        steps: [
          'Create the service principal for the app in this tenant (one command below), or grant admin consent, which creates it.',
          'Then grant the application permissions and admin consent again, and run the checks.',
        ],
        commands: [`New-MgServicePrincipal -AppId ${app}`, `az ad sp create --id ${app}`],
        docs: [DOCS.aadsts, DOCS.consent],
      };
    case 'grant.app_scope_restricted':
      return {
        title: 'The app is scoped away from this mailbox',
        explanation: `The token is valid and the app has its permission, but a scope keeps it from ${mailbox}: an RBAC for Applications role assignment with a management scope that leaves the mailbox out, or an application access policy that restricts the app to a group without it.`,
        steps: [
          'Ask Exchange which grants the app has for this mailbox (Test-ServicePrincipalAuthorization below): it lists each role and whether its scope includes the mailbox.',
          'Widen the management scope (or the group of the access policy) to include the mailbox, or grant the role with a scope that does.',
          'Changes take up to an hour to reach every server (RBAC caches); run the checks again after that.',
        ],
        commands: [
          connect(),
          `Test-ServicePrincipalAuthorization -Identity ${sp} -Resource ${mailbox}`,
          `Get-ManagementRoleAssignment -RoleAssignee ${sp} | Format-List Role,CustomResourceScope`,
          `Test-ApplicationAccessPolicy -Identity ${mailbox} -AppId ${app}`,
        ],
        docs: [DOCS.rbacApps, DOCS.accessPolicy],
      };
    case 'account.basic_auth_retired':
      return {
        title: 'Basic authentication for SMTP has been retired for this tenant',
        explanation:
          'Exchange Online no longer accepts a user name and password for SMTP client submission (5.7.30): basic SMTP AUTH is off by default for existing tenants from the end of December 2026 and is removed in the second half of 2027. The application must sign in with OAuth 2.0, or send another way.',
        steps: [
          'Move the application to OAuth 2.0 (client credentials with SMTP.SendAsApp, or a delegated SMTP.Send sign-in) with XOAUTH2.',
          'Where the device cannot do OAuth: send through High Volume Email, Azure Communication Services, or a connector-based relay.',
        ],
        commands: [],
        docs: [DOCS.smtpAuth, DOCS.basicAuth],
      };
    case 'smtp.relay_denied':
      return {
        title: 'The server does not relay for this client',
        explanation:
          'The server accepted the connection but refuses to deliver to the recipient: it relays only for authenticated clients, for its own domains, or for listed networks, and this session is none of those.',
        steps: [
          'Authenticate before sending (SMTP AUTH), or send from an address of a domain the server accepts.',
          "On the server, allow the client's network or account to relay (e.g. a connector in Exchange Online, mynetworks in Postfix).",
        ],
        commands: [],
        docs: [DOCS.smtpAuth],
      };
    case 'smtp.sender_rejected':
      return {
        title: 'The server rejects the sender address',
        explanation:
          'The MAIL FROM address is refused: it belongs to no domain the server accepts, does not resolve, or is not one the signed-in account may use.',
        steps: [
          'Send from the signed-in mailbox itself, or from an address it has Send As permission for.',
          "Check the address's spelling and that its domain has DNS records.",
        ],
        commands: [],
        docs: [DOCS.sendAs],
      };
    case 'smtp.message_rejected':
      return {
        title: 'The server refused the message itself',
        explanation:
          'Sign-in and the envelope were accepted, but the message was refused for its content, size, headers or for a policy (spam filtering, authentication of the sending domain, a transport rule).',
        steps: [
          'Read the reply for the policy it names; check the size limit, the From header and the sending domain (SPF, DKIM, DMARC).',
          'In Exchange Online, a message trace shows the rule or filter that refused it.',
        ],
        commands: [connect(), `Get-MessageTrace -SenderAddress ${value(ctx.from ?? ctx.mailbox, 'sender')}`],
        docs: [DOCS.outboundSpam],
      };
    case 'smtp.quota_exceeded':
      return {
        title: 'A sending limit was reached',
        explanation:
          'The mailbox has sent more than its limits allow (Exchange Online: 10,000 recipients a day, 30 messages a minute; other servers set their own). Sending resumes by itself when the window passes.',
        steps: [
          'Wait for the window to pass (up to 24 hours), then send again at a lower rate.',
          'For bulk or application mail at volume, use High Volume Email or Azure Communication Services instead of a user mailbox.',
        ],
        commands: [],
        docs: [DOCS.sendingLimits],
      };
    case 'smtp.hve_external_recipient':
      return {
        title: 'High Volume Email cannot send to this recipient',
        explanation:
          'High Volume Email accounts send to recipients inside the organisation only (550 5.5.105 for an external one).',
        steps: [
          'Send to internal recipients through HVE, and to external ones through Azure Communication Services or a normal mailbox.',
        ],
        commands: [],
        docs: [DOCS.hve],
      };
    case 'smtp.direct_send_rejected':
      return {
        title: 'Direct Send is rejected for this tenant',
        explanation:
          "The message came in unauthenticated to the tenant's MX endpoint and the tenant rejects Direct Send (550 5.7.68), so only authenticated or connector-based mail is accepted.",
        steps: [
          'Send with SMTP AUTH (OAuth) to smtp.office365.com:587, or set up an inbound connector for the sending server by certificate or IP.',
          'Or, if Direct Send is really wanted, an administrator turns the rejection off.',
        ],
        commands: [connect(), 'Set-OrganizationConfig -RejectDirectSend $false'],
        docs: [DOCS.directSend],
      };
    case 'network.proxy_refused':
      return {
        title: 'The proxy cannot be reached',
        explanation:
          'The connection to the configured proxy itself failed (refused, unreachable or no answer), so nothing reached the mail server or the identity endpoint.',
        steps: [
          'Check the proxy host and port in the settings or in HTTPS_PROXY / ALL_PROXY.',
          'Ask the network team which proxy this machine must use (a PAC file names it).',
        ],
        commands: [],
        docs: [],
      };
    case 'network.proxy_auth_required':
      return {
        title: 'The proxy wants credentials (407)',
        explanation:
          'The proxy answered 407 Proxy Authentication Required: the request carried no credentials, or ones it rejected, for the scheme it asked for.',
        steps: [
          'Give the proxy user name and password (the password from an environment variable), or use an account the proxy knows.',
          'For NTLM or Negotiate proxies, ask for a Basic-auth path or an exemption for the mail endpoints.',
        ],
        commands: [],
        docs: [],
      };
    case 'network.proxy_blocks_port':
      return {
        title: 'The proxy does not allow this port',
        explanation:
          'The proxy refused to open a tunnel to the mail port: many proxies allow CONNECT to port 443 only (squid by default), so IMAP, POP3 and SMTP ports are refused.',
        steps: [
          'Ask the proxy administrator to allow CONNECT to the mail hosts on 993, 995 and 587 (squid: add them to the SSL_ports ACL).',
          'Or connect without the proxy where the firewall allows it.',
        ],
        commands: [],
        docs: [],
      };
    case 'graph.mailbox_not_enabled':
      return {
        title: 'Graph finds no Exchange Online mailbox for this user',
        explanation: `Graph cannot serve ${mailbox}: the account has no Exchange Online mailbox (no licence, a guest), the mailbox is inactive or deleted, or it is hosted on-premises.`,
        steps: [
          'Check that the user has an Exchange Online licence and a mailbox in this tenant.',
          'For a hybrid organisation, use a mailbox that lives in Exchange Online.',
        ],
        commands: [
          connect(),
          `Get-EXOMailbox -Identity ${mailbox} | Format-List RecipientTypeDetails,IsInactiveMailbox`,
        ],
        docs: [DOCS.graphSendMail],
      };
    case 'graph.access_policy_denied':
      return {
        title: 'An application access policy denies this app the mailbox',
        explanation: `Exchange refused Graph access ("Access to OData is disabled" or a policy denial): an application access policy restricts app ${app} to a group of mailboxes that does not include ${mailbox}.`,
        steps: [
          'Test the policy for this mailbox and app (command below).',
          'Add the mailbox to the mail-enabled security group the policy names, or change the policy; or move to RBAC for Applications with a scope that includes it.',
        ],
        commands: [
          connect(),
          `Test-ApplicationAccessPolicy -Identity ${mailbox} -AppId ${app}`,
          'Get-ApplicationAccessPolicy',
        ],
        docs: [DOCS.accessPolicy],
      };
    case 'google.dwd_not_authorized':
      return {
        title: 'Domain-wide delegation is not granted for this client and scope',
        explanation:
          "Google refused the service account's token request (unauthorized_client): the Workspace admin has not authorised its client id for https://mail.google.com/ under domain-wide delegation, or authorised other scopes.",
        steps: [
          'Google Admin console > Security > Access and data control > API controls > Manage domain-wide delegation.',
          "Add (or edit) the service account's numeric client id with the scope https://mail.google.com/ exactly.",
          'Changes can take some minutes, occasionally up to 24 hours, to apply.',
        ],
        commands: [],
        docs: [DOCS.googleDwd],
      };
    case 'google.invalid_grant':
      return {
        title: 'Google rejected the grant',
        explanation: `Google's token endpoint answered invalid_grant: the subject ${mailbox} is not a user of the Workspace domain (or is suspended), the clock of this machine is off, the key was deleted, or a user's refresh token was revoked or expired.`,
        steps: [
          'Check that the mailbox is an active user of the domain that granted the delegation.',
          "Check this machine's clock (the JWT must be within a few minutes of Google's time).",
          'For a user sign-in, sign in again: the refresh token is gone.',
        ],
        commands: [],
        docs: [DOCS.googleOauthErrors],
      };
    case 'google.service_account_key_invalid':
      return {
        title: "The service account's key is not valid",
        explanation:
          'The JSON key is damaged, belongs to another service account, was deleted or disabled, so Google cannot verify the signed assertion (Invalid JWT Signature).',
        steps: [
          'In Google Cloud console > IAM & Admin > Service accounts > the account > Keys, check that the key id of the file is listed and enabled.',
          'Create a new key, store it in the keychain, and delete the old one.',
        ],
        commands: ['gcloud iam service-accounts keys list --iam-account=<service-account-email>'],
        docs: [DOCS.googleKeys],
      };
    case 'google.imap_disabled':
      return {
        title: 'IMAP (or POP) is turned off for this Gmail account or domain',
        explanation:
          "Gmail refuses the protocol: IMAP access is disabled in the user's Gmail settings, or the Workspace admin turned IMAP/POP off for the organisational unit.",
        steps: [
          "Workspace: Admin console > Apps > Google Workspace > Gmail > End User Access: allow IMAP / POP for the user's organisational unit.",
          'Personal Gmail: Settings > See all settings > Forwarding and POP/IMAP: enable IMAP.',
        ],
        commands: [],
        docs: [DOCS.googleImap],
      };
    case 'google.app_password_required':
      return {
        title: 'Google wants an app password or OAuth, not the account password',
        explanation:
          'The account has 2-Step Verification, so Gmail no longer accepts its password from an application (534 5.7.9). Google also retired "less secure app" password access.',
        steps: [
          'Move the application to OAuth 2.0 (XOAUTH2), or create an app password (Google Account > Security > App passwords) where policy allows it.',
        ],
        commands: [],
        docs: [DOCS.googleAppPasswords],
      };
    case 'google.scope_insufficient':
      return {
        title: 'The Google token lacks the mail scope',
        explanation:
          'Gmail refused the token: it was issued without https://mail.google.com/ (the only scope that gives IMAP, POP and SMTP access), or for another user than the one signing in.',
        steps: [
          'Request the scope https://mail.google.com/ when getting the token (and, for a service account, authorise it under domain-wide delegation).',
          "Check that the user in the XOAUTH2 string is the token's user.",
        ],
        commands: [],
        docs: [DOCS.googleXoauth2],
      };
    case 'server.throttled':
      return {
        title: 'The server is throttling this client',
        explanation:
          'Too many connections or commands in a short time; the server asks the client to slow down.',
        steps: [
          'Reduce concurrent connections (Exchange Online allows about 20 per mailbox for IMAP) and retry with back-off.',
        ],
        commands: [],
        docs: [DOCS.throttling],
      };
    case 'server.transient':
      return {
        title: 'A temporary server problem',
        explanation: 'The server reported a temporary failure unrelated to the credentials.',
        steps: ['Retry later; if it persists, check the Microsoft 365 service health dashboard.'],
        commands: [],
        docs: [],
      };
  }
}
