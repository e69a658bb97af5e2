import { defineConfig } from 'vitest/config';

/**
 * Three tiers. `unit`: pure logic next to the code. `integration`: through HTTP (inject) on a
 * real database — PGlite, or PostgreSQL when TEST_DB_ENGINE=postgresql. `e2e`: browser
 * journeys in Debian's Chromium. scripts/test.ts runs them in order, on both engines.
 */
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.{ts,tsx}'],
          exclude: ['src/**/*.int.test.{ts,tsx}'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['src/**/*.int.test.{ts,tsx}', 'test/integration/**/*.test.{ts,tsx}'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/cheap-password-hashing.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.{ts,tsx}'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/cheap-password-hashing.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
