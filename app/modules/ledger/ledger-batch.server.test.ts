/**
 * recordLedgerEntries books a batch exactly as recordLedgerEntry books its inputs one by one: two
 * twin worlds are built with the factories, one gets the inputs one by one, the other as one batch,
 * and everything the ledger and its subscribers leave behind is compared (ids replaced by names):
 * the results, the invoices, the allocations, the debtors' credit, the payments, the audit rows,
 * the email jobs, the events, the pauses, the disputes, the transfer notices and the plan's
 * installments. The inputs cover several lines paying one invoice, an over-payment becoming credit,
 * spending that credit, a refusal of each kind, and keys repeated inside the batch and from an
 * earlier booking.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  auditEvents,
  debtors,
  disputeMessages,
  disputes,
  dunningPauses,
  invoices,
  paymentAllocations,
  payments,
  planInstallments,
  transferNotices,
} from '~db/schema';
import { createDebtor, createInvoice, createOrganization, createStaff } from '~test/factories';
import { sessionOf, TEST_PLAN_POLICY } from '~test/factories-plans';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { announceTransfer } from '~/modules/bank/transfer-notices.server';
import { openDispute } from '~/modules/disputes/debtor.server';
import { pauseInvoices } from '~/modules/dunning/pauses.server';
import { proposePlan } from '~/modules/plans/debtor.server';
import {
  LedgerError,
  LedgerPlanStale,
  offLedgerEvent,
  onLedgerEvent,
  PAYMENT_RECEIVED_TASK,
  prepareLedgerEntries,
  recordLedgerEntries,
  recordLedgerEntry,
  type LedgerEntryInput,
  type LedgerEntryOutcome,
  type LedgerEvent,
} from './ledger.server';

const db = () => getDb();
/** A Friday, 11:00 in Amsterdam. */
const NOW = '2026-11-20T10:00:00Z';
const clock = fixedClock(NOW);

let events: LedgerEvent[] = [];
beforeEach(() => {
  events = [];
  onLedgerEvent('batch-test-recorder', async (_tx, event) => {
    events.push(event);
  });
});
afterEach(() => offLedgerEvent('batch-test-recorder'));

/**
 * One creditor with five debtors:
 * - d1: A (10,000 + 1,500 costs + 200 interest, older; paused by hand, disputed) and B (5,000 + 300
 *   interest; a transfer notice waits on it);
 * - d2: C (8,000), of which 2,000 was settled earlier (key `early`);
 * - d3: D (3,000);
 * - d4: a running payment plan over E (30,000) and F (15,000), three installments of 15,000;
 * - d5: G (1,000), nothing else.
 */
