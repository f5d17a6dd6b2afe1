// The engine imports none of its hosts: the rules in eslint.config.js, taken from the project's own
// config for a file under electron/engine, refuse an import (static, import(), typeof import) of
// the lab, a host, the shell, the CLI, electron/compose and electron itself; they let the engine's
// own imports through; and every file of the engine as it is today passes them.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const RULES = ['no-restricted-imports', 'no-restricted-syntax'];

type RuleEntry = Partial<Linter.RulesRecord>;

const eslint = new ESLint({ cwd: ROOT });

/** The boundary rules' settings for a file at this path, as the project's config gives them. */
async function ruleFor(path: string): Promise<RuleEntry> {
  const config = (await eslint.calculateConfigForFile(join(ROOT, path))) as Linter.Config;
  return Object.fromEntries(RULES.flatMap((r) => (config.rules?.[r] ? [[r, config.rules[r]]] : [])));
}

/** The boundary errors of a file's text under those settings (the type-aware rules left out). */
function restrictedImports(rules: RuleEntry, path: string, text: string): string[] {
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    text,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        rules,
      },
    ],
    { filename: join(ROOT, path) },
  );
  const fatal = messages.filter((m) => m.fatal);
  if (fatal.length) throw new Error(fatal.map((m) => m.message).join('\n'));
  return messages.filter((m) => m.ruleId !== null && RULES.includes(m.ruleId)).map((m) => m.message);
}

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

describe('the engine boundary in eslint.config.js', () => {
  let engineRule: RuleEntry = {};
  let deepEngineRule: RuleEntry = {};
  let composeRule: RuleEntry = {};
  beforeAll(async () => {
    [engineRule, deepEngineRule, composeRule] = await Promise.all([
      ruleFor('electron/engine/app/boundary-probe.ts'),
      ruleFor('electron/engine/diagnosis/knowledge/boundary-probe.ts'),
      ruleFor('electron/compose/boundary-probe.ts'),
    ]);
  }, 60_000);

  it.each([
    "import { DEMO } from '../../lab/scenarios';",
    "import type { Lab } from '../../lab/lab';",
    "import { smtpRbacStatus } from '../../lab/mail/decide';",
    "import { startHost } from '../../host/server';",
    "import { registerGateway } from '../../main/gateway';",
    "import '../../preload/preload';",
    "import { UsageError } from '../../cli/usage-error';",
    "import { createAppService } from '../../compose/app-service';",
    "import { app } from 'electron';",
    "export { labRunInput } from '../../compose/lab-targets';",
    "export const lab = () => import('../../lab/lab');",
    "export const shell = () => import('electron');",
    "export type Host = typeof import('../../host/server');",
  ])('refuses %s in electron/engine/app', (line) => {
    const errors = restrictedImports(engineRule, 'electron/engine/app/boundary-probe.ts', `${line}\n`);
    expect(errors).toHaveLength(1);
  });

  it('refuses the lab from a deeper engine folder, and names the way out', () => {
    const errors = restrictedImports(
      deepEngineRule,
      'electron/engine/diagnosis/knowledge/boundary-probe.ts',
      "import { SCENARIOS } from '../../../lab/state';\n",
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('electron/compose');
  });

  it('lets the engine import its own parts, shared/ and Node', () => {
    const text = [
      "import { ProfileStore } from '../store/profiles';",
      "import type { RunInput } from '../checks/run';",
      "import { parseRequest } from '../../../shared/api/schemas';",
      "import { join } from 'node:path';",
      "export const run = () => import('../checks/run');",
      "export const labels = () => import('./labels');",
      '',
    ].join('\n');
    expect(restrictedImports(engineRule, 'electron/engine/app/boundary-probe.ts', text)).toEqual([]);
  });

  it('lets the composition layer import the lab and the engine', () => {
    const text = [
      "import { DEMO } from '../lab/scenarios';",
      "import { createAppService } from '../engine/app/service';",
      '',
    ].join('\n');
    expect(restrictedImports(composeRule, 'electron/compose/boundary-probe.ts', text)).toEqual([]);
  });

  it('holds for every file of the engine today', async () => {
    const files = tsFiles('electron/engine');
    expect(files.length).toBeGreaterThan(50);
    const found: string[] = [];
    for (const file of files) {
      const rule = await ruleFor(file);
      for (const message of restrictedImports(rule, file, readFileSync(join(ROOT, file), 'utf8')))
        found.push(`${file}: ${message}`);
    }
    expect(found).toEqual([]);
  }, 120_000);
});
