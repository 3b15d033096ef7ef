import { and, eq, isNull, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  auditEvents,
  communications,
  debtors,
  dunningPauses,
  invoices,
  paymentAllocations,
  payments,
} from '~db/schema';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { debtorWithOverdue, startedPayment } from '~test/factories-payments';
import { amsterdamDate, fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { activePauses } from '~/modules/dunning/pauses.server';
import {
  applyPaymentStatus,
  applyProviderSnapshot,
  LedgerError,
  PAYMENT_RECEIVED_TASK,
  queuePaymentReceived,
  offLedgerEvent,
  onLedgerEvent,
  recordReversal,
} from './ledger.server';

const db = () => getDb();
/** A Friday, 11:00 in Amsterdam: inside the sending hours. */
const FRIDAY_MORNING = '2026-11-20T10:00:00Z';

async function invoiceRow(id: string) {
  const [row] = await db().select().from(invoices).where(eq(invoices.id, id));
  return row;
}
async function allocationsOf(paymentId: string) {
  return db().select().from(paymentAllocations).where(eq(paymentAllocations.paymentId, paymentId));
}
async function mailsTo(debtorId: string) {
  return db().select().from(communications).where(eq(communications.debtorId, debtorId));
}
async function receivedJobs(paymentId: string) {
  const rows = await db().execute<{ count: number }>(
    sql`select count(*)::int as count from graphile_worker.jobs where task_identifier = ${PAYMENT_RECEIVED_TASK} and key = ${`payment_received:${paymentId}`}`,
  );
  return rows[0].count;
}
async function paymentRow(id: string) {
  const [row] = await db().select().from(payments).where(eq(payments.id, id));
  return row;
}

describe('applyPaymentStatus: paid', () => {
  it('settles the chosen invoices: paid, settled_at, dunning ended, every pause lifted, one email, audit', async () => {
    const {
      org,
      debtor,
      invoices: [a, b],
    } = await debtorWithOverdue([12_100, 5_000]);
    // A dispute pause on one of them ends too once it is paid.
    await db().insert(dunningPauses).values({ organizationId: org.id, invoiceId: a.id, reason: 'manual' });
    const payment = await startedPayment(org, debtor, [
      { invoiceId: a.id, amountCents: 12_100 },
      { invoiceId: b.id, amountCents: 5_000 },
    ]);
    expect((await activePauses(db(), [a.id, b.id])).size).toBe(2);

    const result = await applyPaymentStatus(payment.id, 'paid', {
      providerData: { amountCents: 17_100, providerReference: 'pi_1' },
    });
    expect(result.changed).toBe(true);
    expect(result.settledInvoiceIds.sort()).toEqual([a.id, b.id].sort());
    for (const id of [a.id, b.id]) {
      const row = await invoiceRow(id);
      expect(row).toMatchObject({ status: 'paid', openCents: 0, nextActionAt: null });
      expect(row.settledAt).toBeInstanceOf(Date);
    }
    expect((await activePauses(db(), [a.id, b.id])).size).toBe(0);
    const allocations = await allocationsOf(payment.id);
    expect(allocations.map((x) => [x.invoiceId, x.amountCents]).sort()).toEqual(
      [
        [a.id, 12_100],
        [b.id, 5_000],
      ].sort(),
    );
    expect(await paymentRow(payment.id)).toMatchObject({
      status: 'paid',
      amountCents: 17_100,
      creditedCents: 0,
      providerReference: 'pi_1',
    });
    // The confirmation email is a job enqueued in the same transaction; the job writes it once.
    expect(await receivedJobs(payment.id)).toBe(1);
    expect(await mailsTo(debtor.id)).toHaveLength(0);
    await queuePaymentReceived(payment.id);
    await queuePaymentReceived(payment.id);
    const mails = await mailsTo(debtor.id);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      template: 'payment_received',
      dedupeKey: `payment_received:${payment.id}`,
      status: 'queued',
      invoiceIds: expect.arrayContaining([a.id, b.id]),
    });
    expect(mails[0].props).toMatchObject({ payment: { amountCents: 17_100 }, totals: { openCents: 0 } });
    expect(mails[0].linkJti).toBeTruthy();
    const actions = (await db().select().from(auditEvents).where(eq(auditEvents.debtorId, debtor.id))).map(
      (e) => e.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['payment.paid', 'invoice.paid', 'dunning.paused']));
    expect(actions.filter((x) => x === 'invoice.paid')).toHaveLength(2);
  });

  it('a part payment lowers the open amount, keeps the invoice open and lets dunning go on', async () => {
    const {
      org,
      debtor,
      invoices: [a],
    } = await debtorWithOverdue([20_000]);
    const before = await invoiceRow(a.id);
    const payment = await startedPayment(org, debtor, [{ invoiceId: a.id, amountCents: 7_500 }]);
    await applyPaymentStatus(payment.id, 'paid');
    const row = await invoiceRow(a.id);
    expect(row).toMatchObject({
      status: 'open',
      openCents: 12_500,
      settledAt: null,
      dunningStage: before.dunningStage,
    });
    expect(row.nextActionAt).not.toBeNull();
    expect((await activePauses(db(), [a.id])).size).toBe(0);
    const [pause] = await db().select().from(dunningPauses).where(eq(dunningPauses.sourceId, payment.id));
    expect(pause.liftedReason).toBe('payment_paid');
    expect(
      await db()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.invoiceId, a.id), eq(auditEvents.action, 'invoice.partially_paid'))),
    ).toHaveLength(1);
  });

  it('without an intent pays oldest due first and keeps an overpayment as credit on the debtor', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const newer = await createInvoice(org, debtor, { totalCents: 3_000, dueDate: '2026-10-20' });
    const older = await createInvoice(org, debtor, { totalCents: 4_000, dueDate: '2026-09-01' });
    const payment = await startedPayment(org, debtor, []);
    await db().update(payments).set({ amountCents: 10_000 }).where(eq(payments.id, payment.id));
    const result = await applyPaymentStatus(payment.id, 'paid');
    expect(result.allocations.map((x) => x.invoiceId)).toEqual([older.id, newer.id]);
    expect(result.creditedCents).toBe(3_000);
    const [d] = await db().select().from(debtors).where(eq(debtors.id, debtor.id));
    expect(d.creditCents).toBe(3_000);
    expect((await invoiceRow(older.id)).status).toBe('paid');
    expect((await invoiceRow(newer.id)).status).toBe('paid');
    expect(await paymentRow(payment.id)).toMatchObject({ creditedCents: 3_000, status: 'paid' });
  });

  it('puts money on collection costs first, then interest, then the principal (art. 6:44 BW)', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const invoice = await createInvoice(org, debtor, { totalCents: 10_000, costsCents: 1_500, interestCents: 200 });
    const payment = await startedPayment(org, debtor, [{ invoiceId: invoice.id, amountCents: 2_000 }]);
    await applyPaymentStatus(payment.id, 'paid');
    expect(await invoiceRow(invoice.id)).toMatchObject({
      costsCents: 0,
      interestCents: 0,
      openCents: 9_700,
      status: 'open',
    });
    const [allocation] = await allocationsOf(payment.id);
    expect(allocation).toMatchObject({ amountCents: 2_000, costsCents: 1_500, interestCents: 200 });
  });

  it('takes only what an invoice still owes: an invoice paid meanwhile leaves the money as credit', async () => {
    const {
      org,
      debtor,
      invoices: [a],
    } = await debtorWithOverdue([6_000]);
    const payment = await startedPayment(org, debtor, [{ invoiceId: a.id, amountCents: 6_000 }]);
    await db().update(invoices).set({ openCents: 1_000 }).where(eq(invoices.id, a.id));
    const result = await applyPaymentStatus(payment.id, 'paid');
    expect(result.allocations).toEqual([{ invoiceId: a.id, amountCents: 1_000, costsCents: 0, interestCents: 0 }]);
    expect(result.creditedCents).toBe(5_000);
  });
});

