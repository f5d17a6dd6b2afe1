// What each cause means for a support engineer and how to fix it, filled in with the tenant's own
// values. The texts live in knowledge/causes.json, one entry per catalog id; the rules decide which
// apply, this file fills in the placeholders.
import type { FixPlanStep, FixStep, MailboxProtocol } from '../../../shared/report/model';
import type { CauseId } from '../../../shared/diagnosis/catalog';
import { failedEndpoint, protocolName, value, type FixContext } from './context';
import { normalisePlan, planFromLists } from './fix-plan';
import causesFile from './knowledge/causes.json';
import { HVE_ROLE } from '../../../shared/config/sending-paths';
import {
  CAUSE_TEXTS,
  CONTEXT_PLACEHOLDERS,
  HOST_PLACEHOLDERS,
  PLACEHOLDER,
  PROTOCOL_PLACEHOLDERS,
  isOneOf,
  type ComputedPlaceholder,
  type ContextPlaceholder,
  type PlanSource,
} from './knowledge/cause-texts-schema';

export interface CauseText {
  title: string;
  explanation: string;
  steps: string[];
  commands: string[];
  /** The fix as a person runs it (the steps and commands above, ordered, with its choices). */
  plan: FixPlanStep[];
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
    if (isOneOf(HOST_PLACEHOLDERS, name)) {
      const endpoint = failedEndpoint(ctx, protocol);
      const known = name === 'host' ? endpoint?.host : endpoint?.port?.toString();
      return known ?? `<${fallback ?? (name === 'host' ? 'host name' : 'port')}>`;
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
  const plan = entry.plan
    ? normalisePlan(fillPlan(entry.plan, f))
    : planFromLists((entry.steps ?? []).map(f), (entry.commands ?? []).map(f));
  const flat = flatten(plan);
  return {
    title: f(entry.title),
    explanation: f(entry.explanation),
    steps: flat.steps,
    commands: flat.commands,
    plan,
    docs: entry.docs.map((name) => TEXTS.docs[name] ?? ''),
  };
}

/** A plan as written in a knowledge file, with the run's values in place of its placeholders. */
export function fillPlan(plan: PlanSource, f: (text: string) => string): FixPlanStep[] {
  const step = (s: PlanSource[number] & { kind: 'setup' | 'check' | 'action' }): FixStep => ({
    kind: s.kind,
    text: s.text ? f(s.text) : '',
    ...(s.command ? { command: f(s.command) } : {}),
    ...(s.destructive ? { destructive: true } : {}),
  });
  return plan.map((s) =>
    s.kind === 'choice'
      ? {
          kind: 'choice',
          text: f(s.text),
          options: s.options.map((o) => ({
            label: f(o.label),
            recommended: o.recommended === true,
            steps: o.steps.map(step),
          })),
        }
      : step(s),
  );
}

/** Every step's words and every command, in the plan's order. */
function flatten(plan: FixPlanStep[]): { steps: string[]; commands: string[] } {
  const steps: string[] = [];
  const commands: string[] = [];
  const visit = (s: FixStep): void => {
    if (s.text) steps.push(s.text);
    if (s.command) commands.push(s.command);
  };
  for (const s of plan)
    if (s.kind === 'choice') for (const o of s.options) o.steps.forEach(visit);
    else visit(s);
  return { steps, commands };
}
