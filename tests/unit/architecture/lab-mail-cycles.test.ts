// No import cycle inside electron/lab/mail: every import between its files (type imports,
// re-exports and import() included) is read with TypeScript's own pre-processor, and the graph
// must have no cycle. The shared types sit in types.ts, which imports nothing of its folder.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const MAIL = join(import.meta.dirname, '..', '..', '..', 'electron', 'lab', 'mail');

/** Each file of one folder and the files of the same folder it imports (by module name, no .ts). */
function folderImports(files: ReadonlyMap<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [name, text] of files) {
    const { importedFiles } = ts.preProcessFile(text, true, true);
    const inFolder = importedFiles
      .map((f) => /^\.\/([^/]+?)(\.js|\.ts)?$/.exec(f.fileName)?.[1])
      .filter((m): m is string => m !== undefined && files.has(m));
    graph.set(name, [...new Set(inFolder)]);
  }
  return graph;
}

/** Every cycle as the list of modules around it, each found once from its first module. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found = new Map<string, string[]>();
  const visit = (node: string, path: string[]): void => {
    for (const next of graph.get(node) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) {
        const cycle = path.slice(at);
        const first = cycle.indexOf([...cycle].sort()[0] ?? '');
        const rotated = [...cycle.slice(first), ...cycle.slice(0, first)];
        found.set(rotated.join(' -> '), rotated);
      } else visit(next, [...path, next]);
    }
  };
  for (const node of graph.keys()) visit(node, [node]);
  return [...found.values()];
}

function mailFolder(): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(MAIL))
    if (name.endsWith('.ts')) files.set(name.slice(0, -3), readFileSync(join(MAIL, name), 'utf8'));
  return files;
}

describe('imports inside electron/lab/mail', () => {
  it('finds a cycle where there is one, type imports and re-exports included', () => {
    const files = new Map([
      ['a', "import type { B } from './b';\nexport type A = B;"],
      ['b', "export type { C as B } from './c';"],
      ['c', "import { a } from './a.js';\nexport type C = typeof a;"],
      ['d', "import { x } from '../state';\nimport('./a');"],
    ]);
    expect(cycles(folderImports(files))).toEqual([['a', 'b', 'c']]);
  });

  it('has no cycle', () => {
    const graph = folderImports(mailFolder());
    expect(graph.size).toBeGreaterThan(15);
    expect(graph.get('run-mail-servers')).toContain('imap-server');
    expect(cycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('keeps its shared types in types.ts, which imports nothing of the folder', () => {
    const graph = folderImports(mailFolder());
    expect(graph.get('types')).toEqual([]);
    for (const module of ['decide', 'mail-context', 'sign-in', 'mailbox-store', 'run-mail-servers'])
      expect(graph.get(module), module).toContain('types');
  });
});
