// `npx tsx build/check-knowledge.ts FILE...`: checks knowledge files against the schema and
// prints the first problems of each, with the entry's id; exit 1 when any file is wrong.
import { readFileSync } from 'node:fs';
import { KNOWLEDGE_FILE } from '../electron/engine/diagnosis/knowledge/schema';

let failed = false;
for (const file of process.argv.slice(2)) {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.log(`${file}: not JSON (${String(error)})`);
    failed = true;
    continue;
  }
  const result = KNOWLEDGE_FILE.safeParse(data);
  if (result.success) {
    const ids = new Set<string>();
    const dupes = result.data.entries.filter((e) => (ids.has(e.id) ? true : (ids.add(e.id), false)));
    const codes = new Set(result.data.entries.flatMap((e) => e.codes));
    console.log(
      `${file}: ${result.data.entries.length} entries, ${codes.size} distinct codes, ${new Set(result.data.entries.flatMap((e) => e.sources)).size} distinct sources${dupes.length ? `; DUPLICATE ids: ${dupes.map((d) => d.id).join(', ')}` : ''}`,
    );
    if (dupes.length) failed = true;
    continue;
  }
  failed = true;
  const entries = (data as { entries?: Array<{ id?: string }> }).entries ?? [];
  for (const issue of result.error.issues.slice(0, 15)) {
    const index = issue.path[0] === 'entries' ? Number(issue.path[1]) : -1;
    console.log(
      `${file}: ${index >= 0 ? `entry ${entries[index]?.id ?? index}: ` : ''}${issue.path.join('.')}: ${issue.message}`,
    );
  }
}
process.exit(failed ? 1 : 0);
