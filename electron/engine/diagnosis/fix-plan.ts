// A fix as a person runs it: ordered steps, each with at most one command; alternatives as a
// choice with the recommended one first; what removes, replaces or switches a setting for the
// whole organisation marked destructive, after the check that must be read first. "Copy all"
// copies one path: the recommended option of each choice, up to the first destructive step.
import type {
  FindingFix,
  FixChoice,
  FixOption,
  FixPlan,
  FixPlanStep,
  FixStep,
  FixStepKind,
} from '../../../shared/report/model';

/** Connecting to an admin shell: the first thing to run, once. */
const SETUP =
  /^(Connect-(ExchangeOnline|MgGraph|IPPSSession|AzAccount|AzureAD)|az login|gcloud auth login|Import-Module|Install-Module)\b/i;

/** Commands that look and change nothing. */
const CHECK = new RegExp(
  [
    // PowerShell verbs that only read (and a variable read with Get-, piped to a format).
    String.raw`^(\$\w+\s*=\s*)?(Get|Test|Resolve|Find|Search|Measure|Select|Show)-[A-Za-z]+\b(?![^\n]*;\s*(Add|Set|New|Remove|Update|Revoke)-)`,
    String.raw`^\[Net\.ServicePointManager\]::SecurityProtocol\s*$`,
    String.raw`^(nslookup|dig|host|getent|ping|traceroute|nc|ss|netstat|date|timedatectl|w32tm|chronyc|df|dpkg -l|certutil|openssl|curl|doveconf|exim -b[Ph]|postfix check|postmap -q|authtest|php -r|reg query|netsh \S+ show|systemctl status|zmprov g[as]?)\b`,
    String.raw`^postconf(?![^\n]*\s-e\b)\b`,
    String.raw`^doveadm (auth test|log|who|user)\b`,
    String.raw`^(az|gcloud)\s[^\n]*\s(list|show|describe|list-grants)\b`,
    String.raw`^keytool -list\b`,
  ].join('|'),
);

/**
 * Removes or replaces something (a registration, a secret, a key, a block), or switches a setting
 * for the whole organisation. Each of these is marked, never copied with "copy all", and needs a
 * check before it.
 */
export const DESTRUCTIVE = new RegExp(
  [
    String.raw`\b(Remove|Revoke|Clear|Disable|Reset)-[A-Za-z]+\b`,
    String.raw`\bSet-(TransportConfig|OrganizationConfig|AuthenticationPolicy|AdminAuditLogConfig|OwaMailboxPolicy)\b`,
    String.raw`\bInvoke-MgDismissRiskyUser\b`,
    String.raw`-AppRoleAssignmentRequired:?\s*\$false`,
    String.raw`^(az|gcloud)\s[^\n]*\s(delete|remove)\b`,
    String.raw`^az ad app credential reset\b(?![^\n]*--append)`,
    String.raw`\brm\s+-`,
  ].join('|'),
);

export function isDestructive(command: string): boolean {
  return DESTRUCTIVE.test(command);
}

export function kindOf(command: string): FixStepKind {
  if (SETUP.test(command)) return 'setup';
  if (CHECK.test(command) && !isDestructive(command)) return 'check';
  return 'action';
}

/** PowerShell (Exchange Online, Microsoft Graph, Windows) or a Unix shell (Azure CLI, openssl...). */
export function shellOf(command: string): 'powershell' | 'shell' {
  return /^(\$\w+|\[[\w.]+\]::|[A-Z][a-z]+-[A-Za-z]+\b)/.test(command) ? 'powershell' : 'shell';
}

/** A step whose words begin an alternative to the step before it. */
const ALTERNATIVE = /^(Or|Alternatively|Otherwise)\b[,:]?\s*/;

function commandStep(command: string): FixStep {
  return {
    kind: kindOf(command),
    text: '',
    command,
    ...(isDestructive(command) ? { destructive: true } : {}),
  };
}

/** Setup first, then checks, then the changes (each group in its own order). */
function ordered(steps: FixStep[]): FixStep[] {
  const rank: Record<FixStepKind, number> = { setup: 0, check: 1, action: 2 };
  return steps
    .map((s, i) => ({ s, i }))
    .sort((a, b) => rank[a.s.kind] - rank[b.s.kind] || a.i - b.i)
    .map((x) => x.s);
}

