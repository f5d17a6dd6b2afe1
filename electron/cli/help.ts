export const VERSION = '0.1.0';

export const HELP = `mailprobe ${VERSION}: find out why an application cannot sign in to, read from or send
through a mail server (Microsoft 365 with OAuth2 first).

Usage:
  mailprobe check [--imap] [--pop3] [--smtp] [--graph] TARGET [CREDENTIAL] [options]
  mailprobe token TARGET CREDENTIAL [--json]     acquire and inspect a token, no mail connection
  mailprobe inspect [--access-token-file FILE | --access-token-env VAR | -] [--json]
  mailprobe explain [TEXT | -] [--json]          ranked causes for a pasted error or transcript
  mailprobe lab [--scenario ID] [--ca-out FILE] [--google-key-out FILE]
                                                 run the simulated tenants in the foreground
  mailprobe serve [--port N]                     the app in a browser (browser mode) on 127.0.0.1
  mailprobe profiles list|show|add|remove|forget|import|export   the desktop app's saved profiles
                                                 (add takes the check's target and credential
                                                 flags, --google-service-account FILE too;
                                                 --keep-sign-in keeps a user's sign-in, its
                                                 refresh token in the keychain only; forget NAME
                                                 deletes it; --proxy URL [--proxy-password-env
                                                 VAR] gives it a proxy of its own, --no-proxy
                                                 none, instead of the app's Settings)
  mailprobe batch FILE [--concurrency N] [--json|--jsonl] [--out DIR]
                                                 many targets (CSV or JSON rows) in one run
  mailprobe --help | --version

check: gets a token (client credentials) or takes the one given, checks its claims, then runs
each protocol step by step (dns, tcp, tls, greeting, capabilities, starttls, auth, mailbox,
logout) and shows where and why it fails. With no protocol flag, all three. --graph adds the
Microsoft Graph check (a token for Graph, the inbox's newest message read by id and time, and
sendMail with --send-to); --graph alone checks Graph only. A person's sign-in is checked on
Graph with the user's own scopes (Mail.Read, Mail.Send), from the same sign-in.

  Target, one of:
    --lab [--scenario ID]          the built-in simulated tenants (no credential needed)
                                   scenarios: healthy (default), secret-invalid, secret-expired,
                                   app-not-found, tenant-not-found, no-admin-consent, graph-scope,
                                   no-service-principal, wrong-object-id, no-mailbox-permission,
                                   imap-disabled, pop-disabled, smtp-auth-disabled-tenant,
                                   smtp-auth-disabled-mailbox, send-as-denied, conditional-access,
                                   throttled, token-expires-mid-session, rbac-smtp,
                                   rbac-scope-excludes-mailbox; a user signs in (device code):
                                   delegated-healthy, delegated-missing-scope,
                                   delegated-wrong-user; Google Workspace: google-healthy,
                                   google-dwd-not-authorized, google-subject-not-in-domain,
                                   google-imap-disabled, google-scope-insufficient; High Volume
                                   Email and ACS SMTP (SMTP only): hve-healthy,
                                   hve-external-recipient, hve-app-not-allowed, acs-healthy,
                                   acs-bad-username, acs-role-missing; a company proxy:
                                   proxy-healthy, proxy-auth-required, proxy-blocks-port,
                                   proxy-intercepts-tls; Microsoft Graph (Graph only):
                                   graph-healthy, graph-access-policy-denied,
                                   graph-mailbox-not-enabled, graph-missing-permission,
                                   graph-rbac-scope-excludes-mailbox
    --profile NAME                 a saved profile (its secret from the keychain, or from a flag);
                                   the run is kept in the profile's history, as in the app
    --mailbox ADDRESS              the mailbox to sign in to (the SASL user=), with:
      --tenant ID|DOMAIN           the tenant (GUID or domain)
      --client-id GUID             the app registration's application (client) id
      --cloud global|usgov|usgov-dod|china   authority and mail hosts (default global)
      --authority URL              another authority host (https)
      --scope SCOPE                default https://<exchange host>/.default
      --secret-expires YYYY-MM-DD  the client secret's end date (Entra ID's endDateTime), for the
                                   readiness audit (profiles add takes it too)
      --imap-host H --imap-port N --imap-security tls|starttls|none   (same for pop3, smtp)
      --provider microsoft|google|oidc
                                   whose servers (default microsoft; google: Gmail's hosts
                                   imap.gmail.com:993, pop.gmail.com:995, smtp.gmail.com:465;
                                   oidc: any OpenID provider, below)
      --issuer URL                 oidc: the provider's issuer (https); its discovery document
                                   names the endpoints. With --client-id ID, --scope "SCOPES" (the
                                   mail server's), the mail hosts (--imap-host...), and
                                   --client-secret-env VAR (client credentials), --device-code or
                                   --browser (a person signs in; PKCE, loopback redirect
                                   http://127.0.0.1:<port>/callback)
      --resource URI               oidc: the mail server's resource indicator (RFC 8707)
                                   e.g. mailprobe check --provider oidc --issuer
                                        https://sso.example.com/realms/mail --client-id mail-daemon
                                        --client-secret-env SECRET --scope "openid email"
                                        --mailbox alice@example.com --imap --imap-host mail.example.com
      --hve                        Microsoft High Volume Email: SMTP only, smtp-hve.office365.com:587
                                   (or --smtp-host smtp.hve.mx.microsoft); --mailbox is the HVE
                                   account; OAuth (the app needs Mail.Send and Add-HVEAppAccess)
                                   or the account's password (--password-env)
                                   e.g. mailprobe check --hve --tenant contoso.onmicrosoft.com
                                        --client-id GUID --client-secret-env SECRET
                                        --mailbox hve-alerts@contoso.com --send-to ops@contoso.com
      --acs-resource NAME          Azure Communication Services SMTP: smtp.azurecomm.net:587, user
                                   name NAME.<client id>.<tenant id> (needs --tenant GUID and
                                   --client-id), password the app's client secret
                                   (--client-secret-env / --client-secret-stdin); --mailbox is the
                                   sender (MAIL FROM) of a linked domain
      --acs-username NAME          the same with a whole user name (dot or pipe form, or an SMTP
                                   Username resource), checked for what is wrong with it
                                   e.g. mailprobe check --acs-resource contoso-acs --tenant GUID
                                        --client-id GUID --client-secret-env SECRET
                                        --mailbox DoNotReply@notify.contoso.com
  Credential (secrets are never accepted as arguments):
    --client-secret-env VAR        client secret from an environment variable
    --client-secret-stdin          client secret from standard input
    --cert FILE --key FILE         certificate credential (PEM); --key-passphrase-env VAR if encrypted
    --access-token-file FILE       an access token you already have, from a file
    --access-token-env VAR         an access token you already have, from an environment variable
    --password-env VAR             a password (PLAIN / LOGIN) from an environment variable
    --device-code                  a user signs in (device code): the page to open and the code
                                   are printed on stderr; the user's token is used (delegated)
    --ropc                         legacy: the user's password (--password-env) is sent to the
                                   token endpoint for a token (ROPC; no MFA, blocked by security
                                   defaults); prefer --device-code or --browser
    --browser                      a user signs in in a browser (authorization code with PKCE,
                                   redirected back to this machine); the page is printed on
                                   stderr and opened when a desktop browser is at hand
    --google-service-account FILE  Google Workspace: a service account's JSON key with
                                   domain-wide delegation signs --mailbox in (scope
                                   https://mail.google.com/); implies --provider google
                                   e.g. mailprobe check --google-service-account key.json
                                        --mailbox alice@example.com
    --provider google --browser    a user's own Gmail sign-in, as an installed app does it
                                   (PKCE, loopback redirect): --client-id ID.apps.googleusercontent.com
                                   and its secret (--client-secret-env VAR); scope
                                   https://mail.google.com/; --issuer URL for a stand-in of
                                   accounts.google.com (the lab's)
                                   e.g. mailprobe check --provider google --browser --client-id
                                        123-abc.apps.googleusercontent.com --client-secret-env
                                        GSECRET --mailbox alice@gmail.com
  Options:
    --exchange-sp-object-id GUID|none
                                   the ObjectId Exchange has the app's service principal
                                   registered with (Get-ServicePrincipal), or none: tells a
                                   missing or wrong registration from the mailbox's side
    --smtp-rbac in-scope|out-of-scope|none
                                   what Test-ServicePrincipalAuthorization says of the app's
                                   "Application SMTP.SendAsApp" role for the mailbox (RBAC for
                                   Applications): tells a roleless token that is fine from one
                                   scoped away from the mailbox
    --mech auto|xoauth2|oauthbearer|plain|login   SASL mechanism (default auto)
    --ca FILE                      trust this CA certificate (PEM) as well; repeatable
    --min-tls 1.2|1.3              lowest TLS version accepted (default 1.2)
    --tls-probe                    after each check, which TLS versions (1.0, 1.1, 1.2, 1.3) its
                                   server still accepts, one handshake each, nothing sent after:
                                   for clients stuck on old runtimes
    --family auto|ipv4|ipv6        address family: auto (default) races IPv6 and IPv4 (happy
                                   eyeballs) and warns when one family fails; --ipv4 / --ipv6
                                   try that family first, then the other
    --proxy URL                    reach the identity endpoint and the mail servers through a
                                   proxy: http://[USER@]host:port (CONNECT, Basic
                                   authentication) or socks5://[USER@]host:port (user/password;
                                   names resolved by the proxy; socks5h:// and socks4a:// too).
                                   Without it: HTTPS_PROXY (identity endpoint first) / ALL_PROXY
                                   (mail first), minus NO_PROXY; --lab runs ignore those
    --proxy-password-env VAR       the proxy password, from this environment variable (never
                                   in the URL on the command line)
    --no-proxy                     connect directly, whatever the environment says
    --timeout-ms N                 connect, greeting and command timeouts at once
    --connect-timeout-ms N         default 10000
    --greeting-timeout-ms N        default 15000
    --command-timeout-ms N         default 30000
    --send-to ADDRESS              send a real test message (SMTP) instead of the envelope probe
    --from ADDRESS                 sender of the probe or test message (default the mailbox)
    --roundtrip                    after --send-to, find the message again over IMAP (or POP3
                                   when IMAP is not checked) and time its delivery
    --json                         print the report (schema mailprobe.report/1) on stdout only
    --out FILE.zip                 write the diagnostic bundle: report.html, report.json,
                                   transcript.txt, environment.json (no secret, no token)

explain: reads an error or transcript (ours or another client's: curl -v, MailKit, Python,
  Java Mail, .NET, a token-endpoint JSON) and prints the causes that fit, most likely first,
  each with the fix; text it does not recognise gives no cause.

inspect: decodes an access token locally (it is never sent anywhere) and checks its claims
  (audience, roles or scopes per protocol, tenant, app, expiry, service principal object id).

batch: FILE is CSV with a header row or a JSON array of objects (- reads standard input), one
  target a row. Column target: a saved profile's name, or lab:SCENARIO (one lab for the batch, a
  simulated tenant per scenario). Without it, check's options as columns with underscores
  (mailbox, tenant, client_id, imap_host, imap_port, smtp_security, mech, ...), a secret only as
  the name of an environment variable (client_secret_env, password_env, access_token_env);
  protocols "imap smtp" picks the checks. A bad row fails alone, named by its line.
  --concurrency N rows at once (default 8, 1 to 64); a summary table, or --json (schema
  mailprobe.batch/1, every report inside) or --jsonl (a line per row as it ends); --out DIR a
  bundle per failed row. Ctrl-C stops the rows running and prints what finished.

Exit codes: 0 every check passed, 1 a check failed, 2 bad input or usage, 3 internal error.
`;
