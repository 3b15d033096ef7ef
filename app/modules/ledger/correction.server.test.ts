/**
 * A correction (LedgerEntryInput.correction): a credit note that says the invoice was too high.
 * It lowers the principal only, and the invoice's costs and interest go down to the amounts given
 * (dunning's recomputation for the lower principal), never up; a correction of the whole principal
 * settles the invoice as credited.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, invoices, paymentAllocations } from '~db/schema';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { LedgerError, recordLedgerEntry, type LedgerEntryInput } from './ledger.server';

const clock = fixedClock('2026-11-20T10:00:00Z');

async function world() {
  const org = await createOrganization();
  const debtor = await createDebtor(org, { kind: 'business' });
  const invoice = await createInvoice(org, debtor, {
    totalCents: 20_000,
    costsCents: 4_000,
    interestCents: 250,
  });
  const entry = (amountCents: number, correction: LedgerEntryInput['correction'], key = 'c1'): LedgerEntryInput => ({
    organizationId: org.id,
    debtorId: debtor.id,
    source: 'credit_note',
    amountCents,
    targets: [{ invoiceId: invoice.id }],
    restAsCredit: false,
    key: `${invoice.id}:${key}`,
    actor: { type: 'staff', id: 'test' },
    correction,
  });
  const book = (input: LedgerEntryInput) => getDb().transaction((tx) => recordLedgerEntry(tx, input, { clock }));
  const row = async () => (await getDb().select().from(invoices).where(eq(invoices.id, invoice.id)))[0];
  return { org, debtor, invoice, entry, book, row };
}

describe('ledger corrections', () => {
  it('lower the principal only and bring costs and interest down to the amounts given', async () => {
    const w = await world();
    const booked = await w.book(w.entry(10_000, { costsCents: 4_000, interestCents: 125 }));
    expect(booked.settledInvoiceIds).toEqual([]);
    expect(await w.row()).toMatchObject({ status: 'open', openCents: 10_000, costsCents: 4_000, interestCents: 125 });
    const [allocation] = await getDb()
      .select()
      .from(paymentAllocations)
      .where(eq(paymentAllocations.invoiceId, w.invoice.id));
    expect(allocation).toMatchObject({ amountCents: 10_000, costsCents: 0, interestCents: 0 });
    const [event] = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.invoiceId, w.invoice.id), eq(auditEvents.action, 'invoice.partially_credited')));
    expect(event.data).toMatchObject({ openCents: 10_000, costsWaivedCents: 0, interestWaivedCents: 125 });
  });

  it('never raise costs or interest', async () => {
    const w = await world();
    await w.book(w.entry(5_000, { costsCents: 9_999, interestCents: 9_999 }));
    expect(await w.row()).toMatchObject({ openCents: 15_000, costsCents: 4_000, interestCents: 250 });
  });

  it('settle the invoice as credited when nothing is left, waiving costs and interest', async () => {
    const w = await world();
    const booked = await w.book(w.entry(20_000, { costsCents: 0, interestCents: 0 }));
    expect(booked.settledInvoiceIds).toEqual([w.invoice.id]);
    expect(await w.row()).toMatchObject({ status: 'credited', openCents: 0, costsCents: 0, interestCents: 0 });
  });

  it('refuse more than the open principal, and corrections that are not one credit note on one invoice', async () => {
    const w = await world();
    await expect(w.book(w.entry(20_001, { costsCents: 0, interestCents: 0 }))).rejects.toMatchObject({
      code: 'exceeds_owed',
      detail: { owedCents: 20_000 },
    });
    await expect(
      w.book({ ...w.entry(100, { costsCents: 0, interestCents: 0 }), source: 'external' }),
    ).rejects.toBeInstanceOf(LedgerError);
    await expect(
      w.book({ ...w.entry(100, { costsCents: 0, interestCents: 0 }), targets: undefined }),
    ).rejects.toMatchObject({ code: 'invalid_entry' });
    await expect(w.book(w.entry(100, { costsCents: -1, interestCents: 0 }))).rejects.toMatchObject({
      code: 'invalid_entry',
    });
    expect(await w.row()).toMatchObject({ openCents: 20_000, costsCents: 4_000, interestCents: 250 });
  });

  it('without a correction a credit note still pays costs and interest first (art. 6:44 BW)', async () => {
    const w = await world();
    await w.book(w.entry(10_000, null));
    expect(await w.row()).toMatchObject({ openCents: 14_250, costsCents: 0, interestCents: 0 });
  });
});
