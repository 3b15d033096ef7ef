/** The import aliases of tsconfig.json ("paths"), for vitest (which does not read tsconfig paths). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const ALIASES = {
  '~': path.join(root, 'app'),
  '~db': path.join(root, 'db'),
  '~emails': path.join(root, 'emails'),
  '~test': path.join(root, 'test'),
};