async function world() {
  const org = await createOrganization({ planPolicy: TEST_PLAN_POLICY });
  await createStaff(org, 'finance', { email: `finance-${org.id.slice(0, 8)}@test.example` });
  const [d1, d2, d3, d4, d5] = [
    await createDebtor(org),
    await createDebtor(org),
    await createDebtor(org),
    await createDebtor(org, { locale: 'en' }),
    await createDebtor(org),
  ];
  const A = await createInvoice(org, d1, {
    totalCents: 10_000,
    costsCents: 1_500,
    interestCents: 200,
    dueDate: '2026-09-01',
    dunningStage: 2,
  });
  const B = await createInvoice(org, d1, { totalCents: 5_000, interestCents: 300, dueDate: '2026-10-01' });
  const C = await createInvoice(org, d2, { totalCents: 8_000, dueDate: '2026-10-05' });
  const D = await createInvoice(org, d3, { totalCents: 3_000, dueDate: '2026-10-07' });
  const E = await createInvoice(org, d4, { totalCents: 30_000, dueDate: '2026-10-01', dunningStage: 1 });
  const F = await createInvoice(org, d4, { totalCents: 15_000, dueDate: '2026-10-20' });
  const G = await createInvoice(org, d5, { totalCents: 1_000, dueDate: '2026-10-20' });
  await db().transaction((tx) =>
    pauseInvoices(
      tx,
      { organizationId: org.id, invoiceIds: [A.id], reason: 'manual', actor: { type: 'system' } },
      { clock },
    ),
  );
  const dispute = await openDispute(
    { organizationId: org.id, debtorId: d1.id },
    { invoiceId: A.id, amountCents: null, reason: 'quality', message: 'Niet goed.', files: [] },
    { clock },
  );
  if (!dispute.ok) throw new Error(dispute.error);
  const notice = await announceTransfer(
    { organizationId: org.id, debtorId: d1.id, organization: { portalSettings: org.portalSettings } },
    { invoiceIds: [B.id], transferredOn: '2026-11-19', amountCents: 1_000 },
    { clock },
  );
  if (!notice.ok) throw new Error(JSON.stringify(notice.errors));
  const plan = await proposePlan(
    sessionOf(org, d4),
    {
      invoiceIds: [E.id, F.id],
      installmentCount: 3,
      frequency: 'monthly',
      firstDate: '2026-12-01',
      downPaymentCents: 0,
      reason: 'Tijdelijk minder werk',
    },
    { clock },
  );
  if (!plan.ok) throw new Error('plan refused');
  const w = { org, d1, d2, d3, d4, d5, A, B, C, D, E, F, G };
  // Booked before the batch: 2,000 on C.
  await db().transaction((tx) =>
    recordLedgerEntry(tx, input(w, 'early', 'external', w.d2.id, 2_000, [w.C.id]), { clock }),
  );
  return { ...w, disputeId: dispute.disputeId, noticeId: notice.notice.id, planId: plan.plan.id };
}
type World = Awaited<ReturnType<typeof world>>;

function input(
  w: Pick<World, 'org'>,
  key: string,
  source: LedgerEntryInput['source'],
  debtorId: string,
  amountCents: number,
  targets?: string[],
  restAsCredit = true,
): LedgerEntryInput {
  return {
    organizationId: w.org.id,
    debtorId,
    source,
    amountCents,
    ...(targets ? { targets: targets.map((invoiceId) => ({ invoiceId })) } : {}),
    restAsCredit,
    key: `${w.org.id}:${key}`,
    reference: `REF-${key}`,
    method: source === 'bank_transfer' ? 'bank_transfer' : null,
    actor: { type: 'system', id: 'batch-test' },
    origin: { kind: 'bank_entry', id: `${key}` },
  };
}

