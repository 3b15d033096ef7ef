import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { debtors, payments } from '~db/schema';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { createDispute, createPayment, createPlan } from '~test/factories-backoffice';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { liftPauses, pauseInvoices } from '~/modules/dunning/pauses.server';
import { recordLedgerEntry } from '~/modules/ledger/ledger.server';
import { getDashboard } from './dashboard.server';

/**
 * A hand-computed fixture. Today is Monday 2026-11-23 (Amsterdam). Invoices of org A:
 *
 *   inv  issued      due         total    open    state
 *   A    2026-11-10  2026-11-24   100.00  100.00   not due
 *   G    2026-11-09  2026-11-23    10.00   10.00   due today: not overdue
 *   B    2026-10-20  2026-11-03   200.00  150.00   20 days late; 50.00 paid by demo on 2026-11-18
 *   E    2026-09-16  2026-09-30    50.00   50.00   54 days late
 *   C    2026-09-01  2026-09-15   300.00  300.00   69 days late
 *   D    2026-07-01  2026-07-15   400.00  400.00   131 days late
 *   F    2026-10-01  2026-10-15   250.00    0.00   paid by Mollie on 2026-10-20
 */
/** A payment row of any ledger source as the ledger leaves it (the factory knows the common ones). */
async function ledgerRow(
  org: { id: string },
  debtor: { id: string },
  input: {
    provider: (typeof payments.$inferInsert)['provider'];
    amountCents: number;
    paidAt: Date;
    refundedCents?: number;
    status?: (typeof payments.$inferInsert)['status'];
  },
) {
  await getDb()
    .insert(payments)
    .values({
      organizationId: org.id,
      debtorId: debtor.id,
      provider: input.provider,
      providerPaymentId: `test-${crypto.randomUUID()}`,
      amountCents: input.amountCents,
      refundedCents: input.refundedCents ?? 0,
      status: input.status ?? 'paid',
      paidAt: input.paidAt,
      createdAt: input.paidAt,
    });
}

