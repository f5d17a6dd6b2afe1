// How fast explain reads what is pasted (SPEC 7: a megabyte in under 200 ms, the knowledge loaded
// in under 50 ms): a realistic megabyte of log, and a megabyte of each adversarial run that once
// made a pattern backtrack. Figures only; the property test checks that each ends.
const MB = 1024 * 1024;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function megabyteOf(piece: string): string {
  return piece.repeat(Math.ceil(MB / piece.length)).slice(0, MB);
}

const INPUTS: Record<string, string> = {
  'a log of Exchange replies': megabyteOf(
    '2026-11-30 09:12:01 S: 535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully.\n2026-11-30 09:12:01 C: QUIT\n',
  ),
  'a token-endpoint error, pasted many times': megabyteOf(
    '{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}\n',
  ),
  'one line of x': 'x'.repeat(MB),
  '"5.7.139 " repeated': megabyteOf('5.7.139 '),
  '"eyJ" repeated': megabyteOf('eyJ'),
  '"a@" repeated': megabyteOf('a@'),
  '"LOGIN " repeated': megabyteOf('LOGIN '),
  'JSON escapes (\\n\\")': megabyteOf('\\n\\"'),
  'empty lines': '\n'.repeat(MB),
  'accented text': megabyteOf('é€😀 '),
  'one base64 run': 'A'.repeat(MB),
  '"AUTH PLAIN " repeated': megabyteOf('AUTH PLAIN '),
  'a SASL dialogue, pasted many times': megabyteOf(
    'C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: am9obkBjb250b3NvLmNvbQ==\nS: 334 UGFzc3dvcmQ6\nC: c2VjcmV0\nS: 535 5.7.3 Authentication unsuccessful\n',
  ),
  '"Bearer " and "password=" repeated': megabyteOf('Bearer password=x '),
};

export async function explainSpeed(rounds: number): Promise<string[]> {
  const { loadKnowledge } = await import('../../electron/engine/diagnosis/knowledge');
  const loads: number[] = [];
  for (let i = 0; i < Math.max(3, Math.min(rounds, 10)); i += 1) {
    const s = performance.now();
    loadKnowledge();
    loads.push(performance.now() - s);
  }
  const knowledge = loadKnowledge();
  const { explain } = await import('../../electron/engine/diagnosis/explain');
  explain('warm-up: AADSTS7000215');
  const lines = [
    `knowledge: ${knowledge.entries.length} entries; checked and indexed in ${median(loads).toFixed(1)} ms (budget 50 ms)`,
  ];
  for (const [name, text] of Object.entries(INPUTS)) {
    const times: number[] = [];
    for (let i = 0; i < Math.max(3, Math.min(rounds, 7)); i += 1) {
      const s = performance.now();
      explain(text);
      times.push(performance.now() - s);
    }
    lines.push(`explain, 1 MB, ${name}: ${median(times).toFixed(0)} ms (budget 200 ms)`);
  }
  return lines;
}
