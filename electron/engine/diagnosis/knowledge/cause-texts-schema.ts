// The shape of causes.json, the text of every cause: its title, explanation, fix steps, commands
// and documentation links, with the run's own values as placeholders in braces. Checked with zod
// when loaded: every catalog id has exactly one entry, every placeholder is one the reader fills,
// every doc name is in the docs table.
import { z } from 'zod';
import { CAUSE_IDS } from '../../../../shared/diagnosis/catalog';

/** Values of the run that may be unknown: shown as <label>, or <text after |> when one is given. */
export const CONTEXT_PLACEHOLDERS = [
  'tenant',
  'clientId',
  'servicePrincipalId',
  'mailbox',
  'from',
  'sender',
  'proxy',
  'proxyTarget',
  'proxyScheme',
  'interceptor',
] as const;
/** Values of the protocols table: the text after | (required) stands in when no protocol is known. */
export const PROTOCOL_PLACEHOLDERS = ['role', 'scope', 'enableSwitch', 'api'] as const;
/**
 * The host and port a finding's own check failed on (the identity endpoint for the token): the
 * text after | stands in when the run does not know them.
 */
export const HOST_PLACEHOLDERS = ['host', 'port'] as const;
/** Values that are always known: never a text after |. */
export const COMPUTED_PLACEHOLDERS = [
  'protocolName',
  'portal',
  'exchangeHost',
  'authorityHost',
  'wrongServicePrincipalId',
] as const;

export type ContextPlaceholder = (typeof CONTEXT_PLACEHOLDERS)[number];
export type ProtocolPlaceholder = (typeof PROTOCOL_PLACEHOLDERS)[number];
export type ComputedPlaceholder = (typeof COMPUTED_PLACEHOLDERS)[number];
export type HostPlaceholder = (typeof HOST_PLACEHOLDERS)[number];

/** `{name}` or `{name|text}`. */
export const PLACEHOLDER = /\{([A-Za-z]+)(?:\|([^{}]+))?\}/g;

export function isOneOf<T extends string>(list: readonly T[], name: string): name is T {
  return (list as readonly string[]).includes(name);
}

/** Why a placeholder cannot be filled, or null when it can. */
function placeholderProblem(name: string, fallback: string | undefined): string | null {
  if (isOneOf(CONTEXT_PLACEHOLDERS, name) || isOneOf(HOST_PLACEHOLDERS, name)) return null;
  if (isOneOf(PROTOCOL_PLACEHOLDERS, name))
    return fallback === undefined ? `{${name}} needs a text after | for no protocol` : null;
  if (isOneOf(COMPUTED_PLACEHOLDERS, name))
    return fallback === undefined ? null : `{${name}} is always known and takes no text after |`;
  return `unknown placeholder {${name}}`;
}

const text = z
  .string()
  .min(1)
  .max(1200)
  .superRefine((s, check) => {
    for (const m of s.matchAll(PLACEHOLDER)) {
      const problem = placeholderProblem(m[1] ?? '', m[2]);
      if (problem) check.addIssue({ code: 'custom', message: problem });
    }
  });

/** One step of a fix plan: at most one command; destructive ones after their check. */
export function planStep<T extends z.ZodType<string>>(line: T) {
  return z
    .strictObject({
      kind: z.enum(['setup', 'check', 'action']),
      text: line.optional(),
      command: line.optional(),
      destructive: z.boolean().optional(),
    })
    .refine((s) => s.text !== undefined || s.command !== undefined, 'a step needs a text or a command');
}

/** A fix as a person runs it: steps, and choices of alternatives (recommended first). */
export function planSchema<T extends z.ZodType<string>>(line: T) {
  const step = planStep(line);
  const choice = z.strictObject({
    kind: z.literal('choice'),
    text: line,
    options: z
      .array(
        z.strictObject({ label: line, recommended: z.boolean().optional(), steps: z.array(step).min(1) }),
      )
      .min(2)
      .refine((o) => o[0]?.recommended === true && o.slice(1).every((x) => x.recommended !== true), {
        message: 'the first option of a choice is the recommended one, and only it',
      }),
  });
  return z.array(z.union([step, choice])).min(1);
}

export type PlanSource = z.infer<ReturnType<typeof planSchema>>;

const CAUSE_TEXT = z
  .strictObject({
    title: text,
    explanation: text,
    /** The fix in words, then its commands; or, instead of both, the fix as a plan. */
    steps: z.array(text).min(1).optional(),
    commands: z.array(text).optional(),
    plan: planSchema(text).optional(),
    docs: z.array(z.string().min(1)),
  })
  .refine((c) => (c.plan === undefined) !== (c.steps === undefined && c.commands === undefined), {
    message: 'a cause has either steps (and commands) or a plan',
  })
  .refine((c) => c.plan !== undefined || (c.steps?.length ?? 0) > 0, { message: 'a cause needs steps' });

const PROTOCOL_VALUES = z.strictObject({
  role: z.string().min(1),
  scope: z.string().min(1),
  enableSwitch: z.string().min(1),
  /** Where its application permissions are added: "APIs my organization uses > Office 365 Exchange Online". */
  api: z.string().min(1),
});

export const CAUSE_TEXTS = z
  .strictObject({
    description: z.string().min(1),
    protocols: z.strictObject({
      imap: PROTOCOL_VALUES,
      pop3: PROTOCOL_VALUES,
      smtp: PROTOCOL_VALUES,
      graph: PROTOCOL_VALUES,
    }),
    docs: z.record(z.string().regex(/^[A-Za-z0-9]+$/), z.url().startsWith('https://')),
    causes: z.record(z.string(), CAUSE_TEXT),
  })
  .superRefine((file, check) => {
    const ids = Object.keys(file.causes);
    for (const id of CAUSE_IDS)
      if (!ids.includes(id)) check.addIssue({ code: 'custom', message: `no text for the cause ${id}` });
    for (const id of ids) {
      if (!isOneOf(CAUSE_IDS, id))
        check.addIssue({ code: 'custom', message: `${id} is not a cause id of the catalog` });
      for (const doc of file.causes[id]?.docs ?? [])
        if (!Object.hasOwn(file.docs, doc))
          check.addIssue({ code: 'custom', message: `${id}: no doc named ${doc}` });
    }
  });

export type CauseTexts = z.infer<typeof CAUSE_TEXTS>;
