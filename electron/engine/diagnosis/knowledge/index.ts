// The knowledge, loaded once: every file checked against the schema, every id unique, then
// indexed by code and by phrase. Matching a text against it is one pass of the phrase matcher
// plus look-ups of the codes the reader found.
import type { MailboxProtocol, MailProtocol } from '../../../../shared/report/model';
import { fold, lineAt, type ReadText } from '../reader';
import { PhraseMatcher } from './phrase-matcher';
import { KNOWLEDGE_FILE, type KnowledgeEntry } from './schema';
import { KNOWLEDGE_SOURCES } from './sources';

export interface Knowledge {
  entries: KnowledgeEntry[];
  byCode: Map<string, KnowledgeEntry[]>;
  phrases: PhraseMatcher<{ entry: KnowledgeEntry; kind: 'text' | 'code' }>;
}

let loaded: Knowledge | null = null;

/** Codes that name one reply, not a class of them: they may point to an entry without its text. */
function isSpecificCode(code: string): boolean {
  return /^AADSTS\d{4,7}$/.test(code) || /^[245]\.\d{1,3}\.\d{2,3}$/.test(code);
}

/** Alphabetic codes ("invalid_grant", "SendAsDeniedException", "EAUTH") are found as phrases. */
function isWordCode(code: string): boolean {
  return /[A-Za-z]{4,}/.test(code) && !/^AADSTS\d/.test(code);
}

export function loadKnowledge(files: readonly unknown[] = KNOWLEDGE_SOURCES): Knowledge {
  const entries: KnowledgeEntry[] = [];
  const ids = new Set<string>();
  for (const file of files) {
    const parsed = KNOWLEDGE_FILE.parse(file);
    for (const entry of parsed.entries) {
      if (ids.has(entry.id)) throw new Error(`knowledge: the id ${entry.id} is used twice`);
      ids.add(entry.id);
      entries.push(entry);
    }
  }
  const byCode = new Map<string, KnowledgeEntry[]>();
  const phrases = new PhraseMatcher<{ entry: KnowledgeEntry; kind: 'text' | 'code' }>();
  for (const entry of entries) {
    for (const code of entry.codes) {
      const key = code.toUpperCase();
      byCode.set(key, [...(byCode.get(key) ?? []), entry]);
      if (isWordCode(code)) phrases.add(fold(code), { entry, kind: 'code' });
    }
    for (const text of entry.texts) phrases.add(fold(text), { entry, kind: 'text' });
  }
  phrases.build();
  return { entries, byCode, phrases };
}

export function knowledge(): Knowledge {
  loaded ??= loadKnowledge();
  return loaded;
}

export interface KnowledgeHit {
  entry: KnowledgeEntry;
  /** How the entry was found: its documented text (with or without its code), or its code alone. */
  by: 'text+code' | 'text' | 'code' | 'code-prefix';
  score: number;
  /** The line of the text where it was found. */
  line: string;
  /** The protocol the entry speaks of, when it is one. */
  protocol: MailboxProtocol | null;
  /** Set when the code and the text point to different causes, or one code to several. */
  ambiguous?: string;
}

// Letters, digits and the underscore of codes: "access_denied" is not a word of "err_access_denied".
const WORD = /[a-z0-9_]/;

function bounded(folded: string, start: number, length: number): boolean {
  const first = folded.charAt(start);
  const last = folded.charAt(start + length - 1);
  if (WORD.test(first) && WORD.test(folded.charAt(start - 1))) return false;
  if (WORD.test(last) && WORD.test(folded.charAt(start + length))) return false;
  return true;
}

function mailProtocolOf(entry: KnowledgeEntry): MailProtocol | null {
  const mail = entry.protocols.filter((p): p is MailProtocol => p === 'imap' || p === 'pop3' || p === 'smtp');
  return mail.length === 1 ? (mail[0] ?? null) : null;
}

