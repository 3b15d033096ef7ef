import { drizzle } from 'drizzle-orm/postgres-js';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { communications, debtors, invoices, portalLinks } from '~db/schema';
import { createOrganization } from '~test/factories';
import { sendJobsFor } from '~test/factories-dunning';
import { fixedClock } from '~/utils/clock';
import { getDb, schema } from '~/utils/db.server';
import { runDunningPass } from './pass.server';

const clients: postgres.Sql[] = [];
function separateConnection() {
  const client = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  clients.push(client);
  return drizzle(client, { schema });
}
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end()));
});

describe('two passes at once (two worker processes)', () => {
  it('send each reminder exactly once', { timeout: 60_000 }, async () => {
    const org = await createOrganization();
    const db = getDb();
    // 120 debtors with 2 invoices each, all due for the friendly reminder; 40 more debtors not yet due.
    await db.execute(sql`
      insert into debtors (organization_id, kind, name, email, external_ref)
      select ${org.id}::uuid, 'consumer', 'Debiteur ' || g, 'd' || g || '@test.example', 'C-' || g
      from generate_series(1, 160) g`);
    await db.execute(sql`
      insert into invoices (organization_id, debtor_id, number, issue_date, due_date, total_cents, open_cents, next_action_at)
      select d.organization_id, d.id, d.external_ref || '-' || k, '2026-10-01', '2026-11-01', 10000 + k, 10000 + k,
             case when substr(d.external_ref, 3)::int <= 120 then '2026-11-08T08:00:00Z'::timestamptz else '2026-11-30T08:00:00Z'::timestamptz end
      from debtors d cross join generate_series(1, 2) k
      where d.organization_id = ${org.id}`);

    const clock = fixedClock('2026-11-08T08:00:00Z');
    const [one, two] = await Promise.all([
      runDunningPass({ clock, organizationId: org.id, batchSize: 5, db: separateConnection() }),
      runDunningPass({ clock, organizationId: org.id, batchSize: 5, db: separateConnection() }),
    ]);
    expect(one.messages + two.messages).toBe(120);
    expect(one.steps + two.steps).toBe(240);

    const comms = await db.select().from(communications).where(eq(communications.organizationId, org.id));
    expect(comms).toHaveLength(120);
    expect(new Set(comms.map((c) => c.debtorId)).size).toBe(120);
    expect(comms.every((c) => c.invoiceIds.length === 2)).toBe(true);
    expect(await sendJobsFor(comms.map((c) => c.id))).toBe(120);
    const links = await db.select().from(portalLinks).where(eq(portalLinks.organizationId, org.id));
    expect(links).toHaveLength(120);
    const stages = await db
      .select({ stage: invoices.dunningStage, n: sql<number>`count(*)::int` })
      .from(invoices)
      .innerJoin(debtors, eq(debtors.id, invoices.debtorId))
      .where(eq(invoices.organizationId, org.id))
      .groupBy(invoices.dunningStage)
      .orderBy(invoices.dunningStage);
    expect(stages).toEqual([
      { stage: 0, n: 80 },
      { stage: 1, n: 240 },
    ]);

    // And both again: nothing left to do.
    const again = await Promise.all([
      runDunningPass({ clock, organizationId: org.id, db: separateConnection() }),
      runDunningPass({ clock, organizationId: org.id, db: separateConnection() }),
    ]);
    expect(again.map((r) => r.messages)).toEqual([0, 0]);
  });
});
