import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  communications,
  disputes,
  dunningPauses,
  invoices,
  paymentAllocations,
  paymentPlans,
  payments,
  planInstallments,
  promisesToPay,
} from '~db/schema';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import {
  auditActions,
  linkTarget,
  mailsTo,
  pausesAt,
  planWorld,
  sessionOf,
  TEST_PLAN_POLICY,
} from '~test/factories-plans';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { applyPaymentStatus } from '~/modules/ledger/ledger.server';
import { answerCounter, makePromise, proposePlan, type ProposalInput } from './debtor.server';
import { approvePlan, counterPlan, rejectPlan } from './finance.server';
import { installmentPaymentIntent } from './installments.server';
import { runPlanMaintenance } from './maintenance.server';

const NOW = '2026-11-23T10:00:00Z';
const db = () => getDb();

function input(invoiceIds: string[], over: Partial<ProposalInput> = {}): ProposalInput {
  return {
    invoiceIds,
    installmentCount: 3,
    frequency: 'monthly',
    firstDate: '2026-12-01',
    downPaymentCents: 0,
    reason: 'Tijdelijk minder werk',
    ...over,
  };
}

async function planRow(id: string) {
  const [row] = await db().select().from(paymentPlans).where(eq(paymentPlans.id, id));
  return row;
}

async function installmentsOf(planId: string) {
  return db().select().from(planInstallments).where(eq(planInstallments.planId, planId)).orderBy(planInstallments.seq);
}

async function invoiceRow(id: string) {
  const [row] = await db().select().from(invoices).where(eq(invoices.id, id));
  return row;
}

async function counts() {
  const count = async (
    table: typeof paymentPlans | typeof dunningPauses | typeof communications | typeof promisesToPay,
  ) =>
    (
      await db()
        .select({ n: sql<number>`count(*)::int` })
        .from(table)
    )[0].n;
  return {
    plans: await count(paymentPlans),
    pauses: await count(dunningPauses),
    mails: await count(communications),
    promises: await count(promisesToPay),
  };
}

/** Pays an installment the way the portal does: a payment with the installment's intent, settled by the ledger. */
async function payInstallment(
  world: Awaited<ReturnType<typeof planWorld>>,
  planId: string,
  clock: ReturnType<typeof fixedClock>,
) {
  const due = (await getDb().transaction((tx) => installmentPaymentIntent(tx, world.session, planId)))!;
  const [payment] = await db()
    .insert(payments)
    .values({
      organizationId: world.org.id,
      debtorId: world.debtor.id,
      provider: 'demo',
      amountCents: due.amountCents,
      status: 'open',
      intent: due.intent,
      installmentId: due.installmentId,
    })
    .returning();
  await applyPaymentStatus(payment.id, 'paid', { clock });
  return { due, payment };
}

