/**
 * Every ledger source, table-driven: a provider payment (through applyPaymentStatus), an
 * external settlement, a bank transfer, a credit note, a write-off and the use of debtor credit
 * all allocate by the same rule (the chosen invoices in order, else oldest due first; costs, then
 * interest, then principal), keep or refuse the rest, book a key once, fire one event, and settle
 * invoices with everything that follows (pauses lifted, disputes closed). Reversals (refund,
 * chargeback, returned transfer) take the last applied back first and re-open what they must.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  auditEvents,
  debtors,
  disputes,
  invoices,
  paymentAllocations,
  paymentPlans,
  payments,
  planInstallments,
  type Invoice,
} from '~db/schema';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { startedPayment } from '~test/factories-payments';
import { planWorld } from '~test/factories-plans';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { openDispute } from '~/modules/disputes/debtor.server';
import { activePauses, pauseInvoices } from '~/modules/dunning/pauses.server';
import { proposePlan } from '~/modules/plans/debtor.server';
import { installmentPaymentIntent } from '~/modules/plans/installments.server';
import {
  applyPaymentStatus,
  LedgerError,
  offLedgerEvent,
  onLedgerEvent,
  PAYMENT_RECEIVED_TASK,
  recordLedgerEntry,
  recordReversal,
  reverseLedgerEntry,
  reviseInvoiceAmounts,
  type LedgerEvent,
  type LedgerSource,
} from './ledger.server';

const db = () => getDb();
/** A Friday, 11:00 in Amsterdam. */
const NOW = '2026-11-20T10:00:00Z';

let events: LedgerEvent[] = [];
beforeEach(() => {
  events = [];
  onLedgerEvent('test-recorder', async (_tx, event) => {
    events.push(event);
  });
});
afterEach(() => offLedgerEvent('test-recorder'));

/**
 * A debtor with two open invoices: A (older: 10,000 principal, 1,500 costs, 200 interest; paused
 * by hand and disputed) and B (newer: 5,000 principal, 300 interest). Owed in all: 17,000.
 */
async function scene() {
  const clock = fixedClock(NOW);
  const org = await createOrganization();
  const debtor = await createDebtor(org);
  const a = await createInvoice(org, debtor, {
    totalCents: 10_000,
    costsCents: 1_500,
    interestCents: 200,
    dueDate: '2026-09-01',
    dunningStage: 2,
  });
  const b = await createInvoice(org, debtor, { totalCents: 5_000, interestCents: 300, dueDate: '2026-10-01' });
  await db().transaction((tx) =>
    pauseInvoices(
      tx,
      { organizationId: org.id, invoiceIds: [a.id], reason: 'manual', actor: { type: 'system' } },
      { clock },
    ),
  );
  const opened = await openDispute(
    { organizationId: org.id, debtorId: debtor.id },
    { invoiceId: a.id, amountCents: null, reason: 'quality', message: 'Niet goed.', files: [] },
    { clock },
  );
  if (!opened.ok) throw new Error(opened.error);
  return { clock, org, debtor, a, b, disputeId: opened.disputeId };
}
type Scene = Awaited<ReturnType<typeof scene>>;

type Source = LedgerSource | 'stripe';
type Booked = { paymentId: string; changed: boolean };
type BookOptions = { targets?: { invoiceId: string; amountCents?: number }[]; restAsCredit?: boolean; key?: string };

/** Books `amount` from `source` the way that source's callers do. */
async function book(s: Scene, source: Source, amount: number, options: BookOptions = {}): Promise<Booked> {
  if (source === 'stripe') {
    const intent = (options.targets ?? []).map((t) => ({ invoiceId: t.invoiceId, amountCents: t.amountCents ?? 0 }));
    const payment = await startedPayment(s.org, s.debtor, intent, { clock: s.clock });
    await db().update(payments).set({ amountCents: amount }).where(eq(payments.id, payment.id));
    const result = await applyPaymentStatus(payment.id, 'paid', { clock: s.clock });
    return { paymentId: payment.id, changed: result.changed };
  }
  if (source === 'debtor_credit') {
    // The credit an earlier overpayment left.
    await db()
      .update(debtors)
      .set({ creditCents: sql`greatest(${debtors.creditCents}, ${amount})` })
      .where(eq(debtors.id, s.debtor.id));
  }
  const result = await db().transaction((tx) =>
    recordLedgerEntry(
      tx,
      {
        organizationId: s.org.id,
        debtorId: s.debtor.id,
        source,
        amountCents: amount,
        targets: options.targets,
        restAsCredit: options.restAsCredit ?? true,
        key: `${s.org.id}:${options.key ?? `test-${source}-1`}`,
        reference: 'REF-1',
        actor: { type: 'staff', id: 'finance' },
      },
      { clock: s.clock },
    ),
  );
  return { paymentId: result.payment.id, changed: result.changed };
}

