/**
 * A part credit lowers the invoice's principal; the statutory collection costs and interest the
 * dunning engine charged on the old principal are then what its own functions compute for the
 * new one (never more than before, what was paid towards them counted).
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { invoices, paymentAllocations } from '~db/schema';
import { createDebtor, createInvoice, createOrganization, createStaff } from '~test/factories';
import { sendQueued } from '~test/factories-dunning';
import { amsterdamInstant, fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { businessClaim } from '~/modules/dunning/amounts';
import { bikCosts } from '~/modules/dunning/collection-costs';
import { runDunningPass } from '~/modules/dunning/pass.server';
import { openDispute } from './debtor.server';
import { creditDispute } from './resolve.server';

const invoiceRow = async (id: string) => (await getDb().select().from(invoices).where(eq(invoices.id, id)))[0];

/** A business invoice of EUR 200, due 1 December 2024, taken by the engine through its final notice (costs and interest charged on 5 January). */
async function chargedBusinessInvoice() {
  const org = await createOrganization();
  const support = await createStaff(org, 'support');
  const debtor = await createDebtor(org, { kind: 'business' });
  const invoice = await createInvoice(org, debtor, { dueDate: '2024-12-01', totalCents: 20_000 });
  const clock = fixedClock(amsterdamInstant('2024-12-01', 9));
  for (let day = 0; day < 36; day++) {
    await runDunningPass({ clock, organizationId: org.id });
    await sendQueued(clock, org.id);
    clock.advanceDays(1);
  }
  const charged = await invoiceRow(invoice.id);
  const atNotice = businessClaim({ openCents: 20_000, dueDate: '2024-12-01', asOf: '2025-01-05' });
  // What the engine charged, by its own functions, on the whole principal.
  expect([charged.costsCents, charged.interestCents]).toEqual([atNotice.compensationCents, atNotice.interestCents]);
  expect(charged.interestCents).toBeGreaterThan(0);
  const staff = { id: support.id, organizationId: org.id, name: support.name };
  const scope = { organizationId: org.id, debtorId: debtor.id };
  return { org, debtor, invoice: charged, clock, staff, scope };
}

describe('a part credit recomputes costs and interest on what remains', () => {
  it('credits EUR 100 of EUR 200: the principal drops by 100, costs and interest are the engine’s for EUR 100', async () => {
    const ctx = await chargedBusinessInvoice();
    const opened = await openDispute(
      ctx.scope,
      { invoiceId: ctx.invoice.id, amountCents: null, reason: 'amount_wrong', message: 'Te veel uren.', files: [] },
      { clock: ctx.clock },
    );
    if (!opened.ok) throw new Error(opened.error);

    const result = await creditDispute(
      ctx.staff,
      opened.disputeId,
      { amountCents: 10_000, note: 'Helft van de uren vervalt.' },
      { clock: ctx.clock },
    );
    expect(result).toMatchObject({ ok: true, outcome: 'credited_partial', openCents: 10_000 });

    const after = await invoiceRow(ctx.invoice.id);
    const expected = businessClaim({ openCents: 10_000, dueDate: '2024-12-01', asOf: '2025-01-05' });
    expect(after.openCents).toBe(10_000);
    expect(after.costsCents).toBe(expected.compensationCents);
    expect(after.costsCents).toBe(bikCosts(10_000));
    expect(after.interestCents).toBe(expected.interestCents);
    expect(after.interestCents).toBeLessThan(ctx.invoice.interestCents);
    expect(after.status).toBe('open');

    // The credit note lowered the principal only; nothing of it "paid" costs or interest.
    const [allocation] = await getDb()
      .select()
      .from(paymentAllocations)
      .where(eq(paymentAllocations.invoiceId, ctx.invoice.id));
    expect(allocation).toMatchObject({ amountCents: 10_000, costsCents: 0, interestCents: 0 });
  });

  it('a credit of the whole principal credits the invoice: no principal, no costs or interest', async () => {
    const ctx = await chargedBusinessInvoice();
    const opened = await openDispute(
      ctx.scope,
      { invoiceId: ctx.invoice.id, amountCents: null, reason: 'not_received', message: 'Nooit geleverd.', files: [] },
      { clock: ctx.clock },
    );
    if (!opened.ok) throw new Error(opened.error);
    // More than the principal is refused: a credit corrects the invoice, it does not pay its costs.
    expect(
      await creditDispute(ctx.staff, opened.disputeId, { amountCents: 20_001, note: null }, { clock: ctx.clock }),
    ).toEqual({ ok: false, error: 'credit_too_high' });
    const result = await creditDispute(
      ctx.staff,
      opened.disputeId,
      { amountCents: 20_000, note: null },
      { clock: ctx.clock },
    );
    expect(result).toMatchObject({ ok: true, outcome: 'credited_full', openCents: 0 });
    expect(await invoiceRow(ctx.invoice.id)).toMatchObject({
      status: 'credited',
      openCents: 0,
      costsCents: 0,
      interestCents: 0,
    });
  });
});
