/**
 * `npm run test:chaos`: the chaos and concurrency proofs (tests/chaos), apart
 * from `npm test` because they take minutes and a PostgreSQL of their own.
 * One file at a time: each one loads the machine on purpose.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'chaos',
    reporters:
      process.env.CI === 'true'
        ? ['default', ['json', { outputFile: 'test-results/chaos.json' }]]
        : ['default'],
    environment: 'node',
    include: ['tests/chaos/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 420_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