/** The batch, in order. Comments say what one-by-one booking makes of each. */
function inputs(w: World): LedgerEntryInput[] {
  return [
    // 1. A part payment of A: costs 1,500, interest 200, principal 3,300.
    input(w, 'l1', 'bank_transfer', w.d1.id, 5_000, [w.A.id]),
    // 2. A again: the 6,700 it still owes settles it (pause lifted, dispute closed); 2,300 becomes credit.
    input(w, 'l2', 'bank_transfer', w.d1.id, 9_000, [w.A.id]),
    // 3. No choice: the oldest open invoice of d1 is now B (interest 300, principal 700); its transfer notice is received.
    input(w, 'l3', 'bank_transfer', w.d1.id, 1_000),
    // 4. More than C owes (6,000) with no credit allowed: exceeds_owed, nothing written.
    input(w, 'l4', 'external', w.d2.id, 7_000, [w.C.id], false),
    // 5. The key booked before the batch: its first result, changed: false.
    input(w, 'early', 'external', w.d2.id, 2_000, [w.C.id]),
    // 6. The key of line 2 again: line 2's result (A settled), changed: false.
    input(w, 'l2', 'bank_transfer', w.d1.id, 9_000, [w.A.id]),
    // 7. d1 spends 2,000 of the 2,300 credit line 2 left: B (owing 4,300) gets it.
    input(w, 'l7', 'debtor_credit', w.d1.id, 2_000, undefined, false),
    // 8. Not a valid amount: invalid_entry.
    input(w, 'l8', 'external', w.d1.id, 0),
    // 9. A credit note for what C owes: C credited.
    input(w, 'l9', 'credit_note', w.d2.id, 6_000, [w.C.id], false),
    // 10. A write-off of D, no choice made.
    input(w, 'l10', 'write_off', w.d3.id, 3_000),
    // 11. Line 1's key with another amount: key_reused.
    input(w, 'l1', 'bank_transfer', w.d1.id, 4_000, [w.A.id]),
    // 12. d3 has no credit: insufficient_credit.
    input(w, 'l12', 'debtor_credit', w.d3.id, 500, undefined, false),
    // 13. C is not an invoice of d1: invoice_not_found.
    input(w, 'l13', 'bank_transfer', w.d1.id, 500, [w.C.id]),
    // 14. The plan's invoice E by transfer: counts for installment 1 (15,000) and 5,000 of installment 2.
    input(w, 'l14', 'bank_transfer', w.d4.id, 20_000, [w.E.id]),
    // 15. d5 pays G twice over: G paid, 1,000 credit; then spends 600 of it with no open invoice left: exceeds_owed.
    input(w, 'l15', 'bank_transfer', w.d5.id, 2_000, [w.G.id]),
    input(w, 'l16', 'debtor_credit', w.d5.id, 600, undefined, false),
    // 17. A third line for A (settled by line 2): all of it becomes credit.
    input(w, 'l17', 'bank_transfer', w.d1.id, 700, [w.A.id]),
  ];
}

/** Replaces every id of this world by a name, so two worlds can be compared. */
async function namer(w: World) {
  const names = new Map<string, string>([
    [w.org.id, 'org'],
    [w.disputeId, 'dispute'],
    [w.noticeId, 'notice'],
    [w.planId, 'plan'],
  ]);
  for (const k of ['d1', 'd2', 'd3', 'd4', 'd5', 'A', 'B', 'C', 'D', 'E', 'F', 'G'] as const) names.set(w[k].id, k);
  const numbers = new Map((['A', 'B', 'C', 'D', 'E', 'F', 'G'] as const).map((k) => [w[k].number, `number:${k}`]));
  const pays = await db().select().from(payments).where(eq(payments.organizationId, w.org.id));
  for (const p of pays) names.set(p.id, `payment:${p.providerPaymentId?.replace(`${w.org.id}:`, '')}`);
  const installments = await db().select().from(planInstallments).where(eq(planInstallments.planId, w.planId));
  for (const i of installments) names.set(i.id, `installment:${i.seq}`);
  const messages = await db().select().from(disputeMessages).where(eq(disputeMessages.disputeId, w.disputeId));
  messages.forEach((m, n) => names.set(m.id, `dispute-message:${n}`));
  const pauses = await db().select().from(dunningPauses).where(eq(dunningPauses.organizationId, w.org.id));
  for (const p of pauses) names.set(p.id, `pause:${names.get(p.invoiceId)}:${p.reason}`);
  return (value: unknown): unknown =>
    JSON.parse(
      JSON.stringify(value ?? null)
        .replace(
          /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
          (id) => names.get(id) ?? `unknown-id`,
        )
        .replace(/T-[0-9a-z-]+/g, (number) => numbers.get(number) ?? number),
    ) as unknown;
}

const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

