/**
 * Finance's side: the queue of proposals outside the policy, each with the debtor's history,
 * and the three decisions (approve, reject with a reason, counter-propose). Plus the policy
 * itself, which admins edit. Every query is scoped by the staff member's organisation.
 */
import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import {
  debtors,
  invoices,
  organizations,
  paymentPlans,
  payments,
  planInstallments,
  planInvoices,
  promisesToPay,
  type PlanPolicy,
} from '~db/schema';
import { amsterdamDate, systemClock, type Clock } from '~/utils/clock';
import { hasForbiddenControlChars } from '~/utils/limits';
import { getDb, type Tx } from '~/utils/db.server';
import { audit, type Actor } from '~/modules/audit/index.server';
import { liftPauses, pauseInvoices } from '~/modules/dunning/index.server';
import type { SignedInStaff } from '~/modules/staff/index.server';
import { emailDebtor, invoiceOwed } from './notify.server';
import { emailPlan, loadPlan, loadPlans, recentDefaults, type PlanDetail } from './plans.server';
import {
  checkSchedule,
  counterRespondBy,
  evaluateProposal,
  REASON_MAX_LENGTH,
  type FieldErrors,
  type Frequency,
  type ScheduledPayment,
} from './schedule';
import type { FieldError } from '~/utils/i18n';
import { orgScope } from '~/utils/org-scope.server';

type Options = { clock?: Clock };
type Staff = Pick<SignedInStaff, 'id' | 'organizationId' | 'name'>;
const staffActor = (staff: Staff): Actor => ({ type: 'staff', id: staff.id });

async function policyOf(tx: Tx, organizationId: string): Promise<PlanPolicy> {
  const [org] = await tx
    .select({ policy: organizations.planPolicy })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  return org.policy;
}

async function verdictFor(tx: Tx, plan: PlanDetail, kind: 'consumer' | 'business', policy: PlanPolicy, now: Date) {
  const today = amsterdamDate(plan.createdAt);
  const track = await recentDefaults(tx, plan, new Date(now.getTime() - 365 * 86_400_000));
  return evaluateProposal(
    policy,
    {
      totalCents: plan.totalCents,
      downPaymentCents: plan.downPaymentCents,
      installmentCount: plan.installmentCount,
      frequency: plan.frequency,
      firstDate: plan.firstDueDate,
    },
    kind,
    today,
    { recentDefaults: track },
  );
}

/** Proposals waiting for finance, oldest first, with why each is outside the policy; and counters waiting for debtors. */
export async function listProposals(staff: Staff, { clock = systemClock }: Options = {}) {
  const db = getDb();
  const now = clock.now();
  const policy = await policyOf(db, staff.organizationId);
  const [proposed, countered] = await Promise.all([
    loadPlans(db, and(orgScope(paymentPlans, staff), eq(paymentPlans.status, 'proposed')), 'oldest'),
    loadPlans(db, and(orgScope(paymentPlans, staff), eq(paymentPlans.status, 'countered')), 'oldest'),
  ]);
  const debtorIds = [...new Set([...proposed, ...countered].map((p) => p.debtorId))];
  const people = debtorIds.length
    ? await db
        .select({ id: debtors.id, name: debtors.name, kind: debtors.kind })
        .from(debtors)
        .where(and(orgScope(debtors, staff), inArray(debtors.id, debtorIds)))
    : [];
  const byId = new Map(people.map((p) => [p.id, p]));
  const queue = [];
  for (const plan of proposed) {
    const debtor = byId.get(plan.debtorId)!;
    queue.push({ plan, debtor, verdict: await verdictFor(db, plan, debtor.kind, policy, now) });
  }
  const awaitingDebtor = countered
    .filter((p) => p.counterOfId !== null)
    .map((plan) => ({
      plan,
      debtor: byId.get(plan.debtorId)!,
      respondBy: counterRespondBy(amsterdamDate(plan.createdAt), plan.firstDueDate),
    }));
  return { queue, awaitingDebtor, today: amsterdamDate(now) };
}

