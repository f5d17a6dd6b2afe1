// A batch file as rows: CSV with a header row, or a JSON array of objects, told apart by content.
// Each row keeps the line it starts on, so every message about it can name that line. Bounded
// (size, rows, columns, record length) and linear in the size of the file. A file that cannot be
// read as either at all is a UsageError (exit 2); a row with a problem of its own carries it.
import { parse } from 'csv-parse/sync';
import { UsageError } from '../usage-error';

export const MAX_BATCH_BYTES = 10 * 1024 * 1024;
export const MAX_BATCH_ROWS = 10_000;
export const MAX_BATCH_COLUMNS = 64;
/** One CSV record (a row with all its fields), in characters. */
const MAX_RECORD_CHARS = 64 * 1024;

export interface BatchRow {
  /** The line of the file the row starts on (1-based; the header is line 1 of a CSV file). */
  line: number;
  /** Column name (lower case, `-` as `_`) -> its text; empty cells are left out. */
  cells: Record<string, string>;
  /** What makes this row unusable as it stands, never quoting a cell's value. */
  problem?: string;
}

/** "Client-ID " -> "client_id": a column is named after a `check` option, with underscores. */
export function columnName(header: string): string {
  return header.trim().toLowerCase().replace(/-/g, '_');
}

export function parseBatchFile(text: string): BatchRow[] {
  if (Buffer.byteLength(text) > MAX_BATCH_BYTES)
    throw new UsageError(`the batch file is larger than ${MAX_BATCH_BYTES / 1024 / 1024} MB`);
  const body = text.replace(/^\uFEFF/, '');
  const first = /\S/.exec(body)?.[0];
  if (first === undefined) throw new UsageError('the batch file is empty');
  const rows = first === '[' || first === '{' ? parseJsonRows(body) : parseCsvRows(body);
  if (rows.length === 0) throw new UsageError('the batch file has no rows (only a header)');
  return rows;
}

function tooManyRows(): UsageError {
  return new UsageError(`the batch file has more than ${MAX_BATCH_ROWS} rows; split it`);
}

// ---- CSV ----

/** The header line's delimiter: comma, or semicolon or tab when the header has those and no comma. */
function delimiterOf(headerLine: string): string {
  if (headerLine.includes(',')) return ',';
  if (headerLine.includes(';')) return ';';
  if (headerLine.includes('\t')) return '\t';
  return ',';
}

/** Counts lines up to increasing offsets of one buffer: linear over the whole file. */
function lineCounter(bytes: Buffer): (offset: number) => number {
  let at = 0;
  let line = 1;
  return (offset) => {
    for (; at < offset && at < bytes.length; at += 1) if (bytes[at] === 0x0a) line += 1;
    return line;
  };
}

interface CsvRecord {
  record: string[];
  raw: string;
  info: { bytes: number };
}

function parseCsvRows(text: string): BatchRow[] {
  const bytes = Buffer.from(text, 'utf8');
  let records: CsvRecord[];
  try {
    records = parse(bytes, {
      delimiter: delimiterOf(text.slice(0, text.search(/\r?\n|$/))),
      info: true,
      raw: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      max_record_size: MAX_RECORD_CHARS,
      to: MAX_BATCH_ROWS + 2,
    }) as unknown as CsvRecord[];
  } catch (error) {
    // csv-parse's own words name the line ("Quote Not Closed: ... at line 3"); never a cell's text.
    const code = (error as { code?: unknown }).code;
    const line = (error as { lines?: unknown }).lines;
    const what =
      code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'a quote is opened and never closed'
        : code === 'CSV_MAX_RECORD_SIZE'
          ? `a row is longer than ${MAX_RECORD_CHARS} characters`
          : code === 'CSV_INVALID_CLOSING_QUOTE' || code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE'
            ? 'a quoted field has text after its closing quote'
            : 'it is not CSV';
    throw new UsageError(
      `the batch file cannot be read as CSV: ${what}${typeof line === 'number' ? ` (line ${line})` : ''}`,
    );
  }
  const [header, ...data] = records;
  if (!header) throw new UsageError('the batch file is empty');
  if (data.length > MAX_BATCH_ROWS) throw tooManyRows();
  const columns = header.record.map(columnName);
  checkHeader(columns);
  const lineAt = lineCounter(bytes);
  const rows: BatchRow[] = [];
  for (const { record, raw, info } of data) {
    // Where the record starts: its end, less its raw text, past the blank lines skipped before it.
    const rawBytes = Buffer.byteLength(raw);
    const leading = Buffer.byteLength(/^\s*/.exec(raw)?.[0] ?? '');
    const line = lineAt(info.bytes - rawBytes + leading);
    if (record.every((field) => field === '')) continue;
    const cells: Record<string, string> = {};
    columns.forEach((column, i) => {
      const value = record[i];
      if (value !== undefined && value !== '') cells[column] = value;
    });
    const row: BatchRow = { line, cells };
    if (record.length !== columns.length)
      row.problem = `${record.length} fields where the header names ${columns.length} columns (a comma too many or too few, or a value with a comma that needs quotes)`;
    rows.push(row);
  }
  return rows;
}