describe('applyPaymentStatus: unsuccessful and out of order', () => {
  it.each(['failed', 'canceled', 'expired'] as const)(
    '%s lifts the payment pause; dunning goes on at the same stage',
    async (status) => {
      const clock = fixedClock(FRIDAY_MORNING);
      const {
        org,
        debtor,
        invoices: [a],
      } = await debtorWithOverdue([9_900], { today: amsterdamDate(clock.now()) });
      // The next reminder fell due while the payment was pending.
      await db()
        .update(invoices)
        .set({ nextActionAt: new Date(clock.now().getTime() - 3_600_000) })
        .where(eq(invoices.id, a.id));
      const payment = await startedPayment(org, debtor, [{ invoiceId: a.id, amountCents: 9_900 }], { clock });
      expect((await activePauses(db(), [a.id], { clock })).size).toBe(1);
      const result = await applyPaymentStatus(payment.id, status, { providerData: { reason: 'declined' }, clock });
      expect(result.changed).toBe(true);
      const row = await invoiceRow(a.id);
      expect(row).toMatchObject({ status: 'open', openCents: 9_900, dunningStage: 1 });
      // Due while paused, so it goes out now (inside the sending hours), not an hour ago.
      expect(row.nextActionAt).toEqual(clock.now());
      expect((await activePauses(db(), [a.id], { clock })).size).toBe(0);
      expect(await allocationsOf(payment.id)).toHaveLength(0);
      expect(await paymentRow(payment.id)).toMatchObject({ status });
    },
  );

  it('never un-pays: expired, failed or open after paid change nothing', async () => {
    const {
      org,
      debtor,
      invoices: [a],
    } = await debtorWithOverdue([4_400]);
    const payment = await startedPayment(org, debtor, [{ invoiceId: a.id, amountCents: 4_400 }]);
    await applyPaymentStatus(payment.id, 'paid');
    for (const late of ['expired', 'failed', 'canceled', 'open', 'pending'] as const) {
      const result = await applyPaymentStatus(payment.id, late);
      expect(result.changed).toBe(false);
    }
    expect(await paymentRow(payment.id)).toMatchObject({ status: 'paid' });
    expect((await invoiceRow(a.id)).status).toBe('paid');
    expect(await allocationsOf(payment.id)).toHaveLength(1);
  });

  it('money arriving after "expired" still counts: the invoices are settled', async () => {
    const {
      org,
      debtor,
      invoices: [a],
    } = await debtorWithOverdue([4_400]);
    const payment = await startedPayment(org, debtor, [{ invoiceId: a.id, amountCents: 4_400 }]);
    await applyPaymentStatus(payment.id, 'expired');
    await applyPaymentStatus(payment.id, 'failed');
    expect(await paymentRow(payment.id)).toMatchObject({ status: 'expired' });
    await applyPaymentStatus(payment.id, 'paid');
    expect(await paymentRow(payment.id)).toMatchObject({ status: 'paid' });
    expect((await invoiceRow(a.id)).status).toBe('paid');
  });

  it('five concurrent "paid" reports allocate exactly once', async () => {
    const { org, debtor, invoices: list } = await debtorWithOverdue([1_000, 2_000, 3_000]);
    const payment = await startedPayment(
      org,
      debtor,
      list.map((i) => ({ invoiceId: i.id, amountCents: i.openCents })),
    );
    const results = await Promise.all(Array.from({ length: 5 }, () => applyPaymentStatus(payment.id, 'paid')));
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect(await allocationsOf(payment.id)).toHaveLength(3);
    expect(await receivedJobs(payment.id)).toBe(1);
  });

  it('an unknown payment is an error the caller sees', async () => {
    await expect(applyPaymentStatus('00000000-0000-4000-8000-000000000000', 'paid')).rejects.toBeInstanceOf(
      LedgerError,
    );
  });
});