async function fixture() {
  const clock = fixedClock('2026-11-23T10:00:00Z');
  const org = await createOrganization();
  const other = await createOrganization();
  const d1 = await createDebtor(org, { kind: 'consumer', name: 'Anna Consument' });
  const d2 = await createDebtor(org, { kind: 'business', name: 'Bedrijf B.V.' });
  const inv = async (debtor: typeof d1, issueDate: string, dueDate: string, totalCents: number, extra = {}) =>
    createInvoice(org, debtor, { issueDate, dueDate, totalCents, openCents: totalCents, ...extra });
  const A = await inv(d1, '2026-11-10', '2026-11-24', 10_000);
  const G = await inv(d2, '2026-11-09', '2026-11-23', 1_000);
  const B = await inv(d1, '2026-10-20', '2026-11-03', 20_000, { openCents: 15_000 });
  const E = await inv(d2, '2026-09-16', '2026-09-30', 5_000);
  const C = await inv(d2, '2026-09-01', '2026-09-15', 30_000);
  const D = await inv(d1, '2026-07-01', '2026-07-15', 40_000);
  const F = await inv(d2, '2026-10-01', '2026-10-15', 25_000, {
    openCents: 0,
    status: 'paid',
    settledAt: new Date('2026-10-20T10:00:00Z'),
    nextActionAt: null,
  });
  await createPayment(org, d1, {
    amountCents: 5_000,
    provider: 'demo',
    paidAt: new Date('2026-11-18T12:00:00Z'),
    allocations: [{ invoice: B, amountCents: 5_000 }],
  });
  await createPayment(org, d2, {
    amountCents: 25_000,
    provider: 'mollie',
    paidAt: new Date('2026-10-20T10:00:00Z'),
    allocations: [{ invoice: F, amountCents: 25_000 }],
  });
  // Counted per week: a Stripe payment of 30.00 with 10.00 refunded (week 47), a bank transfer
  // from a statement (week 47) and an external settlement (week 46). Not counted: a failed demo
  // payment, a returned transfer, credit notes, write-offs and spent debtor credit (no money came
  // in), and another organization's payment.
  await createPayment(org, d2, {
    amountCents: 3_000,
    refundedCents: 1_000,
    provider: 'stripe',
    paidAt: new Date('2026-11-19T08:00:00Z'),
  });
  await createPayment(org, d2, {
    amountCents: 7_000,
    provider: 'bank_transfer',
    paidAt: new Date('2026-11-17T08:00:00Z'),
  });
  await createPayment(org, d1, { amountCents: 9_999, provider: 'demo', status: 'failed' });
  await ledgerRow(org, d1, { provider: 'external', amountCents: 4_000, paidAt: new Date('2026-11-12T09:00:00Z') });
  await ledgerRow(org, d2, {
    provider: 'bank_transfer',
    amountCents: 8_800,
    refundedCents: 8_800,
    status: 'refunded',
    paidAt: new Date('2026-11-16T09:00:00Z'),
  });
  for (const provider of ['credit_note', 'write_off', 'debtor_credit'] as const) {
    await ledgerRow(org, d1, { provider, amountCents: 6_000, paidAt: new Date('2026-11-18T09:00:00Z') });
  }

  // Another organization: must never show up.
  const od = await createDebtor(other);
  const oi = await createInvoice(other, od, {
    issueDate: '2026-06-01',
    dueDate: '2026-06-15',
    totalCents: 9_999_900,
    openCents: 9_999_900,
  });
  await createPayment(other, od, { amountCents: 50_000, provider: 'demo', paidAt: new Date('2026-11-18T12:00:00Z') });
  await createPlan(other, od, { status: 'proposed', totalCents: 1_000 });
  await createDispute(other, od, oi, { status: 'open', createdAt: new Date('2026-11-01T10:00:00Z') });
  await getDb()
    .update(debtors)
    .set({ flaggedAt: new Date('2026-11-20T10:00:00Z'), flaggedReason: 'collection' })
    .where(eq(debtors.id, od.id));

  // Pauses: A manual; B manual and dispute; C a lifted pause; D a pause that ended by itself.
  const db = getDb();
  const staff = { type: 'system' as const };
  await pauseInvoices(
    db,
    { organizationId: org.id, invoiceIds: [A.id, B.id], reason: 'manual', actor: staff },
    { clock },
  );
  await pauseInvoices(db, { organizationId: org.id, invoiceIds: [B.id], reason: 'dispute', actor: staff }, { clock });
  const src = crypto.randomUUID();
  await pauseInvoices(
    db,
    { organizationId: org.id, invoiceIds: [C.id], reason: 'payment_plan', sourceId: src, actor: staff },
    { clock },
  );
  await liftPauses(db, { organizationId: org.id, sourceId: src, liftedReason: 'test', actor: staff }, { clock });
  await pauseInvoices(
    db,
    {
      organizationId: org.id,
      invoiceIds: [D.id],
      reason: 'promise_to_pay',
      until: new Date('2026-11-20T00:00:00Z'),
      actor: staff,
    },
    { clock: fixedClock('2026-11-10T10:00:00Z') },
  );

  // Queues: one proposal waiting (and an active plan that is not); an open dispute past the 48 h
  // target, one awaiting support within it, and a resolved one.
  await createPlan(org, d1, { status: 'proposed', totalCents: 30_000 });
  await createPlan(org, d2, { status: 'active', totalCents: 12_000 });
  await createDispute(org, d1, B, { status: 'open', createdAt: new Date('2026-11-20T10:00:00Z') });
  await createDispute(org, d2, C, {
    status: 'awaiting_support',
    createdAt: new Date('2026-11-10T09:00:00Z'),
    lastDebtorMessageAt: new Date('2026-11-23T09:00:00Z'),
  });
  await createDispute(org, d2, E, { status: 'resolved', createdAt: new Date('2026-10-01T09:00:00Z') });

  await db
    .update(debtors)
    .set({
      flaggedAt: new Date('2026-11-21T10:00:00Z'),
      flaggedReason: 'email_bounced',
      emailBlockedAt: new Date('2026-11-21T10:00:00Z'),
    })
    .where(eq(debtors.id, d1.id));
  return { clock, org, d1, d2, invoices: { A, B, C, D, E, F, G } };
}