function shellLabel(commands: string[]): string {
  if (commands.every((c) => c.startsWith('az '))) return 'Azure CLI';
  if (commands.every((c) => c.startsWith('gcloud '))) return 'Google Cloud CLI';
  return 'A Unix shell';
}

/** Words that delete a credential or a registration, or switch off a tenant's protection. */
const DESTRUCTIVE_WORDS =
  /\b(delete|remove) the (expired|old|weak|wrong) (secret|key|certificate|registration)|\bdelete the old one\b|\bdisable security defaults\b/i;

/** A step in words: its kind, and whether what it says to do is destructive. */
function proseStep(text: string): FixStep {
  return { kind: proseKind(text), text, ...(DESTRUCTIVE_WORDS.test(text) ? { destructive: true } : {}) };
}

function proseKind(text: string): FixStepKind {
  return /^(Check|Confirm|Compare|Look|Find|List|Read|Test|Decode|Ask|Resolve|Verify)\b/.test(text)
    ? 'check'
    : 'action';
}

/**
 * The plan of a fix written as two lists (steps in words, then commands): the words in their
 * order, an "Or ..." step as the alternative of the one before it; then the commands, setup and
 * checks first, in PowerShell or in a Unix shell as a choice where both are given.
 */
export function planFromLists(steps: readonly string[], commands: readonly string[]): FixPlanStep[] {
  const plan: FixPlanStep[] = [];
  for (const text of steps) {
    const prev = plan[plan.length - 1];
    if (ALTERNATIVE.test(text) && prev) {
      const rest = text.replace(ALTERNATIVE, '');
      const label = rest.charAt(0).toUpperCase() + rest.slice(1);
      const option: FixOption = {
        label,
        recommended: false,
        steps: [proseStep(label)],
      };
      if (prev.kind === 'choice') prev.options.push(option);
      else
        plan[plan.length - 1] = {
          kind: 'choice',
          text: 'Choose one:',
          options: [{ label: prev.text, recommended: true, steps: [prev] }, option],
        };
      continue;
    }
    plan.push(proseStep(text));
  }
  // What deletes or switches off waits for the commands that check.
  const destructive = (s: FixPlanStep): boolean =>
    s.kind === 'choice' ? s.options.some((o) => o.steps.some((x) => x.destructive)) : s.destructive === true;
  const later = plan.filter(destructive);
  plan.splice(0, plan.length, ...plan.filter((s) => !destructive(s)));
  const powershell = commands.filter((c) => shellOf(c) === 'powershell');
  const shell = commands.filter((c) => shellOf(c) === 'shell');
  if (powershell.length > 0 && shell.length > 0) {
    plan.push({
      kind: 'choice',
      text: 'Run the commands in one of these, not both:',
      options: [
        { label: 'PowerShell', recommended: true, steps: ordered(powershell.map(commandStep)) },
        { label: shellLabel(shell), recommended: false, steps: ordered(shell.map(commandStep)) },
      ],
    });
  } else plan.push(...ordered(commands.map(commandStep)));
  return [...plan, ...later];
}

/** A plan written out as its steps, the flags made to agree with the commands. */
export function normalisePlan(plan: readonly FixPlanStep[]): FixPlanStep[] {
  const step = (s: FixStep): FixStep => {
    const destructive = s.destructive === true || (s.command !== undefined && isDestructive(s.command));
    const rest: FixStep = { kind: s.kind, text: s.text, ...(s.command ? { command: s.command } : {}) };
    return destructive ? { ...rest, destructive: true } : rest;
  };
  return plan.map((s) =>
    s.kind === 'choice'
      ? {
          ...s,
          // The recommended option first, whatever order it was written in.
          options: [...s.options]
            .sort((a, b) => Number(b.recommended) - Number(a.recommended))
            .map((o) => ({ ...o, steps: o.steps.map(step) })),
        }
      : step(s),
  );
}

function commandsOf(steps: readonly FixPlanStep[]): string[] {
  return steps.flatMap((s) =>
    s.kind === 'choice' ? s.options.flatMap((o) => commandsOf(o.steps)) : s.command ? [s.command] : [],
  );
}