function checkHeader(columns: string[]): void {
  if (columns.length > MAX_BATCH_COLUMNS)
    throw new UsageError(`the batch file's header has more than ${MAX_BATCH_COLUMNS} columns`);
  const seen = new Set<string>();
  columns.forEach((column, i) => {
    if (column === '') throw new UsageError(`the batch file's header has no name for column ${i + 1}`);
    if (!/^[a-z0-9_]{1,64}$/.test(column))
      throw new UsageError(
        `the batch file's header names column ${i + 1} with characters a column name does not have (letters, digits, _ and -)`,
      );
    if (seen.has(column)) throw new UsageError(`the batch file's header names column "${column}" twice`);
    seen.add(column);
  });
}

// ---- JSON ----

/** The line each top-level element of a JSON array starts on, in one pass over the text. */
export function topLevelElementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\n') line += 1;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue;
    if (depth === 1 && expectElement && c !== ']') {
      lines.push(line);
      expectElement = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth += 1;
      if (depth === 1) expectElement = true;
    } else if (c === ']' || c === '}') depth -= 1;
    else if (c === ',' && depth === 1) expectElement = true;
  }
  return lines;
}

/** A JSON cell as text: strings and numbers as they are, booleans as true/false, lists of words joined. */
function cellText(value: unknown): string | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(' ');
  return undefined;
}

function parseJsonRows(text: string): BatchRow[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // Only where it broke: the parser's own words may quote the text around it.
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    const line =
      position === undefined ? null : lineCounter(Buffer.from(text.slice(0, Number(position))))(Infinity);
    throw new UsageError(`the batch file cannot be read as JSON${line === null ? '' : ` (line ${line})`}`);
  }
  if (!Array.isArray(data))
    throw new UsageError(
      'a JSON batch file is an array of objects, one per target: [{"target": "..."}, ...]',
    );
  if (data.length > MAX_BATCH_ROWS) throw tooManyRows();
  const lines = topLevelElementLines(text);
  return data.map((item: unknown, i): BatchRow => {
    const line = lines[i] ?? 1;
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      return { line, cells: {}, problem: `element ${i + 1} is not an object of columns` };
    const entries = Object.entries(item as Record<string, unknown>);
    if (entries.length > MAX_BATCH_COLUMNS)
      return { line, cells: {}, problem: `more than ${MAX_BATCH_COLUMNS} columns` };
    const cells: Record<string, string> = {};
    for (const [key, value] of entries) {
      const column = columnName(key);
      const cell = cellText(value);
      if (!/^[a-z0-9_]{1,64}$/.test(column))
        return { line, cells: {}, problem: `a column name has characters a column name does not have` };
      if (cell === undefined)
        return {
          line,
          cells: {},
          problem: `column "${column}" holds an object or a list that is not of words; give text, a number or true/false`,
        };
      if (column in cells) return { line, cells: {}, problem: `column "${column}" is named twice` };
      if (cell !== null && cell !== '') cells[column] = cell;
    }
    return { line, cells };
  });
}
