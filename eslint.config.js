import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', '.output', '.wxt', 'data', 'test-results', 'dist'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: [
      'server/main.ts',
      'server/demo/demo-banner.ts',
      'tests/bench/**',
      '.ci/**',
      'scripts/**',
    ],
    rules: { 'no-console': 'off' },
  },
  {
    // Plain JavaScript run by Node before any build; `checkJs` type-checks its names.
    files: ['scripts/**/*.mjs'],
    rules: { 'no-undef': 'off' },
  },
);