/** One plan with everything finance weighs: the debtor, their invoices, payments, earlier plans and promises. */
export async function getPlanForFinance(staff: Staff, id: string, { clock = systemClock }: Options = {}) {
  const db = getDb();
  const now = clock.now();
  const plan = await loadPlan(db, staff.organizationId, id);
  if (!plan) return null;
  const [debtor] = await db
    .select()
    .from(debtors)
    .where(and(orgScope(debtors, staff), eq(debtors.id, plan.debtorId)));
  const policy = await policyOf(db, staff.organizationId);
  const scope = and(orgScope(invoices, staff), eq(invoices.debtorId, plan.debtorId));
  const [invoiceRows, paymentRows, otherPlans, promiseRows, counters] = await Promise.all([
    db
      .select({
        id: invoices.id,
        number: invoices.number,
        dueDate: invoices.dueDate,
        totalCents: invoices.totalCents,
        openCents: invoices.openCents,
        status: invoices.status,
      })
      .from(invoices)
      .where(scope)
      .orderBy(desc(invoices.dueDate))
      .limit(50),
    db
      .select({
        id: payments.id,
        createdAt: payments.createdAt,
        paidAt: payments.paidAt,
        amountCents: payments.amountCents,
        status: payments.status,
        provider: payments.provider,
        installmentId: payments.installmentId,
      })
      .from(payments)
      .where(and(orgScope(payments, staff), eq(payments.debtorId, plan.debtorId)))
      .orderBy(desc(payments.createdAt))
      .limit(20),
    loadPlans(
      db,
      and(orgScope(paymentPlans, staff), eq(paymentPlans.debtorId, plan.debtorId), ne(paymentPlans.id, plan.id)),
    ),
    db
      .select()
      .from(promisesToPay)
      .where(and(orgScope(promisesToPay, staff), eq(promisesToPay.debtorId, plan.debtorId)))
      .orderBy(desc(promisesToPay.createdAt)),
    db
      .select({ id: paymentPlans.id, status: paymentPlans.status })
      .from(paymentPlans)
      .where(and(orgScope(paymentPlans, staff), eq(paymentPlans.counterOfId, plan.id))),
  ]);
  return {
    plan,
    debtor: {
      id: debtor.id,
      name: debtor.name,
      kind: debtor.kind,
      email: debtor.email,
      externalRef: debtor.externalRef,
    },
    verdict: await verdictFor(db, plan, debtor.kind, policy, now),
    policy,
    today: amsterdamDate(now),
    history: {
      invoices: invoiceRows,
      payments: paymentRows,
      plans: otherPlans.map((p) => ({
        id: p.id,
        status: p.status,
        totalCents: p.totalCents,
        installmentCount: p.installmentCount,
        createdAt: p.createdAt,
        counterOfId: p.counterOfId,
      })),
      promises: promiseRows.map((p) => ({
        id: p.id,
        status: p.status,
        promisedDate: p.promisedDate,
        totalCents: p.totalCents,
      })),
      promisesKept: promiseRows.filter((p) => p.status === 'kept').length,
      promisesBroken: promiseRows.filter((p) => p.status === 'broken').length,
    },
    counters,
  };
}

type DecisionResult = { ok: true } | { ok: false; errors: FieldErrors };

/** Locks a proposal of this organisation that is still waiting for finance, or names why it cannot be decided. */
async function lockProposal(tx: Tx, staff: Staff, id: string): Promise<{ plan: PlanDetail } | { error: FieldError }> {
  const [row] = await tx
    .select({ id: paymentPlans.id, status: paymentPlans.status })
    .from(paymentPlans)
    .where(and(orgScope(paymentPlans, staff), eq(paymentPlans.id, id)))
    .for('update');
  if (!row) return { error: { key: 'plan.error.notFound' } };
  if (row.status !== 'proposed') return { error: { key: 'plan.error.alreadyDecided' } };
  return { plan: (await loadPlan(tx, staff.organizationId, id))! };
}

/** Approves a proposal as it was made: the plan starts and its invoices stay paused while it runs. */
export async function approvePlan(
  staff: Staff,
  id: string,
  { clock = systemClock }: Options = {},
): Promise<DecisionResult> {
  const now = clock.now();
  return getDb().transaction(async (tx) => {
    const locked = await lockProposal(tx, staff, id);
    if ('error' in locked) return { ok: false as const, errors: { form: locked.error } };
    const { plan } = locked;
    if (plan.firstDueDate < amsterdamDate(now))
      return { ok: false as const, errors: { form: { key: 'plan.error.firstDatePassed' } } };
    // Paid (in part) or credited since the proposal: the schedule no longer matches what is owed.
    const current = await tx
      .select()
      .from(invoices)
      .where(
        and(
          orgScope(invoices, staff),
          inArray(
            invoices.id,
            plan.invoices.map((i) => i.id),
          ),
        ),
      );
    const owedNow = new Map(current.map((i) => [i.id, i.status === 'open' ? invoiceOwed(i) : 0]));
    if (plan.invoices.some((i) => owedNow.get(i.id) !== i.amountCents))
      return { ok: false as const, errors: { form: { key: 'plan.error.invoicesChanged' } } };
    await tx
      .update(paymentPlans)
      .set({ status: 'active', decidedById: staff.id, decidedAt: now, updatedAt: now })
      .where(eq(paymentPlans.id, plan.id));
    await audit(tx, {
      organizationId: staff.organizationId,
      actor: staffActor(staff),
      action: 'plan.approved',
      entityType: 'payment_plan',
      entityId: plan.id,
      debtorId: plan.debtorId,
      data: { auto: false },
      at: now,
    });
    await emailDebtor(
      tx,
      {
        organizationId: staff.organizationId,
        debtorId: plan.debtorId,
        template: 'plan_approved',
        invoiceIds: plan.invoices.map((i) => i.id),
        target: `/portal/plan/${plan.id}`,
        props: { plan: emailPlan(plan) },
      },
      { clock },
    );
    return { ok: true as const };
  });
}