/** Books the same thing again: the same key (ledger sources) or the same provider status again. */
async function bookAgain(s: Scene, source: Source, booked: Booked, amount: number, options: BookOptions = {}) {
  if (source === 'stripe') return applyPaymentStatus(booked.paymentId, 'paid', { clock: s.clock });
  return db().transaction((tx) =>
    recordLedgerEntry(
      tx,
      {
        organizationId: s.org.id,
        debtorId: s.debtor.id,
        source,
        amountCents: amount,
        targets: options.targets,
        restAsCredit: options.restAsCredit ?? true,
        key: `${s.org.id}:${options.key ?? `test-${source}-1`}`,
        actor: { type: 'staff', id: 'finance' },
      },
      { clock: s.clock },
    ),
  );
}

const invoiceRow = async (id: string) => (await db().select().from(invoices).where(eq(invoices.id, id)))[0];
const allocationsOf = async (paymentId: string) =>
  (await db().select().from(paymentAllocations).where(eq(paymentAllocations.paymentId, paymentId))).map((a) => ({
    invoiceId: a.invoiceId,
    amountCents: a.amountCents,
    costsCents: a.costsCents,
    interestCents: a.interestCents,
  }));
const creditOf = async (debtorId: string) =>
  (await db().select({ c: debtors.creditCents }).from(debtors).where(eq(debtors.id, debtorId)))[0].c;
const receivedJobs = async (paymentId: string) =>
  (
    await db().execute<{ n: number }>(
      sql`select count(*)::int as n from graphile_worker.jobs where task_identifier = ${PAYMENT_RECEIVED_TASK} and key = ${`payment_received:${paymentId}`}`,
    )
  )[0].n;
const amounts = (i: Invoice) => ({
  open: i.openCents,
  costs: i.costsCents,
  interest: i.interestCents,
  status: i.status,
});
const eventsFor = (paymentId: string, kind: LedgerEvent['kind']) =>
  events.filter((e) => e.kind === kind && e.payment?.id === paymentId);

const SOURCES: { source: Source; settled: 'paid' | 'credited' | 'written_off'; moneyIn: boolean }[] = [
  { source: 'stripe', settled: 'paid', moneyIn: true },
  { source: 'external', settled: 'paid', moneyIn: true },
  { source: 'bank_transfer', settled: 'paid', moneyIn: true },
  { source: 'credit_note', settled: 'credited', moneyIn: false },
  { source: 'write_off', settled: 'written_off', moneyIn: false },
  { source: 'debtor_credit', settled: 'paid', moneyIn: false },
];

