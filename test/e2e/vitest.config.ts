import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { ALIASES } from '../aliases';

/**
 * The suites share one running app and its demo data, so they run one after another in a fixed
 * (alphabetical) order: the same on a fresh clone as on a machine with vitest's timing cache.
 */
class AlphabeticalSequencer extends BaseSequencer {
  async sort(files: TestSpecification[]) {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export default defineConfig({
  root,
  resolve: { alias: ALIASES },
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    pool: 'forks',
    // One browser-driven flow at a time: the app and its database share two cores with Chromium.
    fileParallelism: false,
    sequence: { sequencer: AlphabeticalSequencer },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