/** Rejects a proposal with a reason the debtor reads; the pause ends and dunning resumes. */
export async function rejectPlan(
  staff: Staff,
  id: string,
  reason: string,
  { clock = systemClock }: Options = {},
): Promise<DecisionResult> {
  const now = clock.now();
  const note = reason.trim();
  if (note.length === 0) return { ok: false, errors: { reason: { key: 'plan.error.reasonRequired' } } };
  if (note.length > REASON_MAX_LENGTH)
    return { ok: false, errors: { reason: { key: 'plan.error.reasonTooLong', params: { max: REASON_MAX_LENGTH } } } };
  if (hasForbiddenControlChars(note, 'multiline'))
    return { ok: false, errors: { reason: { key: 'plan.error.reasonControlChars' } } };
  return getDb().transaction(async (tx) => {
    const locked = await lockProposal(tx, staff, id);
    if ('error' in locked) return { ok: false as const, errors: { form: locked.error } };
    const { plan } = locked;
    await tx
      .update(paymentPlans)
      .set({ status: 'rejected', decidedById: staff.id, decidedAt: now, decisionNote: note, updatedAt: now })
      .where(eq(paymentPlans.id, plan.id));
    await liftPauses(
      tx,
      {
        organizationId: staff.organizationId,
        sourceId: plan.id,
        liftedReason: 'plan_rejected',
        actor: staffActor(staff),
      },
      { clock },
    );
    await audit(tx, {
      organizationId: staff.organizationId,
      actor: staffActor(staff),
      action: 'plan.rejected',
      entityType: 'payment_plan',
      entityId: plan.id,
      debtorId: plan.debtorId,
      data: { reason: note },
      at: now,
    });
    await emailDebtor(
      tx,
      {
        organizationId: staff.organizationId,
        debtorId: plan.debtorId,
        template: 'plan_rejected',
        invoiceIds: plan.invoices.map((i) => i.id),
        target: '/portal',
        props: { reason: note },
      },
      { clock },
    );
    return { ok: true as const };
  });
}

export type CounterInput = {
  installmentCount: number;
  frequency: Frequency;
  firstDate: string;
  downPaymentCents: number;
  note: string | null;
};

/**
 * Answers a proposal with a different schedule for the same invoices (their amounts as they
 * stand now). The counter is a new plan row that waits for the debtor; the invoices stay paused.
 */
export async function counterPlan(
  staff: Staff,
  id: string,
  input: CounterInput,
  { clock = systemClock }: Options = {},
): Promise<DecisionResult & { counterId?: string }> {
  const now = clock.now();
  const today = amsterdamDate(now);
  const note = input.note?.trim() || null;
  if (note && note.length > REASON_MAX_LENGTH)
    return { ok: false, errors: { reason: { key: 'plan.error.reasonTooLong', params: { max: REASON_MAX_LENGTH } } } };
  return getDb().transaction(async (tx) => {
    const locked = await lockProposal(tx, staff, id);
    if ('error' in locked) return { ok: false as const, errors: { form: locked.error } };
    const { plan } = locked;
    const current = await readPlanInvoices(tx, staff, plan);
    if (current.some((i) => i.status !== 'open' || invoiceOwed(i) <= 0)) {
      return { ok: false as const, errors: { form: { key: 'plan.error.invoicesChanged' } } };
    }
    const proposal = counterProposal(current, input);
    const checked = checkSchedule(proposal, { today });
    if (!checked.ok) return { ok: false as const, errors: checked.errors };
    const counter = await insertCounter(tx, staff, plan, { proposal, schedule: checked.schedule, current, note, now });
    await tx
      .update(paymentPlans)
      .set({ status: 'countered', decidedById: staff.id, decidedAt: now, decisionNote: note, updatedAt: now })
      .where(eq(paymentPlans.id, plan.id));
    const invoiceIds = current.map((i) => i.id);
    await movePauseToCounter(tx, staff, { plan, counterId: counter.id, invoiceIds, clock });
    await auditCounter(tx, staff, { plan, counterId: counter.id, proposal, note, now });
    const detail = (await loadPlan(tx, staff.organizationId, counter.id))!;
    await emailDebtor(
      tx,
      {
        organizationId: staff.organizationId,
        debtorId: plan.debtorId,
        template: 'plan_countered',
        invoiceIds,
        target: `/portal/plan/${counter.id}`,
        props: { plan: emailPlan(detail), note, respondBy: counterRespondBy(today, proposal.firstDate) },
      },
      { clock },
    );
    return { ok: true as const, counterId: counter.id };
  });
}

