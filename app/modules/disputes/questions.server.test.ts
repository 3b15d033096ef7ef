/**
 * A question about an invoice: a thread that is not a dispute. It pauses nothing; staff answer
 * in the same thread, may hold the invoice's reminders (dunning's manual hold) and close it. It
 * never books a credit.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, communications, disputes, dunningPauses, invoices, payments } from '~db/schema';
import { activePauses } from '~/modules/dunning/pauses.server';
import { createDebtor, createInvoice, createOrganization, createStaff } from '~test/factories';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { addDebtorMessage, getDebtorDispute, listDebtorDisputes, openDispute, withdrawDispute } from './debtor.server';
import { parseInboxFilters } from './inbox';
import { closeQuestion, openQuestion, setQuestionHold } from './questions.server';
import { creditDispute, rejectDispute, resolveDisputesForPaidInvoices } from './resolve.server';
import { addStaffMessage, getStaffDispute, listInbox } from './staff.server';

const START = '2026-11-23T10:00:00.000Z';

async function asked() {
  const clock = fixedClock(START);
  const org = await createOrganization();
  const support = await createStaff(org, 'support', { name: 'Chantal Bakker' });
  const debtor = await createDebtor(org);
  const invoice = await createInvoice(org, debtor, { totalCents: 24_200, dueDate: '2026-10-01' });
  const scope = { organizationId: org.id, debtorId: debtor.id };
  const staff = { id: support.id, organizationId: org.id, name: support.name };
  const result = await openQuestion(
    scope,
    { invoiceId: invoice.id, message: 'Waarvoor is regel 3 precies?' },
    { clock },
  );
  if (!result.ok) throw new Error(result.error);
  return { clock, org, support, debtor, invoice, scope, staff, id: result.disputeId };
}

const db = () => getDb();
const row = async (id: string) => (await db().select().from(disputes).where(eq(disputes.id, id)))[0];
const pausesOf = async (invoiceId: string) =>
  (await activePauses(db(), [invoiceId], { clock: fixedClock(START) })).get(invoiceId) ?? [];

describe('questions about an invoice', () => {
  it('opens a thread of kind question that pauses nothing; debtor and support are told', async () => {
    const ctx = await asked();
    expect(await row(ctx.id)).toMatchObject({
      kind: 'question',
      reason: 'other',
      disputedCents: 0,
      status: 'open',
      debtorId: ctx.debtor.id,
    });
    expect(await pausesOf(ctx.invoice.id)).toEqual([]);
    expect(await db().select().from(dunningPauses).where(eq(dunningPauses.invoiceId, ctx.invoice.id))).toEqual([]);
    const mails = await db()
      .select()
      .from(communications)
      .where(eq(communications.organizationId, ctx.org.id))
      .orderBy(communications.createdAt);
    expect(mails.map((m) => m.template)).toEqual(['dispute_opened', 'staff_notification']);
    expect(mails[0].props).toMatchObject({ dispute: { kind: 'question', invoiceNumber: ctx.invoice.number } });
    expect((mails[0].props as { dispute: { reference: string } }).dispute.reference).toMatch(/^VR-/);
    const [event] = await db().select().from(auditEvents).where(eq(auditEvents.entityId, ctx.id));
    expect(event).toMatchObject({ action: 'dispute.question_asked', actorType: 'debtor', invoiceId: ctx.invoice.id });

    // One open question per invoice; a dispute on the same invoice is something else and may follow.
    expect(await openQuestion(ctx.scope, { invoiceId: ctx.invoice.id, message: 'Nog een vraag' })).toEqual({
      ok: false,
      error: 'already_asked',
      disputeId: ctx.id,
    });
    const dispute = await openDispute(ctx.scope, {
      invoiceId: ctx.invoice.id,
      amountCents: null,
      reason: 'amount_wrong',
      message: 'Regel 3 klopt niet.',
      files: [],
    });
    expect(dispute.ok).toBe(true);
    expect(await pausesOf(ctx.invoice.id)).toEqual(['dispute']);
    // The debtor sees both, each with its kind.
    const list = await listDebtorDisputes(ctx.scope);
    expect(list.map((d) => d.kind).sort()).toEqual(['dispute', 'question']);
  });

  it('staff reply in the same thread, hold the reminders, and close it (lifting the hold)', async () => {
    const ctx = await asked();
    ctx.clock.advanceDays(1);
    expect(
      await addStaffMessage(
        ctx.staff,
        ctx.id,
        { message: 'Regel 3 is de voorrijkosten.', files: [], internal: false },
        { clock: ctx.clock },
      ),
    ).toEqual({ ok: true });
    expect(await row(ctx.id)).toMatchObject({ status: 'awaiting_debtor', answerDueAt: null });
    const [reply] = await db()
      .select()
      .from(communications)
      .where(and(eq(communications.organizationId, ctx.org.id), eq(communications.template, 'dispute_reply')));
    expect(reply.props).toMatchObject({ dispute: { kind: 'question' }, message: 'Regel 3 is de voorrijkosten.' });
    expect((reply.props as { credit?: unknown }).credit ?? null).toBeNull();

    // Pause the reminders: dunning's manual hold, once.
    expect(await setQuestionHold(ctx.staff, ctx.id, true, { clock: ctx.clock })).toEqual({ ok: true, changed: true });
    expect(await setQuestionHold(ctx.staff, ctx.id, true, { clock: ctx.clock })).toEqual({ ok: true, changed: false });
    expect(await pausesOf(ctx.invoice.id)).toEqual(['manual']);
    const view = await getStaffDispute(ctx.staff, ctx.id, { clock: ctx.clock });
    expect(view?.dispute).toMatchObject({ kind: 'question', reference: expect.stringMatching(/^VR-/) });
    expect(view?.invoice.pauses).toEqual(['manual']);

    // The debtor answers, then support closes it and lifts the hold with it.
    await addDebtorMessage(ctx.scope, ctx.id, { message: 'Dank u, duidelijk.', files: [] }, { clock: ctx.clock });
    expect(await row(ctx.id)).toMatchObject({ status: 'awaiting_support' });
    expect(await closeQuestion(ctx.staff, ctx.id, { liftHold: true }, { clock: ctx.clock })).toEqual({ ok: true });
    expect(await row(ctx.id)).toMatchObject({ status: 'resolved', outcome: null });
    expect(await pausesOf(ctx.invoice.id)).toEqual([]);
    const actions = (await db().select().from(auditEvents).where(eq(auditEvents.entityId, ctx.id))).map(
      (e) => e.action,
    );
    expect(actions).toEqual([
      'dispute.question_asked',
      'dispute.staff_replied',
      'dispute.debtor_replied',
      'dispute.question_closed',
    ]);
    // Closed: no more replies; a new question may be asked.
    expect(await addDebtorMessage(ctx.scope, ctx.id, { message: 'En nog...', files: [] })).toEqual({
      ok: false,
      error: 'not_active',
    });
    expect(await closeQuestion(ctx.staff, ctx.id, { liftHold: false })).toEqual({ ok: false, error: 'not_active' });
    expect((await openQuestion(ctx.scope, { invoiceId: ctx.invoice.id, message: 'Nieuwe vraag' })).ok).toBe(true);
  });

  it('a hold kept on closing stays until it is lifted', async () => {
    const ctx = await asked();
    await setQuestionHold(ctx.staff, ctx.id, true, { clock: ctx.clock });
    await closeQuestion(ctx.staff, ctx.id, { liftHold: false }, { clock: ctx.clock });
    expect(await pausesOf(ctx.invoice.id)).toEqual(['manual']);
    expect(await setQuestionHold(ctx.staff, ctx.id, false, { clock: ctx.clock })).toEqual({ ok: true, changed: true });
    expect(await pausesOf(ctx.invoice.id)).toEqual([]);
  });

  it('never books a credit, is never rejected or withdrawn as a dispute, and stays open when the invoice is paid', async () => {
    const ctx = await asked();
    expect(await creditDispute(ctx.staff, ctx.id, { amountCents: 1_000, note: null })).toEqual({
      ok: false,
      error: 'not_a_dispute',
    });
    expect(await rejectDispute(ctx.staff, ctx.id, { note: 'nee' })).toEqual({ ok: false, error: 'not_a_dispute' });
    expect(await withdrawDispute(ctx.scope, ctx.id)).toEqual({ ok: false, error: 'not_a_dispute' });
    expect(await db().select().from(payments).where(eq(payments.organizationId, ctx.org.id))).toEqual([]);
    const closed = await db().transaction(async (tx) => {
      await tx.update(invoices).set({ status: 'paid', openCents: 0 }).where(eq(invoices.id, ctx.invoice.id));
      return resolveDisputesForPaidInvoices(tx, { organizationId: ctx.org.id, invoiceIds: [ctx.invoice.id] });
    });
    expect(closed).toEqual([]);
    expect((await row(ctx.id)).status).toBe('open');
    // A paid invoice is not held.
    expect(await setQuestionHold(ctx.staff, ctx.id, true)).toEqual({ ok: false, error: 'invoice_not_open' });
  });

  it('holds scoping: another debtor’s invoice, another creditor’s staff, and a dispute are refused', async () => {
    const ctx = await asked();
    const stranger = await createDebtor(ctx.org);
    expect(
      await openQuestion(
        { organizationId: ctx.org.id, debtorId: stranger.id },
        { invoiceId: ctx.invoice.id, message: 'x' },
      ),
    ).toEqual({ ok: false, error: 'not_found' });
    expect(await getDebtorDispute({ organizationId: ctx.org.id, debtorId: stranger.id }, ctx.id)).toBeNull();
    const otherOrg = await createOrganization();
    const outsider = await createStaff(otherOrg, 'support');
    const foreign = { id: outsider.id, organizationId: otherOrg.id, name: outsider.name };
    expect(await setQuestionHold(foreign, ctx.id, true)).toEqual({ ok: false, error: 'not_found' });
    expect(await closeQuestion(foreign, ctx.id, { liftHold: true })).toEqual({ ok: false, error: 'not_found' });
    expect(await pausesOf(ctx.invoice.id)).toEqual([]);
    const invoice = await createInvoice(ctx.org, ctx.debtor);
    const dispute = await openDispute(ctx.scope, {
      invoiceId: invoice.id,
      amountCents: null,
      reason: 'quality',
      message: 'Kapot.',
      files: [],
    });
    if (!dispute.ok) throw new Error(dispute.error);
    expect(await closeQuestion(ctx.staff, dispute.disputeId, { liftHold: false })).toEqual({
      ok: false,
      error: 'not_a_question',
    });
  });

  it('shows in the support inbox labelled as a question, and the kind filter separates them', async () => {
    const ctx = await asked();
    const invoice = await createInvoice(ctx.org, ctx.debtor);
    const dispute = await openDispute(ctx.scope, {
      invoiceId: invoice.id,
      amountCents: null,
      reason: 'quality',
      message: 'Kapot.',
      files: [],
    });
    if (!dispute.ok) throw new Error(dispute.error);
    const all = await listInbox(ctx.staff, parseInboxFilters(new URLSearchParams()));
    expect(all.rows.map((r) => [r.id, r.kind]).sort()).toEqual(
      [
        [ctx.id, 'question'],
        [dispute.disputeId, 'dispute'],
      ].sort(),
    );
    const questions = await listInbox(ctx.staff, parseInboxFilters(new URLSearchParams('kind=question')));
    expect(questions.rows.map((r) => r.id)).toEqual([ctx.id]);
    const disputesOnly = await listInbox(ctx.staff, parseInboxFilters(new URLSearchParams('kind=dispute')));
    expect(disputesOnly.rows.map((r) => r.id)).toEqual([dispute.disputeId]);
    expect(parseInboxFilters(new URLSearchParams('kind=bogus')).kind).toBe('any');
  });
});