describe('dashboard figures', () => {
  it('matches the hand-computed fixture: totals, ageing, DSO, collections, pauses, queues, flags', async () => {
    const { clock, org, d1 } = await fixture();
    const d = await getDashboard(org.id, { clock });
    expect(d.today).toBe('2026-11-23');

    // 100 + 10 + 150 + 50 + 300 + 400 = 1,010.00 open; overdue excludes A (not due) and G (due today).
    expect(d.outstanding).toEqual({ cents: 101_000, count: 6 });
    expect(d.overdue).toEqual({ cents: 90_000, count: 4, debtors: 2 });

    expect(d.ageing).toEqual([
      { bucket: 'not_due', count: 2, cents: 11_000 },
      { bucket: 'd1_30', count: 1, cents: 15_000 },
      { bucket: 'd31_60', count: 1, cents: 5_000 },
      { bucket: 'd61_90', count: 1, cents: 30_000 },
      { bucket: 'd90_plus', count: 1, cents: 40_000 },
    ]);

    // DSO = receivables at the end of the day / sales in the 3 months before × days in them.
    expect(d.dso.map((p) => p.day)).toEqual([
      '2025-12-31',
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
      '2026-06-30',
      '2026-07-31',
      '2026-08-31',
      '2026-09-30',
      '2026-10-31',
      '2026-11-23',
    ]);
    const at = (day: string) => d.dso.find((p) => p.day === day)!;
    expect(at('2026-06-30')).toMatchObject({ salesCents: 0, dso: null });
    // Only D issued (1 July): 400 / 400 × 92 days (1 May – 31 July).
    expect(at('2026-07-31')).toMatchObject({ windowDays: 92, salesCents: 40_000, receivablesCents: 40_000, dso: 92 });
    // D, C, E issued and open: 750 / 750 × 92.
    expect(at('2026-09-30')).toMatchObject({ windowDays: 92, salesCents: 75_000, receivablesCents: 75_000, dso: 92 });
    // Window 1 Aug – 31 Oct: sales C, E, F, B = 300 + 50 + 250 + 200 = 800. Receivables: B 200 (paid
    // in part only on 18 Nov), C 300, D 400, E 50; F settled on 20 Oct: 950. 950 / 800 × 92 = 109.25.
    expect(at('2026-10-31')).toMatchObject({
      windowDays: 92,
      salesCents: 80_000,
      receivablesCents: 95_000,
      dso: 109.3,
    });
    // Today: window 24 Aug – 23 Nov: sales 300 + 50 + 250 + 200 + 10 + 100 = 910; receivables
    // 100 + 150 + 300 + 400 + 50 + 10 = 1,010. 1,010 / 910 × 92 = 102.11.
    expect(at('2026-11-23')).toMatchObject({
      windowDays: 92,
      salesCents: 91_000,
      receivablesCents: 101_000,
      dso: 102.1,
    });

    // ISO weeks 2026-W37 (7 Sep) to 2026-W48 (this week, 23 Nov).
    expect(d.collected).toHaveLength(12);
    expect(d.collected[0]).toMatchObject({ week: '2026-W37', weekStart: '2026-09-07' });
    expect(d.collected[11]).toMatchObject({ week: '2026-W48', weekStart: '2026-11-23', cents: 0 });
    const week = (w: string) => d.collected.find((x) => x.week === w)!;
    // Week 47: demo 50.00 + Stripe 30.00 − 10.00 refunded + a bank transfer of 70.00.
    expect(week('2026-W47')).toEqual({
      week: '2026-W47',
      weekStart: '2026-11-16',
      cents: 14_000,
      count: 3,
      portalCents: 7_000,
      bankCents: 7_000,
      externalCents: 0,
    });
    expect(week('2026-W46')).toMatchObject({ cents: 4_000, count: 1, portalCents: 0, externalCents: 4_000 });
    expect(week('2026-W43')).toMatchObject({ cents: 25_000, count: 1, portalCents: 25_000 });
    expect(d.collected.reduce((s, w) => s + w.cents, 0)).toBe(43_000);
    for (const w of d.collected) expect(w.portalCents + w.bankCents + w.externalCents).toBe(w.cents);

    expect(d.paused.byReason).toEqual([
      { reason: 'dispute', count: 1, cents: 15_000 },
      { reason: 'manual', count: 2, cents: 25_000 },
    ]);
    expect(d.paused).toMatchObject({ invoices: 2, cents: 25_000 });

    expect(d.plansAwaiting).toEqual({ count: 1, cents: 30_000 });
    expect(d.disputesAwaiting).toEqual({ count: 2, pastTarget: 1 });

    expect(d.flagged.count).toBe(1);
    expect(d.flagged.debtors).toEqual([
      {
        id: d1.id,
        name: 'Anna Consument',
        flaggedAt: '2026-11-21T10:00:00.000Z',
        flaggedReason: 'email_bounced',
        emailBlocked: true,
        overdueCents: 55_000,
      },
    ]);
  });

  it('is empty, not broken, for an organization without data', async () => {
    const org = await createOrganization();
    const d = await getDashboard(org.id, { clock: fixedClock('2026-03-15T12:00:00Z') });
    expect(d.outstanding).toEqual({ cents: 0, count: 0 });
    expect(d.ageing.every((a) => a.cents === 0 && a.count === 0)).toBe(true);
    expect(d.dso).toHaveLength(12);
    expect(d.dso.every((p) => p.dso === null)).toBe(true);
    expect(d.dso.at(-1)?.day).toBe('2026-03-15');
    expect(d.dso.at(-2)?.day).toBe('2026-02-28');
    expect(d.collected.map((w) => w.cents)).toEqual(Array(12).fill(0));
    expect(d.paused).toEqual({ byReason: [], invoices: 0, cents: 0 });
    expect(d.flagged).toEqual({ count: 0, debtors: [] });
  });

  it('takes "today" in Amsterdam: late on 31 Oct UTC is already November there', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    await createInvoice(org, debtor, {
      issueDate: '2026-10-01',
      dueDate: '2026-10-31',
      totalCents: 5_000,
      openCents: 5_000,
    });
    const d = await getDashboard(org.id, { clock: fixedClock('2026-10-31T23:30:00Z') });
    expect(d.today).toBe('2026-11-01');
    expect(d.ageing.find((a) => a.bucket === 'd1_30')).toMatchObject({ count: 1, cents: 5_000 });
  });
});

