import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { ALIASES } from './aliases';
import { PURE_TEST_FILES } from './pure-tests';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const UNIT_TESTS = [
  'app/**/*.test.{ts,tsx}',
  'db/**/*.test.ts',
  'emails/**/*.test.{ts,tsx}',
  'test/**/*.test.{ts,tsx}',
];
const OTHER_SUITES = ['test/e2e/**', 'test/faults/**', 'test/security/**', 'node_modules/**'];

/**
 * Two projects: `db`, where each test file works in its own database cloned from a migrated
 * template (test/global-setup.ts, test/setup-env.ts), and `pure`, the files listed in
 * test/pure-tests.ts, which need no database and get none.
 */
export default defineConfig({
  root,
  resolve: { alias: ALIASES },
  test: {
    globals: true,
    pool: 'forks',
    testTimeout: 20_000,
    env: { NODE_ENV: 'test' },
    projects: [
      {
        extends: true,
        test: {
          name: 'db',
          include: UNIT_TESTS,
          exclude: [...OTHER_SUITES, ...PURE_TEST_FILES],
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/setup-env.ts'],
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'pure',
          include: PURE_TEST_FILES,
          exclude: OTHER_SUITES,
          setupFiles: ['test/setup-pure-env.ts'],
        },
      },
    ],
  },
});
