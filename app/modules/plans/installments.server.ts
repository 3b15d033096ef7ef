/**
 * Installments and the payments ledger. Paying an installment is an ordinary payment whose
 * `installment_id` is set and whose intent spreads the installment over the plan's open
 * invoices (oldest due first). The ledger applies the money to those invoices; this module's
 * ledger subscriber (installmentsOnLedgerEvent), running inside the ledger's transaction, marks
 * the installment paid and completes the plan when every installment is. Money that reaches a
 * plan's invoices another way (a bank transfer, as the plan page offers) counts for the
 * installments in order too.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { auditEvents, invoices, paymentPlans, planInstallments, planInvoices } from '~db/schema';
import { amsterdamDate, systemClock, type Clock } from '~/utils/clock';
import type { Tx } from '~/utils/db.server';
import { audit, type Actor } from '~/modules/audit/index.server';
import type { LedgerBatchListener, LedgerListener } from '~/modules/ledger/index.server';
import { invoiceOwed } from './notify.server';
import { completePlanIfDone, nextDueInstallment } from './plans.server';
import { debtorScope, orgScope, type DebtorRef } from '~/utils/org-scope.server';

export type InstallmentIntent = {
  planId: string;
  installmentId: string;
  seq: number;
  /** What to charge: the installment's unpaid part, at most what the plan's invoices still owe. */
  amountCents: number;
  /** The split over the plan's open invoices, oldest due first; sums to amountCents. */
  intent: { invoiceId: string; amountCents: number }[];
  invoiceNumbers: string[];
};

/**
 * The debtor's next unpaid installment of an active plan, as a payment intent; null when the
 * plan is not theirs, not running, or the installment is not the next one due or already paid.
 */
export async function installmentPaymentIntent(
  tx: Tx,
  scope: DebtorRef,
  planId: string,
  installmentId?: string,
): Promise<InstallmentIntent | null> {
  const [plan] = await tx
    .select()
    .from(paymentPlans)
    .where(and(debtorScope(paymentPlans, scope), eq(paymentPlans.id, planId), eq(paymentPlans.status, 'active')));
  if (!plan) return null;
  const installments = await tx
    .select()
    .from(planInstallments)
    .where(eq(planInstallments.planId, plan.id))
    .orderBy(asc(planInstallments.seq));
  const next = nextDueInstallment(installments);
  if (!next || (installmentId !== undefined && next.id !== installmentId)) return null;
  const rows = await tx
    .select({ invoice: invoices })
    .from(planInvoices)
    .innerJoin(invoices, eq(invoices.id, planInvoices.invoiceId))
    .where(and(eq(planInvoices.planId, plan.id), eq(invoices.status, 'open')))
    .orderBy(asc(invoices.dueDate), asc(invoices.number));
  let left = next.amountCents - Math.min(next.paidCents, next.amountCents);
  const intent: InstallmentIntent['intent'] = [];
  const numbers: string[] = [];
  for (const { invoice } of rows) {
    if (left <= 0) break;
    const take = Math.min(left, invoiceOwed(invoice));
    if (take <= 0) continue;
    intent.push({ invoiceId: invoice.id, amountCents: take });
    numbers.push(invoice.number);
    left -= take;
  }
  const amountCents = intent.reduce((s, i) => s + i.amountCents, 0);
  if (amountCents <= 0) return null;
  return { planId: plan.id, installmentId: next.id, seq: next.seq, amountCents, intent, invoiceNumbers: numbers };
}

/**
 * Adds (or, for a refund or chargeback, takes back) money on an installment. Paid in full: the
 * installment is paid, and the plan completes when every installment is. Call inside the
 * transaction that records the payment.
 */
