/**
 * Shared reads of the plan domain: which invoices a debtor may put in a plan or a promise,
 * a plan with its schedule, and the debtor's track record. Every read is scoped by
 * organisation and debtor.
 */
import { and, asc, desc, eq, gte, inArray, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import {
  disputes,
  dunningPauses,
  invoices,
  paymentPlans,
  planInstallments,
  planInvoices,
  promiseInvoices,
  promisesToPay,
  type Invoice,
  type PaymentPlan,
  type PlanInstallment,
} from '~db/schema';
import type { EmailPlan } from '~emails/render';
import { systemClock, type Clock } from '~/utils/clock';
import type { Tx } from '~/utils/db.server';
import { audit, type Actor } from '~/modules/audit/index.server';
import { liftPauses, pauseActiveAt } from '~/modules/dunning/index.server';
import { emailDebtor, invoiceOwed } from './notify.server';
import { orgScope, debtorScope, type DebtorRef } from '~/utils/org-scope.server';

/** Plans that hold their invoices: waiting for finance, waiting for the debtor (a counter), or running. */
export function holdsInvoices(): SQL {
  return or(
    inArray(paymentPlans.status, ['proposed', 'active']),
    and(eq(paymentPlans.status, 'countered'), isNotNull(paymentPlans.counterOfId)),
  )!;
}

/** A plan waiting for a decision: the debtor's proposal (finance decides) or finance's counter (the debtor decides). */
export function isPending(plan: Pick<PaymentPlan, 'status' | 'counterOfId'>) {
  return plan.status === 'proposed' || (plan.status === 'countered' && plan.counterOfId !== null);
}

export type Candidate = {
  id: string;
  number: string;
  description: string | null;
  dueDate: string;
  currency: string;
  openCents: number;
  owedCents: number;
  /** Why it cannot go into a new plan or promise, or null. */
  blocked: 'disputed' | 'in_plan' | null;
  /** The date of an active promise on it, if any. */
  promisedDate: string | null;
};

/** The debtor's open invoices with what stands in the way of a plan or promise on each. */
export async function openInvoicesWithHolds(tx: Tx, scope: DebtorRef, now: Date, ids?: string[]): Promise<Candidate[]> {
  const rows = await tx
    .select()
    .from(invoices)
    .where(
      and(
        debtorScope(invoices, scope),
        eq(invoices.status, 'open'),
        sql`${invoices.openCents} > 0`,
        ids ? inArray(invoices.id, ids.length ? ids : ['00000000-0000-0000-0000-000000000000']) : undefined,
      ),
    )
    .orderBy(asc(invoices.dueDate), asc(invoices.number));
  const invoiceIds = rows.map((r) => r.id);
  if (invoiceIds.length === 0) return [];
  const [disputedPauses, openDisputes, planned, promised] = await Promise.all([
    tx
      .selectDistinct({ invoiceId: dunningPauses.invoiceId })
      .from(dunningPauses)
      .where(
        and(inArray(dunningPauses.invoiceId, invoiceIds), eq(dunningPauses.reason, 'dispute'), pauseActiveAt(now)),
      ),
    tx
      .selectDistinct({ invoiceId: disputes.invoiceId })
      .from(disputes)
      .where(
        and(
          orgScope(disputes, scope),
          inArray(disputes.invoiceId, invoiceIds),
          sql`${disputes.status} not in ('resolved', 'withdrawn')`,
        ),
      ),
    tx
      .selectDistinct({ invoiceId: planInvoices.invoiceId })
      .from(planInvoices)
      .innerJoin(paymentPlans, eq(paymentPlans.id, planInvoices.planId))
      .where(and(inArray(planInvoices.invoiceId, invoiceIds), orgScope(paymentPlans, scope), holdsInvoices())),
    tx
      .select({ invoiceId: promiseInvoices.invoiceId, date: promisesToPay.promisedDate })
      .from(promiseInvoices)
      .innerJoin(promisesToPay, eq(promisesToPay.id, promiseInvoices.promiseId))
      .where(
        and(
          inArray(promiseInvoices.invoiceId, invoiceIds),
          orgScope(promisesToPay, scope),
          eq(promisesToPay.status, 'active'),
        ),
      ),
  ]);
  const disputed = new Set([...disputedPauses, ...openDisputes].map((r) => r.invoiceId));
  const inPlan = new Set(planned.map((r) => r.invoiceId));
  const promisedOn = new Map(promised.map((r) => [r.invoiceId, r.date]));
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    description: r.description,
    dueDate: r.dueDate,
    currency: r.currency,
    openCents: r.openCents,
    owedCents: invoiceOwed(r),
    blocked: disputed.has(r.id) ? 'disputed' : inPlan.has(r.id) ? 'in_plan' : null,
    promisedDate: promisedOn.get(r.id) ?? null,
  }));
}

/** The debtor's own invoices with these ids, whatever their status (to name why one cannot be chosen). */
export async function ownInvoicesById(tx: Tx, scope: DebtorRef, ids: string[]): Promise<Invoice[]> {
  if (ids.length === 0) return [];
  return tx
    .select()
    .from(invoices)
    .where(and(debtorScope(invoices, scope), inArray(invoices.id, ids)));
}

