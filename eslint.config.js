// ESLint flat config. TypeScript is linted with typescript-eslint's type-checked rules
// (types come from tsconfig.json through the project service); import cycles are checked
// separately by dpdm in `npm run lint`.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const rootDir = dirname(fileURLToPath(import.meta.url));

// Node globals for the few plain JS files (bin/, scripts/*.mjs, this file).
const nodeGlobals = {
  console: 'readonly',
  process: 'readonly',
  URL: 'readonly',
  Buffer: 'readonly',
};

// "Arrows point inward": core is pure and must not reach the shell; an adapter must not
// reach app wiring, the CLI or another adapter. Patterns match the import specifier.
const coreRestrictions = {
  patterns: [
    {
      regex: '(^|/)(adapters|app|config|cli|devchain|importers)/',
      message: 'src/core is the pure functional core: it must not import adapters, app wiring, config loading, the CLI or devchain/importers. Declare a port in src/core/ports.ts instead.',
    },
  ],
};
const adapterRestrictions = {
  patterns: [
    {
      regex: '(^|/)(app|cli)/',
      message: 'Adapters must not import app wiring or the CLI (arrows point inward).',
    },
    {
      // Every adapter file sits at src/adapters/<name>/<file>.ts, so a specifier that goes up
      // exactly one level lands in another adapter's folder. src/adapters/shared/ holds I/O
      // helpers common to several adapters (it is no adapter itself) and is the one exception.
      regex: '^\\.\\./(?!\\.\\./|shared/)|(^|/)adapters/',
      message: 'An adapter never imports another adapter; move the shared piece to src/core or wire the two in src/app.',
    },
  ],
};

// Ledger families sit one level deeper (src/adapters/ledger/<family>/<file>.ts) and may use the
// ledger framework beside them (../ledger-source.js, ../ledger-http-client.js), never another family or adapter.
const ledgerFamilyRestrictions = {
  patterns: [
    adapterRestrictions.patterns[0],
    {
      regex: '^\\.\\./\\.\\./(?!\\.\\./|shared/|ledger/)|^\\.\\./(?!\\.\\./)[^/]+/|(^|/)adapters/',
      message: 'A ledger family adapter imports only the ledger framework (../*.js) and src/adapters/shared; move shared pieces there or to src/core.',
    },
  ],
};

export default defineConfig(
  {
    ignores: ['dist/', 'node_modules/', '.demo/', 'data/', 'config/', 'coverage/'],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: {
          // tsconfig.json covers src, workers, test and bench; these few files sit outside
          // it and are type-checked with tsconfig.json's options.
          allowDefaultProject: ['scripts/*.ts', 'vitest.config.ts', 'vitest.faults.config.ts'],
          defaultProject: 'tsconfig.json',
        },
        tsconfigRootDir: rootDir,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A `default` branch counts: where the house writes one (zod's open set of issue codes,
      // nodemailer's error codes) it is the deliberate fallback. Switches over our own unions
      // without a default still must name every member.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/only-throw-error': 'error',
      // verbatimModuleSyntax already requires `type` on type-only imports; this keeps the
      // house's inline style (`import { x, type T }`) consistent and autofixable.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // `_name` marks a deliberately unused binding (rest-sibling omission, positional callback args).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // vitest's asymmetric matchers (expect.any, expect.objectContaining...) are typed `any` by
      // design, tests read parsed JSON bodies field by field, and ethers' dynamic contract
      // methods return Promise<any>; flagging those adds casts without catching bugs.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // In-memory doubles implement async ports (`publish: async (m) => void seen.push(...m)`).
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', coreRestrictions] },
  },
  {
    files: ['src/adapters/**/*.ts'],
    ignores: ['src/adapters/ledger/*/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', adapterRestrictions] },
  },
  {
    files: ['src/adapters/ledger/*/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', ledgerFamilyRestrictions] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'module', globals: nodeGlobals },
  },
);
