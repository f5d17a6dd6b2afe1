// Evidence -> findings: runs the rules, merges what several protocols say about one cause, ranks,
// sets a confidence that never overstates an ambiguous case, and fills in the fix.
import type { Finding, FixPlanStep, MailboxProtocol, Report } from '../../../shared/report/model';
import type { CauseId } from '../../../shared/diagnosis/catalog';
import type { Evidence } from './evidence';
import { evidenceFromReport } from './evidence';
import { causeText, fillPlan } from './causes';
import { fixOf, mergePlans, normalisePlan, planFromLists } from './fix-plan';
import { RULES, TELL_APART, type Candidate } from './rules';
import type { KnowledgeEntry } from './knowledge/schema';
import { failedEndpoint, value, type FixContext } from './context';

const MIN_SCORE = 0.2;
/**
 * Causes that differ per protocol (its own permission, its own endpoint). Every other cause is
 * one finding however many protocols show it.
 */
const PER_PROTOCOL =
  /^(account\.protocol_disabled|token\.missing_role|token\.missing_scope|tls\.|network\.(dns|connect|port|proxy))/;

interface Merged {
  cause: CauseId;
  protocols: Set<MailboxProtocol | null>;
  score: number;
  evidence: string[];
  ambiguous: Set<string>;
  /** The best documented error behind it, with the score it earned. */
  knowledge: { entry: KnowledgeEntry; score: number } | null;
}

function key(c: Candidate): string {
  return PER_PROTOCOL.test(c.cause) ? `${c.cause}|${c.protocol ?? ''}` : c.cause;
}

function confidence(m: Merged): Finding['confidence'] {
  if (m.score >= 0.8 && m.ambiguous.size === 0) return 'high';
  if (m.score >= 0.5) return 'medium';
  return 'low';
}

export function diagnose(evidence: Evidence): Finding[] {
  const merged = new Map<string, Merged>();
  for (const rule of RULES) {
    for (const c of rule(evidence)) {
      if (c.score < MIN_SCORE) continue;
      const k = key(c);
      const m = merged.get(k) ?? {
        cause: c.cause,
        protocols: new Set(),
        score: 0,
        evidence: [],
        ambiguous: new Set(),
        knowledge: null,
      };
      m.protocols.add(c.protocol);
      // A cause seen by several rules or protocols is more likely than by one.
      m.score = m.score === 0 ? c.score : Math.min(0.99, Math.max(m.score, c.score) + 0.02);
      for (const e of c.evidence) if (!m.evidence.includes(e)) m.evidence.push(e);
      if (c.ambiguous) m.ambiguous.add(c.ambiguous);
      if (c.knowledge && (!m.knowledge || m.knowledge.score < c.score))
        m.knowledge = { entry: c.knowledge, score: c.score };
      merged.set(k, m);
    }
  }
  // A specific cause found for a protocol outranks the generic guesses for that same protocol.
  const specific = [...merged.values()].filter((m) => m.ambiguous.size === 0 && m.score >= 0.8);
  for (const m of merged.values()) {
    if (m.ambiguous.size === 0) continue;
    if (specific.some((s) => [...s.protocols].some((p) => p === null || m.protocols.has(p)))) m.score *= 0.5;
  }
  const ranked = [...merged.values()].filter((m) => m.score >= MIN_SCORE).sort((a, b) => b.score - a.score);
  // Two causes cannot both be certain for one protocol: only the first keeps "high".
  const certain = new Set<string>();
  return ranked.map((m) => {
    const finding = toFinding(m, evidence);
    if (finding.confidence !== 'high') return finding;
    const keys = [...m.protocols].map((p) => p ?? 'any');
    if (keys.some((k) => certain.has(k) || certain.has('any')) || (keys.includes('any') && certain.size > 0))
      return { ...finding, confidence: 'medium' };
    for (const k of keys) certain.add(k);
    return finding;
  });
}

/** A knowledge entry's fix with the run's own values in place of its placeholders. */
function filled(text: string, ctx: FixContext, protocol: MailboxProtocol | null): string {
  return text.replace(
    /\{(mailbox|tenant|clientId|servicePrincipalId|from|host|port)\}/g,
    (_m, key: string) => {
      switch (key) {
        case 'mailbox':
          return value(ctx.mailbox, 'mailbox');
        case 'tenant':
          return value(ctx.tenant, 'tenant');
        case 'clientId':
          return value(ctx.clientId, 'application (client) id');
        case 'servicePrincipalId':
          return value(ctx.servicePrincipalId, 'service principal object id');
        case 'host':
          return value(failedEndpoint(ctx, protocol)?.host ?? null, 'host name');
        case 'port':
          return value(failedEndpoint(ctx, protocol)?.port?.toString() ?? null, 'port');
        default:
          return value(ctx.from ?? ctx.mailbox, 'sender address');
      }
    },
  );
}

/** The documented error's own fix as a plan. */
function entryPlan(entry: KnowledgeEntry, ctx: FixContext, protocol: MailboxProtocol | null): FixPlanStep[] {
  const f = (text: string): string => filled(text, ctx, protocol);
  return entry.fix.plan
    ? normalisePlan(fillPlan(entry.fix.plan, f))
    : planFromLists(entry.fix.steps.map(f), entry.fix.commands.map(f));
}

/**
 * The fix of a finding of this cause, from this documented error (or none): the error's own steps,
 * then the cause's, as one plan.
 */
export function findingFix(
  cause: CauseId,
  entry: KnowledgeEntry | null,
  ctx: FixContext,
  protocol: MailboxProtocol | null,
): Finding['fix'] {
  return fixOf(
    mergePlans(entry ? entryPlan(entry, ctx, protocol) : [], causeText(cause, ctx, protocol).plan),
  );
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

function toFinding(m: Merged, evidence: Evidence): Finding {
  const protocols = [...m.protocols].filter((p): p is MailboxProtocol => p !== null);
  const protocol = protocols.length === 1 ? (protocols[0] ?? null) : null;
  const text = causeText(m.cause, evidence.context, protocol);
  const notes = [...m.ambiguous].map((a) => TELL_APART[a]).filter((n): n is string => Boolean(n));
  const entry = m.knowledge?.entry ?? null;
  const ctx = evidence.context;
  // What the documented error itself means comes first; the cause's general text follows.
  const explanation = [entry?.explanation, text.explanation, ...notes].filter(Boolean).join(' ');
  return {
    cause: m.cause,
    confidence: confidence(m),
    protocol,
    title: text.title,
    explanation,
    evidence: m.evidence,
    fix: fixOf(mergePlans(entry ? entryPlan(entry, ctx, protocol) : [], text.plan)),
    docs: unique([...(entry?.sources ?? []), ...text.docs]),
  };
}

export function diagnoseReport(report: Report): Finding[] {
  return diagnose(evidenceFromReport(report));
}
