import { defineConfig } from 'vitest/config';

/**
 * Three projects: unit tests (pure, fast), integration tests against a real Temporal dev server
 * and Postgres that test/support/global-setup.ts starts once per run, and browser tests (the
 * same, plus the web stack; a stack of their own, so either can run alone). Two workers at most: the
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
      {
        extends: true,
        test: {
          // A real Chromium through the whole stack; global-setup.ts adds the local OpenID
          // Provider, the API with the web app and a worker for this project.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