/** Every entry the text points to, each once, with the score its evidence earns. */
export function matchKnowledge(read: ReadText, k: Knowledge = knowledge()): KnowledgeHit[] {
  const byText = new Map<
    KnowledgeEntry,
    { line: string; kind: 'text' | 'code'; start: number; length: number }
  >();
  k.phrases.scan(read.folded, (value, start, length) => {
    const seen = byText.get(value.entry);
    // A documented text outweighs a bare word code of the same entry; a hit that adds nothing
    // is passed over before any further work.
    if (seen && !(seen.kind === 'code' && value.kind === 'text')) return;
    if (!bounded(read.folded, start, length)) return;
    byText.set(value.entry, { line: lineAt(read, start), kind: value.kind, start, length });
  });
  // A documented text found inside a longer one of another cause ("Try again later" inside
  // "Try again later, closing connection. (EHLO)"): the longer, more specific text decides.
  const found = [...byText.entries()].filter(([, f]) => f.kind === 'text');
  const covered = new Set<KnowledgeEntry>();
  if (found.length <= 400)
    for (const [entry, f] of found)
      for (const [other, g] of found)
        if (
          other.cause !== entry.cause &&
          // Readings that the entries themselves leave open (an ambiguity) stay open.
          entry.ambiguity === undefined &&
          other.ambiguity === undefined &&
          g.length > f.length &&
          g.start <= f.start &&
          g.start + g.length >= f.start + f.length
        ) {
          covered.add(entry);
          break;
        }
  const codesFound = new Set<string>([...read.codes.aadsts.map((c) => `AADSTS${c}`), ...read.codes.enhanced]);
  const hits = new Map<KnowledgeEntry, KnowledgeHit>();
  const put = (hit: KnowledgeHit): void => {
    const old = hits.get(hit.entry);
    if (!old || old.score < hit.score) hits.set(hit.entry, hit);
  };
  const codeLine = (code: string): string =>
    read.lines.find((l) => l.toUpperCase().includes(code.replace(/^AADSTS/, ''))) ?? code;

  for (const [entry, found] of byText) {
    const withCode = entry.codes.some((c) => codesFound.has(c.toUpperCase()));
    const wordOnly = found.kind === 'code';
    put({
      ...(entry.ambiguity ? { ambiguous: entry.ambiguity } : {}),
      entry,
      by: withCode ? 'text+code' : 'text',
      // A word code alone ("invalid_grant") is weaker than the documented sentence.
      score:
        entry.confidence *
        (withCode ? 1 : wordOnly ? 0.8 : entry.codes.some(isSpecificCode) ? 0.95 : 1) *
        (covered.has(entry) ? 0.7 : 1),
      line: found.line,
      protocol: mailProtocolOf(entry),
    });
  }
  // Codes whose text was not found (another language, cut short, reworded): the code decides,
  // with less confidence, and with even less when one code stands for several causes.
  for (const code of codesFound) {
    const entries = (k.byCode.get(code.toUpperCase()) ?? []).filter((e) => !byText.has(e));
    if (entries.length === 0 || !isSpecificCode(code)) continue;
    const textHitForCode = [...byText.keys()].some((e) => e.codes.some((c) => c.toUpperCase() === code));
    if (textHitForCode) continue;
    const causes = new Set(entries.map((e) => e.cause));
    const factor = code.startsWith('AADSTS') ? 0.9 : causes.size === 1 ? 0.75 : 0.45;
    for (const entry of entries)
      put({
        entry,
        by: 'code',
        score: entry.confidence * factor,
        line: codeLine(code),
        protocol: mailProtocolOf(entry),
        ...(causes.size > 1 ? { ambiguous: `code:${code}` } : {}),
      });
  }
  // A masked or cut AADSTS code: the documented codes it can be, when there are few.
  for (const prefix of read.codes.aadstsPrefixes) {
    const entries = k.entries.filter((e) => e.codes.some((c) => c.startsWith(`AADSTS${prefix}`)));
    if (entries.length === 0 || entries.length > 3) continue;
    for (const entry of entries)
      put({
        entry,
        by: 'code-prefix',
        score: entry.confidence * (entries.length === 1 ? 0.6 : 0.35),
        line: codeLine(`AADSTS${prefix}`),
        protocol: mailProtocolOf(entry),
        ...(entries.length > 1 ? { ambiguous: `code:AADSTS${prefix}*` } : {}),
      });
  }
  // The code says one thing and the text another: both stay, neither with full confidence.
  const aadstsCauses = new Set(
    [...hits.values()]
      .filter((h) => h.entry.codes.some((c) => c.startsWith('AADSTS')))
      .map((h) => h.entry.cause),
  );
  if (aadstsCauses.size > 1)
    for (const hit of hits.values())
      if (hit.entry.codes.some((c) => c.startsWith('AADSTS'))) {
        hit.score *= 0.75;
        hit.ambiguous ??= 'aadsts:disagree';
      }
  return [...hits.values()].sort((a, b) => b.score - a.score);
}
