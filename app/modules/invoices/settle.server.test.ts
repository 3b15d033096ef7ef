/**
 * Settling outside the portal, below the API. test/routes/api-v1.test.ts covers through the route: the
 * exact amount with costs and interest, a part payment by art. 6:44 BW, more than owed, a repeated
 * reference (same payment; refused for another amount or outcome), a credit note, `not_open` after
 * a payment. These are the rest.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { payments, type Organization } from '~db/schema';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { loadIntakeContext } from '~/modules/debtors/index.server';
import { settleInvoice, settleReference } from './settle.server';
import { intakeRefusal } from '~test/factories-intake';

const START = '2026-07-06T10:00:00.000Z';

async function world() {
  const org = await createOrganization();
  const debtor = await createDebtor(org);
  const clock = fixedClock(START);
  const ctx = await loadIntakeContext(getDb(), {
    organizationId: org.id,
    actor: { type: 'api', id: 'key-3' },
    source: 'api',
    clock,
  });
  return { org, debtor, clock, ctx };
}

const paymentsOf = (org: Pick<Organization, 'id'>) =>
  getDb().select().from(payments).where(eq(payments.organizationId, org.id));

const refusal = (work: Promise<unknown>) => intakeRefusal(work, { withMessage: true });

describe('settleReference', () => {
  const invoiceId = '3f1c2a9e-0000-4000-8000-000000000001';
  // Settlements from before the ledger kept the caller's reference only in their idempotency key.
  it("reads the caller's reference back from an older settlement's key, colons and all", () => {
    expect(settleReference({ idempotencyKey: `api-settle:${invoiceId}:BANK-1` }, [invoiceId])).toBe('BANK-1');
    expect(settleReference({ idempotencyKey: `api-settle:${invoiceId}:NL:2026:07` }, ['other', invoiceId])).toBe(
      'NL:2026:07',
    );
  });

  it('answers null for other payments and for a settlement of another invoice', () => {
    expect(settleReference({ idempotencyKey: null }, [invoiceId])).toBeNull();
    expect(settleReference({ idempotencyKey: `checkout:${invoiceId}:x` }, [invoiceId])).toBeNull();
    expect(settleReference({ idempotencyKey: `api-settle:${invoiceId}:BANK-1` }, ['another-invoice'])).toBeNull();
  });
});

describe('settleInvoice', () => {
  it('settles in full at the time of the given clock, keeping the reference on the payment', async () => {
    const { org, debtor, ctx } = await world();
    const invoice = await createInvoice(org, debtor, { totalCents: 9_900 });

    const result = await getDb().transaction((tx) =>
      settleInvoice(tx, ctx, invoice.number, { outcome: 'paid', reference: 'BANK-1' }),
    );
    expect(result.outcome).toBe('created');
    expect(result.invoice).toMatchObject({ id: invoice.id, status: 'paid', openCents: 0 });
    expect(result.invoice.settledAt?.toISOString()).toBe(START);
    expect(result.payment).toMatchObject({ provider: 'external', amountCents: 9_900, debtorId: debtor.id });
    expect(result.payment.paidAt?.toISOString()).toBe(START);
    expect(result.payment.providerReference).toBe('BANK-1');
    expect(result.payment.providerPaymentId).toBe(`api-settle:${invoice.id}:BANK-1`);
  });

  it('answers a repeated reference with the first payment even once the invoice is settled', async () => {
    const { org, debtor, ctx } = await world();
    const invoice = await createInvoice(org, debtor, { totalCents: 5_000 });
    const first = await getDb().transaction((tx) =>
      settleInvoice(tx, ctx, invoice.number, { outcome: 'paid', reference: 'BANK-2' }),
    );
    const again = await getDb().transaction((tx) =>
      settleInvoice(tx, ctx, invoice.number, { outcome: 'paid', reference: 'BANK-2' }),
    );
    expect(again.outcome).toBe('unchanged');
    expect(again.payment.id).toBe(first.payment.id);
    expect(again.invoice.status).toBe('paid');
    expect(await paymentsOf(org)).toHaveLength(1);
  });

  it('records each settlement without a reference as a payment of its own', async () => {
    const { org, debtor, ctx } = await world();
    const invoice = await createInvoice(org, debtor, { totalCents: 10_000 });
    const part = () =>
      getDb().transaction((tx) => settleInvoice(tx, ctx, invoice.number, { outcome: 'paid', amountCents: 3_000 }));
    const [a, b] = [await part(), await part()];
    expect([a.outcome, b.outcome]).toEqual(['created', 'created']);
    expect(a.payment.id).not.toBe(b.payment.id);
    expect(b.invoice).toMatchObject({ status: 'open', openCents: 4_000 });
    expect([a.payment.providerReference, b.payment.providerReference]).toEqual([null, null]);
    expect(a.payment.providerPaymentId).not.toBe(b.payment.providerPaymentId);
    expect(await paymentsOf(org)).toHaveLength(2);
  });

  it('keeps references per invoice: the same reference on two invoices is two settlements', async () => {
    const { org, debtor, ctx } = await world();
    const one = await createInvoice(org, debtor, { totalCents: 1_000 });
    const two = await createInvoice(org, debtor, { totalCents: 2_000 });
    for (const invoice of [one, two]) {
      const result = await getDb().transaction((tx) =>
        settleInvoice(tx, ctx, invoice.number, { outcome: 'paid', reference: 'BATCH-7' }),
      );
      expect(result.outcome).toBe('created');
      expect(result.payment.amountCents).toBe(invoice.totalCents);
    }
    expect(await paymentsOf(org)).toHaveLength(2);
  });

  it('refuses an unknown number, and the number of another organization, as not found', async () => {
    const { ctx } = await world();
    const other = await world();
    const theirs = await createInvoice(other.org, other.debtor);

    for (const number of ['NOPE-1', theirs.number]) {
      expect(
        await refusal(getDb().transaction((tx) => settleInvoice(tx, ctx, number, { outcome: 'paid' }))),
      ).toMatchObject({ kind: 'not_found', code: 'not_found', message: `No invoice ${number}.` });
    }
    expect(await paymentsOf(other.org)).toHaveLength(0);
  });

  it('refuses a credited or written-off invoice as not open, naming its status', async () => {
    const { org, debtor, ctx } = await world();
    const credited = await createInvoice(org, debtor, { totalCents: 4_000 });
    await getDb().transaction((tx) => settleInvoice(tx, ctx, credited.number, { outcome: 'credited' }));
    const writtenOff = await createInvoice(org, debtor, { status: 'written_off', openCents: 0 });

    for (const [invoice, status] of [
      [credited, 'credited'],
      [writtenOff, 'written_off'],
    ] as const) {
      expect(
        await refusal(
          getDb().transaction((tx) => settleInvoice(tx, ctx, invoice.number, { outcome: 'paid', amountCents: 1 })),
        ),
      ).toEqual({
        kind: 'conflict',
        code: 'not_open',
        path: undefined,
        message: `Invoice ${invoice.number} is ${status}; nothing is owed.`,
      });
    }
    expect(
      await getDb()
        .select()
        .from(payments)
        .where(and(eq(payments.organizationId, org.id), eq(payments.provider, 'external'))),
    ).toHaveLength(0);
  });
});
