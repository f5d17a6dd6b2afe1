// The lab's Microsoft Graph: the two mail calls the Graph check makes, answered as Graph answers
// them (status, error code, error message, Retry-After), from the same tenant state as the
// identity endpoint and the mail servers. GET /v1.0/users/{id}/mailFolders/inbox/messages reads
// the lab mailbox's INBOX; POST /v1.0/users/{id}/sendMail delivers into the lab's mailboxes.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TenantState } from '../state';
import type { LabTokenIssuer } from '../tokens';
import type { MailboxStore } from '../mail/mailbox-store';

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
const MAX_BODY = 256 * 1024;
const READ = ['Mail.Read', 'Mail.ReadBasic.All'];

interface GraphAnswer {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

function sendError(res: ServerResponse, answer: GraphAnswer): void {
  const body = JSON.stringify({
    error: {
      code: answer.code,
      message: answer.message,
      innerError: {
        date: new Date().toISOString(),
        'request-id': randomUUID(),
        'client-request-id': randomUUID(),
      },
    },
  });
  res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** What Graph says before it looks at the request itself: the token, throttling, the user. */
async function refusal(
  req: IncomingMessage,
  state: TenantState,
  issuer: LabTokenIssuer,
  user: string,
): Promise<{ answer: GraphAnswer } | { roles: string[] }> {
  const header = req.headers.authorization ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (!token)
    return {
      answer: { status: 401, code: 'InvalidAuthenticationToken', message: 'Access token is empty.' },
    };
  const verdict = await issuer.verify(token, GRAPH_RESOURCE);
  if (!verdict.ok)
    return {
      answer: {
        status: 401,
        code: 'InvalidAuthenticationToken',
        message:
          verdict.reason === 'wrong-audience'
            ? 'Access token validation failure. Invalid audience.'
            : verdict.reason === 'expired'
              ? 'Lifetime validation failed, the token is expired.'
              : 'Access token validation failure.',
      },
    };
  if (state.throttled)
    return {
      answer: {
        status: 429,
        code: 'ApplicationThrottled',
        message: 'Application is over its MailboxConcurrency limit.',
        headers: { 'retry-after': '30' },
      },
    };
  const mailbox =
    state.mailboxes[user.toLowerCase()] ??
    Object.values(state.mailboxes).find((m) => m.address.toLowerCase() === user.toLowerCase());
  if (!mailbox)
    return {
      answer: { status: 404, code: 'ErrorInvalidUser', message: `The requested user '${user}' is invalid.` },
    };
  const claims = verdict.claims;
  // A user's token (delegated): its scopes, for the user's own mailbox only (another's needs a
  // shared-mailbox permission the lab does not grant).
  if (claims.idtyp === 'user' || typeof claims.scp === 'string') {
    const upn = typeof claims.upn === 'string' ? claims.upn.toLowerCase() : '';
    if (upn !== mailbox.address.toLowerCase()) return { answer: ACCESS_DENIED };
    if (!mailbox.restEnabled) return { answer: NOT_REST_ENABLED };
    return { roles: typeof claims.scp === 'string' ? claims.scp.split(' ').filter(Boolean) : [] };
  }
  const tokenRoles = Array.isArray(claims.roles)
    ? claims.roles.filter((r): r is string => typeof r === 'string')
    : [];
  // RBAC for Applications adds its roles for the mailboxes in its scope; the token does not show
  // them. Outside the scope Graph answers as for a missing permission.
  const rbacRoles =
    graphRbacStatus(state, mailbox.address) === 'in-scope' ? (state.graph.rbac?.roles ?? []) : [];
  const roles = [...new Set([...tokenRoles, ...rbacRoles])];
  const policy = state.graph.accessPolicy;
  if (
    tokenRoles.length > 0 &&
    policy &&
    !policy.allowed.some((a) => a.toLowerCase() === mailbox.address.toLowerCase())
  )
    return { answer: { status: 403, code: 'ErrorAccessDenied', message: 'Access to OData is disabled.' } };
  if (!mailbox.restEnabled) return { answer: NOT_REST_ENABLED };
  return { roles };
}

const NOT_REST_ENABLED: GraphAnswer = {
  status: 404,
  code: 'MailboxNotEnabledForRESTAPI',
  message: 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
};

/**
 * RBAC for Applications for Graph, as Test-ServicePrincipalAuthorization reports it for the
 * mailbox: a role assignment whose scope includes it, one whose scope leaves it out, or none.
 */
export function graphRbacStatus(state: TenantState, address: string): 'in-scope' | 'out-of-scope' | 'none' {
  const rbac = state.graph.rbac;
  if (!rbac) return 'none';
  const wanted = address.trim().toLowerCase();
  return rbac.scope === 'organization' || rbac.scope.some((a) => a.toLowerCase() === wanted)
    ? 'in-scope'
    : 'out-of-scope';
}

const ACCESS_DENIED: GraphAnswer = {
  status: 403,
  code: 'ErrorAccessDenied',
  message: 'Access is denied. Check credentials and try again.',
};

/** An RFC 5322 message for the lab's mailboxes, from a sendMail request's JSON. */
function rawMessage(from: string, to: string[], subject: string, text: string, messageId: string): string {
  return [
    `From: ${from}`,
    `To: ${to.join(', ')}`,
    `Subject: ${subject.replace(/[\r\n]+/g, ' ')}`,
    `Message-ID: ${messageId}`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text.replace(/\r?\n/g, '\r\n'),
    '',
  ].join('\r\n');
}

/** The recipients, subject and text of a sendMail request; null when it names no recipient. */
function sendMailBody(
  text: string | null,
): { recipients: string[]; subject: string; content: string } | null {
  let parsed: unknown;
  try {
    parsed = text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
  const message =
    parsed &&
    typeof parsed === 'object' &&
    'message' in parsed &&
    parsed.message &&
    typeof parsed.message === 'object'
      ? (parsed.message as { subject?: unknown; body?: { content?: unknown }; toRecipients?: unknown })
      : null;
  if (!message || !Array.isArray(message.toRecipients)) return null;
  const recipients = (message.toRecipients as Array<{ emailAddress?: { address?: unknown } } | null>)
    .map((r) => r?.emailAddress?.address)
    .filter((a): a is string => typeof a === 'string');
  if (recipients.length === 0) return null;
  return {
    recipients,
    subject: typeof message.subject === 'string' ? message.subject : '',
    content: typeof message.body?.content === 'string' ? message.body.content : '',
  };
}

export function graphRoute(options: {
  state: TenantState;
  issuer: LabTokenIssuer;
  store: MailboxStore;
}): (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean> {
  const { state, issuer, store } = options;
  return async (req, res, pathname) => {
    const match = /^\/v1\.0\/users\/([^/]+)\/(mailFolders\/inbox\/messages|sendMail)$/i.exec(pathname);
    if (!match) return false;
    const user = decodeURIComponent(match[1] ?? '');
    const call = (match[2] ?? '').toLowerCase();
    const checked = await refusal(req, state, issuer, user);
    if ('answer' in checked) {
      sendError(res, checked.answer);
      return true;
    }
    if (call === 'sendmail') {
      if (req.method !== 'POST') {
        sendError(res, { status: 405, code: 'Request_BadRequest', message: 'Use POST for sendMail.' });
        return true;
      }
      if (!checked.roles.includes('Mail.Send')) {
        sendError(res, ACCESS_DENIED);
        return true;
      }
      const text = await readBody(req);
      const parsed = sendMailBody(text);
      if (!parsed) {
        sendError(res, {
          status: 400,
          code: 'ErrorInvalidRecipients',
          message:
            "At least one recipient is not valid., A message can't be sent because it contains no recipients.",
        });
        return true;
      }
      const { recipients, subject, content } = parsed;
      const messageId = `<${randomUUID()}@lab.graph>`;
      const raw = rawMessage(user, recipients, subject, content, messageId);
      for (const to of recipients)
        if (state.mailboxes[to.toLowerCase()])
          store.deliver(to.toLowerCase(), {
            messageId,
            raw,
            receivedAt: Date.now(),
            from: user,
            to: recipients,
          });
      res.writeHead(202, { 'content-length': '0' });
      res.end();
      return true;
    }
    if (req.method !== 'GET') {
      sendError(res, { status: 405, code: 'Request_BadRequest', message: 'Use GET to list messages.' });
      return true;
    }
    if (!checked.roles.some((r) => READ.includes(r))) {
      sendError(res, ACCESS_DENIED);
      return true;
    }
    const url = new URL(req.url ?? '/', 'https://graph.lab');
    const top = Math.min(Math.max(Number(url.searchParams.get('$top') ?? 10) || 10, 1), 50);
    const newest = [...store.list(user.toLowerCase(), 'INBOX')].sort((a, b) => b.receivedAt - a.receivedAt);
    const value = newest.slice(0, top).map((m) => ({
      id: `AAMkAGlab${m.uid.toString().padStart(8, '0')}`,
      receivedDateTime: new Date(m.receivedAt).toISOString(),
    }));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${user}')/mailFolders('inbox')/messages(id,receivedDateTime)`,
        value,
      }),
    );
    return true;
  };
}
