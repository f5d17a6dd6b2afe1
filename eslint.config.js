// ESLint flat config: type-checked rules for all TypeScript, import boundaries between layers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// What the engine may not reach: electron itself, and any folder above it of these names.
const ENGINE_BOUNDARY =
  'The engine imports neither the lab nor its hosts: define an interface in the engine and wire it in electron/compose.';
const ENGINE_OUTSIDE =
  '/^(electron$|electron\\u002F|(\\.\\.\\u002F)+(lab|host|main|preload|cli|compose)(\\u002F|$))/';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'tests/e2e/artifacts/**', '.tmp/**'] },
  js.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [...tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // `return fail(res, ...)` in a void function reads as "answer and stop": allowed.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreVoidReturningFunctions: true }],
    },
  },
  {
    // shared/ is imported by both sides: no Node, no DOM, no electron.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['node:*', 'electron', '../electron/*', '../../electron/*', '../renderer/*'] },
      ],
    },
  },
  {
    // The CLI runs in plain Node: it must never import electron.
    files: ['electron/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
  {
    // The engine runs in the CLI, the shell, browser mode and tests unchanged: it imports none of
    // them, nor the lab, nor electron/compose (the floor above that wires the lab in). What it needs
    // from them comes in through interfaces it defines. The engine has no folder of these names, so
    // any such import climbs out of it.
    files: ['electron/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^electron(/|$)',
              message: 'The engine runs outside Electron: receive what the shell gives through an interface.',
            },
            {
              regex: '^(\\.\\./)+(lab|host|main|preload|cli|compose)(/|$)',
              message: ENGINE_BOUNDARY,
            },
          ],
        },
      ],
      // The same for import('...') and typeof import('...'), which no-restricted-imports does not see.
      'no-restricted-syntax': [
        'error',
        { selector: `ImportExpression[source.value=${ENGINE_OUTSIDE}]`, message: ENGINE_BOUNDARY },
        { selector: `TSImportType[argument.literal.value=${ENGINE_OUTSIDE}]`, message: ENGINE_BOUNDARY },
      ],
    },
  },
  {
    // The renderer runs in the page and reaches the main process only through renderer/api/.
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: globals.browser },
    rules: { 'no-restricted-imports': ['error', { patterns: ['node:*', 'electron', '**/electron/**'] }] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
);