/** Everything the ledger and its subscribers leave behind in a world, with names for ids (lists sorted by them). */
async function state(w: World, outcomes: LedgerEntryOutcome[]) {
  const name = await namer(w);
  const named = <T>(rows: T[]) => (name(rows) as unknown[]).sort(byJson);
  const org = w.org.id;
  const ownPayments = await db().select().from(payments).where(eq(payments.organizationId, org));
  const paymentIds = ownPayments.map((p) => p.id);
  return {
    results: outcomes.map((o) =>
      o.ok
        ? name({
            changed: o.result.changed,
            payment: {
              id: o.result.payment.id,
              amount: o.result.payment.amountCents,
              credited: o.result.payment.creditedCents,
            },
            allocations: named(o.result.allocations),
            creditedCents: o.result.creditedCents,
            settled: named(o.result.settledInvoiceIds),
          })
        : name({ error: o.error.code, message: o.error.message, detail: o.error.detail }),
    ),
    invoices: named(
      (await db().select().from(invoices).where(eq(invoices.organizationId, org))).map((i) => ({
        id: i.id,
        open: i.openCents,
        costs: i.costsCents,
        interest: i.interestCents,
        status: i.status,
        settledAt: i.settledAt,
        nextActionAt: i.nextActionAt,
        // The ledger writes its clock's moment; the factories' setup wrote the wall clock's.
        updatedAt: i.updatedAt.getTime() === Date.parse(NOW) ? 'now' : 'setup',
      })),
    ),
    payments: named(ownPayments.map(({ createdAt: _c, ...p }) => p)),
    allocations: named(
      (await db().select().from(paymentAllocations).where(eq(paymentAllocations.organizationId, org))).map(
        ({ id: _id, ...a }) => a,
      ),
    ),
    credit: named(
      await db()
        .select({ id: debtors.id, credit: debtors.creditCents })
        .from(debtors)
        .where(eq(debtors.organizationId, org)),
    ),
    audit: named(
      (await db().select().from(auditEvents).where(eq(auditEvents.organizationId, org))).map(({ id: _id, ...e }) => e),
    ),
    jobs: named([
      ...(await db().execute<{
        key: string;
        payload: unknown;
        max_attempts: number;
        priority: number;
        queue: string | null;
      }>(
        sql`select j.key, j.payload, j.max_attempts, j.priority, j.job_queue_id::text as queue
            from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
            where t.identifier = ${PAYMENT_RECEIVED_TASK}
              and j.key = any(${`{${paymentIds.map((id) => `payment_received:${id}`).join(',')}}`}::text[])`,
      )),
    ]),
    // In the order they were delivered.
    events: name(
      events
        .filter((e) => e.organizationId === org)
        .map((e) => ({ ...e, payment: e.payment ? { id: e.payment.id, amount: e.payment.amountCents } : null })),
    ),
    pauses: named(await db().select().from(dunningPauses).where(eq(dunningPauses.organizationId, org))),
    disputes: named(
      (await db().select().from(disputes).where(eq(disputes.organizationId, org))).map((d) => ({
        id: d.id,
        status: d.status,
        outcome: d.outcome,
        resolvedAt: d.resolvedAt,
        updatedAt: d.updatedAt,
      })),
    ),
    notices: named(
      (await db().select().from(transferNotices).where(eq(transferNotices.organizationId, org))).map((n) => ({
        id: n.id,
        status: n.status,
        resolvedAt: n.resolvedAt,
      })),
    ),
    installments: named(
      (await db().select().from(planInstallments).where(eq(planInstallments.planId, w.planId))).map((i) => ({
        id: i.id,
        status: i.status,
        paid: i.paidCents,
        paidAt: i.paidAt,
      })),
    ),
  };
}

/** The inputs one by one, as callers of recordLedgerEntry book them (a refusal writes nothing). */
async function oneByOne(w: World): Promise<LedgerEntryOutcome[]> {
  const outcomes: LedgerEntryOutcome[] = [];
  await db().transaction(async (tx) => {
    for (const entry of inputs(w)) {
      try {
        outcomes.push({ ok: true, result: await recordLedgerEntry(tx, entry, { clock }) });
      } catch (error) {
        if (!(error instanceof LedgerError)) throw error;
        outcomes.push({ ok: false, error });
      }
    }
  });
  return outcomes;
}

