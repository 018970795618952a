// @ts-check
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * The folder fences (docs/architecture.md, "What may import what"). Kept apart from eslint.config.mjs so
 * test/lint/fences.test.ts can lint deliberately bad imports with exactly these rules.
 *
 * ESLint applies one `no-restricted-imports` setting per file (the last matching block wins), so each folder
 * gets one block that lists everything it may not reach.
 */

/** A relative or bare path that reaches into one of these top-level folders. */
const into = (...folders) => `(^|/)(${folders.join('|')})(/|$)`;

const NO_TEST = {
  regex: `${into('test')}`,
  message: 'Runtime code never imports tests or test support.',
};
const NO_SCRIPTS = {
  regex: `${into('scripts')}`,
  message: 'Runtime code never imports build tooling (scripts/).',
};
const NO_SERVER_SIDE = {
  regex: '(^|/)src/(server|probe)(/|$)',
  message: 'The add-in and the console run in a browser: they reach the server through the API only.',
};

export const fences = [
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // No Node built-ins and no packages but two pure, browser-safe ones: src/core is bundled into the
              // add-in and does no I/O.
              regex: '^(?!\\.{1,2}/)(?!(tr46|re2js)$)',
              message: 'src/core is pure (bundled into the add-in, no I/O): of packages only tr46 and re2js.',
            },
            {
              regex: into('contract', 'probe', 'server', 'scripts', 'test', 'addin', 'admin', 'ui', 'bench'),
              message: 'src/core depends on nothing else in the repository.',
            },
          ],
        },
      ],
    },
  },
  {
    // The API contract is shared by the server, the add-in and the console: pure, like src/core.
    files: ['src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.{1,2}/)(?!zod(/|$))',
              message: 'src/contract is shared with the browser bundles: of packages only zod.',
            },
            {
              regex: into('probe', 'server', 'scripts', 'test', 'addin', 'admin', 'ui', 'bench'),
              message: 'src/contract may build on src/core only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/core/**', 'src/contract/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_TEST, NO_SCRIPTS] }] },
  },
  {
    files: [
      'addin/**/*.ts',
      'addin/**/*.tsx',
      'admin/**/*.ts',
      'admin/**/*.tsx',
      'ui/**/*.ts',
      'ui/**/*.tsx',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_TEST, NO_SCRIPTS, NO_SERVER_SIDE] }] },
  },
  {
    files: ['scripts/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_TEST] }] },
  },
  {
    // Benchmarks may borrow the loopback mail internet and stand-ins in test/support, nothing else of test/.
    files: ['bench/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)test/(?!support/)', message: 'bench/ may import test/support only.' }] },
      ],
    },
  },
  {
    // No import circles anywhere: a circle makes load order matter and the layers unreadable.
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver()],
      // The files an import reaches are parsed as TypeScript too, or the rule cannot follow them.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
];
