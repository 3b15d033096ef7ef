import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, invoices } from '~db/schema';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { activePauses, liftPauses, pauseInvoices } from './pauses.server';

describe('dunning pauses', () => {
  it('pauses open invoices only, and resumes an invoice only when its last pause ends', async () => {
    const db = getDb();
    const clock = fixedClock('2026-11-10T10:00:00Z');
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const a = await createInvoice(org, debtor, { dueDate: '2026-10-01', dunningStage: 1 });
    const paid = await createInvoice(org, debtor, { status: 'paid', openCents: 0 });
    const sourceId = crypto.randomUUID();
    const rows = await pauseInvoices(
      db,
      {
        organizationId: org.id,
        invoiceIds: [a.id, paid.id],
        reason: 'payment_plan',
        sourceId,
        actor: { type: 'system' },
      },
      { clock },
    );
    expect(rows.map((r) => r.invoiceId)).toEqual([a.id]);
    await pauseInvoices(
      db,
      { organizationId: org.id, invoiceIds: [a.id], reason: 'dispute', actor: { type: 'system' } },
      { clock },
    );
    expect((await activePauses(db, [a.id], { clock })).get(a.id)?.sort()).toEqual(['dispute', 'payment_plan']);

    clock.advanceDays(30);
    const first = await liftPauses(
      db,
      { organizationId: org.id, sourceId, liftedReason: 'plan_rejected', actor: { type: 'system' } },
      { clock },
    );
    expect(first).toEqual({ lifted: 1, resumed: [] });

    const second = await liftPauses(
      db,
      {
        organizationId: org.id,
        invoiceIds: [a.id],
        reason: 'dispute',
        liftedReason: 'dispute_rejected',
        actor: { type: 'system' },
      },
      { clock },
    );
    expect(second.resumed).toEqual([a.id]);
    const [after] = await db.select().from(invoices).where(eq(invoices.id, a.id));
    // The second reminder fell due during the pause (2026-10-22): it moves to the resume moment, not earlier.
    expect(after.nextActionAt?.toISOString()).toBe('2026-12-10T10:00:00.000Z');
    const events = await db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(eq(auditEvents.invoiceId, a.id));
    expect(events.map((e) => e.action).sort()).toEqual(['dunning.paused', 'dunning.paused', 'dunning.resumed']);
  });

  it('treats a pause past its end date as over', async () => {
    const db = getDb();
    const clock = fixedClock('2026-11-10T10:00:00Z');
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const a = await createInvoice(org, debtor);
    await pauseInvoices(
      db,
      {
        organizationId: org.id,
        invoiceIds: [a.id],
        reason: 'promise_to_pay',
        until: new Date('2026-11-20T00:00:00Z'),
        actor: { type: 'debtor', id: debtor.id },
      },
      { clock },
    );
    expect((await activePauses(db, [a.id], { clock })).get(a.id)).toEqual(['promise_to_pay']);
    clock.advanceDays(11);
    expect((await activePauses(db, [a.id], { clock })).has(a.id)).toBe(false);
  });
});