describe.each(SOURCES)('ledger source $source', ({ source, settled, moneyIn }) => {
  it('without a choice: oldest due first, costs then interest then principal; settles, lifts pauses, closes disputes; once per key', async () => {
    const s = await scene();
    const booked = await book(s, source, 12_000);
    expect(booked.changed).toBe(true);

    // A (older) owes 11,700: costs, interest, principal, all of it; B gets the last 300, on its interest.
    expect((await allocationsOf(booked.paymentId)).sort((x, y) => y.amountCents - x.amountCents)).toEqual([
      { invoiceId: s.a.id, amountCents: 11_700, costsCents: 1_500, interestCents: 200 },
      { invoiceId: s.b.id, amountCents: 300, costsCents: 0, interestCents: 300 },
    ]);
    const a = await invoiceRow(s.a.id);
    expect(amounts(a)).toEqual({ open: 0, costs: 0, interest: 0, status: settled });
    expect(a.settledAt?.getTime()).toBe(Date.parse(NOW));
    expect(a.nextActionAt).toBeNull();
    expect(amounts(await invoiceRow(s.b.id))).toEqual({ open: 5_000, costs: 0, interest: 0, status: 'open' });

    // Everything that follows a settlement, in the same transaction.
    expect((await activePauses(db(), [s.a.id], { clock: s.clock })).size).toBe(0);
    const [dispute] = await db().select().from(disputes).where(eq(disputes.id, s.disputeId));
    expect(dispute).toMatchObject({ status: 'resolved', outcome: settled === 'paid' ? 'paid' : 'credited_full' });
    expect(eventsFor(booked.paymentId, 'booked')).toHaveLength(1);
    expect(eventsFor(booked.paymentId, 'booked')[0]).toMatchObject({
      source,
      settledInvoiceIds: [s.a.id],
      creditedCents: 0,
    });
    expect(await receivedJobs(booked.paymentId)).toBe(moneyIn ? 1 : 0);
    const audits = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.invoiceId, s.a.id), eq(auditEvents.action, `invoice.${settled}`)));
    expect(audits).toHaveLength(1);
    if (source === 'debtor_credit') expect(await creditOf(s.debtor.id)).toBe(0);

    // The same key (or the same provider report) again books nothing and fires nothing.
    const again = await bookAgain(s, source, booked, 12_000);
    expect(again.changed).toBe(false);
    expect(again.payment.id).toBe(booked.paymentId);
    expect(await allocationsOf(booked.paymentId)).toHaveLength(2);
    expect(eventsFor(booked.paymentId, 'booked')).toHaveLength(1);
    expect(await receivedJobs(booked.paymentId)).toBe(moneyIn ? 1 : 0);
  });

  it('with a choice: the chosen invoices in the order chosen, each up to its cap', async () => {
    const s = await scene();
    const targets = [
      { invoiceId: s.b.id, amountCents: 5_300 },
      { invoiceId: s.a.id, amountCents: 1_000 },
    ];
    const booked = await book(s, source, 6_000, { targets });
    expect((await allocationsOf(booked.paymentId)).sort((x, y) => y.amountCents - x.amountCents)).toEqual([
      { invoiceId: s.b.id, amountCents: 5_300, costsCents: 0, interestCents: 300 },
      { invoiceId: s.a.id, amountCents: 700, costsCents: 700, interestCents: 0 },
    ]);
    expect(amounts(await invoiceRow(s.b.id))).toEqual({ open: 0, costs: 0, interest: 0, status: settled });
    expect(amounts(await invoiceRow(s.a.id))).toEqual({ open: 10_000, costs: 800, interest: 200, status: 'open' });
    // A is still disputed and paused; only B settled.
    expect((await activePauses(db(), [s.a.id], { clock: s.clock })).get(s.a.id)?.sort()).toEqual(['dispute', 'manual']);
    expect(eventsFor(booked.paymentId, 'booked')[0]).toMatchObject({ settledInvoiceIds: [s.b.id] });
  });

  it('what no invoice takes becomes debtor credit, or is refused with nothing written', async () => {
    const s = await scene();
    if (source === 'stripe') {
      // Money that arrived is never refused: it is kept.
      const booked = await book(s, source, 20_000);
      expect(await creditOf(s.debtor.id)).toBe(3_000);
      expect(eventsFor(booked.paymentId, 'booked')[0]).toMatchObject({ creditedCents: 3_000 });
      return;
    }
    const refused = book(s, source, 20_000, { restAsCredit: false });
    await expect(refused).rejects.toMatchObject({ code: 'exceeds_owed', detail: { owedCents: 17_000 } });
    await expect(refused).rejects.toBeInstanceOf(LedgerError);
    expect(await db().select().from(payments).where(eq(payments.organizationId, s.org.id))).toHaveLength(0);
    expect(amounts(await invoiceRow(s.a.id))).toEqual({ open: 10_000, costs: 1_500, interest: 200, status: 'open' });
    expect(events).toHaveLength(0);

    if (source === 'debtor_credit') {
      // Spending credit never makes credit: the rest is refused even when the caller would keep it.
      await expect(book(s, source, 20_000, { restAsCredit: true })).rejects.toMatchObject({ code: 'exceeds_owed' });
      expect(await creditOf(s.debtor.id)).toBe(20_000);
      return;
    }
    const booked = await book(s, source, 20_000, { restAsCredit: true, key: 'second' });
    expect(await creditOf(s.debtor.id)).toBe(3_000);
    const [payment] = await db().select().from(payments).where(eq(payments.id, booked.paymentId));
    expect(payment).toMatchObject({ status: 'paid', amountCents: 20_000, creditedCents: 3_000, provider: source });
    expect(eventsFor(booked.paymentId, 'booked')[0]).toMatchObject({ creditedCents: 3_000 });
    expect((await invoiceRow(s.b.id)).status).toBe(settled);
  });
});