describe('recordLedgerEntries', () => {
  it('leaves exactly what booking the same inputs one by one leaves', async () => {
    const single = await world();
    const batch = await world();
    events = [];

    const expected = await oneByOne(single);
    const outcomes = await db().transaction((tx) => recordLedgerEntries(tx, inputs(batch), { clock }));

    const want = await state(single, expected);
    const got = await state(batch, outcomes);
    expect(got).toEqual(want);
    // Every id was named (an unnamed one would compare equal blindly).
    expect(JSON.stringify(want)).not.toContain('unknown-id');

    // And what that is, in the batch's own terms.
    const results = outcomes.map((o) => (o.ok ? (o.result.changed ? 'booked' : 'repeat') : o.error.code));
    expect(results).toEqual([
      'booked',
      'booked',
      'booked',
      'exceeds_owed',
      'repeat',
      'repeat',
      'booked',
      'invalid_entry',
      'booked',
      'booked',
      'key_reused',
      'insufficient_credit',
      'invoice_not_found',
      'booked',
      'booked',
      'exceeds_owed',
      'booked',
    ]);
    const row = async (id: string) => (await db().select().from(invoices).where(eq(invoices.id, id)))[0];
    expect(await row(batch.A.id)).toMatchObject({ openCents: 0, costsCents: 0, interestCents: 0, status: 'paid' });
    expect(await row(batch.B.id)).toMatchObject({ openCents: 2_300, interestCents: 0, status: 'open' });
    expect(await row(batch.C.id)).toMatchObject({ openCents: 0, status: 'credited' });
    expect(await row(batch.D.id)).toMatchObject({ openCents: 0, status: 'written_off' });
    expect(await row(batch.G.id)).toMatchObject({ openCents: 0, status: 'paid' });
    // Credit: d1 2,300 - 2,000 + 700; d5 1,000.
    const credit = await db()
      .select({ id: debtors.id, credit: debtors.creditCents })
      .from(debtors)
      .where(inArray(debtors.id, [batch.d1.id, batch.d5.id]));
    expect(Object.fromEntries(credit.map((c) => [c.id === batch.d1.id ? 'd1' : 'd5', c.credit]))).toEqual({
      d1: 1_000,
      d5: 1_000,
    });
    // The repeat of line 2 reports what line 2 settled.
    const repeat = outcomes[5];
    expect(repeat.ok && repeat.result.settledInvoiceIds).toEqual([batch.A.id]);
    const [dispute] = await db().select().from(disputes).where(eq(disputes.id, batch.disputeId));
    expect(dispute.status).not.toBe('open');
    const [notice] = await db().select().from(transferNotices).where(eq(transferNotices.id, batch.noticeId));
    expect(notice.status).toBe('received');
    expect(
      (
        await db()
          .select()
          .from(planInstallments)
          .where(eq(planInstallments.planId, batch.planId))
          .orderBy(planInstallments.seq)
      ).map((i) => [i.status, i.paidCents]),
    ).toEqual([
      ['paid', 15_000],
      ['pending', 5_000],
      ['pending', 0],
    ]);
    // One email job per money-in booking (lines 1, 2, 3, 14, 15, 17; not the credit note, write-off or spent credit).
    const jobs = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from graphile_worker.jobs j join payments p on j.key = 'payment_received:' || p.id::text
          where p.organization_id = ${batch.org.id} and p.provider_payment_id <> ${`${batch.org.id}:early`}`,
    );
    expect(jobs[0].n).toBe(6);
  });

  it('a second batch with the same keys books nothing and answers the first results', async () => {
    const w = await world();
    const first = await db().transaction((tx) => recordLedgerEntries(tx, inputs(w), { clock }));
    const counts = async () => ({
      payments: (await db().select().from(payments).where(eq(payments.organizationId, w.org.id))).length,
      allocations: (await db().select().from(paymentAllocations).where(eq(paymentAllocations.organizationId, w.org.id)))
        .length,
      audit: (await db().select().from(auditEvents).where(eq(auditEvents.organizationId, w.org.id))).length,
    });
    const before = await counts();
    events = [];
    const again = await db().transaction((tx) => recordLedgerEntries(tx, inputs(w), { clock }));
    expect(await counts()).toEqual(before);
    expect(events.filter((e) => e.organizationId === w.org.id)).toEqual([]);
    again.forEach((outcome, index) => {
      const was = first[index];
      if (was.ok && outcome.ok) {
        expect(outcome.result.changed).toBe(false);
        expect(outcome.result.payment.id).toBe(was.result.payment.id);
        expect([...outcome.result.allocations].sort(byJson)).toEqual([...was.result.allocations].sort(byJson));
      }
    });
    // A booked line is a repeat now; the refusals refuse again.
    expect(again.map((o) => (o.ok ? 'repeat' : o.error.code))).toEqual([
      'repeat',
      'repeat',
      'repeat',
      'exceeds_owed',
      'repeat',
      'repeat',
      'repeat',
      'invalid_entry',
      'repeat',
      'repeat',
      'key_reused',
      'insufficient_credit',
      'invoice_not_found',
      'repeat',
      'repeat',
      'exceeds_owed',
      'repeat',
    ]);
  });

  it('an empty batch, or one of refusals only, writes nothing', async () => {
    const w = await world();
    expect(await db().transaction((tx) => recordLedgerEntries(tx, [], { clock }))).toEqual([]);
    const refused = await db().transaction((tx) =>
      recordLedgerEntries(
        tx,
        [input(w, 'x1', 'external', w.d1.id, -5), input(w, 'x2', 'external', w.d2.id, 9_000, [w.C.id], false)],
        { clock },
      ),
    );
    expect(refused.map((o) => (o.ok ? 'booked' : o.error.code))).toEqual(['invalid_entry', 'exceeds_owed']);
    const [{ n }] = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from payments where organization_id = ${w.org.id} and provider_payment_id like ${'%:x%'}`,
    );
    expect(n).toBe(0);
  });

  it('another creditor’s invoice or debtor is refused, never booked', async () => {
    const w = await world();
    const other = await createOrganization();
    const stranger = await createDebtor(other);
    const theirs = await createInvoice(other, stranger, { totalCents: 1_000 });
    const outcomes = await db().transaction((tx) =>
      recordLedgerEntries(
        tx,
        [
          input(w, 'y1', 'bank_transfer', w.d1.id, 1_000, [theirs.id]),
          input(w, 'y2', 'bank_transfer', stranger.id, 1_000),
          input(w, 'y3', 'bank_transfer', w.d5.id, 1_000, [w.G.id]),
        ],
        { clock },
      ),
    );
    expect(outcomes.map((o) => (o.ok ? 'booked' : o.error.code))).toEqual([
      'invoice_not_found',
      'debtor_not_found',
      'booked',
    ]);
    const [untouched] = await db()
      .select()
      .from(invoices)
      .where(and(eq(invoices.id, theirs.id)));
    expect(untouched).toMatchObject({ openCents: 1_000, status: 'open' });
  });
});

