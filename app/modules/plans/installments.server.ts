/**
 * Installments and the payments ledger. Paying an installment is an ordinary payment whose
 * `installment_id` is set and whose intent spreads the installment over the plan's open
 * invoices (oldest due first). The ledger applies the money to those invoices; this module's
 * settlement listener, running inside the ledger's transaction, marks the installment paid and
 * completes the plan when every installment is.
 */
import { and, asc, eq } from 'drizzle-orm';
import { invoices, paymentPlans, planInstallments, planInvoices } from '../../../db/schema';
import { amsterdamDate, systemClock, type Clock } from '../../utils/clock';
import type { Tx } from '../../utils/db.server';
import { audit, type Actor } from '../audit/audit.server';
import { registerSettlementListener } from '../payments/ledger.server';
import { invoiceOwed } from './notify.server';
import { completePlanIfDone, nextDueInstallment, type Scope } from './plans.server';

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
  scope: Scope,
  planId: string,
  installmentId?: string,
): Promise<InstallmentIntent | null> {
  const [plan] = await tx
    .select()
    .from(paymentPlans)
    .where(
      and(
        eq(paymentPlans.organizationId, scope.organizationId),
        eq(paymentPlans.debtorId, scope.debtorId),
        eq(paymentPlans.id, planId),
        eq(paymentPlans.status, 'active'),
      ),
    );
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

registerSettlementListener('payment-plans', async (tx, event, { clock }) => {
  const installmentId = event.payment.installmentId;
  if (!installmentId) return;
  const actor: Actor = { type: 'system', id: 'payment-plans' };
  if (event.kind === 'status' && event.to === 'paid') {
    await recordInstallmentPayment(
      tx,
      { installmentId, amountCents: event.payment.amountCents, paymentId: event.payment.id, actor },
      { clock },
    );
  } else if (event.kind === 'reversal' && event.amountCents > 0) {
    await recordInstallmentPayment(
      tx,
      { installmentId, amountCents: -event.amountCents, paymentId: event.payment.id, actor },
      { clock },
    );
  }
});