describe('proposal: outside the policy waits for finance, within it is approved at once', () => {
  it('queues a proposal outside the policy, pauses its invoices until decided, and tells debtor and finance', async () => {
    const clock = fixedClock(NOW);
    const w = await planWorld();
    const ids = w.invoices.map((i) => i.id);
    const result = await proposePlan(w.session, input(ids, { installmentCount: 9 }), { clock });
    expect(result).toMatchObject({
      ok: true,
      autoApproved: false,
      reasons: [
        { code: 'max_installments', limit: 6, actual: 9 },
        { code: 'max_duration', limit: 200, actual: 251 },
      ],
    });
    if (!result.ok) return;
    const plan = await planRow(result.plan.id);
    expect(plan).toMatchObject({
      status: 'proposed',
      totalCents: 45_000,
      installmentCount: 9,
      autoApproved: false,
      decidedAt: null,
    });
    const installments = await installmentsOf(plan.id);
    expect(installments.map((i) => i.amountCents)).toEqual(Array(9).fill(5_000));
    expect(installments[8].dueDate).toBe('2027-08-01');

    const pauses = await pausesAt(ids, clock.now());
    expect(pauses).toHaveLength(2);
    expect(pauses.every((p) => p.reason === 'payment_plan' && p.sourceId === plan.id && p.until === null)).toBe(true);

    const mails = await mailsTo(w.debtor.id);
    expect(mails.map((m) => [m.template, m.toAddress])).toEqual([
      ['plan_proposed_received', w.debtor.email],
      ['staff_notification', w.finance.email],
    ]);
    expect(mails[0].locale).toBe('en');
    expect(await linkTarget(mails[0].linkJti)).toBe(`/portal/plan/${plan.id}`);
    expect(mails[1].props).toMatchObject({ backOfficeUrl: `http://voldaan.test/app/plans/${plan.id}` });
    expect(await auditActions(plan.id)).toEqual(['plan.proposed']);
  });

  it('approves a proposal within the policy at once: installments created, invoices stay paused while it runs', async () => {
    const clock = fixedClock(NOW);
    const w = await planWorld();
    const ids = w.invoices.map((i) => i.id);
    const result = await proposePlan(
      w.session,
      input(ids, { installmentCount: 6, frequency: 'biweekly', downPaymentCents: 4_500 }),
      { clock },
    );
    expect(result).toMatchObject({ ok: true, autoApproved: true, reasons: [] });
    if (!result.ok) return;
    const plan = await planRow(result.plan.id);
    expect(plan).toMatchObject({ status: 'active', autoApproved: true, downPaymentCents: 4_500 });
    const installments = await installmentsOf(plan.id);
    expect(installments.map((i) => i.amountCents)).toEqual([4_500, 6_750, 6_750, 6_750, 6_750, 6_750, 6_750]);
    expect(installments.reduce((s, i) => s + i.amountCents, 0)).toBe(45_000);
    expect((await pausesAt(ids, clock.now())).map((p) => p.reason)).toEqual(['payment_plan', 'payment_plan']);
    expect((await mailsTo(w.debtor.id)).map((m) => m.template)).toEqual(['plan_approved']);
    expect(await auditActions(plan.id)).toEqual(['plan.proposed', 'plan.approved']);
  });

  it('sends a proposal to finance when the debtor defaulted on a plan in the past year, even within the limits', async () => {
    const clock = fixedClock(NOW);
    const w = await planWorld();
    await db()
      .insert(paymentPlans)
      .values({
        organizationId: w.org.id,
        debtorId: w.debtor.id,
        status: 'defaulted',
        totalCents: 1_000,
        installmentCount: 2,
        frequency: 'monthly',
        firstDueDate: '2026-06-01',
        updatedAt: new Date('2026-08-01T00:00:00Z'),
      });
    const result = await proposePlan(w.session, input(w.invoices.map((i) => i.id)), { clock });
    expect(result).toMatchObject({ ok: true, autoApproved: false, reasons: [{ code: 'recent_default', actual: 1 }] });
  });

  it('serialises two submits at once: exactly one proposal is stored', async () => {
    const clock = fixedClock(NOW);
    const w = await planWorld();
    const ids = w.invoices.map((i) => i.id);
    const results = await Promise.all([
      proposePlan(w.session, input(ids, { installmentCount: 9 }), { clock }),
      proposePlan(w.session, input(ids, { installmentCount: 9 }), { clock }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ errors: { form: { key: 'plan.error.pendingExists' } } });
    expect((await counts()).plans).toBeGreaterThanOrEqual(1);
    const mine = await db().select().from(paymentPlans).where(eq(paymentPlans.debtorId, w.debtor.id));
    expect(mine).toHaveLength(1);
  });
});

describe('finance decisions', () => {
  async function proposed() {
    const clock = fixedClock(NOW);
    const w = await planWorld();
    const ids = w.invoices.map((i) => i.id);
    const result = await proposePlan(w.session, input(ids, { installmentCount: 9 }), { clock });
    if (!result.ok) throw new Error('proposal refused');
    return { w, ids, clock, planId: result.plan.id };
  }

  it('approval starts the plan as proposed and keeps the invoices paused', async () => {
    const { w, ids, clock, planId } = await proposed();
    clock.advanceDays(1);
    expect(await approvePlan(w.finance, planId, { clock })).toEqual({ ok: true });
    expect(await planRow(planId)).toMatchObject({ status: 'active', decidedById: w.finance.id, autoApproved: false });
    expect(await pausesAt(ids, clock.now())).toHaveLength(2);
    expect((await mailsTo(w.debtor.id)).map((m) => m.template)).toContain('plan_approved');
    expect(await auditActions(planId)).toEqual(['plan.proposed', 'plan.approved']);
    expect(await approvePlan(w.finance, planId, { clock })).toMatchObject({
      ok: false,
      errors: { form: { key: 'plan.error.alreadyDecided' } },
    });
  });

  it('will not approve once the first date has passed: finance must counter with new dates', async () => {
    const { w, clock, planId } = await proposed();
    clock.set('2026-12-02T10:00:00Z');
    expect(await approvePlan(w.finance, planId, { clock })).toMatchObject({
      ok: false,
      errors: { form: { key: 'plan.error.firstDatePassed' } },
    });
    expect((await planRow(planId)).status).toBe('proposed');
  });

  it('will not approve a proposal whose invoices were paid in part since: finance counters on the new amounts', async () => {
    const { w, ids, clock, planId } = await proposed();
    await db().update(invoices).set({ openCents: 20_000 }).where(eq(invoices.id, ids[0]));
    expect(await approvePlan(w.finance, planId, { clock })).toMatchObject({
      ok: false,
      errors: { form: { key: 'plan.error.invoicesChanged' } },
    });
    const counter = await counterPlan(
      w.finance,
      planId,
      { installmentCount: 5, frequency: 'monthly', firstDate: '2026-12-01', downPaymentCents: 0, note: null },
      { clock },
    );
    expect(await planRow(counter.counterId!)).toMatchObject({ totalCents: 35_000 });
  });

  it('rejection needs a reason, lifts the pause and resumes dunning from now', async () => {
    const { w, ids, clock, planId } = await proposed();
    clock.advanceDays(2);
    expect(await rejectPlan(w.finance, planId, '  ', { clock })).toMatchObject({
      ok: false,
      errors: { reason: { key: 'plan.error.reasonRequired' } },
    });
    expect(await rejectPlan(w.finance, planId, 'We bieden hoogstens zes termijnen.', { clock })).toEqual({ ok: true });
    expect(await planRow(planId)).toMatchObject({
      status: 'rejected',
      decisionNote: 'We bieden hoogstens zes termijnen.',
    });
    expect(await pausesAt(ids, clock.now())).toEqual([]);
    // Invoice a's second reminder fell due during the pause: it now goes out at the resume moment.
    expect((await invoiceRow(ids[0])).nextActionAt?.toISOString()).toBe(clock.now().toISOString());
    expect(await auditActions(ids[0])).toContain('dunning.resumed');
    const rejected = (await mailsTo(w.debtor.id)).find((m) => m.template === 'plan_rejected');
    expect(rejected?.props).toMatchObject({ reason: 'We bieden hoogstens zes termijnen.' });
  });

  it('a counter-proposal replaces the proposal without a gap in the pause; the debtor accepts it in one step', async () => {
    const { w, ids, clock, planId } = await proposed();
    const counter = await counterPlan(
      w.finance,
      planId,
      {
        installmentCount: 4,
        frequency: 'biweekly',
        firstDate: '2026-12-01',
        downPaymentCents: 5_000,
        note: 'Vier termijnen kan wel.',
      },
      { clock },
    );
    expect(counter).toMatchObject({ ok: true });
    const counterId = counter.counterId!;
    expect(await planRow(planId)).toMatchObject({ status: 'countered', decisionNote: 'Vier termijnen kan wel.' });
    expect(await planRow(counterId)).toMatchObject({
      status: 'countered',
      counterOfId: planId,
      totalCents: 45_000,
      downPaymentCents: 5_000,
    });
    expect((await installmentsOf(counterId)).map((i) => i.amountCents)).toEqual([
      5_000, 10_000, 10_000, 10_000, 10_000,
    ]);
    const pauses = await pausesAt(ids, clock.now());
    expect(pauses.map((p) => p.sourceId)).toEqual([counterId, counterId]);
    expect(await auditActions(ids[0])).not.toContain('dunning.resumed');

    const mail = (await mailsTo(w.debtor.id)).find((m) => m.template === 'plan_countered')!;
    expect(mail.props).toMatchObject({ note: 'Vier termijnen kan wel.', respondBy: '2026-12-01' });
    expect(await linkTarget(mail.linkJti)).toBe(`/portal/plan/${counterId}`);

    clock.advanceDays(3);
    expect(await answerCounter(w.session, counterId, 'accept', { clock })).toEqual({ ok: true, status: 'active' });
    expect((await planRow(counterId)).status).toBe('active');
    expect(await pausesAt(ids, clock.now())).toHaveLength(2);
    expect(await answerCounter(w.session, counterId, 'decline', { clock })).toMatchObject({
      ok: false,
      error: { key: 'plan.error.alreadyAnswered' },
    });
    const mails = await mailsTo(w.debtor.id);
    expect(mails.filter((m) => m.template === 'staff_notification')).toHaveLength(2);
    expect(mails.at(-2)?.template).toBe('plan_approved');
    expect(await auditActions(counterId)).toEqual(['plan.counter_proposed', 'plan.counter_accepted']);
  });

  it('a declined counter lifts the pause and dunning resumes', async () => {
    const { w, ids, clock, planId } = await proposed();
    const counter = await counterPlan(
      w.finance,
      planId,
      { installmentCount: 3, frequency: 'monthly', firstDate: '2026-12-15', downPaymentCents: 0, note: null },
      { clock },
    );
    clock.advanceDays(1);
    expect(await answerCounter(w.session, counter.counterId!, 'decline', { clock })).toEqual({
      ok: true,
      status: 'declined',
    });
    expect(await pausesAt(ids, clock.now())).toEqual([]);
    expect(await auditActions(ids[0])).toContain('dunning.resumed');
    expect((await mailsTo(w.debtor.id)).at(-1)).toMatchObject({
      template: 'staff_notification',
      toAddress: w.finance.email,
    });
  });

  it('a counter left unanswered lapses after its answer day', async () => {
    const { w, ids, clock, planId } = await proposed();
    const counter = await counterPlan(
      w.finance,
      planId,
      { installmentCount: 3, frequency: 'monthly', firstDate: '2027-01-15', downPaymentCents: 0, note: null },
      { clock },
    );
    clock.set('2026-12-07T20:00:00Z');
    expect((await runPlanMaintenance({ clock, organizationId: w.org.id })).countersExpired).toBe(0);
    clock.set('2026-12-08T08:00:00Z');
    expect((await runPlanMaintenance({ clock, organizationId: w.org.id })).countersExpired).toBe(1);
    expect((await planRow(counter.counterId!)).status).toBe('declined');
    expect(await pausesAt(ids, clock.now())).toEqual([]);
    expect(await answerCounter(w.session, counter.counterId!, 'accept', { clock })).toMatchObject({
      ok: false,
      error: { key: 'plan.error.alreadyAnswered' },
    });
    const templates = (await mailsTo(w.debtor.id)).map((m) => m.template);
    expect(templates.slice(-2)).toEqual(['plan_rejected', 'staff_notification']);
  });

  it('refuses a counter that breaks the hard rules, naming the field', async () => {
    const { w, planId, clock } = await proposed();
    expect(
      await counterPlan(
        w.finance,
        planId,
        { installmentCount: 45_001, frequency: 'monthly', firstDate: '2026-12-01', downPaymentCents: 0, note: null },
        { clock },
      ),
    ).toMatchObject({ ok: false, errors: { installmentCount: { key: 'plan.error.countTooHigh' } } });
    expect(
      await counterPlan(
        w.finance,
        planId,
        { installmentCount: 3, frequency: 'monthly', firstDate: '2026-11-22', downPaymentCents: 0, note: null },
        { clock },
      ),
    ).toMatchObject({ ok: false, errors: { firstDate: { key: 'plan.error.datePast' } } });
    expect((await planRow(planId)).status).toBe('proposed');
  });
});

describe('promises to pay', () => {
  it('pauses until the end of the promised day in Amsterdam and is kept when the invoices are paid', async () => {
    const clock = fixedClock(NOW);
    const w = await planWorld();
    const ids = w.invoices.map((i) => i.id);
    const made = await makePromise(w.session, { invoiceIds: ids, date: '2026-12-01' }, { clock });
    expect(made).toMatchObject({ ok: true, promise: { totalCents: 45_000, status: 'active' } });
    if (!made.ok) return;
    const pauses = await pausesAt(ids, clock.now());
    expect(pauses.map((p) => [p.reason, p.until?.toISOString()])).toEqual([
      ['promise_to_pay', '2026-12-01T22:59:59.999Z'],
      ['promise_to_pay', '2026-12-01T22:59:59.999Z'],
    ]);
    expect((await mailsTo(w.debtor.id)).map((m) => m.template)).toEqual(['promise_confirmed']);

    clock.set('2026-11-30T12:00:00Z');
    const [payment] = await db()
      .insert(payments)
      .values({
        organizationId: w.org.id,
        debtorId: w.debtor.id,
        provider: 'bank_transfer',
        amountCents: 45_000,
        status: 'pending',
      })
      .returning();
    await applyPaymentStatus(payment.id, 'paid', { clock });
    expect((await runPlanMaintenance({ clock, organizationId: w.org.id })).promisesKept).toBe(1);
    const [promise] = await db().select().from(promisesToPay).where(eq(promisesToPay.id, made.promise.id));
    expect(promise.status).toBe('kept');
    expect(await auditActions(promise.id)).toEqual(['promise.made', 'promise.kept']);
  });

  it('is broken when the day ends unpaid: the pause ends, dunning resumes and the debtor is told', async () => {
    const clock = fixedClock(NOW);
    const w = await planWorld();
    const ids = w.invoices.map((i) => i.id);
    const made = await makePromise(w.session, { invoiceIds: [ids[0]], date: '2026-12-01' }, { clock });
    if (!made.ok) throw new Error('refused');
    // 23:30 in Amsterdam on the promised day: still kept open.
    clock.set('2026-12-01T22:30:00Z');
    expect(await runPlanMaintenance({ clock, organizationId: w.org.id })).toMatchObject({
      promisesBroken: 0,
      promisesKept: 0,
    });
    expect(await pausesAt([ids[0]], clock.now())).toHaveLength(1);
    clock.set('2026-12-01T23:00:30Z');
    expect(await pausesAt([ids[0]], clock.now())).toEqual([]);
    expect((await runPlanMaintenance({ clock, organizationId: w.org.id })).promisesBroken).toBe(1);
    const [promise] = await db().select().from(promisesToPay).where(eq(promisesToPay.id, made.promise.id));
    expect(promise.status).toBe('broken');
    const [pause] = await db().select().from(dunningPauses).where(eq(dunningPauses.sourceId, promise.id));
    expect(pause.liftedReason).toBe('promise_broken');
    // Dunning picks up at the next sending hour (09:00 Amsterdam), not at midnight.
    expect((await invoiceRow(ids[0])).nextActionAt?.toISOString()).toBe('2026-12-02T08:00:00.000Z');
    const mail = (await mailsTo(w.debtor.id)).at(-1)!;
    expect(mail.template).toBe('promise_broken');
    expect(mail.props).toMatchObject({ promise: { amountCents: 30_000, date: '2026-12-01' } });
    expect((await runPlanMaintenance({ clock, organizationId: w.org.id })).promisesBroken).toBe(0);
  });

  it('refuses dates beyond the limit and invoices already promised, storing nothing', async () => {
    const clock = fixedClock(NOW);
    const w = await planWorld();
    const ids = w.invoices.map((i) => i.id);
    const before = await counts();
    expect(await makePromise(w.session, { invoiceIds: ids, date: '2026-12-08' }, { clock })).toMatchObject({
      ok: false,
      errors: { date: { key: 'promise.error.dateTooFar', params: { count: 14 } } },
    });
    expect(await makePromise(w.session, { invoiceIds: ids, date: '2026-11-22' }, { clock })).toMatchObject({
      ok: false,
      errors: { date: { key: 'promise.error.datePast' } },
    });
    expect(await makePromise(w.session, { invoiceIds: [], date: '2026-12-07' }, { clock })).toMatchObject({
      ok: false,
      errors: { invoices: { key: 'plan.error.noInvoices' } },
    });
    expect(await counts()).toEqual(before);
    expect(await makePromise(w.session, { invoiceIds: [ids[0]], date: '2026-12-07' }, { clock })).toMatchObject({
      ok: true,
    });
    expect(await makePromise(w.session, { invoiceIds: ids, date: '2026-12-07' }, { clock })).toMatchObject({
      ok: false,
      errors: { invoices: { key: 'promise.error.invoicePromised' } },
    });
  });

  it('is replaced by a plan on the same invoices, with no gap in the pause', async () => {
    const clock = fixedClock(NOW);
    const w = await planWorld();
    const ids = w.invoices.map((i) => i.id);
    const made = await makePromise(w.session, { invoiceIds: [ids[0]], date: '2026-12-05' }, { clock });
    if (!made.ok) throw new Error('refused');
    const plan = await proposePlan(w.session, input(ids), { clock });
    expect(plan).toMatchObject({ ok: true, autoApproved: true });
    const [promise] = await db().select().from(promisesToPay).where(eq(promisesToPay.id, made.promise.id));
    expect(promise.status).toBe('cancelled');
    expect((await pausesAt(ids, clock.now())).map((p) => p.reason)).toEqual(['payment_plan', 'payment_plan']);
    expect(await auditActions(ids[0])).not.toContain('dunning.resumed');
  });
});

describe('running plans', () => {
  it('paying every installment through the ledger settles the invoices and completes the plan', async () => {
    const clock = fixedClock(NOW);
    const w = await planWorld();
    const ids = w.invoices.map((i) => i.id);
    const result = await proposePlan(w.session, input(ids), { clock });
    if (!result.ok) throw new Error('refused');
    const planId = result.plan.id;

    const first = await payInstallment(w, planId, clock);
    // 15,000 of the oldest invoice (a: 30,000).
    expect(first.due).toMatchObject({
      seq: 1,
      amountCents: 15_000,
      intent: [{ invoiceId: ids[0], amountCents: 15_000 }],
    });
    expect((await installmentsOf(planId))[0]).toMatchObject({ status: 'paid', paidCents: 15_000 });
    const [allocation] = await db()
      .select()
      .from(paymentAllocations)
      .where(eq(paymentAllocations.paymentId, first.payment.id));
    expect(allocation).toMatchObject({
      invoiceId: ids[0],
      installmentId: first.due.installmentId,
      amountCents: 15_000,
    });
    expect((await invoiceRow(ids[0])).openCents).toBe(15_000);
    expect((await planRow(planId)).status).toBe('active');
    expect(await pausesAt(ids, clock.now())).toHaveLength(2);

    clock.set('2027-01-01T09:00:00Z');
    const second = await payInstallment(w, planId, clock);
    expect(second.due).toMatchObject({ seq: 2, intent: [{ invoiceId: ids[0], amountCents: 15_000 }] });
    expect((await invoiceRow(ids[0])).status).toBe('paid');
    clock.set('2027-02-01T09:00:00Z');
    const third = await payInstallment(w, planId, clock);
    expect(third.due).toMatchObject({ seq: 3, intent: [{ invoiceId: ids[1], amountCents: 15_000 }] });

    expect((await planRow(planId)).status).toBe('completed');
    expect((await invoiceRow(ids[1])).status).toBe('paid');
    expect(await pausesAt(ids, clock.now())).toEqual([]);
    expect(await auditActions(planId)).toEqual(['plan.proposed', 'plan.approved', 'plan.completed']);
    expect(await getDb().transaction((tx) => installmentPaymentIntent(tx, w.session, planId))).toBeNull();
  });

  it('reminds before each due date, notices a missed date, and defaults after the grace days', async () => {
    const clock = fixedClock(NOW);
    const w = await planWorld();
    const ids = w.invoices.map((i) => i.id);
    const result = await proposePlan(w.session, input(ids), { clock });
    if (!result.ok) throw new Error('refused');
    const planId = result.plan.id;
    const templates = async () => (await mailsTo(w.debtor.id)).map((m) => m.template);

    clock.set('2026-11-27T08:00:00Z');
    expect(await runPlanMaintenance({ clock, organizationId: w.org.id })).toMatchObject({ reminders: 0 });
    clock.set('2026-11-28T08:00:00Z');
    expect(await runPlanMaintenance({ clock, organizationId: w.org.id })).toMatchObject({ reminders: 1 });
    expect(await runPlanMaintenance({ clock, organizationId: w.org.id })).toMatchObject({ reminders: 0 });
    const reminder = (await mailsTo(w.debtor.id)).at(-1)!;
    expect(reminder).toMatchObject({
      template: 'installment_reminder',
      props: { installment: { number: 1, of: 3, dueDate: '2026-12-01', amountCents: 15_000 } },
    });
    expect(await linkTarget(reminder.linkJti)).toBe(`/portal/plan/${planId}`);

    clock.set('2026-12-01T20:00:00Z');
    expect(await runPlanMaintenance({ clock, organizationId: w.org.id })).toMatchObject({ missed: 0 });
    clock.set('2026-12-02T08:00:00Z');
    expect(await runPlanMaintenance({ clock, organizationId: w.org.id })).toMatchObject({
      missed: 1,
      plansDefaulted: 0,
    });
    expect((await installmentsOf(planId))[0].status).toBe('missed');
    expect((await mailsTo(w.debtor.id)).at(-1)).toMatchObject({
      template: 'installment_missed',
      props: { graceUntil: '2026-12-08' },
    });

    // Exactly graceDays (7) after the due date: still running.
    clock.set('2026-12-08T08:00:00Z');
    expect(await runPlanMaintenance({ clock, organizationId: w.org.id })).toMatchObject({ plansDefaulted: 0 });
    expect((await planRow(planId)).status).toBe('active');
    expect(await pausesAt(ids, clock.now())).toHaveLength(2);

    clock.set('2026-12-09T08:00:00Z');
    expect(await runPlanMaintenance({ clock, organizationId: w.org.id })).toMatchObject({ plansDefaulted: 1 });
    expect((await planRow(planId)).status).toBe('defaulted');
    expect(await pausesAt(ids, clock.now())).toEqual([]);
    expect((await invoiceRow(ids[0])).nextActionAt!.getTime()).toBeGreaterThanOrEqual(clock.now().getTime());
    expect((await templates()).slice(-2)).toEqual(['plan_defaulted', 'staff_notification']);
    expect(await auditActions(planId)).toContain('plan.defaulted');
    expect(await runPlanMaintenance({ clock, organizationId: w.org.id })).toMatchObject({
      plansDefaulted: 0,
      reminders: 0,
      missed: 0,
    });
  });

  it('a late installment paid within the grace days keeps the plan running', async () => {
    const clock = fixedClock(NOW);
    const w = await planWorld();
    const result = await proposePlan(w.session, input(w.invoices.map((i) => i.id)), { clock });
    if (!result.ok) throw new Error('refused');
    clock.set('2026-12-03T08:00:00Z');
    await runPlanMaintenance({ clock, organizationId: w.org.id });
    await payInstallment(w, result.plan.id, clock);
    expect((await installmentsOf(result.plan.id))[0].status).toBe('paid');
    clock.set('2026-12-20T08:00:00Z');
    expect(await runPlanMaintenance({ clock, organizationId: w.org.id })).toMatchObject({ plansDefaulted: 0 });
    expect((await planRow(result.plan.id)).status).toBe('active');
  });
});

describe('bad input is refused with the field named, and nothing is stored', () => {
  it('refuses each problem', async () => {
    const clock = fixedClock(NOW);
    const w = await planWorld();
    const [a, b] = w.invoices;
    const other = await createDebtor(w.org);
    const othersInvoice = await createInvoice(w.org, other);
    const foreignOrg = await createOrganization();
    const foreignInvoice = await createInvoice(foreignOrg, await createDebtor(foreignOrg));
    const paid = await createInvoice(w.org, w.debtor, { status: 'paid', openCents: 0, totalCents: 5_000 });
    const disputedByPause = await createInvoice(w.org, w.debtor, { totalCents: 8_000 });
    await db()
      .insert(dunningPauses)
      .values({ organizationId: w.org.id, invoiceId: disputedByPause.id, reason: 'dispute' });
    const disputedByRow = await createInvoice(w.org, w.debtor, { totalCents: 9_000 });
    await db().insert(disputes).values({
      organizationId: w.org.id,
      debtorId: w.debtor.id,
      invoiceId: disputedByRow.id,
      reason: 'quality',
      disputedCents: 9_000,
    });
    const tiny = await createInvoice(w.org, w.debtor, { totalCents: 5 });

    const before = await counts();
    const refused = async (over: Partial<ProposalInput>, field: string, key: string) => {
      const r = await proposePlan(w.session, input([a.id, b.id], over), { clock });
      expect(r).toMatchObject({ ok: false, errors: { [field]: { key } } });
    };
    await refused({ invoiceIds: [a.id, othersInvoice.id] }, 'invoices', 'plan.error.invoiceUnknown');
    await refused({ invoiceIds: [foreignInvoice.id] }, 'invoices', 'plan.error.invoiceUnknown');
    await refused({ invoiceIds: [a.id, paid.id] }, 'invoices', 'plan.error.invoiceSettled');
    await refused({ invoiceIds: [disputedByPause.id] }, 'invoices', 'plan.error.invoiceDisputed');
    await refused({ invoiceIds: [disputedByRow.id] }, 'invoices', 'plan.error.invoiceDisputed');
    await refused({ invoiceIds: [] }, 'invoices', 'plan.error.noInvoices');
    await refused({ installmentCount: 0 }, 'installmentCount', 'plan.error.countTooLow');
    await refused({ installmentCount: -3 }, 'installmentCount', 'plan.error.countTooLow');
    await refused({ invoiceIds: [tiny.id], installmentCount: 2 }, 'installmentCount', 'plan.error.belowMinimumNoPlan');
    await refused({ installmentCount: 19 }, 'installmentCount', 'plan.error.belowMinimum');
    await refused({ downPaymentCents: -100 }, 'downPayment', 'plan.error.downPaymentNegative');
    await refused({ downPaymentCents: 45_000 }, 'downPayment', 'plan.error.downPaymentTooHigh');
    await refused({ firstDate: '2026-11-22' }, 'firstDate', 'plan.error.datePast');
    await refused({ firstDate: '2026-12-24' }, 'firstDate', 'plan.error.dateTooFar');
    expect(await counts()).toEqual(before);

    // More installments than cents, where the policy has no minimum installment.
    const lenient = sessionOf({ ...w.org, planPolicy: { ...TEST_PLAN_POLICY, minInstallmentCents: 0 } }, w.debtor);
    expect(await proposePlan(lenient, input([tiny.id], { installmentCount: 6 }), { clock })).toMatchObject({
      ok: false,
      errors: { installmentCount: { key: 'plan.error.countAboveCents', params: { cents: 5 } } },
    });
    expect(await counts()).toEqual(before);

    // A second proposal while one is pending.
    expect(await proposePlan(w.session, input([a.id], { installmentCount: 9 }), { clock })).toMatchObject({
      ok: true,
      autoApproved: false,
    });
    const afterFirst = await counts();
    await refused({ invoiceIds: [b.id] }, 'form', 'plan.error.pendingExists');
    expect(await counts()).toEqual(afterFirst);
  });

  it('refuses a debtor kind the policy does not allow to propose', async () => {
    const clock = fixedClock(NOW);
    const w = await planWorld({ businessesMayPropose: false }, { kind: 'business' });
    expect(await proposePlan(w.session, input(w.invoices.map((i) => i.id)), { clock })).toMatchObject({
      ok: false,
      errors: { form: { key: 'plan.error.kindNotAllowed' } },
    });
  });

  it('refuses an invoice already in a running plan', async () => {
    const clock = fixedClock(NOW);
    const w = await planWorld();
    const [a, b] = w.invoices;
    expect(await proposePlan(w.session, input([a.id]), { clock })).toMatchObject({ ok: true, autoApproved: true });
    expect(await proposePlan(w.session, input([a.id, b.id]), { clock })).toMatchObject({
      ok: false,
      errors: { invoices: { key: 'plan.error.invoiceInPlan', params: { number: a.number } } },
    });
    expect(await proposePlan(w.session, input([b.id], { installmentCount: 2 }), { clock })).toMatchObject({ ok: true });
  });
});