describe('prepareLedgerEntries (a batch planned ahead, booked later)', () => {
  /** What a world's ledger tables hold, to see that a refused plan wrote nothing. */
  const counts = async (w: World) => ({
    payments: (await db().select().from(payments).where(eq(payments.organizationId, w.org.id))).length,
    allocations: (await db().select().from(paymentAllocations).where(eq(paymentAllocations.organizationId, w.org.id)))
      .length,
    audit: (await db().select().from(auditEvents).where(eq(auditEvents.organizationId, w.org.id))).length,
  });

  it('books exactly what booking the batch at once books, and says beforehand what it will answer', async () => {
    const direct = await world();
    const ahead = await world();
    events = [];
    const expected = await db().transaction((tx) => recordLedgerEntries(tx, inputs(direct), { clock }));

    const entries = inputs(ahead);
    const prepared = await prepareLedgerEntries(db(), entries, { clock });
    // Planning wrote nothing.
    expect((await counts(ahead)).payments).toBe(1);
    const outcomes = await db().transaction((tx) => recordLedgerEntries(tx, entries, { clock, prepared }));
    expect(await state(ahead, outcomes)).toEqual(await state(direct, expected));
    expect(
      outcomes.map((o) => (o.ok ? { ok: true, paymentId: o.result.payment.id } : { ok: false, code: o.error.code })),
    ).toEqual(prepared.expected);
    // What the plan read, before its own bookings: A owed 11,700.
    expect(prepared.invoicesRead.get(ahead.A.id)).toEqual({ status: 'open', owedCents: 11_700 });
  });

  it('refuses the plan, writing nothing, when an invoice it read changed in between', async () => {
    const w = await world();
    const entries = inputs(w);
    const prepared = await prepareLedgerEntries(db(), entries, { clock });
    // A webhook (here: another entry) pays part of D meanwhile.
    await db().transaction((tx) =>
      recordLedgerEntry(tx, input(w, 'meanwhile', 'external', w.d3.id, 500, [w.D.id]), { clock }),
    );
    const before = await counts(w);
    await expect(
      db().transaction((tx) => recordLedgerEntries(tx, entries, { clock, prepared })),
    ).rejects.toBeInstanceOf(LedgerPlanStale);
    expect(await counts(w)).toEqual(before);
    // Booked without the plan, the batch sees the change: D owed 2,500, so the write-off of 3,000
    // writes off 2,500 (the plan had 3,000) and the rest becomes credit.
    const fresh = await db().transaction((tx) => recordLedgerEntries(tx, entries, { clock }));
    const writeOff = fresh[9];
    expect(writeOff.ok && writeOff.result.allocations.map((a) => a.amountCents)).toEqual([2_500]);
    expect(writeOff.ok && writeOff.result.creditedCents).toBe(500);
  });

  it('refuses the plan when a debtor’s credit or one of its keys changed in between', async () => {
    const w = await world();
    const entries = [input(w, 'k1', 'bank_transfer', w.d5.id, 400, [w.G.id])];
    const credit = await prepareLedgerEntries(db(), entries, { clock });
    await db().update(debtors).set({ creditCents: 100 }).where(eq(debtors.id, w.d5.id));
    await expect(
      db().transaction((tx) => recordLedgerEntries(tx, entries, { clock, prepared: credit })),
    ).rejects.toBeInstanceOf(LedgerPlanStale);

    const keyed = await prepareLedgerEntries(db(), entries, { clock });
    await db().transaction((tx) => recordLedgerEntry(tx, entries[0], { clock }));
    const before = await counts(w);
    await expect(
      db().transaction((tx) => recordLedgerEntries(tx, entries, { clock, prepared: keyed })),
    ).rejects.toBeInstanceOf(LedgerPlanStale);
    expect(await counts(w)).toEqual(before);
  });

  it('a plan books once, and only for the inputs it was made for', async () => {
    const w = await world();
    const entries = [input(w, 'o1', 'bank_transfer', w.d5.id, 400, [w.G.id])];
    const prepared = await prepareLedgerEntries(db(), entries, { clock });
    await expect(db().transaction((tx) => recordLedgerEntries(tx, [...entries], { clock, prepared }))).rejects.toThrow(
      /other inputs/,
    );
    const other = await prepareLedgerEntries(db(), entries, { clock });
    await db().transaction((tx) => recordLedgerEntries(tx, entries, { clock, prepared: other }));
    await expect(
      db().transaction((tx) => recordLedgerEntries(tx, entries, { clock, prepared: other })),
    ).rejects.toThrow(/books once/);
    const [g] = await db().select().from(invoices).where(eq(invoices.id, w.G.id));
    expect(g.openCents).toBe(600);
  });
});
