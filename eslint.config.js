// Lint rules that encode the project's shape (see docs/ARCHITECTURE.md):
// - chrome.* / browser.* / webextension-polyfill only under src/platform/ (one thin, fakeable seam);
// - jssip only under src/offscreen/ (the only context that can hold a WebRTC call);
// - no bare console.* in the extension: use the namespaced logger in src/shared/logger.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noPolyfill = { name: 'webextension-polyfill', message: 'Only src/platform/ touches the browser APIs.' };
const noJssip = { name: 'jssip', message: 'Only src/offscreen/ imports jssip (the phone engine lives there).' };
const noChromeGlobals = ['chrome', 'browser'].map((name) => ({
  name,
  message: `Use a wrapper from src/platform/ (${name}.* is touched only there).`,
}));

export default tseslint.config(
  { ignores: ['dist/', 'dist-release/', 'node_modules/', '.lab/', 'artifacts/', '.scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-empty': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Type-aware rules where a mistake costs most: the extension's own code.
    // A floating promise there is a lost error (an answer that never came, a
    // notification that never showed); a non-exhaustive switch over a state
    // or a message kind is a state nobody handles.
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/require-await': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      'no-console': 'error',
      'no-restricted-globals': ['error', ...noChromeGlobals],
      'no-restricted-imports': ['error', { paths: [noPolyfill, noJssip] }],
    },
  },
  {
    files: ['src/platform/**/*.ts'],
    rules: {
      'no-restricted-globals': 'off',
      'no-restricted-imports': ['error', { paths: [noJssip] }],
    },
  },
  {
    files: ['src/offscreen/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noPolyfill] }] },
  },
  {
    // The logger is the one place that writes to the console.
    files: ['src/shared/logger.ts'],
    rules: { 'no-console': 'off' },
  },
);
