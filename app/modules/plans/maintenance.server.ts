/**
 * The daily pass over plans and promises: promises kept or broken, counter-proposals left
 * unanswered, installment reminders and missed-installment notices, plans completed or
 * defaulted. Each item is handled in its own transaction with its row locked (SKIP LOCKED), so
 * two workers never handle one twice and one failure does not hold up the rest.
 */
import { and, asc, eq, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import {
  debtors,
  invoices,
  organizations,
  paymentPlans,
  planInstallments,
  promiseInvoices,
  promisesToPay,
} from '~db/schema';
import { addDays, amsterdamDate, daysBetween, systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { isLocale, translate } from '~/utils/i18n';
import { audit, type Actor } from '~/modules/audit/index.server';
import { liftPauses } from '~/modules/dunning/index.server';
import { registerCron, registerTask } from '~/modules/jobs/index.server';
import { emailDebtor, notifyFinance } from './notify.server';
import { completePlanIfDone, loadPlan } from './plans.server';
import { counterRespondBy, REMINDER_DAYS_BEFORE } from './schedule';
import { orgScope } from '~/utils/org-scope.server';

export const PLAN_MAINTENANCE_TASK = 'plan_maintenance';
const SYSTEM: Actor = { type: 'system', id: 'plan-maintenance' };

export type MaintenanceSummary = {
  promisesKept: number;
  promisesBroken: number;
  countersExpired: number;
  plansCompleted: number;
  plansDefaulted: number;
  reminders: number;
  missed: number;
};

type Run = { clock: Clock; organizationId?: string };

/**
 * Runs every step once, as of `clock.now()`, for every organisation (or just one). Safe to run
 * again at any time: each step only picks up what is still to do.
 */
export async function runPlanMaintenance({
  clock = systemClock,
  organizationId,
}: { clock?: Clock; organizationId?: string } = {}): Promise<MaintenanceSummary> {
  const run: Run = { clock, organizationId };
  const summary: MaintenanceSummary = {
    promisesKept: 0,
    promisesBroken: 0,
    countersExpired: 0,
    plansCompleted: 0,
    plansDefaulted: 0,
    reminders: 0,
    missed: 0,
  };
  await settlePromises(run, summary);
  await expireCounters(run, summary);
  await completePlans(run, summary);
  await defaultPlans(run, summary);
  await installmentNotices(run, summary);
  return summary;
}

/** Locks a row of a table by id for this transaction; null when it is gone or another worker holds it. */
async function lockPlan(tx: Tx, id: string, status: 'active' | 'countered') {
  const [row] = await tx
    .select()
    .from(paymentPlans)
    .where(and(eq(paymentPlans.id, id), eq(paymentPlans.status, status)))
    .for('update', { skipLocked: true });
  return row ?? null;
}

/** Promises whose invoices are all settled are kept; those past their day with something still open are broken. */
async function settlePromises({ clock, organizationId }: Run, summary: MaintenanceSummary) {
  const now = clock.now();
  const today = amsterdamDate(now);
  const due = await getDb()
    .select({ id: promisesToPay.id })
    .from(promisesToPay)
    .where(
      and(
        eq(promisesToPay.status, 'active'),
        organizationId ? orgScope(promisesToPay, organizationId) : undefined,
        sql`(${promisesToPay.promisedDate} < ${today}::date or not exists (
          select 1 from ${promiseInvoices} pi join ${invoices} i on i.id = pi.invoice_id
          where pi.promise_id = ${promisesToPay.id} and i.status = 'open'))`,
      ),
    )
    .orderBy(asc(promisesToPay.promisedDate));
  for (const { id } of due) {
    await getDb().transaction(async (tx) => {
      const [promise] = await tx
        .select()
        .from(promisesToPay)
        .where(and(eq(promisesToPay.id, id), eq(promisesToPay.status, 'active')))
        .for('update', { skipLocked: true });
      if (!promise) return;
      const covered = await tx
        .select({ id: invoices.id, status: invoices.status })
        .from(promiseInvoices)
        .innerJoin(invoices, eq(invoices.id, promiseInvoices.invoiceId))
        .where(eq(promiseInvoices.promiseId, promise.id));
      const kept = covered.every((i) => i.status !== 'open');
      if (!kept && promise.promisedDate >= today) return;
      const status = kept ? ('kept' as const) : ('broken' as const);
      await tx.update(promisesToPay).set({ status, resolvedAt: now }).where(eq(promisesToPay.id, promise.id));
      await liftPauses(
        tx,
        {
          organizationId: promise.organizationId,
          sourceId: promise.id,
          liftedReason: kept ? 'promise_kept' : 'promise_broken',
          actor: SYSTEM,
        },
        { clock },
      );
      await audit(tx, {
        organizationId: promise.organizationId,
        actor: SYSTEM,
        action: kept ? 'promise.kept' : 'promise.broken',
        entityType: 'promise_to_pay',
        entityId: promise.id,
        debtorId: promise.debtorId,
        data: { promisedDate: promise.promisedDate },
        at: now,
      });
      if (kept) {
        await emailDebtor(
          tx,
          {
            organizationId: promise.organizationId,
            debtorId: promise.debtorId,
            template: 'promise_kept',
            invoiceIds: covered.map((i) => i.id),
            target: '/portal',
            props: { promise: { amountCents: promise.totalCents, currency: 'EUR', date: promise.promisedDate } },
            dedupeKey: `promise:${promise.id}:kept`,
          },
          { clock },
        );
      } else {
        const open = covered.filter((i) => i.status === 'open').map((i) => i.id);
        await emailDebtor(
          tx,
          {
            organizationId: promise.organizationId,
            debtorId: promise.debtorId,
            template: 'promise_broken',
            invoiceIds: open,
            target: '/portal',
            props: { promise: { amountCents: promise.totalCents, currency: 'EUR', date: promise.promisedDate } },
            dedupeKey: `promise:${promise.id}:broken`,
          },
          { clock },
        );
      }
      summary[kept ? 'promisesKept' : 'promisesBroken'] += 1;
    });
  }
}

/** A counter-proposal not answered by its day lapses: declined, pause lifted, both sides told. */
async function expireCounters({ clock, organizationId }: Run, summary: MaintenanceSummary) {
  const now = clock.now();
  const today = amsterdamDate(now);
  const waiting = await getDb()
    .select({ id: paymentPlans.id, createdAt: paymentPlans.createdAt, firstDueDate: paymentPlans.firstDueDate })
    .from(paymentPlans)
    .where(
      and(
        eq(paymentPlans.status, 'countered'),
        isNotNull(paymentPlans.counterOfId),
        organizationId ? orgScope(paymentPlans, organizationId) : undefined,
      ),
    );
  const lapsed = waiting.filter((p) => counterRespondBy(amsterdamDate(p.createdAt), p.firstDueDate) < today);
  for (const { id } of lapsed) {
    await getDb().transaction(async (tx) => {
      const plan = await lockPlan(tx, id, 'countered');
      if (!plan) return;
      const detail = (await loadPlan(tx, plan.organizationId, plan.id))!;
      await tx
        .update(paymentPlans)
        .set({ status: 'declined', decidedAt: now, updatedAt: now })
        .where(eq(paymentPlans.id, plan.id));
      await liftPauses(
        tx,
        { organizationId: plan.organizationId, sourceId: plan.id, liftedReason: 'counter_expired', actor: SYSTEM },
        { clock },
      );
      await audit(tx, {
        organizationId: plan.organizationId,
        actor: SYSTEM,
        action: 'plan.counter_expired',
        entityType: 'payment_plan',
        entityId: plan.id,
        debtorId: plan.debtorId,
        at: now,
      });
      const [debtor] = await tx
        .select({ locale: debtors.locale, name: debtors.name })
        .from(debtors)
        .where(eq(debtors.id, plan.debtorId));
      const locale = isLocale(debtor.locale) ? debtor.locale : 'nl';
      await emailDebtor(
        tx,
        {
          organizationId: plan.organizationId,
          debtorId: plan.debtorId,
          template: 'plan_rejected',
          invoiceIds: detail.invoices.filter((i) => i.status === 'open').map((i) => i.id),
          target: '/portal',
          props: { reason: translate(locale, 'plan.email.counterExpired') },
          dedupeKey: `plan:${plan.id}:expired`,
        },
        { clock },
      );
      await notifyFinance(
        tx,
        {
          organizationId: plan.organizationId,
          debtorId: plan.debtorId,
          title: { key: 'plan.staff.expired.title' },
          lines: [{ key: 'plan.staff.expired.line', params: { debtor: debtor.name } }],
          path: `/app/plans/${plan.counterOfId}`,
          dedupeKey: `plan:${plan.id}:expired`,
        },
        { clock },
      );
      summary.countersExpired += 1;
    });
  }
}

async function completePlans({ clock, organizationId }: Run, summary: MaintenanceSummary) {
  const done = await getDb()
    .select({ id: paymentPlans.id })
    .from(paymentPlans)
    .where(
      and(
        eq(paymentPlans.status, 'active'),
        organizationId ? orgScope(paymentPlans, organizationId) : undefined,
        sql`(not exists (select 1 from ${planInstallments} pi where pi.plan_id = ${paymentPlans.id} and pi.status <> 'paid')
          or not exists (select 1 from plan_invoices pv join ${invoices} i on i.id = pv.invoice_id
            where pv.plan_id = ${paymentPlans.id} and i.status = 'open'))`,
      ),
    );
  for (const { id } of done) {
    await getDb().transaction(async (tx) => {
      if (!(await lockPlan(tx, id, 'active'))) return;
      if (await completePlanIfDone(tx, id, SYSTEM, { clock })) summary.plansCompleted += 1;
    });
  }
}

/** Unpaid installments of running plans, with the organisation's grace days. */
async function unpaidInstallments(dueOnOrBefore: string, organizationId?: string) {
  return getDb()
    .select({
      installment: planInstallments,
      planId: paymentPlans.id,
      organizationId: paymentPlans.organizationId,
      debtorId: paymentPlans.debtorId,
      policy: organizations.planPolicy,
    })
    .from(planInstallments)
    .innerJoin(paymentPlans, eq(paymentPlans.id, planInstallments.planId))
    .innerJoin(organizations, eq(organizations.id, paymentPlans.organizationId))
    .where(
      and(
        eq(paymentPlans.status, 'active'),
        organizationId ? orgScope(paymentPlans, organizationId) : undefined,
        inArray(planInstallments.status, ['pending', 'missed']),
        lte(planInstallments.dueDate, dueOnOrBefore),
      ),
    )
    .orderBy(asc(planInstallments.dueDate), asc(planInstallments.seq));
}

/** An installment still unpaid more than `graceDays` after its due date ends the plan: defaulted, dunning resumes. */
async function defaultPlans({ clock, organizationId }: Run, summary: MaintenanceSummary) {
  const now = clock.now();
  const today = amsterdamDate(now);
  const overdue = (await unpaidInstallments(today, organizationId)).filter(
    (r) => daysBetween(r.installment.dueDate, today) > r.policy.graceDays,
  );
  const planIds = [...new Set(overdue.map((r) => r.planId))];
  for (const id of planIds) {
    await getDb().transaction(async (tx) => {
      const plan = await lockPlan(tx, id, 'active');
      if (!plan) return;
      const detail = (await loadPlan(tx, plan.organizationId, plan.id))!;
      const unpaidCents = detail.installments.reduce(
        (s, i) => s + i.amountCents - Math.min(i.paidCents, i.amountCents),
        0,
      );
      await tx.update(paymentPlans).set({ status: 'defaulted', updatedAt: now }).where(eq(paymentPlans.id, plan.id));
      const missedSeqs = overdue.filter((r) => r.planId === id).map((r) => r.installment.seq);
      await tx
        .update(planInstallments)
        .set({ status: 'missed' })
        .where(
          and(
            eq(planInstallments.planId, plan.id),
            eq(planInstallments.status, 'pending'),
            inArray(planInstallments.seq, missedSeqs),
          ),
        );
      await liftPauses(
        tx,
        { organizationId: plan.organizationId, sourceId: plan.id, liftedReason: 'plan_defaulted', actor: SYSTEM },
        { clock },
      );
      await audit(tx, {
        organizationId: plan.organizationId,
        actor: SYSTEM,
        action: 'plan.defaulted',
        entityType: 'payment_plan',
        entityId: plan.id,
        debtorId: plan.debtorId,
        data: { missedInstallments: missedSeqs, unpaidCents },
        at: now,
      });
      const openInvoiceIds = detail.invoices.filter((i) => i.status === 'open').map((i) => i.id);
      await emailDebtor(
        tx,
        {
          organizationId: plan.organizationId,
          debtorId: plan.debtorId,
          template: 'plan_defaulted',
          invoiceIds: openInvoiceIds,
          target: '/portal',
          props: {},
          dedupeKey: `plan:${plan.id}:defaulted`,
        },
        { clock },
      );
      const [debtor] = await tx.select({ name: debtors.name }).from(debtors).where(eq(debtors.id, plan.debtorId));
      await notifyFinance(
        tx,
        {
          organizationId: plan.organizationId,
          debtorId: plan.debtorId,
          title: { key: 'plan.staff.defaulted.title' },
          lines: [
            { key: 'plan.staff.defaulted.line', params: { debtor: debtor.name }, money: { amount: unpaidCents } },
          ],
          path: `/app/plans/${plan.id}`,
          dedupeKey: `plan:${plan.id}:defaulted`,
        },
        { clock },
      );
      summary.plansDefaulted += 1;
    });
  }
}

/** A reminder a few days before each due date, and a notice the day after a due date passes unpaid. */
async function installmentNotices({ clock, organizationId }: Run, summary: MaintenanceSummary) {
  const now = clock.now();
  const today = amsterdamDate(now);
  const rows = await unpaidInstallments(addDays(today, REMINDER_DAYS_BEFORE), organizationId);
  for (const row of rows) {
    const { installment } = row;
    const missed = installment.dueDate < today;
    if (missed ? installment.missedNoticeAt !== null : installment.remindedAt !== null) continue;
    await getDb().transaction(async (tx) => {
      const [locked] = await tx
        .select()
        .from(planInstallments)
        .where(
          and(
            eq(planInstallments.id, installment.id),
            inArray(planInstallments.status, ['pending', 'missed']),
            missed ? isNull(planInstallments.missedNoticeAt) : isNull(planInstallments.remindedAt),
          ),
        )
        .for('update', { skipLocked: true });
      if (!locked) return;
      const plan = await loadPlan(tx, row.organizationId, row.planId);
      if (!plan || plan.status !== 'active') return;
      await tx
        .update(planInstallments)
        .set(missed ? { status: 'missed', missedNoticeAt: now } : { remindedAt: now })
        .where(eq(planInstallments.id, installment.id));
      const info = {
        number: installment.seq,
        of: plan.installments.length,
        dueDate: installment.dueDate,
        amountCents: installment.amountCents - Math.min(installment.paidCents, installment.amountCents),
        currency: 'EUR',
      };
      const common = {
        organizationId: row.organizationId,
        debtorId: row.debtorId,
        invoiceIds: plan.invoices.filter((i) => i.status === 'open').map((i) => i.id),
        target: `/portal/plan/${plan.id}`,
      };
      if (missed) {
        await emailDebtor(
          tx,
          {
            ...common,
            template: 'installment_missed',
            props: { installment: info, graceUntil: addDays(installment.dueDate, row.policy.graceDays) },
            dedupeKey: `installment:${installment.id}:missed`,
          },
          { clock },
        );
      } else {
        await emailDebtor(
          tx,
          {
            ...common,
            template: 'installment_reminder',
            props: { installment: info },
            dedupeKey: `installment:${installment.id}:reminder`,
          },
          { clock },
        );
      }
      await audit(tx, {
        organizationId: row.organizationId,
        actor: SYSTEM,
        action: missed ? 'plan.installment_missed' : 'plan.installment_reminded',
        entityType: 'plan_installment',
        entityId: installment.id,
        debtorId: row.debtorId,
        data: { planId: plan.id, seq: installment.seq, dueDate: installment.dueDate },
        at: now,
      });
      summary[missed ? 'missed' : 'reminders'] += 1;
    });
  }
}

registerTask(PLAN_MAINTENANCE_TASK, async () => {
  await runPlanMaintenance();
});
// Daily at 08:00 UTC (09:00 or 10:00 in Amsterdam): never a reminder at night; a missed run is made up once.
registerCron(`0 8 * * * ${PLAN_MAINTENANCE_TASK} ?fill=1d&jobKey=${PLAN_MAINTENANCE_TASK}&jobKeyMode=preserve_run_at`);
