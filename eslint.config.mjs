// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'test/fixtures/**', 'examples/**', '.vscode-test/**', '.vscode-runtime/**', 'media/**', '*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // The engine is plain Node: it never imports the editor API.
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core and src/cli are plain Node: only src/vscode may import vscode.' }] }],
    },
  },
  {
    // The CLI and the extension use the engine only through its public surface, src/core/index.ts.
    // Type-only imports may name the defining module: the webview protocol (src/vscode/protocol.ts)
    // is type-checked with media/, which must not pull the engine's Node modules in.
    files: ['src/cli/**/*.ts', 'src/vscode/**/*.ts', 'src/extension.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)core/(?!index$).+', message: "Import the engine from its public surface ('../core'), not from its modules.", allowTypeImports: true }] },
      ],
    },
  },
  {
    // No console in the product: use the Logger (the CLI's entry point writes to stdout/stderr through its own sink).
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: { 'no-console': 'error' },
  },
);
