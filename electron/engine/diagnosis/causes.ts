// What each cause means for a support engineer and how to fix it, filled in with the tenant's own
// values. The texts live in knowledge/causes.json, one entry per catalog id; the rules decide which
// apply, this file fills in the placeholders.
import type { MailboxProtocol } from '../../../shared/report/model';
import type { CauseId } from '../../../shared/diagnosis/catalog';
import { protocolName, value, type FixContext } from './context';
import causesFile from './knowledge/causes.json';
import { HVE_ROLE } from '../../../shared/config/sending-paths';
import {
  CAUSE_TEXTS,
  CONTEXT_PLACEHOLDERS,
  PLACEHOLDER,
  PROTOCOL_PLACEHOLDERS,
  isOneOf,
  type ComputedPlaceholder,
  type ContextPlaceholder,
} from './knowledge/cause-texts-schema';

export interface CauseText {
  title: string;
  explanation: string;
  steps: string[];
  commands: string[];
  docs: string[];
}

const TEXTS = CAUSE_TEXTS.parse(causesFile);

/** Each tenant value and the label it shows as when unknown (`<mailbox>`). */
const CONTEXT: Record<ContextPlaceholder, [(ctx: FixContext) => string | null, string]> = {
  tenant: [(ctx) => ctx.tenant, 'tenant'],
  clientId: [(ctx) => ctx.clientId, 'application (client) id'],
  servicePrincipalId: [(ctx) => ctx.servicePrincipalId, 'service principal object id'],
  mailbox: [(ctx) => ctx.mailbox, 'mailbox'],
  from: [(ctx) => ctx.from, 'sender address'],
  sender: [(ctx) => ctx.from ?? ctx.mailbox, 'sender'],
  proxy: [(ctx) => ctx.proxy, 'proxy'],
  proxyTarget: [(ctx) => ctx.proxyTarget, 'mail host:port'],
  proxyScheme: [(ctx) => ctx.proxyScheme, 'the scheme it asks for'],
  interceptor: [(ctx) => ctx.interceptor, 'a middlebox'],
};

function exchangeHost(cloud: string | null): string {
  switch (cloud) {
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

function computed(name: ComputedPlaceholder, ctx: FixContext, protocol: MailboxProtocol | null): string {
  switch (name) {
    case 'protocolName':
      return protocolName(protocol);
    case 'portal':
      return `Microsoft Entra admin center > Identity > Applications > App registrations > ${value(ctx.clientId, CONTEXT.clientId[1])}`;
    case 'exchangeHost':
      return exchangeHost(ctx.cloud);
    case 'authorityHost':
      return ctx.authorityHost;
    case 'wrongServicePrincipalId': {
      // The ObjectId Exchange has, when it is known and is not the token's oid.
      const registered = ctx.registeredServicePrincipalId;
      return registered && registered !== ctx.servicePrincipalId ? `'${registered}'` : '<the wrong ObjectId>';
    }
  }
}

function fill(text: string, ctx: FixContext, protocol: MailboxProtocol | null): string {
  return text.replace(PLACEHOLDER, (_match, name: string, fallback: string | undefined) => {
    if (isOneOf(CONTEXT_PLACEHOLDERS, name)) {
      const [get, label] = CONTEXT[name];
      return value(get(ctx), fallback ?? label);
    }
    if (isOneOf(PROTOCOL_PLACEHOLDERS, name)) {
      if (name === 'role' && protocol === 'smtp' && ctx.service === 'hve') return HVE_ROLE;
      return protocol ? TEXTS.protocols[protocol][name] : (fallback ?? '');
    }
    // The schema let only known names through: the rest are always computed.
    return computed(name as ComputedPlaceholder, ctx, protocol);
  });
}

export function causeText(cause: CauseId, ctx: FixContext, protocol: MailboxProtocol | null): CauseText {
  const entry = TEXTS.causes[cause];
  if (!entry) throw new Error(`causes.json has no text for ${cause}`);
  const f = (text: string): string => fill(text, ctx, protocol);
  return {
    title: f(entry.title),
    explanation: f(entry.explanation),
    steps: entry.steps.map(f),
    commands: entry.commands.map(f),
    docs: entry.docs.map((name) => TEXTS.docs[name] ?? ''),
  };
}
