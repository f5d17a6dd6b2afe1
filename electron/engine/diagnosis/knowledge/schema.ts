// The shape of the diagnosis knowledge: one JSON file per source family (Entra ID's AADSTS codes,
// Exchange Online's replies, Google, other mail servers, client libraries), each entry a
// documented error text with its cause, the confidence that the text alone earns, the fix and
// the public source it comes from. Checked with zod when loaded: a bad entry fails the build's
// tests, never a user's run.
import { z } from 'zod';
import { isCauseId } from '../../../../shared/diagnosis/catalog';
import { planSchema } from './cause-texts-schema';

export const PROVIDERS = [
  'microsoft',
  'google',
  'postfix',
  'exim',
  'dovecot',
  'courier',
  'zimbra',
  'hmailserver',
  'generic',
  'client',
] as const;

export const KNOWLEDGE_PROTOCOLS = ['token', 'imap', 'pop3', 'smtp', 'graph', 'any'] as const;

/** Placeholders a fix may use; the run fills in what it knows, the rest stays visible. */
export const PLACEHOLDERS = [
  'mailbox',
  'tenant',
  'clientId',
  'servicePrincipalId',
  'from',
  /** The host (and port) the finding's check failed on: the identity endpoint for the token. */
  'host',
  'port',
] as const;
const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

function placeholdersKnown(text: string): boolean {
  for (const m of text.matchAll(PLACEHOLDER))
    if (!(PLACEHOLDERS as readonly string[]).includes(m[1] ?? '')) return false;
  return true;
}

const line = z.string().min(1).max(600);
const known = line.refine(placeholdersKnown, 'unknown placeholder');

export const KNOWLEDGE_ENTRY = z
  .object({
    /** Unique across all files: family prefix and code or slug, e.g. "aadsts-7000215". */
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{2,80}$/),
    provider: z.enum(PROVIDERS),
    protocols: z.array(z.enum(KNOWLEDGE_PROTOCOLS)).min(1),
    /**
     * The codes as servers write them: "AADSTS7000215", "5.7.139", "535", "STOREDRV.Submission",
     * "invalid_grant". Empty when the text has no code.
     */
    codes: z.array(z.string().min(1).max(80)),
    /**
     * The message as documented, then its known variants (older wordings, other languages): each a
     * distinctive phrase that, found in a text, points to this entry. At least 12 characters.
     */
    texts: z.array(z.string().min(12).max(400)).min(1),
    cause: z.string().refine(isCauseId, 'a cause id of shared/diagnosis/catalog.ts'),
    /** How sure this text alone makes us, 0..1: 0.9 and above only where it names one cause. */
    confidence: z.number().min(0.05).max(0.99),
    explanation: z.string().min(20).max(1200),
    /**
     * The fix in words, then its commands (made into a plan by fix-plan.ts: "Or ..." steps as
     * alternatives, commands with checks first); or, where the order or the alternatives need to be
     * said, a plan of its own and both lists empty.
     */
    fix: z
      .object({
        steps: z.array(known).max(12),
        commands: z.array(known).max(12),
        plan: planSchema(known).optional(),
      })
      .refine((f) => (f.plan ? f.steps.length === 0 && f.commands.length === 0 : f.steps.length > 0), {
        message: 'a fix has steps, or a plan and no steps or commands',
      }),
    sources: z.array(z.url().startsWith('https://')).min(1),
    /** For client libraries: which one writes this text (nodemailer, MailKit, JavaMail, ...). */
    client: z.string().max(60).optional(),
    /**
     * Entries that share a text and read it as different causes carry the same key: none of them is
     * certain, and the finding says what tells them apart (rules.ts TELL_APART).
     */
    ambiguity: z
      .string()
      .regex(/^[a-z][a-z0-9-]{2,40}$/)
      .optional(),
    /**
     * A bare refusal ("AUTHENTICATE failed", "Authentication unsuccessful") that names no cause: the
     * ranking rules weigh it against everything else known, rather than this entry deciding.
     */
    generic: z.boolean().optional(),
    /** A text in another language than English: its BCP 47 tag. */
    lang: z.string().max(10).optional(),
  })
  .strict();

export const KNOWLEDGE_FILE = z
  .object({
    family: z.string().min(2).max(60),
    description: z.string().min(10).max(600),
    entries: z.array(KNOWLEDGE_ENTRY).min(1),
  })
  .strict();

export type KnowledgeEntry = z.infer<typeof KNOWLEDGE_ENTRY>;
export type KnowledgeFile = z.infer<typeof KNOWLEDGE_FILE>;
