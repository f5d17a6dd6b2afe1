import { describe, expect, it } from 'vitest';
import { MAX_BATCH_ROWS, parseBatchFile, topLevelElementLines } from '../../../electron/cli/batch/batch-file';
import { UsageError } from '../../../electron/cli/usage-error';

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('no UsageError');
}

describe('batch file: CSV', () => {
  it('reads a header and rows, each with the line it starts on', () => {
    const rows = parseBatchFile('target,protocols\nlab:healthy,imap smtp\n\nlab:throttled,\n');
    expect(rows).toEqual([
      { line: 2, cells: { target: 'lab:healthy', protocols: 'imap smtp' } },
      { line: 4, cells: { target: 'lab:throttled' } },
    ]);
  });

  it('keeps quoted commas, doubled quotes and line breaks, and counts lines from where a row starts', () => {
    const text = [
      '\uFEFFMailbox,Client-ID,imap_host',
      '"a@contoso.com","x,y","say ""hi"""',
      '"b@contoso.com","multi',
      'line",h',
      'c@contoso.com,z,h',
    ].join('\r\n');
    const rows = parseBatchFile(text);
    expect(rows.map((r) => r.line)).toEqual([2, 3, 5]);
    expect(rows[0]?.cells).toEqual({ mailbox: 'a@contoso.com', client_id: 'x,y', imap_host: 'say "hi"' });
    expect(rows[1]?.cells.client_id).toBe('multi\r\nline');
  });

  it('counts lines in bytes right after non-ASCII text', () => {
    const rows = parseBatchFile('target\n"lab:é ü 中"\nlab:healthy\n');
    expect(rows.map((r) => r.line)).toEqual([2, 3]);
  });

  it('takes a semicolon header (a spreadsheet in a European locale)', () => {
    expect(parseBatchFile('target;protocols\nlab:healthy;imap\n')[0]?.cells).toEqual({
      target: 'lab:healthy',
      protocols: 'imap',
    });
  });

  it('reports a row with too many or too few fields on that row, with its line', () => {
    const rows = parseBatchFile('target,protocols\nlab:healthy,imap,extra\nlab:healthy\nlab:healthy,smtp\n');
    expect(rows[0]?.line).toBe(2);
    expect(rows[0]?.problem).toMatch(/3 fields .* 2 columns/);
    expect(rows[1]?.line).toBe(3);
    expect(rows[1]?.problem).toMatch(/1 fields/);
    expect(rows[2]?.problem).toBeUndefined();
  });

  it('refuses a file that is not CSV at all, naming the line and never a cell', () => {
    const message = usageMessage(() => parseBatchFile('target\nlab:healthy\n"s3cr3t-value,\n'));
    expect(message).toMatch(/cannot be read as CSV: a quote is opened and never closed/);
    expect(message).not.toContain('s3cr3t');
  });

  it.each([
    ['', /empty/],
    ['   \n\n', /empty/],
    ['target\n', /no rows/],
    ['target,target\nx,y\n', /column "target" twice/],
    ['target,,x\na,b,c\n', /no name for column 2/],
    ['target,a b\nx,y\n', /characters a column name does not have/],
  ])('refuses %j', (text, reason) => {
    expect(usageMessage(() => parseBatchFile(text))).toMatch(reason);
  });

  it('is bounded in rows and size', () => {
    const many = `target\n${'lab:healthy\n'.repeat(MAX_BATCH_ROWS + 1)}`;
    expect(usageMessage(() => parseBatchFile(many))).toMatch(/more than 10000 rows/);
    expect(parseBatchFile(`target\n${'lab:healthy\n'.repeat(MAX_BATCH_ROWS)}`)).toHaveLength(MAX_BATCH_ROWS);
    const big = `target\n${'x'.repeat(11 * 1024 * 1024)}\n`;
    expect(usageMessage(() => parseBatchFile(big))).toMatch(/larger than 10 MB/);
  });
});

describe('batch file: JSON', () => {
  it('reads an array of objects, each with the line its object starts on', () => {
    const text = `[\n  {"target": "lab:healthy"},\n  {\n    "mailbox": "a@contoso.com",\n    "imap_port": 993,\n    "imap": true,\n    "protocols": ["imap", "smtp"],\n    "note": null\n  }\n]\n`;
    expect(parseBatchFile(text)).toEqual([
      { line: 2, cells: { target: 'lab:healthy' } },
      {
        line: 3,
        cells: { mailbox: 'a@contoso.com', imap_port: '993', imap: 'true', protocols: 'imap smtp' },
      },
    ]);
  });

  it('finds element lines past strings with brackets, commas and escaped quotes', () => {
    const text = '[{"a": "x,]}[{\\"\\n"},\n{"b": [1, {"c": 2}]},\n\n "s"]';
    expect(topLevelElementLines(text)).toEqual([1, 2, 4]);
    expect(topLevelElementLines('[]')).toEqual([]);
  });

  it('reports an element that is not an object, or a nested value, as a bad row with its line', () => {
    const rows = parseBatchFile('[\n{"target": "lab:healthy"},\n"lab:healthy",\n{"target": {"x": 1}}\n]');
    expect(rows[0]?.problem).toBeUndefined();
    expect(rows[1]?.line).toBe(3);
    expect(rows[1]?.problem).toMatch(/not an object/);
    expect(rows[2]?.line).toBe(4);
    expect(rows[2]?.problem).toMatch(/column "target" holds an object/);
  });

  it('refuses JSON that does not parse or is not an array, without quoting it', () => {
    const broken = usageMessage(() => parseBatchFile('[{"target": "lab:healthy", "x": s3cr3t}]'));
    expect(broken).toMatch(/cannot be read as JSON/);
    expect(broken).not.toContain('s3cr3t');
    expect(usageMessage(() => parseBatchFile('{"target": "lab:healthy"}'))).toMatch(/an array of objects/);
    expect(usageMessage(() => parseBatchFile('[]'))).toMatch(/no rows/);
  });
});