export async function recordInstallmentPayment(
  tx: Tx,
  input: { installmentId: string; amountCents: number; paymentId: string; actor: Actor },
  { clock = systemClock }: { clock?: Clock } = {},
) {
  const now = clock.now();
  const [installment] = await tx
    .select()
    .from(planInstallments)
    .where(eq(planInstallments.id, input.installmentId))
    .for('update');
  if (!installment) return null;
  const paidCents = Math.max(0, installment.paidCents + input.amountCents);
  const paid = paidCents >= installment.amountCents;
  const status = paid ? 'paid' : installment.dueDate < amsterdamDate(now) ? 'missed' : 'pending';
  await tx
    .update(planInstallments)
    .set({ paidCents, status, paidAt: paid ? (installment.paidAt ?? now) : null })
    .where(eq(planInstallments.id, installment.id));
  const [plan] = await tx.select().from(paymentPlans).where(eq(paymentPlans.id, installment.planId));
  await audit(tx, {
    organizationId: installment.organizationId,
    actor: input.actor,
    action: input.amountCents >= 0 ? 'plan.installment_paid' : 'plan.installment_reversed',
    entityType: 'plan_installment',
    entityId: installment.id,
    debtorId: plan.debtorId,
    data: {
      planId: plan.id,
      seq: installment.seq,
      paymentId: input.paymentId,
      amountCents: input.amountCents,
      paidCents,
      status,
    },
    at: now,
  });
  const completed = paid ? await completePlanIfDone(tx, plan.id, input.actor, { clock }) : false;
  return { status, paidCents, completed };
}

/** Money from the debtor (not a credit note or write-off), whatever way it came in. */
const MONEY_IN: ReadonlySet<string> = new Set([
  'mollie',
  'stripe',
  'demo',
  'bank_transfer',
  'external',
  'debtor_credit',
]);

/**
 * Money that reached a running plan's invoices without going through the plan's own checkout (a
 * bank transfer quoting the invoice's reference, as the plan page invites; a settlement from the
 * creditor's system; credit): it counts for the plan's installments in order, so a debtor who
 * pays by transfer is not marked as missing an installment.
 */
async function creditPlansForPayment(
  tx: Tx,
  event: { organizationId: string; payment: { id: string }; allocations: { invoiceId: string; amountCents: number }[] },
  actor: Actor,
  clock: Clock,
) {
  const paid = event.allocations.filter((a) => a.amountCents > 0);
  if (paid.length === 0) return;
  const rows = await tx
    .select({ planId: planInvoices.planId, invoiceId: planInvoices.invoiceId })
    .from(planInvoices)
    .innerJoin(paymentPlans, eq(paymentPlans.id, planInvoices.planId))
    .where(
      and(
        orgScope(paymentPlans, event),
        eq(paymentPlans.status, 'active'),
        inArray(
          planInvoices.invoiceId,
          paid.map((a) => a.invoiceId),
        ),
      ),
    );
  const perPlan = new Map<string, number>();
  for (const row of rows) {
    const amount = paid.filter((a) => a.invoiceId === row.invoiceId).reduce((sum, a) => sum + a.amountCents, 0);
    perPlan.set(row.planId, (perPlan.get(row.planId) ?? 0) + amount);
  }
  for (const [planId, amount] of [...perPlan].sort(([a], [b]) => a.localeCompare(b))) {
    const installments = await tx
      .select()
      .from(planInstallments)
      .where(eq(planInstallments.planId, planId))
      .orderBy(asc(planInstallments.seq));
    let left = amount;
    for (const installment of installments) {
      if (left <= 0) break;
      if (installment.status === 'paid') continue;
      const take = Math.min(left, installment.amountCents - Math.min(installment.paidCents, installment.amountCents));
      if (take <= 0) continue;
      await recordInstallmentPayment(
        tx,
        { installmentId: installment.id, amountCents: take, paymentId: event.payment.id, actor },
        { clock },
      );
      left -= take;
    }
    // Every invoice of the plan may be settled now even when installments are left (paid in one go).
    await completePlanIfDone(tx, planId, actor, { clock });
  }
}

/**
 * A reversal of money that counted for installments without being an installment payment: what
 * it credited comes back, last installment first (read from the installments' own audit trail,
 * which names the payment).
 */
