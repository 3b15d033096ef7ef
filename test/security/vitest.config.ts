import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { ALIASES } from '../aliases';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The security suite: attack cases against the built app served by createApp (app/server/http.ts)
 * on a real port, in development and in production mode (test/security/harness.ts), each file
 * on its own database cloned from the migrated template, as in the unit suite. Needs the build:
 * `npm run test:security` makes it.
 */
export default defineConfig({
  root,
  resolve: { alias: ALIASES },
  test: {
    include: ['test/security/**/*.security.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-env.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NODE_ENV: 'test' },
  },
});
