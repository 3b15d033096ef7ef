import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { ALIASES } from '../aliases';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Fault drills: each suite starts real processes (the built app, the worker, the CLIs) on
 * throwaway data directories and puts them through crashes, signals and outages. They own
 * whole processes and ports, so they run one file at a time.
 */
export default defineConfig({
  root,
  resolve: { alias: ALIASES },
  test: {
    include: ['test/faults/**/*.fault.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