describe('ledger entries: refusals', () => {
  it('debtor credit: less credit than the amount is refused, nothing written', async () => {
    const s = await scene();
    await db().update(debtors).set({ creditCents: 100 }).where(eq(debtors.id, s.debtor.id));
    await expect(
      db().transaction((tx) =>
        recordLedgerEntry(tx, {
          organizationId: s.org.id,
          debtorId: s.debtor.id,
          source: 'debtor_credit',
          amountCents: 500,
          restAsCredit: false,
          key: `${s.org.id}:credit-1`,
          actor: { type: 'debtor', id: s.debtor.id },
        }),
      ),
    ).rejects.toMatchObject({ code: 'insufficient_credit', detail: { creditCents: 100 } });
    expect(await creditOf(s.debtor.id)).toBe(100);
    expect(await db().select().from(payments).where(eq(payments.organizationId, s.org.id))).toHaveLength(0);
  });

  it('never crosses organizations or debtors; bad input is refused before anything is written', async () => {
    const s = await scene();
    const other = await createOrganization();
    const stranger = await createDebtor(other);
    const foreign = await createInvoice(other, stranger);
    const base = {
      organizationId: s.org.id,
      debtorId: s.debtor.id,
      source: 'bank_transfer' as const,
      amountCents: 1_000,
      restAsCredit: true,
      key: `${s.org.id}:x-1`,
      actor: { type: 'system' as const },
    };
    const attempt = (input: Partial<typeof base> & { targets?: { invoiceId: string; amountCents?: number }[] }) =>
      db().transaction((tx) => recordLedgerEntry(tx, { ...base, ...input }));
    await expect(attempt({ targets: [{ invoiceId: foreign.id }] })).rejects.toMatchObject({
      code: 'invoice_not_found',
    });
    await expect(attempt({ debtorId: stranger.id })).rejects.toMatchObject({ code: 'debtor_not_found' });
    await expect(attempt({ amountCents: 0 })).rejects.toMatchObject({ code: 'invalid_entry' });
    await expect(attempt({ amountCents: 10.5 })).rejects.toMatchObject({ code: 'invalid_entry' });
    await expect(attempt({ key: '' })).rejects.toMatchObject({ code: 'invalid_entry' });
    await expect(attempt({ key: 'a\u0000b' })).rejects.toMatchObject({ code: 'invalid_entry' });
    await expect(attempt({ targets: [{ invoiceId: 'not-a-uuid' }] })).rejects.toMatchObject({ code: 'invalid_entry' });
    expect(await db().select().from(payments).where(eq(payments.organizationId, s.org.id))).toHaveLength(0);

    // A key booked for one amount cannot be reused for another.
    await attempt({});
    await expect(attempt({ amountCents: 2_000 })).rejects.toMatchObject({ code: 'key_reused' });
  });

  it('the same key booked concurrently books once', async () => {
    const s = await scene();
    const entry = () =>
      db().transaction((tx) =>
        recordLedgerEntry(tx, {
          organizationId: s.org.id,
          debtorId: s.debtor.id,
          source: 'bank_transfer',
          amountCents: 4_000,
          restAsCredit: true,
          key: `${s.org.id}:bank-line-7`,
          actor: { type: 'system' },
        }),
      );
    const results = await Promise.all([entry(), entry(), entry()]);
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.payment.id)).size).toBe(1);
    expect(await db().select().from(payments).where(eq(payments.organizationId, s.org.id))).toHaveLength(1);
    expect(amounts(await invoiceRow(s.a.id))).toEqual({ open: 7_700, costs: 0, interest: 0, status: 'open' });
  });
});