/** The debtor's plan waiting for a decision, if any (at most one exists at a time). */
export async function pendingPlan(tx: Tx, scope: DebtorRef) {
  const [row] = await tx
    .select()
    .from(paymentPlans)
    .where(
      and(
        debtorScope(paymentPlans, scope),
        or(
          eq(paymentPlans.status, 'proposed'),
          and(eq(paymentPlans.status, 'countered'), isNotNull(paymentPlans.counterOfId)),
        ),
      ),
    )
    .limit(1);
  return row ?? null;
}

/** Defaulted plans and broken promises of the debtor since `since`. */
export async function recentDefaults(tx: Tx, scope: DebtorRef, since: Date) {
  const [plans] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(paymentPlans)
    .where(
      and(debtorScope(paymentPlans, scope), eq(paymentPlans.status, 'defaulted'), gte(paymentPlans.updatedAt, since)),
    );
  const [promises] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(promisesToPay)
    .where(
      and(debtorScope(promisesToPay, scope), eq(promisesToPay.status, 'broken'), gte(promisesToPay.resolvedAt, since)),
    );
  return plans.n + promises.n;
}

export type PlanDetail = PaymentPlan & {
  installments: PlanInstallment[];
  invoices: {
    id: string;
    number: string;
    dueDate: string;
    amountCents: number;
    status: Invoice['status'];
    openCents: number;
  }[];
};

/** Plans with their installments and invoices, in one pass. `where` must scope by organisation. */
export async function loadPlans(
  tx: Tx,
  where: SQL | undefined,
  order: 'newest' | 'oldest' = 'newest',
): Promise<PlanDetail[]> {
  const plans = await tx
    .select()
    .from(paymentPlans)
    .where(where)
    .orderBy(order === 'newest' ? desc(paymentPlans.createdAt) : asc(paymentPlans.createdAt));
  if (plans.length === 0) return [];
  const ids = plans.map((p) => p.id);
  const [installments, links] = await Promise.all([
    tx.select().from(planInstallments).where(inArray(planInstallments.planId, ids)).orderBy(asc(planInstallments.seq)),
    tx
      .select({
        planId: planInvoices.planId,
        amountCents: planInvoices.amountCents,
        id: invoices.id,
        number: invoices.number,
        dueDate: invoices.dueDate,
        status: invoices.status,
        openCents: invoices.openCents,
      })
      .from(planInvoices)
      .innerJoin(invoices, eq(invoices.id, planInvoices.invoiceId))
      .where(inArray(planInvoices.planId, ids))
      .orderBy(asc(invoices.dueDate), asc(invoices.number)),
  ]);
  return plans.map((p) => ({
    ...p,
    installments: installments.filter((i) => i.planId === p.id),
    invoices: links.filter((l) => l.planId === p.id).map(({ planId: _planId, ...rest }) => rest),
  }));
}

export async function loadPlan(tx: Tx, organizationId: string, id: string): Promise<PlanDetail | null> {
  const [plan] = await loadPlans(tx, and(orgScope(paymentPlans, organizationId), eq(paymentPlans.id, id)));
  return plan ?? null;
}

/** A plan as its emails show it. */
export function emailPlan(plan: Pick<PlanDetail, 'totalCents' | 'installments'>): EmailPlan {
  return {
    currency: 'EUR',
    totalCents: plan.totalCents,
    installments: plan.installments.map((i) => ({ number: i.seq, dueDate: i.dueDate, amountCents: i.amountCents })),
  };
}

/** The first installment not yet paid in full, in order. */
export function nextDueInstallment(installments: PlanInstallment[]) {
  return installments.find((i) => i.status !== 'paid') ?? null;
}

/**
 * Marks a running plan completed, when every installment is paid or every invoice in it is
 * settled (paid some other way). Lifts its pause and thanks the debtor by email (once per
 * plan). Returns whether it completed.
 */
export async function completePlanIfDone(
  tx: Tx,
  planId: string,
  actor: Actor,
  { clock = systemClock }: { clock?: Clock } = {},
) {
  const now = clock.now();
  const [plan] = await tx
    .select()
    .from(paymentPlans)
    .where(and(eq(paymentPlans.id, planId), eq(paymentPlans.status, 'active')));
  if (!plan) return false;
  const detail = (await loadPlan(tx, plan.organizationId, plan.id))!;
  const allPaid = detail.installments.every((i) => i.status === 'paid');
  const allSettled = detail.invoices.every((i) => i.status !== 'open');
  if (!allPaid && !allSettled) return false;
  await tx.update(paymentPlans).set({ status: 'completed', updatedAt: now }).where(eq(paymentPlans.id, plan.id));
  await liftPauses(
    tx,
    { organizationId: plan.organizationId, sourceId: plan.id, liftedReason: 'plan_completed', actor },
    { clock },
  );
  await audit(tx, {
    organizationId: plan.organizationId,
    actor,
    action: 'plan.completed',
    entityType: 'payment_plan',
    entityId: plan.id,
    debtorId: plan.debtorId,
    data: { allInstallmentsPaid: allPaid, allInvoicesSettled: allSettled },
    at: now,
  });
  await emailDebtor(
    tx,
    {
      organizationId: plan.organizationId,
      debtorId: plan.debtorId,
      template: 'plan_completed',
      invoiceIds: detail.invoices.map((i) => i.id),
      target: `/portal/plan/${plan.id}`,
      props: { plan: { totalCents: plan.totalCents, currency: 'EUR' } },
      dedupeKey: `plan:${plan.id}:completed`,
    },
    { clock },
  );
  return true;
}
