// `mailprobe explain` as a person uses it: a known error gets its cause and the source it rests
// on, an unknown text is answered with {"findings": []} and, for a person, what was read; a text
// over the limit is refused with exit 2.
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli';

describe('mailprobe explain', () => {
  it('names the cause of a documented error, with its source among the docs', async () => {
    const r = await runCli(
      ['explain', '--json', '-'],
      {},
      '{"error":"invalid_client","error_description":"AADSTS7000229: The client application 0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87 is missing service principal in the tenant 72f988bf-86f1-41af-91ab-2d7cd011db47."}',
    );
    expect(r.code).toBe(0);
    const { findings } = JSON.parse(r.stdout) as { findings: Array<{ cause: string; docs: string[] }> };
    expect(findings[0]?.cause).toBe('token.service_principal_missing_in_tenant');
    expect(findings[0]?.docs.some((d) => d.startsWith('https://'))).toBe(true);
  });

  it('answers an unknown text with no finding and says which lines it read', async () => {
    const text = 'Starting the nightly export\nexport failed: disk quota of /srv reached\ndone';
    const json = await runCli(['explain', '--json', '-'], {}, text);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ findings: [] });
    const person = await runCli(['explain', '-'], {}, text);
    expect(person.code).toBe(0);
    expect(person.stderr).toMatch(/no known cause in this text\. Read 3 lines \(\d+ characters\)/);
    expect(person.stderr).toContain('  export failed: disk quota of /srv reached');
  });

  it('refuses a text over the size limit with exit 2', async () => {
    const r = await runCli(['explain', '-'], {}, 'x'.repeat(2 * 1024 * 1024 + 10));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/larger than 2097152 bytes/);
  });
});

describe('mailprobe explain and pasted credentials', () => {
  const CANARY = 'Canary9Pass!q';
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  const FORMS: Record<string, string> = {
    plain: `C: AUTH PLAIN ${b64(`\0ann@contoso.com\0${CANARY}`)}\nS: 535 5.7.3 Authentication unsuccessful`,
    login: `C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: ${b64('ann@contoso.com')}\nS: 334 UGFzc3dvcmQ6\nC: ${b64(CANARY)}\nS: 535 5.7.3 Authentication unsuccessful`,
    basic: `Authorization: Basic ${b64(`ann@contoso.com:${CANARY}`)}\nHTTP/1.1 401 Unauthorized: request failed`,
    'form body': `client_id=abc&client_secret=${CANARY}&grant_type=client_credentials\nAADSTS7000215: Invalid client secret provided.`,
    url: `fetch failed for imaps://ann:${CANARY}@mail.contoso.com/INBOX`,
  };
  it.each(Object.entries(FORMS))(
    '%s: the secret is in no byte of the output, JSON or text',
    async (_name, text) => {
      for (const args of [
        ['explain', '--json', '-'],
        ['explain', '-'],
      ]) {
        const r = await runCli(args, {}, text);
        expect(r.code).toBe(0);
        const out = `${r.stdout}\n${r.stderr}`;
        expect(out).not.toContain(CANARY);
        for (const offset of [0, 1, 2])
          expect(out).not.toContain(b64(`${'\0'.repeat(offset)}${CANARY}`).slice(4, -4));
      }
    },
  );
});