type PlanInvoiceRow = typeof invoices.$inferSelect;

/** The plan's invoices as they stand now. */
function readPlanInvoices(tx: Tx, staff: Staff, plan: PlanDetail): Promise<PlanInvoiceRow[]> {
  return tx
    .select()
    .from(invoices)
    .where(
      and(
        orgScope(invoices, staff),
        inArray(
          invoices.id,
          plan.invoices.map((i) => i.id),
        ),
      ),
    );
}

/** The counter's schedule as finance set it, over what the invoices owe now. */
function counterProposal(current: PlanInvoiceRow[], input: CounterInput) {
  return {
    totalCents: current.reduce((s, i) => s + invoiceOwed(i), 0),
    downPaymentCents: input.downPaymentCents,
    installmentCount: input.installmentCount,
    frequency: input.frequency,
    firstDate: input.firstDate,
  };
}

type CounterProposal = ReturnType<typeof counterProposal>;

/** The counter plan's row (waiting for the debtor), its invoices at what they owe now, and its installments. */
async function insertCounter(
  tx: Tx,
  staff: Staff,
  plan: PlanDetail,
  {
    proposal,
    schedule,
    current,
    note,
    now,
  }: {
    proposal: CounterProposal;
    schedule: ScheduledPayment[];
    current: PlanInvoiceRow[];
    note: string | null;
    now: Date;
  },
) {
  const [counter] = await tx
    .insert(paymentPlans)
    .values({
      organizationId: staff.organizationId,
      debtorId: plan.debtorId,
      status: 'countered',
      totalCents: proposal.totalCents,
      downPaymentCents: proposal.downPaymentCents,
      installmentCount: proposal.installmentCount,
      frequency: proposal.frequency,
      firstDueDate: proposal.firstDate,
      reason: plan.reason,
      counterOfId: plan.id,
      decidedById: staff.id,
      decisionNote: note,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await tx
    .insert(planInvoices)
    .values(current.map((i) => ({ planId: counter.id, invoiceId: i.id, amountCents: invoiceOwed(i) })));
  await tx.insert(planInstallments).values(
    schedule.map((p) => ({
      planId: counter.id,
      organizationId: staff.organizationId,
      seq: p.seq,
      dueDate: p.dueDate,
      amountCents: p.amountCents,
    })),
  );
  return counter;
}

/** The counter's pause first, then the proposal's is lifted: the invoices are never unpaused in between. */
async function movePauseToCounter(
  tx: Tx,
  staff: Staff,
  { plan, counterId, invoiceIds, clock }: { plan: PlanDetail; counterId: string; invoiceIds: string[]; clock: Clock },
) {
  await pauseInvoices(
    tx,
    {
      organizationId: staff.organizationId,
      invoiceIds,
      reason: 'payment_plan',
      sourceId: counterId,
      actor: staffActor(staff),
    },
    { clock },
  );
  await liftPauses(
    tx,
    { organizationId: staff.organizationId, sourceId: plan.id, liftedReason: 'countered', actor: staffActor(staff) },
    { clock },
  );
}

/** Two audit events: the proposal countered, and the counter proposed. */
async function auditCounter(
  tx: Tx,
  staff: Staff,
  {
    plan,
    counterId,
    proposal,
    note,
    now,
  }: { plan: PlanDetail; counterId: string; proposal: CounterProposal; note: string | null; now: Date },
) {
  await audit(
    tx,
    {
      organizationId: staff.organizationId,
      actor: staffActor(staff),
      action: 'plan.countered',
      entityType: 'payment_plan',
      entityId: plan.id,
      debtorId: plan.debtorId,
      data: { counterId, note },
      at: now,
    },
    {
      organizationId: staff.organizationId,
      actor: staffActor(staff),
      action: 'plan.counter_proposed',
      entityType: 'payment_plan',
      entityId: counterId,
      debtorId: plan.debtorId,
      data: { ...proposal, counterOfId: plan.id, note },
      at: now,
    },
  );
}
