import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const tfjs = { group: ['@tensorflow/*'], message: 'tfjs belongs in src/engine and src/worker only.' };
const uiLibs = {
  group: ['svelte', 'svelte/*', '@xyflow/*', 'comlink'],
  message: 'src/graph is pure TypeScript: no Svelte, xyflow or comlink.',
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'public/data/', 'test-results/', 'playwright-report/', 'reports/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  // The graph core is pure data: it may not know that a UI, tfjs or a worker exists.
  {
    files: ['src/graph/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [tfjs, uiLibs] }] },
  },
  // Experiment links are pure data too: the codec runs in Node's tests as it runs in the page.
  {
    files: ['src/share/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            tfjs,
            { ...uiLibs, message: 'src/share is pure TypeScript: no Svelte, xyflow or comlink.' },
          ],
        },
      ],
    },
  },
  // Persistence is storage only: the page's reactivity wraps it (src/ui/saved-models.svelte.ts), never the reverse.
  {
    files: ['src/persistence/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            tfjs,
            { ...uiLibs, message: 'src/persistence is pure TypeScript: no Svelte, xyflow or comlink.' },
          ],
        },
      ],
    },
  },
  // tfjs stays behind the engine and its worker; everything else sees plain data.
  {
    files: ['src/**/*.ts', 'src/**/*.svelte'],
    ignores: ['src/engine/**', 'src/worker/**', 'src/graph/**', 'src/share/**', 'src/persistence/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [tfjs] }] },
  },
);