describe('reversals take the last applied back first and re-open', () => {
  const KINDS = [
    { kind: 'refund', status: 'paid', counter: 'refundedCents', action: 'payment.refunded' },
    { kind: 'chargeback', status: 'charged_back', counter: 'chargedBackCents', action: 'payment.charged_back' },
    { kind: 'returned', status: 'paid', counter: 'refundedCents', action: 'payment.returned' },
  ] as const;

  it.each(KINDS)('$kind of part of a bank transfer', async ({ kind, status, counter, action }) => {
    const s = await scene();
    const booked = await book(s, 'bank_transfer', 12_000);
    s.clock.set('2026-11-23T10:00:00Z');
    const reversed = await db().transaction((tx) =>
      reverseLedgerEntry(
        tx,
        { organizationId: s.org.id, paymentId: booked.paymentId, amountCents: 1_000, kind, actor: { type: 'system' } },
        { clock: s.clock },
      ),
    );
    // B's 300 came last: its interest comes back first; then 700 of A's principal, which re-opens A.
    expect(reversed.allocations).toEqual([
      { invoiceId: s.b.id, amountCents: -300, costsCents: 0, interestCents: -300 },
      { invoiceId: s.a.id, amountCents: -700, costsCents: 0, interestCents: 0 },
    ]);
    expect(reversed.reopenedInvoiceIds).toEqual([s.a.id]);
    const a = await invoiceRow(s.a.id);
    expect(amounts(a)).toEqual({ open: 700, costs: 0, interest: 0, status: 'open' });
    expect(a.settledAt).toBeNull();
    expect(a.nextActionAt!.getTime()).toBeGreaterThanOrEqual(s.clock.now().getTime());
    expect(amounts(await invoiceRow(s.b.id))).toEqual({ open: 5_000, costs: 0, interest: 300, status: 'open' });
    const [payment] = await db().select().from(payments).where(eq(payments.id, booked.paymentId));
    expect(payment).toMatchObject({ status, [counter]: 1_000 });
    expect(eventsFor(booked.paymentId, 'reversed')).toHaveLength(1);
    expect(eventsFor(booked.paymentId, 'reversed')[0]).toMatchObject({
      reopenedInvoiceIds: [s.a.id],
      reversal: { kind, amountCents: 1_000 },
    });
    const audits = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, booked.paymentId), eq(auditEvents.action, action)));
    expect(audits).toHaveLength(1);
  });

  it('a whole returned transfer restores every amount; more than is left is refused', async () => {
    const s = await scene();
    const booked = await book(s, 'bank_transfer', 12_000);
    const reverse = (amountCents: number) =>
      db().transaction((tx) =>
        reverseLedgerEntry(
          tx,
          {
            organizationId: s.org.id,
            paymentId: booked.paymentId,
            amountCents,
            kind: 'returned',
            actor: { type: 'system' },
          },
          { clock: s.clock },
        ),
      );
    await reverse(12_000);
    expect(amounts(await invoiceRow(s.a.id))).toEqual({ open: 10_000, costs: 1_500, interest: 200, status: 'open' });
    expect(amounts(await invoiceRow(s.b.id))).toEqual({ open: 5_000, costs: 0, interest: 300, status: 'open' });
    expect((await db().select().from(payments).where(eq(payments.id, booked.paymentId)))[0].status).toBe('refunded');
    await expect(reverse(1)).rejects.toMatchObject({ code: 'exceeds_reversible', detail: { reversibleCents: 0 } });
    // Another organization cannot reverse it.
    const other = await createOrganization();
    await expect(
      db().transaction((tx) =>
        reverseLedgerEntry(tx, {
          organizationId: other.id,
          paymentId: booked.paymentId,
          amountCents: 1,
          kind: 'refund',
          actor: { type: 'system' },
        }),
      ),
    ).rejects.toMatchObject({ code: 'payment_not_found' });
  });

  it('a refund of a provider payment goes through the same code and the same event', async () => {
    const s = await scene();
    const booked = await book(s, 'stripe', 12_000);
    const result = await recordReversal(booked.paymentId, { kind: 'refund', totalCents: 1_000 }, { clock: s.clock });
    expect(result.reopenedInvoiceIds).toEqual([s.a.id]);
    expect(amounts(await invoiceRow(s.a.id))).toEqual({ open: 700, costs: 0, interest: 0, status: 'open' });
    expect(eventsFor(booked.paymentId, 'reversed')).toHaveLength(1);
  });

  it('giving back the use of credit returns the credit', async () => {
    const s = await scene();
    const booked = await book(s, 'debtor_credit', 2_000);
    expect(await creditOf(s.debtor.id)).toBe(0);
    await db().transaction((tx) =>
      reverseLedgerEntry(
        tx,
        {
          organizationId: s.org.id,
          paymentId: booked.paymentId,
          amountCents: 2_000,
          kind: 'refund',
          actor: { type: 'system' },
        },
        { clock: s.clock },
      ),
    );
    expect(await creditOf(s.debtor.id)).toBe(2_000);
    expect(amounts(await invoiceRow(s.a.id))).toEqual({ open: 10_000, costs: 1_500, interest: 200, status: 'open' });
  });
});