describe('refunds and chargebacks', () => {
  it('a refund re-opens the last invoice paid first, reschedules its dunning and is idempotent by total', async () => {
    const clock = fixedClock(FRIDAY_MORNING);
    const {
      org,
      debtor,
      invoices: [a, b],
    } = await debtorWithOverdue([5_000, 3_000], { today: amsterdamDate(clock.now()) });
    const payment = await startedPayment(
      org,
      debtor,
      [
        { invoiceId: a.id, amountCents: 5_000 },
        { invoiceId: b.id, amountCents: 3_000 },
      ],
      { clock },
    );
    await applyPaymentStatus(payment.id, 'paid', { clock });
    clock.set('2026-11-23T10:00:00Z');
    const partial = await recordReversal(payment.id, { kind: 'refund', totalCents: 2_000 }, { clock });
    expect(partial.allocations).toEqual([{ invoiceId: b.id, amountCents: -2_000, costsCents: 0, interestCents: 0 }]);
    expect(partial.reopenedInvoiceIds).toEqual([b.id]);
    const reopened = await invoiceRow(b.id);
    expect(reopened).toMatchObject({ status: 'open', openCents: 2_000, settledAt: null });
    expect(reopened.nextActionAt!.getTime()).toBeGreaterThanOrEqual(clock.now().getTime());
    expect((await invoiceRow(a.id)).status).toBe('paid');
    expect(await paymentRow(payment.id)).toMatchObject({ status: 'paid', refundedCents: 2_000 });

    // The same total again (a duplicate or reordered report) changes nothing.
    expect((await recordReversal(payment.id, { kind: 'refund', totalCents: 2_000 }, { clock })).changed).toBe(false);

    const full = await recordReversal(payment.id, { kind: 'refund', totalCents: 8_000 }, { clock });
    expect(full.amountCents).toBe(6_000);
    expect(await paymentRow(payment.id)).toMatchObject({ status: 'refunded', refundedCents: 8_000 });
    expect(await invoiceRow(a.id)).toMatchObject({ status: 'open', openCents: 5_000 });
    expect(await invoiceRow(b.id)).toMatchObject({ status: 'open', openCents: 3_000 });
    const net = (await allocationsOf(payment.id)).reduce((s, x) => s + x.amountCents, 0);
    expect(net).toBe(0);
    const actions = (await db().select().from(auditEvents).where(eq(auditEvents.entityId, payment.id))).map(
      (e) => e.action,
    );
    expect(actions.filter((x) => x === 'payment.refunded')).toHaveLength(2);
  });

  it('a refund takes back the credit an overpayment left before re-opening invoices', async () => {
    const {
      org,
      debtor,
      invoices: [a],
    } = await debtorWithOverdue([5_000]);
    const payment = await startedPayment(org, debtor, [{ invoiceId: a.id, amountCents: 5_000 }]);
    await applyPaymentStatus(payment.id, 'paid', { providerData: { amountCents: 6_000 } });
    await recordReversal(payment.id, { kind: 'refund', totalCents: 1_500 });
    const [d] = await db().select().from(debtors).where(eq(debtors.id, debtor.id));
    expect(d.creditCents).toBe(0);
    expect(await invoiceRow(a.id)).toMatchObject({ status: 'open', openCents: 500 });
  });

  it('a chargeback re-opens the amounts and marks the payment charged back; it needs a paid payment', async () => {
    const {
      org,
      debtor,
      invoices: [a],
    } = await debtorWithOverdue([7_700]);
    const payment = await startedPayment(org, debtor, [{ invoiceId: a.id, amountCents: 7_700 }]);
    await expect(recordReversal(payment.id, { kind: 'chargeback', totalCents: 7_700 })).rejects.toBeInstanceOf(
      LedgerError,
    );
    await applyPaymentStatus(payment.id, 'paid');
    await recordReversal(payment.id, { kind: 'chargeback', totalCents: 7_700 });
    expect(await paymentRow(payment.id)).toMatchObject({ status: 'charged_back', chargedBackCents: 7_700 });
    expect(await invoiceRow(a.id)).toMatchObject({ status: 'open', openCents: 7_700 });
    expect((await applyPaymentStatus(payment.id, 'paid')).changed).toBe(false);
  });

  it('a provider snapshot with a refund settles an open payment first, then refunds', async () => {
    const {
      org,
      debtor,
      invoices: [a],
    } = await debtorWithOverdue([3_000]);
    const payment = await startedPayment(org, debtor, [{ invoiceId: a.id, amountCents: 3_000 }]);
    const { status, reversals } = await applyProviderSnapshot(payment.id, {
      status: 'paid',
      providerStatus: 'charge succeeded',
      amountCents: 3_000,
      refundedCents: 1_000,
    });
    expect(status.changed).toBe(true);
    expect(reversals[0]).toMatchObject({ changed: true, amountCents: 1_000 });
    expect(await invoiceRow(a.id)).toMatchObject({ status: 'open', openCents: 1_000 });
  });
});

describe('ledger events', () => {
  it('run inside the ledger transaction, after each change', async () => {
    const seen: string[] = [];
    onLedgerEvent('test-listener', async (tx, event) => {
      if (event.kind === 'revised') return;
      const [row] = await tx
        .select()
        .from(payments)
        .where(and(eq(payments.id, event.payment.id), isNull(payments.failureReason)));
      seen.push(`${event.kind}:${event.to ?? event.reversal?.kind}:${row?.status}`);
    });
    try {
      const {
        org,
        debtor,
        invoices: [a],
      } = await debtorWithOverdue([1_234]);
      const payment = await startedPayment(org, debtor, [{ invoiceId: a.id, amountCents: 1_234 }]);
      await applyPaymentStatus(payment.id, 'paid');
      await recordReversal(payment.id, { kind: 'refund', totalCents: 1_234 });
    } finally {
      offLedgerEvent('test-listener');
    }
    expect(seen).toEqual(['booked:paid:paid', 'reversed:refund:refunded']);
  });
});
