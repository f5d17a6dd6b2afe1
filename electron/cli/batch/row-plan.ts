// One batch row as what `check` would be given: a lab scenario, a saved profile or an explicit
// target, with the row's columns turned into check's own flags (`imap_port` -> `--imap-port=N`),
// so check's parser and validation judge them. A secret is only ever the NAME of an environment
// variable; a column that would hold a secret's value is refused, and no message quotes a value.
import { portError } from '../../../shared/config/validate';
import { OPTIONS } from '../target-options';
import type { BatchRow } from './batch-file';

export type RowTarget =
  { kind: 'lab'; scenario: string } | { kind: 'profile'; name: string } | { kind: 'explicit' };

export interface RowPlan {
  line: number;
  /** How the summary names the row: its target cell, or the mailbox of an explicit one. */
  label: string;
  target: RowTarget;
  /** check's flags for the row (the lab's and the profile's own flag not included). */
  args: string[];
}

export type RowPlanOutcome = { line: number; label: string } & (
  { ok: true; plan: RowPlan } | { ok: false; problem: string }
);

/** Columns that would carry a secret's value, and where the secret goes instead. */
const SECRET_VALUE_COLUMNS: Record<string, string> = {
  client_secret: 'client_secret_env',
  secret: 'client_secret_env',
  password: 'password_env',
  passwd: 'password_env',
  access_token: 'access_token_env',
  token: 'access_token_env',
  bearer: 'access_token_env',
  refresh_token: 'access_token_env',
  key_passphrase: 'key_passphrase_env',
  passphrase: 'key_passphrase_env',
  proxy_password: 'proxy_password_env',
  private_key: 'key (a file)',
  client_assertion: 'cert and key (files)',
};

/** check's flags that have no place in a batch row, and why. */
const NOT_IN_A_BATCH: Record<string, string> = {
  json: 'the batch prints JSON for every row with mailprobe batch --json',
  out: 'the batch writes bundles with mailprobe batch --out DIR',
  lab: 'a lab row says target lab:SCENARIO',
  scenario: 'a lab row says target lab:SCENARIO',
  profile: 'a profile row names the profile in its target column',
  client_secret_stdin: 'one standard input cannot serve many rows; name a variable in client_secret_env',
  device_code: 'a batch runs unattended: nobody is there to sign in',
  browser: 'a batch runs unattended: nobody is there to sign in',
};

/** What a lab row may choose besides its scenario: the lab sets the rest itself. */
export const LAB_COLUMNS = new Set([
  'protocols',
  'imap',
  'pop3',
  'smtp',
  'graph',
  'mech',
  'min_tls',
  'timeout_ms',
  'connect_timeout_ms',
  'greeting_timeout_ms',
  'command_timeout_ms',
  'send_to',
  'from',
]);

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const TRUE = new Set(['true', 'yes', 'y', '1', 'on', 'x']);
const FALSE = new Set(['false', 'no', 'n', '0', 'off', '']);
const PROTOCOL_WORDS = new Set(['imap', 'pop3', 'smtp', 'graph']);

type Options = typeof OPTIONS;
type OptionName = keyof Options;

function isOption(name: string): name is OptionName {
  return Object.prototype.hasOwnProperty.call(OPTIONS, name);
}

function labelOf(row: BatchRow): string {
  return row.cells.target ?? row.cells.mailbox ?? `line ${row.line}`;
}

/** The flags of one column, or the reason it cannot be one (never quoting the value of a secret). */
function flagsOf(column: string, value: string): string[] | string {
  const env = SECRET_VALUE_COLUMNS[column];
  if (env !== undefined)
    return `column "${column}" would hold a secret: a batch file never carries one (it would sit in the file, in backups and in shell history); name an environment variable that holds it in ${env}`;
  const refused = NOT_IN_A_BATCH[column];
  if (refused !== undefined) return `column "${column}" does not go in a batch: ${refused}`;
  if (column === 'protocols') {
    const words = value
      .toLowerCase()
      .split(/[\s,;+|]+/)
      .filter(Boolean);
    const unknown = words.find((w) => !PROTOCOL_WORDS.has(w));
    if (unknown !== undefined || words.length === 0)
      return `column "protocols" lists imap, pop3, smtp and graph (e.g. "imap smtp"), not "${unknown ?? value}"`;
    return [...new Set(words)].map((w) => `--${w}`);
  }
  const flag = column.replace(/_/g, '-');
  if (!isOption(flag))
    return `unknown column "${column}"; columns are target, protocols, or check's options with underscores (tenant, client_id, mailbox, imap_host, imap_port, smtp_security, client_secret_env, ...)`;
  if (flag.endsWith('-env') && !ENV_NAME.test(value))
    // The value may well be the secret itself, pasted where its variable's name goes: not quoted.
    return `column "${column}" names an environment variable (letters, digits and _), and this is not such a name`;
  if (flag.endsWith('-port')) {
    const wrong = portError(value);
    if (wrong) return `column "${column}": ${wrong}`;
  }
  if (OPTIONS[flag].type === 'boolean') {
    const word = value.toLowerCase();
    if (TRUE.has(word)) return [`--${flag}`];
    if (FALSE.has(word)) return [];
    return `column "${column}" is true or false, not "${value}"`;
  }
  return [`--${flag}=${value}`];
}

export function planRow(row: BatchRow): RowPlanOutcome {
  const label = labelOf(row);
  const fail = (problem: string): RowPlanOutcome => ({ ok: false, line: row.line, label, problem });
  if (row.problem !== undefined) return fail(row.problem);
  const { target: targetCell, ...rest } = row.cells;
  let target: RowTarget = { kind: 'explicit' };
  if (targetCell !== undefined) {
    const lab = /^lab:(.*)$/i.exec(targetCell);
    if (lab) {
      const scenario = (lab[1] ?? '').trim() || 'healthy';
      target = { kind: 'lab', scenario };
    } else target = { kind: 'profile', name: targetCell };
  }
  const args: string[] = [];
  for (const [column, value] of Object.entries(rest)) {
    if (target.kind === 'lab' && !LAB_COLUMNS.has(column) && !(column in SECRET_VALUE_COLUMNS))
      return fail(
        `column "${column}" does not go with a lab target: the lab sets its tenant, mailbox and servers itself (a lab row may give ${[...LAB_COLUMNS].join(', ')})`,
      );
    const flags = flagsOf(column, value);
    if (typeof flags === 'string') return fail(flags);
    args.push(...flags);
  }
  if (target.kind === 'explicit' && rest.mailbox === undefined)
    return fail(
      'no target: give a target column (a saved profile, or lab:SCENARIO), or a mailbox with tenant, client_id and a credential',
    );
  return { ok: true, line: row.line, label, plan: { line: row.line, label, target, args } };
}
