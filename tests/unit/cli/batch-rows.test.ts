import { describe, expect, it } from 'vitest';
import { parseBatchFile } from '../../../electron/cli/batch/batch-file';
import { planRow, type RowPlanOutcome } from '../../../electron/cli/batch/row-plan';
import { asColumns } from '../../../electron/cli/batch/prepare-row';

const CANARY = 'Zq8~canary.Secret-Value_0123456789abcdef';

function plans(text: string): RowPlanOutcome[] {
  return parseBatchFile(text).map(planRow);
}

function problemOf(outcome: RowPlanOutcome | undefined): string {
  if (!outcome || outcome.ok) throw new Error(`expected a bad row, got ${JSON.stringify(outcome)}`);
  return outcome.problem;
}

describe('batch rows as check flags', () => {
  it('turns an explicit row into check flags, with underscores as dashes', () => {
    const [row] = plans(
      'mailbox,tenant,client_id,client_secret_env,imap_host,imap_port,imap_security,protocols,tls_probe\n' +
        'a@contoso.com,contoso.com,11111111-2222-3333-4444-555555555555,APP_SECRET,imap.contoso.com,993,tls,imap smtp,yes\n',
    );
    expect(row).toEqual({
      ok: true,
      line: 2,
      label: 'a@contoso.com',
      plan: {
        line: 2,
        label: 'a@contoso.com',
        target: { kind: 'explicit' },
        args: [
          '--mailbox=a@contoso.com',
          '--tenant=contoso.com',
          '--client-id=11111111-2222-3333-4444-555555555555',
          '--client-secret-env=APP_SECRET',
          '--imap-host=imap.contoso.com',
          '--imap-port=993',
          '--imap-security=tls',
          '--imap',
          '--smtp',
          '--tls-probe',
        ],
      },
    });
  });

  it('reads target as a lab scenario or a saved profile', () => {
    const [lab, bare, profile] = plans('target,protocols\nlab:throttled,pop3\nlab:,\nContoso EU,smtp\n');
    expect(lab).toMatchObject({
      ok: true,
      plan: { target: { kind: 'lab', scenario: 'throttled' }, args: ['--pop3'] },
    });
    expect(bare).toMatchObject({ ok: true, plan: { target: { kind: 'lab', scenario: 'healthy' } } });
    expect(profile).toMatchObject({
      ok: true,
      label: 'Contoso EU',
      plan: { target: { kind: 'profile', name: 'Contoso EU' }, args: ['--smtp'] },
    });
  });

  it('leaves out false and empty boolean cells, and refuses other words', () => {
    const [off, wrong] = plans('target,imap,smtp\nlab:healthy,no,\nlab:healthy,maybe,\n');
    expect(off).toMatchObject({ ok: true, plan: { args: [] } });
    expect(problemOf(wrong)).toMatch(/column "imap" is true or false/);
  });

  it.each([
    'client_secret',
    'password',
    'access_token',
    'secret',
    'token',
    'proxy_password',
    'key_passphrase',
  ])('refuses a %s column holding a value, naming the _env column and never the value', (column) => {
    const [row] = plans(`mailbox,${column}\na@contoso.com,${CANARY}\n`);
    const problem = problemOf(row);
    expect(problem).toMatch(new RegExp(`column "${column}" would hold a secret`));
    expect(problem).toMatch(/_env|file/);
    expect(JSON.stringify(row)).not.toContain(CANARY);
  });

  it('refuses a secret column on a lab row too, and takes an empty one', () => {
    expect(problemOf(plans(`target,password\nlab:healthy,${CANARY}\n`)[0])).toMatch(/would hold a secret/);
    expect(plans('mailbox,password\na@contoso.com,\n')[0]?.ok).toBe(true);
  });

  it('refuses a secret pasted where its variable name goes, without quoting it', () => {
    const [row] = plans(`mailbox,client_secret_env\na@contoso.com,${CANARY}\n`);
    expect(problemOf(row)).toMatch(/names an environment variable/);
    expect(JSON.stringify(row)).not.toContain(CANARY);
  });

  it.each([
    ['mailbox,colour\na@contoso.com,red\n', /unknown column "colour"/],
    ['mailbox,client_secret_stdin\na@contoso.com,true\n', /one standard input cannot serve many rows/],
    ['mailbox,device_code\na@contoso.com,true\n', /runs unattended/],
    ['mailbox,out\na@contoso.com,x.zip\n', /--out DIR/],
    ['mailbox,json\na@contoso.com,true\n', /batch --json/],
    ['mailbox,scenario\na@contoso.com,healthy\n', /target lab:SCENARIO/],
    [
      'mailbox,protocols\na@contoso.com,imap exchange\n',
      /column "protocols" lists imap, pop3, smtp and graph/,
    ],
    ['mailbox,imap_port\na@contoso.com,99999\n', /column "imap_port": 99999 is out of range/],
    ['mailbox,smtp_port\na@contoso.com,25x\n', /column "smtp_port": "25x" is not a port number/],
    ['target,mailbox\nlab:healthy,a@contoso.com\n', /column "mailbox" does not go with a lab target/],
    ['tenant,client_id\ncontoso.com,x\n', /no target: give a target column/],
  ])('a bad row: %j', (text, reason) => {
    const [row] = plans(text);
    expect(row?.line).toBe(2);
    expect(problemOf(row)).toMatch(reason);
  });

  it('keeps the line of a bad row among good ones', () => {
    const rows = plans('target,protocols\nlab:healthy,imap\n\nlab:healthy,ftp\nlab:healthy,smtp\n');
    expect(rows.map((r) => [r.line, r.ok])).toEqual([
      [2, true],
      [4, false],
      [5, true],
    ]);
  });

  it("speaks of check's flags as the batch's columns", () => {
    expect(asColumns('batch: --imap-security must be one of tls, starttls, none')).toBe(
      'imap_security must be one of tls, starttls, none',
    );
    expect(asColumns('acquiring a token needs --client-id GUID')).toBe(
      'acquiring a token needs client_id GUID',
    );
  });
});
