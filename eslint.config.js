// ESLint flat config: typescript-eslint's strict rules on the sources, tests, bench and scripts,
// as GitHub's typescript-action template sets it up; Prettier owns the layout (npm run format).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results.json', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        structuredClone: 'readonly',
        performance: 'readonly',
      },
    },
    rules: {
      // tsconfig's noUncheckedIndexedAccess types every index as possibly undefined; `!` is how the
      // code says an index it has just checked (or built) exists. Tests cover those places.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `_name` marks a value kept on purpose (a destructured field left out).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Finding control characters in untrusted text (issue bodies, agent output, paths) is what
      // the sanitizers, validators and their tests are for.
      'no-control-regex': 'off',
    },
  },
  {
    // Tests handle GitHub's webhook examples and the environment as loose JSON and maps.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-dynamic-delete': 'off',
    },
  },
);
