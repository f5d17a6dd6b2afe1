// The readiness audit (SPEC 2.11): what works today and will break, with the day and the fix.
// It reads the finished report only (targets, steps, their details), so the CLI, batch, the app
// and a stored run all get the same answer. Dates are Microsoft's published ones.
import type { CheckResult, Protocol, ReadinessItem, Report, StepResult } from '../../../shared/report/model';

/**
 * Exchange Online turns basic SMTP AUTH (a user name and password on client submission) off by
 * default for existing tenants at the end of December 2026, and removes it in the second half
 * of 2027 ("Exchange Online to retire Basic auth for Client Submission", Exchange Team blog).
 */
export const SMTP_BASIC_AUTH_OFF = '2026-12-31';
/** How far ahead an end date is worth a warning. */
const SOON_DAYS = 30;
const DAY_MS = 86_400_000;

/** Exchange Online's client submission and mail hosts, in every cloud. */
const EXCHANGE_HOSTS = /(^|\.)(office365\.com|office365\.us|outlook\.office\.com|partner\.outlook\.cn)$/i;

function stepOf(check: CheckResult | undefined, id: StepResult['id']): StepResult | undefined {
  return check?.steps.find((s) => s.id === id);
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

/** An end date read against now: expired, soon, or later. */
function byDate(
  topic: ReadinessItem['topic'],
  protocol: Protocol | null,
  what: string,
  endsAt: string,
  now: number,
  fix: string,
): ReadinessItem | null {
  const end = Date.parse(endsAt);
  if (Number.isNaN(end)) return null;
  const days = Math.floor((end - now) / DAY_MS);
  const when = day(new Date(end).toISOString());
  if (days < 0) return { topic, status: 'fail', protocol, summary: `${what} expired on ${when}`, when, fix };
  if (days <= SOON_DAYS)
    return {
      topic,
      status: 'warn',
      protocol,
      summary: `${what} expires on ${when}, in ${days} day${days === 1 ? '' : 's'}`,
      when,
      fix,
    };
  return {
    topic,
    status: 'ok',
    protocol,
    summary: `${what} is valid until ${when} (${days} days)`,
    when,
    fix,
  };
}

function basicSmtpAuth(report: Report): ReadinessItem | null {
  const { target } = report;
  const smtp = report.checks.find((c) => c.protocol === 'smtp');
  const host = target.smtp?.host ?? '';
  const exchange = target.cloud === 'lab' || EXCHANGE_HOSTS.test(host);
  if (!smtp || target.credential !== 'password' || target.service || !exchange) return null;
  const auth = stepOf(smtp, 'auth');
  const fix =
    'Move the application to OAuth 2.0 with an app registration (client credentials with SMTP.SendAsApp, or a delegated SMTP.Send sign-in, over XOAUTH2); where it cannot do OAuth, send through High Volume Email or Azure Communication Services.';
  const said = `${auth?.summary ?? ''} ${typeof auth?.detail.serverSaid === 'string' ? auth.detail.serverSaid : ''}`;
  if (
    auth?.status === 'fail' &&
    /5\.7\.30|Basic authentication is not supported for Client Submission/i.test(said)
  )
    return {
      topic: 'smtp-basic-auth',
      status: 'fail',
      protocol: 'smtp',
      summary: 'Exchange Online already refuses basic SMTP AUTH for this tenant (550 5.7.30)',
      when: null,
      fix,
    };
  return {
    topic: 'smtp-basic-auth',
    status: 'warn',
    protocol: 'smtp',
    summary: `SMTP signs in with a password (basic SMTP AUTH): Exchange Online turns it off by default at the end of December 2026 (then 550 5.7.30) and removes it in the second half of 2027`,
    when: SMTP_BASIC_AUTH_OFF,
    fix,
  };
}

const OLD_TLS = new Set(['TLSv1', 'TLSv1.1']);

function oldTls(report: Report): ReadinessItem[] {
  const items: ReadinessItem[] = [];
  for (const check of report.checks) {
    if (check.protocol === 'token' || check.protocol === 'graph') continue;
    const handshake = [stepOf(check, 'tls'), stepOf(check, 'starttls')].find(
      (s) => typeof s?.detail.protocol === 'string',
    );
    const used = handshake?.detail.protocol;
    if (typeof used === 'string' && OLD_TLS.has(used))
      items.push({
        topic: 'tls-version',
        status: 'fail',
        protocol: check.protocol,
        summary: `The connection used ${used.replace('TLSv', 'TLS ')}: Exchange Online and most servers refuse TLS below 1.2`,
        when: null,
        fix: 'Update the client (or its TLS library, .NET or Java runtime) to TLS 1.2 or 1.3; on Windows, enable TLS 1.2 for the .NET Framework (SchUseStrongCrypto).',
      });
    const oldest = stepOf(check, 'tls-versions')?.detail.oldestAccepted;
    if (typeof oldest === 'string' && OLD_TLS.has(oldest))
      items.push({
        topic: 'tls-version',
        status: 'warn',
        protocol: check.protocol,
        summary: `The server still accepts ${oldest.replace('TLSv', 'TLS ')}: clients that rely on it break when the server drops it`,
        when: null,
        fix: 'Make sure every client of this server negotiates TLS 1.2 or 1.3, then turn TLS 1.0 and 1.1 off on the server.',
      });
  }
  return items;
}

function certificates(report: Report, now: number): ReadinessItem[] {
  const items: ReadinessItem[] = [];
  for (const check of report.checks) {
    const acquire = stepOf(check, 'acquire');
    const own = acquire?.detail.certificate as { notAfter?: unknown } | undefined;
    if (check.protocol !== 'graph' && typeof own?.notAfter === 'string') {
      const item = byDate(
        'client-certificate-expiry',
        null,
        "The app's certificate",
        own.notAfter,
        now,
        'Upload a new certificate to the app registration (Certificates & secrets) before the old one ends, switch the application to it, then remove the old one.',
      );
      if (item && !items.some((i) => i.topic === item.topic)) items.push(item);
    }
    if (check.protocol === 'token') continue;
    const handshake = [stepOf(check, 'tls'), stepOf(check, 'starttls')].find((s) =>
      Array.isArray(s?.detail.chain),
    );
    const leaf = (
      handshake?.detail.chain as Array<{ validTo?: unknown; subject?: unknown }> | undefined
    )?.[0];
    if (typeof leaf?.validTo !== 'string') continue;
    const item = byDate(
      'server-certificate-expiry',
      check.protocol,
      `The server's certificate (${typeof leaf.subject === 'string' ? leaf.subject : '?'})`,
      leaf.validTo,
      now,
      "Renew the server's certificate before it ends (Microsoft renews its own: a Microsoft host near its end is often a proxy's re-signed certificate).",
    );
    if (item && item.status !== 'ok') items.push(item);
  }
  return items;
}

function clientSecret(report: Report, now: number): ReadinessItem | null {
  const end = report.target.secretExpiresAt;
  if (!end) return null;
  return byDate(
    'client-secret-expiry',
    null,
    'The client secret',
    end,
    now,
    'Add a new client secret to the app registration (Certificates & secrets), put it in the application and in this profile, then delete the old one.',
  );
}

function accessPolicy(report: Report): ReadinessItem | null {
  const graph = report.checks.find((c) => c.protocol === 'graph');
  const refused = graph?.steps.find(
    (s) => s.status === 'fail' && /Access to OData is disabled|AccessPolicy/i.test(s.summary),
  );
  if (!refused) return null;
  return {
    topic: 'access-policy',
    status: 'warn',
    protocol: 'graph',
    summary:
      "The app is limited by an application access policy, Exchange's legacy way to scope an app's mailboxes, which RBAC for Applications replaces",
    when: null,
    fix: 'Scope the app with RBAC for Applications (New-ManagementScope, New-ManagementRoleAssignment -App <service principal> -Role "Application Mail.Read" -CustomResourceScope <scope>), then remove the application access policy.',
  };
}

/** The readiness items of a finished report: broken first, then what breaks soonest. */
export function auditReadiness(report: Report, now: number = Date.now()): ReadinessItem[] {
  const items = [
    basicSmtpAuth(report),
    ...oldTls(report),
    clientSecret(report, now),
    ...certificates(report, now),
    accessPolicy(report),
  ].filter((i): i is ReadinessItem => i !== null);
  const rank = { fail: 0, warn: 1, ok: 2 } as const;
  return items.sort(
    (a, b) => rank[a.status] - rank[b.status] || (a.when ?? '9999').localeCompare(b.when ?? '9999'),
  );
}