describe('collections and the ledger', () => {
  it('counts transfers and external settlements booked through the ledger, not credit notes or write-offs', async () => {
    const clock = fixedClock('2026-11-23T10:00:00Z');
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const invoice = (totalCents: number) =>
      createInvoice(org, debtor, { issueDate: '2026-10-01', dueDate: '2026-10-15', totalCents, openCents: totalCents });
    const [a, b, c, d] = [await invoice(10_000), await invoice(20_000), await invoice(30_000), await invoice(40_000)];
    const book = (
      source: 'bank_transfer' | 'external' | 'credit_note' | 'write_off',
      target: { id: string },
      amountCents: number,
      at: string,
    ) =>
      getDb().transaction((tx) =>
        recordLedgerEntry(
          tx,
          {
            organizationId: org.id,
            debtorId: debtor.id,
            source,
            amountCents,
            targets: [{ invoiceId: target.id }],
            restAsCredit: source === 'bank_transfer',
            key: `${source}-${target.id}`,
            actor: { type: 'system' },
          },
          { clock: fixedClock(at) },
        ),
      );
    // A transfer of 120.00 on a 100.00 invoice: all of it was received (20.00 is kept as credit).
    await book('bank_transfer', a, 12_000, '2026-11-17T09:00:00Z');
    await book('external', b, 20_000, '2026-11-18T09:00:00Z');
    await book('credit_note', c, 30_000, '2026-11-18T09:00:00Z');
    await book('write_off', d, 40_000, '2026-11-19T09:00:00Z');

    const dash = await getDashboard(org.id, { clock });
    const week = dash.collected.find((w) => w.week === '2026-W47')!;
    expect(week).toMatchObject({ cents: 32_000, count: 2, portalCents: 0, bankCents: 12_000, externalCents: 20_000 });
    expect(dash.collected.reduce((s, w) => s + w.cents, 0)).toBe(32_000);
  });
});