describe('a new total from the creditor (reviseInvoiceAmounts)', () => {
  it('lowering it to what was paid settles the invoice with everything that follows; raising it re-opens', async () => {
    const s = await scene();
    // 1,700 to A's costs and interest, 2,300 to its principal.
    await book(s, 'external', 4_000, { targets: [{ invoiceId: s.a.id }] });
    const revise = (totalCents: number) =>
      db().transaction(async (tx) => {
        const [locked] = await tx.select().from(invoices).where(eq(invoices.id, s.a.id)).for('update');
        return reviseInvoiceAmounts(
          tx,
          { invoice: locked, totalCents, actor: { type: 'api', id: 'key' }, nextActionAtIfReopened: s.clock.now() },
          { clock: s.clock },
        );
      });
    await expect(revise(2_299)).rejects.toMatchObject({ code: 'total_below_paid', detail: { paidCents: 2_300 } });

    const settled = await revise(2_300);
    expect(settled).toMatchObject({ settled: true, reopened: false });
    expect(amounts(await invoiceRow(s.a.id))).toEqual({ open: 0, costs: 0, interest: 0, status: 'paid' });
    expect((await activePauses(db(), [s.a.id], { clock: s.clock })).size).toBe(0);
    expect((await db().select().from(disputes).where(eq(disputes.id, s.disputeId)))[0]).toMatchObject({
      status: 'resolved',
      outcome: 'paid',
    });
    expect(events.filter((e) => e.kind === 'revised')).toEqual([
      expect.objectContaining({ settledInvoiceIds: [s.a.id], reopenedInvoiceIds: [], payment: null }),
    ]);

    const reopened = await revise(3_000);
    expect(reopened).toMatchObject({ settled: false, reopened: true });
    const a = await invoiceRow(s.a.id);
    expect(amounts(a)).toEqual({ open: 700, costs: 0, interest: 0, status: 'open' });
    expect(a.settledAt).toBeNull();
    expect(a.nextActionAt?.getTime()).toBe(s.clock.now().getTime());
    expect(events.filter((e) => e.kind === 'revised')).toHaveLength(2);
  });
});

describe('payment plans hear of money from every source', () => {
  it('a bank transfer quoting a plan invoice counts for the installments in order; a returned one takes it back', async () => {
    const clock = fixedClock('2026-11-23T10:00:00Z');
    const w = await planWorld();
    const ids = w.invoices.map((i) => i.id);
    // Three monthly installments of 15,000 over 45,000.
    const proposed = await proposePlan(
      w.session,
      {
        invoiceIds: ids,
        installmentCount: 3,
        frequency: 'monthly',
        firstDate: '2026-12-01',
        downPaymentCents: 0,
        reason: 'Tijdelijk minder werk',
      },
      { clock },
    );
    if (!proposed.ok) throw new Error('refused');
    const planId = proposed.plan.id;
    const installments = () =>
      db().select().from(planInstallments).where(eq(planInstallments.planId, planId)).orderBy(planInstallments.seq);

    const transfer = await db().transaction((tx) =>
      recordLedgerEntry(
        tx,
        {
          organizationId: w.org.id,
          debtorId: w.debtor.id,
          source: 'bank_transfer',
          amountCents: 20_000,
          targets: [{ invoiceId: ids[0] }],
          restAsCredit: true,
          key: `${w.org.id}:line-1`,
          actor: { type: 'system', id: 'bank' },
        },
        { clock },
      ),
    );
    expect((await installments()).map((i) => [i.status, i.paidCents])).toEqual([
      ['paid', 15_000],
      ['pending', 5_000],
      ['pending', 0],
    ]);
    // The next checkout asks for the rest of installment 2 only.
    const due = await db().transaction((tx) => installmentPaymentIntent(tx, w.session, planId));
    expect(due).toMatchObject({ seq: 2, amountCents: 10_000 });

    await db().transaction((tx) =>
      reverseLedgerEntry(
        tx,
        {
          organizationId: w.org.id,
          paymentId: transfer.payment.id,
          amountCents: 20_000,
          kind: 'returned',
          actor: { type: 'system', id: 'bank' },
        },
        { clock },
      ),
    );
    expect((await installments()).map((i) => [i.status, i.paidCents])).toEqual([
      ['pending', 0],
      ['pending', 0],
      ['pending', 0],
    ]);

    // Settling every plan invoice at once (here: the creditor's own system) completes the plan.
    await db().transaction((tx) =>
      recordLedgerEntry(
        tx,
        {
          organizationId: w.org.id,
          debtorId: w.debtor.id,
          source: 'external',
          amountCents: 45_000,
          restAsCredit: false,
          key: `${w.org.id}:all`,
          actor: { type: 'api', id: 'key' },
        },
        { clock },
      ),
    );
    const [plan] = await db().select().from(paymentPlans).where(eq(paymentPlans.id, planId));
    expect(plan.status).toBe('completed');
  });
});