/** The steps of one path: each choice's recommended option in its place. */
export function recommendedPath(steps: readonly FixPlanStep[]): FixStep[] {
  return steps.flatMap((s) => (s.kind === 'choice' ? (s.options[0]?.steps ?? []) : [s]));
}

/**
 * What "copy all" copies: the recommended path's commands, ending before a destructive step, in
 * the shell of its first command (a command for the other shell keeps its own copy button).
 */
export function copyAllOf(steps: readonly FixPlanStep[]): string[] {
  const out: string[] = [];
  let shell: 'powershell' | 'shell' | null = null;
  for (const s of recommendedPath(steps)) {
    if (s.destructive) break;
    if (!s.command) continue;
    shell ??= shellOf(s.command);
    if (shellOf(s.command) === shell) out.push(s.command);
  }
  return out;
}

/**
 * A finding's plan: the documented error's own fix, then the cause's, each command once (where
 * the cause's plan places a command in a choice, it stays there; elsewhere the error's place for
 * it is kept), the connection to the admin shell first, then the commands that check, then the
 * rest in its order.
 */
export function mergePlans(first: readonly FixPlanStep[], second: readonly FixPlanStep[]): FixPlanStep[] {
  const inChoices = new Set(commandsOf(second.filter((s) => s.kind === 'choice')));
  const placed = new Set<string>();
  const texts = new Set<string>();
  const keep = (s: FixStep): boolean => {
    if (s.command) {
      if (placed.has(s.command)) return false;
      placed.add(s.command);
      return true;
    }
    if (texts.has(s.text)) return false;
    texts.add(s.text);
    return true;
  };
  const prune = (steps: readonly FixPlanStep[]): FixPlanStep[] =>
    steps.flatMap((s): FixPlanStep[] => {
      if (s.kind !== 'choice') return keep(s) ? [s] : [];
      const options = s.options
        .map((o) => ({ ...o, steps: o.steps.filter(keep) }))
        .filter((o) => o.steps.length > 0);
      if (options.length === 0) return [];
      if (options.length === 1) return options[0]?.steps ?? [];
      if (!options.some((o) => o.recommended) && options[0])
        options[0] = { ...options[0], recommended: true };
      return [{ ...s, options }];
    });
  // The cause's choices first claim their commands, and the cause its words, then the error's
  // steps take the rest, then the cause's own.
  const secondTexts = new Set(
    second.flatMap((s) => (s.kind === 'choice' ? s.options.flatMap((o) => o.steps) : [s])).map((s) => s.text),
  );
  for (const c of inChoices) placed.add(c);
  for (const t of secondTexts) texts.add(t);
  const firstKept = prune(first);
  for (const c of inChoices) placed.delete(c);
  for (const t of secondTexts) texts.delete(t);
  const secondKept = prune(second);
  const all = [...firstKept, ...secondKept];
  // One connection per shell, first.
  const setups: FixStep[] = [];
  const rest: FixPlanStep[] = [];
  for (const s of all)
    if (s.kind === 'setup' && s.command) {
      if (!setups.some((x) => x.command === s.command)) setups.push(s);
    } else rest.push(s);
  // The checks to run (of either plan) before anything that changes or chooses.
  const checks = rest.filter((s) => s.kind === 'check' && s.command);
  return [...setups, ...checks, ...rest.filter((s) => !checks.includes(s))];
}

/** A choice in words: each option (the first one recommended), then its own steps' words. */
function choiceWords(c: FixChoice): string[] {
  return c.options.flatMap((o, i) => [
    `${i === 0 ? '' : 'Or: '}${o.label}${o.recommended && c.options.length > 1 ? ' (recommended)' : ''}`,
    ...o.steps.map((s) => s.text).filter((t) => t !== '' && t !== o.label),
  ]);
}

/** The flat form of mailprobe.report/1 (steps in words, every command) beside the plan. */
export function fixOf(steps: readonly FixPlanStep[]): FindingFix {
  const plan: FixPlan = { steps: [...steps], copyAll: copyAllOf(steps) };
  const words = steps.flatMap((s): string[] =>
    s.kind === 'choice' ? choiceWords(s) : s.text ? [s.text] : [],
  );
  return { steps: [...new Set(words)], commands: [...new Set(commandsOf(steps))], plan };
}
