/**
 * The list of test files that run without a database (test/pure-tests.ts), checked: every
 * entry is a unit test file that exists, none is listed twice, and none reaches for the
 * database directly (the pool, the row factories, a portal session). A file that starts to need
 * the database leaves the list (and then gets one cloned again).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PURE_TEST_FILES } from './pure-tests';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What a test file that needs the database uses: the pool, the factories that insert rows, a portal session. */
const DATABASE_USE = [
  /\bgetDb\s*\(/,
  /\/utils\/db\.server['"]/,
  /test\/factories['"]|\.\/factories['"]/,
  /portal-session['"]/,
];

describe('the test files without a database (test/pure-tests.ts)', () => {
  it('lists each file once, and each is a unit test file that exists', () => {
    expect(new Set(PURE_TEST_FILES).size).toBe(PURE_TEST_FILES.length);
    for (const file of PURE_TEST_FILES) {
      expect(file, file).toMatch(/^(app|db|emails|test)\/.+\.test\.tsx?$/);
      expect(file, file).not.toMatch(/^test\/(e2e|faults|security)\//);
      expect(fs.existsSync(path.join(ROOT, file)), `${file} exists`).toBe(true);
    }
  });

  it('lists no file that uses the database', () => {
    const using = PURE_TEST_FILES.filter((file) => {
      const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
      return DATABASE_USE.some((pattern) => pattern.test(source));
    });
    expect(using).toEqual([]);
  });

  it('would notice a file that does', () => {
    // Put together here so that this file itself does not match.
    const source = ["import { createOrganization } from '../../../test/", "factories';\nconst db = get", 'Db();'].join(
      '',
    );
    expect(DATABASE_USE.filter((pattern) => pattern.test(source))).toHaveLength(2);
  });
});
