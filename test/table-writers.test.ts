/**
 * One writer per table family: only the owner's files insert into, update or delete from these
 * tables (money on invoices has its own, finer check in app/modules/ledger/one-writer.test.ts).
 * Reads are free; tests are not scanned.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** table -> its drizzle name and the files (or folders, ending in /) allowed to write it. */
const OWNERS: Record<string, { drizzle: string; writers: string[] }> = {
  dunning_pauses: { drizzle: 'dunningPauses', writers: ['app/modules/dunning/pauses.server.ts'] },
  portal_links: { drizzle: 'portalLinks', writers: ['app/modules/links/'] },
  debtor_sessions: { drizzle: 'debtorSessions', writers: ['app/modules/links/'] },
  audit_events: { drizzle: 'auditEvents', writers: ['app/modules/audit/audit.server.ts'] },
  communications: { drizzle: 'communications', writers: ['app/modules/mail/'] },
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** Whether the source writes the table, through drizzle or in raw SQL. */
function writesTable(source: string, table: string, drizzle: string): boolean {
  const builder = new RegExp(`\\.(insert|update|delete)\\(\\s*${drizzle}\\b`);
  const raw = new RegExp(`\\b(insert\\s+into|update|delete\\s+from)\\s+${table}\\b`, 'i');
  return builder.test(source) || raw.test(source);
}

const files = [
  ...sourceFiles(path.join(ROOT, 'app')),
  ...sourceFiles(path.join(ROOT, 'db')).filter((f) => !f.includes('migrations')),
];

describe('one writer per table family', () => {
  it('recognises writes in both forms, and not reads', () => {
    expect(writesTable('await tx.update(dunningPauses).set({})', 'dunning_pauses', 'dunningPauses')).toBe(true);
    expect(writesTable('await tx\n  .insert(\n    dunningPauses)', 'dunning_pauses', 'dunningPauses')).toBe(true);
    expect(writesTable('sql`insert into audit_events (a) values (1)`', 'audit_events', 'auditEvents')).toBe(true);
    expect(writesTable('sql`delete from portal_links where x`', 'portal_links', 'portalLinks')).toBe(true);
    expect(writesTable('await tx.select().from(dunningPauses)', 'dunning_pauses', 'dunningPauses')).toBe(false);
    expect(writesTable('select 1 from dunning_pauses dp', 'dunning_pauses', 'dunningPauses')).toBe(false);
  });

  for (const [table, { drizzle, writers }] of Object.entries(OWNERS)) {
    it(`${table} is written only by ${writers.join(', ')}`, () => {
      const found = files
        .map((f) => path.relative(ROOT, f))
        .filter((rel) => rel !== 'db/seed.ts')
        .filter((rel) => writesTable(fs.readFileSync(path.join(ROOT, rel), 'utf8'), table, drizzle));
      expect(found.length).toBeGreaterThan(0);
      const others = found.filter((rel) => !writers.some((w) => (w.endsWith('/') ? rel.startsWith(w) : rel === w)));
      expect(others).toEqual([]);
    });
  }
});
