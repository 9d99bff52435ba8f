import { defineConfig } from 'vitest/config';

/**
 * Two projects: unit tests (pure, fast) and integration tests against a real Temporal dev server
 * and Postgres that test/support/global-setup.ts starts once per run. Two workers at most: the
 * machines this runs on have two cores, and the servers need some of them.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
