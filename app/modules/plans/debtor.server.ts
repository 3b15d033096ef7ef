/**
 * The debtor's side of plans and promises: what they may choose, proposing a plan (approved at
 * once within the policy, queued for finance otherwise), promising a date, answering a
 * counter-proposal, and reading their own plans. Every query is scoped by the portal session.
 */
import { and, desc, eq, inArray } from 'drizzle-orm';
import {
  debtors,
  paymentPlans,
  planInstallments,
  planInvoices,
  promiseInvoices,
  promisesToPay,
  type PaymentPlan,
  type PromiseToPay,
} from '~db/schema';
import { addDays, amsterdamDate, amsterdamInstant, systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { audit, type Actor } from '~/modules/audit/index.server';
import { liftPauses, pauseInvoices } from '~/modules/dunning/index.server';
import type { DebtorSession } from '~/modules/links/index.server';
import { emailDebtor, notifyFinance } from './notify.server';
import {
  emailPlan,
  isPending,
  loadPlan,
  loadPlans,
  openInvoicesWithHolds,
  ownInvoicesById,
  pendingPlan,
  recentDefaults,
  type Candidate,
} from './plans.server';
import {
  checkPromiseDate,
  checkSchedule,
  counterRespondBy,
  effectivePolicy,
  evaluateProposal,
  promiseLastDay,
  type FieldErrors,
  type Frequency,
  type PolicyReason,
} from './schedule';
import type { FieldError } from '~/utils/i18n';
import { debtorScope, orgScope, type DebtorRef } from '~/utils/org-scope.server';

type Options = { clock?: Clock };
type SessionScope = Pick<DebtorSession, 'organizationId' | 'debtorId' | 'debtor' | 'organization'>;

const scopeOf = (s: SessionScope): DebtorRef => ({ organizationId: s.organizationId, debtorId: s.debtorId });
const debtorActor = (s: SessionScope): Actor => ({ type: 'debtor', id: s.debtorId });

/** The instant a promise date ends in Europe/Amsterdam (the last millisecond of that day). */
export function endOfAmsterdamDay(day: string): Date {
  return new Date(amsterdamInstant(addDays(day, 1), 0).getTime() - 1);
}

export function mayPropose(session: SessionScope) {
  const policy = session.organization.planPolicy;
  return session.debtor.kind === 'consumer' ? policy.consumersMayPropose : policy.businessesMayPropose;
}

/** What /portal/plan needs: the invoices that can go into a plan, the policy in force, and whether a proposal is pending. */
export async function getPlanForm(session: SessionScope, { clock = systemClock }: Options = {}) {
  const now = clock.now();
  const db = getDb();
  const [candidates, pending, defaults] = await Promise.all([
    openInvoicesWithHolds(db, scopeOf(session), now),
    pendingPlan(db, scopeOf(session)),
    recentDefaults(db, scopeOf(session), new Date(now.getTime() - 365 * 86_400_000)),
  ]);
  return {
    today: amsterdamDate(now),
    policy: effectivePolicy(session.organization.planPolicy),
    debtorKind: session.debtor.kind,
    mayPropose: mayPropose(session),
    candidates,
    pending: pending ? { id: pending.id, status: pending.status } : null,
    recentDefaults: defaults,
  };
}

export type ProposalInput = {
  invoiceIds: string[];
  installmentCount: number;
  frequency: Frequency;
  firstDate: string;
  downPaymentCents: number;
  reason: string | null;
};

export type ProposalResult =
  { ok: true; plan: PaymentPlan; autoApproved: boolean; reasons: PolicyReason[] } | { ok: false; errors: FieldErrors };

/** Names the first problem with the chosen invoices, or null when every one may go into a plan or promise. */
function invoiceProblem(
  chosen: string[],
  candidates: Candidate[],
  own: { id: string; number: string; status: string }[],
  allowPromised: boolean,
): FieldError | null {
  if (chosen.length === 0) return { key: 'plan.error.noInvoices' };
  const open = new Map(candidates.map((c) => [c.id, c]));
  const mine = new Map(own.map((o) => [o.id, o]));
  for (const id of chosen) {
    const candidate = open.get(id);
    if (!candidate) {
      const invoice = mine.get(id);
      // Another debtor's (or an unknown) invoice is answered like a missing one: nothing about it is revealed.
      if (!invoice) return { key: 'plan.error.invoiceUnknown' };
      return { key: 'plan.error.invoiceSettled', params: { number: invoice.number } };
    }
    if (candidate.blocked === 'disputed')
      return { key: 'plan.error.invoiceDisputed', params: { number: candidate.number } };
    if (candidate.blocked === 'in_plan')
      return { key: 'plan.error.invoiceInPlan', params: { number: candidate.number } };
    if (!allowPromised && candidate.promisedDate) {
      return {
        key: 'promise.error.invoicePromised',
        params: { number: candidate.number },
        days: { date: candidate.promisedDate },
      };
    }
  }
  return null;
}

/** Serialises a debtor's proposals and promises: two submits at once cannot both pass the checks. */
async function lockDebtor(tx: Tx, scope: DebtorRef) {
  await tx
    .select({ id: debtors.id })
    .from(debtors)
    .where(and(eq(debtors.id, scope.debtorId), orgScope(debtors, scope)))
    .for('update');
}

/** Just the checks, without storing anything: for the no-JavaScript preview. */
export async function previewProposal(
  session: SessionScope,
  input: ProposalInput,
  { clock = systemClock }: Options = {},
) {
  return getDb().transaction((tx) => checkProposal(tx, session, input, clock.now()));
}

async function checkProposal(tx: Tx, session: SessionScope, input: ProposalInput, now: Date) {
  const scope = scopeOf(session);
  const today = amsterdamDate(now);
  const policy = session.organization.planPolicy;
  if (!mayPropose(session))
    return { ok: false as const, errors: { form: { key: 'plan.error.kindNotAllowed' } } as FieldErrors };
  const pending = await pendingPlan(tx, scope);
  if (pending) return { ok: false as const, errors: { form: { key: 'plan.error.pendingExists' } } as FieldErrors };

  const chosen = [...new Set(input.invoiceIds)];
  const candidates = await openInvoicesWithHolds(tx, scope, now, chosen);
  const own = await ownInvoicesById(tx, scope, chosen);
  const errors: FieldErrors = {};
  const problem = invoiceProblem(chosen, candidates, own, true);
  if (problem) errors.invoices = problem;
  const totalCents = problem ? 0 : candidates.reduce((s, c) => s + c.owedCents, 0);
  const proposal = {
    totalCents,
    downPaymentCents: input.downPaymentCents,
    installmentCount: input.installmentCount,
    frequency: input.frequency,
    firstDate: input.firstDate,
  };
  const checked = checkSchedule(proposal, { today, policy });
  if (!checked.ok) Object.assign(errors, checked.errors);
  if (problem) errors.invoices = problem;
  if (!checked.ok || problem) return { ok: false as const, errors };
  const track = await recentDefaults(tx, scope, new Date(now.getTime() - 365 * 86_400_000));
  const verdict = evaluateProposal(policy, proposal, session.debtor.kind, today, { recentDefaults: track });
  return { ok: true as const, proposal, schedule: checked.schedule, candidates, verdict };
}

/**
 * Stores a proposal, or refuses it naming each problem (nothing stored). Within the policy it is
 * approved at once; otherwise it waits for finance. Either way its invoices are paused
 * (payment_plan) from this moment, and an active promise on them is replaced by the plan.
 */
export async function proposePlan(
  session: SessionScope,
  input: ProposalInput,
  { clock = systemClock }: Options = {},
): Promise<ProposalResult> {
  const now = clock.now();
  const scope = scopeOf(session);
  const actor = debtorActor(session);
  return getDb().transaction(async (tx) => {
    await lockDebtor(tx, scope);
    const checked = await checkProposal(tx, session, input, now);
    if (!checked.ok) return checked;
    const { proposal, schedule, candidates, verdict } = checked;
    const autoApproved = verdict.withinPolicy;
    const [plan] = await tx
      .insert(paymentPlans)
      .values({
        organizationId: scope.organizationId,
        debtorId: scope.debtorId,
        status: autoApproved ? 'active' : 'proposed',
        totalCents: proposal.totalCents,
        downPaymentCents: proposal.downPaymentCents,
        installmentCount: proposal.installmentCount,
        frequency: proposal.frequency,
        firstDueDate: proposal.firstDate,
        reason: input.reason?.trim() || null,
        autoApproved,
        decidedAt: autoApproved ? now : null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await tx
      .insert(planInvoices)
      .values(candidates.map((c) => ({ planId: plan.id, invoiceId: c.id, amountCents: c.owedCents })));
    await tx.insert(planInstallments).values(
      schedule.map((p) => ({
        planId: plan.id,
        organizationId: scope.organizationId,
        seq: p.seq,
        dueDate: p.dueDate,
        amountCents: p.amountCents,
      })),
    );
    const invoiceIds = candidates.map((c) => c.id);
    await pauseInvoices(
      tx,
      { organizationId: scope.organizationId, invoiceIds, reason: 'payment_plan', sourceId: plan.id, actor },
      { clock },
    );
    await replacePromises(tx, scope, invoiceIds, actor, now, clock);
    await audit(tx, {
      organizationId: scope.organizationId,
      actor,
      action: 'plan.proposed',
      entityType: 'payment_plan',
      entityId: plan.id,
      debtorId: scope.debtorId,
      data: { ...proposal, invoiceIds, withinPolicy: verdict.withinPolicy, reasons: verdict.reasons },
      at: now,
    });
    const detail = (await loadPlan(tx, scope.organizationId, plan.id))!;
    if (autoApproved) {
      await audit(tx, {
        organizationId: scope.organizationId,
        actor: { type: 'system', id: 'plan-policy' },
        action: 'plan.approved',
        entityType: 'payment_plan',
        entityId: plan.id,
        debtorId: scope.debtorId,
        data: { auto: true },
        at: now,
      });
      await emailDebtor(
        tx,
        {
          ...scope,
          template: 'plan_approved',
          invoiceIds,
          target: `/portal/plan/${plan.id}`,
          props: { plan: emailPlan(detail) },
        },
        { clock },
      );
    } else {
      await emailDebtor(
        tx,
        {
          ...scope,
          template: 'plan_proposed_received',
          invoiceIds,
          target: `/portal/plan/${plan.id}`,
          props: { plan: emailPlan(detail) },
        },
        { clock },
      );
      await notifyFinance(
        tx,
        {
          ...scope,
          title: { key: 'plan.staff.proposed.title' },
          lines: [
            {
              key: 'plan.staff.proposed.line',
              params: { debtor: session.debtor.name, count: schedule.length },
              money: { total: proposal.totalCents },
            },
            { key: 'plan.staff.proposed.outside', params: { count: verdict.reasons.length } },
          ],
          path: `/app/plans/${plan.id}`,
        },
        { clock },
      );
    }
    return { ok: true as const, plan: { ...plan }, autoApproved, reasons: verdict.reasons };
  });
}

/** Active promises on these invoices end: the plan takes their place (its pause is already in force). */
async function replacePromises(tx: Tx, scope: DebtorRef, invoiceIds: string[], actor: Actor, now: Date, clock: Clock) {
  const promised = await tx
    .selectDistinct({ id: promisesToPay.id })
    .from(promisesToPay)
    .innerJoin(promiseInvoices, eq(promiseInvoices.promiseId, promisesToPay.id))
    .where(
      and(
        debtorScope(promisesToPay, scope),
        eq(promisesToPay.status, 'active'),
        inArray(promiseInvoices.invoiceId, invoiceIds),
      ),
    );
  for (const { id } of promised) {
    await tx.update(promisesToPay).set({ status: 'cancelled', resolvedAt: now }).where(eq(promisesToPay.id, id));
    await liftPauses(
      tx,
      { organizationId: scope.organizationId, sourceId: id, liftedReason: 'replaced_by_plan', actor },
      { clock },
    );
    await audit(tx, {
      organizationId: scope.organizationId,
      actor,
      action: 'promise.cancelled',
      entityType: 'promise_to_pay',
      entityId: id,
      debtorId: scope.debtorId,
      data: { reason: 'replaced_by_plan' },
      at: now,
    });
  }
}

export async function getPromiseForm(session: SessionScope, { clock = systemClock }: Options = {}) {
  const now = clock.now();
  const today = amsterdamDate(now);
  const db = getDb();
  const candidates = await openInvoicesWithHolds(db, scopeOf(session), now);
  const promises = await db
    .select()
    .from(promisesToPay)
    .where(and(debtorScope(promisesToPay, session), eq(promisesToPay.status, 'active')))
    .orderBy(desc(promisesToPay.createdAt));
  return { today, lastDay: promiseLastDay(session.organization.planPolicy, today), candidates, promises };
}

export type PromiseResult =
  | { ok: true; promise: PromiseToPay }
  | { ok: false; errors: Partial<Record<'invoices' | 'date' | 'form', FieldError>> };

/**
 * A promise to pay the chosen invoices in full by a date within the policy: dunning pauses on
 * them until the end of that day (Europe/Amsterdam).
 */
export async function makePromise(
  session: SessionScope,
  input: { invoiceIds: string[]; date: string },
  { clock = systemClock }: Options = {},
): Promise<PromiseResult> {
  const now = clock.now();
  const today = amsterdamDate(now);
  const scope = scopeOf(session);
  const actor = debtorActor(session);
  return getDb().transaction(async (tx) => {
    await lockDebtor(tx, scope);
    const chosen = [...new Set(input.invoiceIds)];
    const candidates = await openInvoicesWithHolds(tx, scope, now, chosen);
    const own = await ownInvoicesById(tx, scope, chosen);
    const errors: Partial<Record<'invoices' | 'date', FieldError>> = {};
    const problem = invoiceProblem(chosen, candidates, own, false);
    if (problem) errors.invoices = problem;
    const dateProblem = checkPromiseDate(session.organization.planPolicy, input.date, today);
    if (dateProblem) errors.date = dateProblem;
    if (problem || dateProblem) return { ok: false as const, errors };

    const totalCents = candidates.reduce((s, c) => s + c.owedCents, 0);
    const [promise] = await tx
      .insert(promisesToPay)
      .values({
        organizationId: scope.organizationId,
        debtorId: scope.debtorId,
        promisedDate: input.date,
        totalCents,
        createdAt: now,
      })
      .returning();
    await tx.insert(promiseInvoices).values(candidates.map((c) => ({ promiseId: promise.id, invoiceId: c.id })));
    const invoiceIds = candidates.map((c) => c.id);
    await pauseInvoices(
      tx,
      {
        organizationId: scope.organizationId,
        invoiceIds,
        reason: 'promise_to_pay',
        sourceId: promise.id,
        until: endOfAmsterdamDay(input.date),
        actor,
      },
      { clock },
    );
    await audit(tx, {
      organizationId: scope.organizationId,
      actor,
      action: 'promise.made',
      entityType: 'promise_to_pay',
      entityId: promise.id,
      debtorId: scope.debtorId,
      data: { date: input.date, totalCents, invoiceIds },
      at: now,
    });
    await emailDebtor(
      tx,
      {
        ...scope,
        template: 'promise_confirmed',
        invoiceIds,
        target: '/portal/promise',
        props: { promise: { amountCents: totalCents, currency: 'EUR', date: input.date } },
      },
      { clock },
    );
    return { ok: true as const, promise };
  });
}

/** The debtor's plans (newest first) and promises, for the overview on /portal/plan. */
export async function getDebtorPlans(session: SessionScope) {
  const db = getDb();
  const plans = await loadPlans(db, and(debtorScope(paymentPlans, session)));
  // A proposal finance answered with a counter is shown through the counter, not twice.
  return plans.filter((p) => !(p.status === 'countered' && p.counterOfId === null));
}

/** One plan of this debtor, or null when it is not theirs. */
export async function getDebtorPlan(session: SessionScope, id: string, { clock = systemClock }: Options = {}) {
  const db = getDb();
  const plan = await loadPlan(db, session.organizationId, id);
  if (!plan || plan.debtorId !== session.debtorId) return null;
  const today = amsterdamDate(clock.now());
  const awaitingAnswer = plan.status === 'countered' && plan.counterOfId !== null;
  const [original] = plan.counterOfId
    ? await loadPlans(db, and(orgScope(paymentPlans, session), eq(paymentPlans.id, plan.counterOfId)))
    : [];
  return {
    plan,
    original: original ?? null,
    awaitingAnswer,
    respondBy: awaitingAnswer ? counterRespondBy(amsterdamDate(plan.createdAt), plan.firstDueDate) : null,
    today,
  };
}

export type CounterAnswer = 'accept' | 'decline';

/**
 * The debtor's one-step answer to finance's counter-proposal. Accepting starts the plan (its
 * invoices stay paused); declining ends it and dunning resumes. Finance hears of either.
 */
export async function answerCounter(
  session: SessionScope,
  id: string,
  answer: CounterAnswer,
  { clock = systemClock }: Options = {},
): Promise<{ ok: true; status: PaymentPlan['status'] } | { ok: false; error: FieldError }> {
  const now = clock.now();
  const today = amsterdamDate(now);
  const scope = scopeOf(session);
  const actor = debtorActor(session);
  return getDb().transaction(async (tx) => {
    const [plan] = await tx
      .select()
      .from(paymentPlans)
      .where(and(debtorScope(paymentPlans, scope), eq(paymentPlans.id, id)))
      .for('update');
    if (!plan) return { ok: false as const, error: { key: 'plan.error.notFound' } };
    if (!(plan.status === 'countered' && plan.counterOfId !== null) || !isPending(plan)) {
      return { ok: false as const, error: { key: 'plan.error.alreadyAnswered' } };
    }
    const respondBy = counterRespondBy(amsterdamDate(plan.createdAt), plan.firstDueDate);
    if (today > respondBy) return { ok: false as const, error: { key: 'plan.error.counterExpired' } };
    const detail = (await loadPlan(tx, scope.organizationId, plan.id))!;
    const invoiceIds = detail.invoices.map((i) => i.id);
    const status = answer === 'accept' ? ('active' as const) : ('declined' as const);
    await tx.update(paymentPlans).set({ status, decidedAt: now, updatedAt: now }).where(eq(paymentPlans.id, plan.id));
    await audit(tx, {
      organizationId: scope.organizationId,
      actor,
      action: answer === 'accept' ? 'plan.counter_accepted' : 'plan.counter_declined',
      entityType: 'payment_plan',
      entityId: plan.id,
      debtorId: scope.debtorId,
      data: { counterOfId: plan.counterOfId },
      at: now,
    });
    if (answer === 'accept') {
      await emailDebtor(
        tx,
        {
          ...scope,
          template: 'plan_approved',
          invoiceIds,
          target: `/portal/plan/${plan.id}`,
          props: { plan: emailPlan(detail) },
        },
        { clock },
      );
    } else {
      await liftPauses(
        tx,
        { organizationId: scope.organizationId, sourceId: plan.id, liftedReason: 'counter_declined', actor },
        { clock },
      );
    }
    await notifyFinance(
      tx,
      {
        ...scope,
        title: { key: answer === 'accept' ? 'plan.staff.accepted.title' : 'plan.staff.declined.title' },
        lines: [
          {
            key: answer === 'accept' ? 'plan.staff.accepted.line' : 'plan.staff.declined.line',
            params: { debtor: session.debtor.name },
          },
        ],
        path: `/app/plans/${plan.id}`,
      },
      { clock },
    );
    return { ok: true as const, status };
  });
}