async function uncreditPlansForPayment(
  tx: Tx,
  event: { organizationId: string; debtorId: string; payment: { id: string }; reversal?: { amountCents: number } },
  actor: Actor,
  clock: Clock,
) {
  const amount = event.reversal?.amountCents ?? 0;
  if (amount <= 0) return;
  const trail = await tx
    .select({ installmentId: auditEvents.entityId, data: auditEvents.data })
    .from(auditEvents)
    .where(
      and(
        debtorScope(auditEvents, event),
        eq(auditEvents.entityType, 'plan_installment'),
        inArray(auditEvents.action, ['plan.installment_paid', 'plan.installment_reversed']),
        sql`${auditEvents.data}->>'paymentId' = ${event.payment.id}`,
      ),
    )
    .orderBy(asc(auditEvents.id));
  const net = new Map<string, number>();
  for (const row of trail) {
    const cents = Number((row.data as { amountCents?: unknown } | null)?.amountCents ?? 0);
    net.set(row.installmentId, (net.get(row.installmentId) ?? 0) + cents);
  }
  let left = amount;
  for (const [installmentId, credited] of [...net].reverse()) {
    if (left <= 0) break;
    const take = Math.min(left, credited);
    if (take <= 0) continue;
    await recordInstallmentPayment(
      tx,
      { installmentId, amountCents: -take, paymentId: event.payment.id, actor },
      { clock },
    );
    left -= take;
  }
}

/**
 * The ledger's subscriber (registered in app/server/ledger-subscribers.server): money booked on an
 * installment's payment counts for that installment, other money on a running plan's invoices
 * counts for its installments in order; a reversal (refund, chargeback, returned transfer) takes
 * it back.
 */
export const installmentsOnLedgerEvent: LedgerListener = async (tx, event, { clock }) => {
  if (event.kind === 'revised' || event.kind === 'status') return;
  const installmentId = event.payment.installmentId;
  const actor: Actor = { type: 'system', id: 'payment-plans' };
  if (!installmentId) {
    if (!MONEY_IN.has(event.source)) return;
    if (event.kind === 'booked') await creditPlansForPayment(tx, event, actor, clock);
    else await uncreditPlansForPayment(tx, event, actor, clock);
    return;
  }
  if (event.kind === 'booked') {
    await recordInstallmentPayment(
      tx,
      { installmentId, amountCents: event.payment.amountCents, paymentId: event.payment.id, actor },
      { clock },
    );
  } else if (event.reversal && event.reversal.amountCents > 0) {
    await recordInstallmentPayment(
      tx,
      { installmentId, amountCents: -event.reversal.amountCents, paymentId: event.payment.id, actor },
      { clock },
    );
  }
};

/**
 * The same subscriber for a batch of events (a bank statement's lines): one query finds which of
 * the invoices the events paid are in a running plan; the events touching none of them (almost
 * all) are skipped, the others handled one by one in order, exactly as single events. Events on
 * an installment's own payment and reversals are always handled one by one.
 */
export const installmentsOnLedgerEvents: LedgerBatchListener = async (tx, events, ctx) => {
  const paidInvoices = new Set<string>();
  const organizationIds = new Set<string>();
  for (const event of events) {
    if (event.kind !== 'booked' || event.payment.installmentId || !MONEY_IN.has(event.source)) continue;
    organizationIds.add(event.organizationId);
    for (const a of event.allocations) if (a.amountCents > 0) paidInvoices.add(a.invoiceId);
  }
  // Plans only complete while the events are handled, never start: what runs now is all that can count.
  const inPlans = new Set<string>();
  if (paidInvoices.size > 0) {
    const rows = await tx
      .selectDistinct({ invoiceId: planInvoices.invoiceId })
      .from(planInvoices)
      .innerJoin(paymentPlans, eq(paymentPlans.id, planInvoices.planId))
      .where(
        and(
          sql`${paymentPlans.organizationId} = any(${`{${[...organizationIds].join(',')}}`}::uuid[])`,
          eq(paymentPlans.status, 'active'),
          // The ids as one array parameter (a bank statement's chunk pays hundreds of invoices).
          sql`${planInvoices.invoiceId} = any(${`{${[...paidInvoices].join(',')}}`}::uuid[])`,
        ),
      );
    for (const row of rows) inPlans.add(row.invoiceId);
  }
  for (const event of events) {
    const skip =
      event.kind === 'booked' &&
      !event.payment.installmentId &&
      MONEY_IN.has(event.source) &&
      !event.allocations.some((a) => a.amountCents > 0 && inPlans.has(a.invoiceId));
    if (!skip) await installmentsOnLedgerEvent(tx, event, ctx);
  }
};
