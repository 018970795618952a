// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import { fences } from './eslint.fences.mjs';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'data/', 'test-output/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/explicit-module-boundary-types': 'off',
    },
  },
  {
    // Office.js is reached only through the typed adapters in addin/office (docs/architecture.md).
    files: [
      'src/**/*.ts',
      'addin/launchevent/**/*.ts',
      'addin/taskpane/**/*.ts',
      'addin/taskpane/**/*.tsx',
      'addin/shared/**/*.ts',
      // The admin console runs in an ordinary browser, never in Outlook.
      'admin/**/*.ts',
      'admin/**/*.tsx',
      // Shared by the task pane and the console, so it may not assume Outlook either.
      'ui/**/*.ts',
      'ui/**/*.tsx',
    ],
    ignores: ['addin/launchevent/index.ts', 'addin/taskpane/index.tsx'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'Office', message: 'Use the adapters in addin/office.' },
        { name: 'OfficeRuntime', message: 'Use the adapters in addin/office.' },
      ],
    },
  },
  {
    // The server and the shared core run without a DOM.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'window', message: 'src/ runs without a DOM.' },
        { name: 'document', message: 'src/ runs without a DOM.' },
        { name: 'Office', message: 'Use the adapters in addin/office.' },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    // Plain-JS config files (jest.config.js) are CommonJS.
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Folder fences and no import circles (docs/architecture.md).
  ...fences,
  prettier,
);
