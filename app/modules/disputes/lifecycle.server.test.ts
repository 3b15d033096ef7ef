import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, communications, disputes, invoices, paymentAllocations, payments } from '~db/schema';
import { DEFAULT_PORTAL_SETTINGS } from '~/modules/dunning/default-policy';
import { createDebtor, createInvoice, createOrganization, createStaff } from '~test/factories';
import { getRequest, routeArgs } from '~test/http';
import { openPortal } from '~test/portal-session';
import { loader as threadLoader } from '~/routes/portal.disputes.$id';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { activePauses, pauseInvoices } from '~/modules/dunning/pauses.server';
import { addDebtorMessage, getDebtorDispute, openDispute, withdrawDispute } from './debtor.server';
import { recordLedgerEntry } from '~/modules/ledger/ledger.server';
import { creditDispute, rejectDispute, resolveDisputesForPaidInvoices } from './resolve.server';
import { addStaffMessage, assignDispute, getStaffDispute } from './staff.server';
import { answerLastDay } from './constants';

const DAY = 86_400_000;
const START = '2026-11-23T10:00:00.000Z';

async function setup({ graceDays = 7, totalCents = 12_100 }: { graceDays?: number; totalCents?: number } = {}) {
  const clock = fixedClock(START);
  const org = await createOrganization({
    portalSettings: { ...DEFAULT_PORTAL_SETTINGS, disputeRejectGraceDays: graceDays },
  });
  const support = await createStaff(org, 'support', { name: 'Chantal Bakker' });
  const debtor = await createDebtor(org);
  // Overdue: its first reminder fell due weeks ago, so a resume reschedules it.
  const invoice = await createInvoice(org, debtor, { totalCents, dueDate: '2026-10-01' });
  const other = await createInvoice(org, debtor, { totalCents: 5_000, dueDate: '2026-10-01' });
  const scope = { organizationId: org.id, debtorId: debtor.id };
  const staff = { id: support.id, organizationId: org.id, name: support.name };
  const opened = await openDispute(
    scope,
    { invoiceId: invoice.id, amountCents: null, reason: 'quality', message: 'De installatie lekt.', files: [] },
    { clock },
  );
  if (!opened.ok) throw new Error(`open failed: ${opened.error}`);
  return { clock, org, support, debtor, invoice, other, scope, staff, disputeId: opened.disputeId };
}

const db = () => getDb();
const invoiceRow = async (id: string) => (await db().select().from(invoices).where(eq(invoices.id, id)))[0];
const disputeRow = async (id: string) => (await db().select().from(disputes).where(eq(disputes.id, id)))[0];
const templates = async (orgId: string) =>
  (
    await db()
      .select()
      .from(communications)
      .where(eq(communications.organizationId, orgId))
      .orderBy(communications.createdAt)
  ).map((c) => c.template);

describe('dispute lifecycle', () => {
  it('moves between waiting on support and waiting on the debtor; internal notes stay internal', async () => {
    const ctx = await setup();
    ctx.clock.advanceDays(1);
    expect(
      await addStaffMessage(
        ctx.staff,
        ctx.disputeId,
        { message: 'Kunt u een foto sturen?', files: [], internal: false },
        { clock: ctx.clock },
      ),
    ).toEqual({ ok: true });
    let row = await disputeRow(ctx.disputeId);
    expect(row.status).toBe('awaiting_debtor');
    expect(row.assigneeId).toBe(ctx.support.id);
    expect(row.lastStaffReplyAt?.toISOString()).toBe(ctx.clock.now().toISOString());

    await addStaffMessage(
      ctx.staff,
      ctx.disputeId,
      { message: 'Klant belde al eerder hierover.', files: [], internal: true },
      { clock: ctx.clock },
    );
    expect((await disputeRow(ctx.disputeId)).status).toBe('awaiting_debtor');

    ctx.clock.advanceDays(1);
    expect(
      await addDebtorMessage(ctx.scope, ctx.disputeId, { message: 'Zie bijlage.', files: [] }, { clock: ctx.clock }),
    ).toEqual({ ok: true });
    row = await disputeRow(ctx.disputeId);
    expect(row.status).toBe('awaiting_support');

    const debtorView = await getDebtorDispute(ctx.scope, ctx.disputeId);
    expect(debtorView?.messages.map((m) => m.body)).toEqual([
      'De installatie lekt.',
      'Kunt u een foto sturen?',
      'Zie bijlage.',
    ]);
    expect(debtorView?.messages[1].staffName).toBe('Chantal Bakker');
    const staffView = await getStaffDispute(ctx.staff, ctx.disputeId, { clock: ctx.clock });
    expect(staffView?.messages.filter((m) => m.internal).map((m) => m.body)).toEqual([
      'Klant belde al eerder hierover.',
    ]);

    // Debtor emails: confirmation and the reply (not the note); staff: the new dispute and the debtor's answer.
    expect(await templates(ctx.org.id)).toEqual([
      'dispute_opened',
      'staff_notification',
      'dispute_reply',
      'staff_notification',
    ]);
    const [reply] = await db()
      .select()
      .from(communications)
      .where(and(eq(communications.organizationId, ctx.org.id), eq(communications.template, 'dispute_reply')));
    expect(reply.props).toMatchObject({ message: 'Kunt u een foto sturen?', staffName: 'Chantal Bakker' });
    expect(reply.linkJti).toBeTruthy();

    const actions = (
      await db().select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.entityId, ctx.disputeId))
    ).map((a) => a.action);
    expect(actions).toEqual([
      'dispute.opened',
      'dispute.staff_replied',
      'dispute.note_added',
      'dispute.debtor_replied',
    ]);
    // Still paused throughout.
    expect((await activePauses(db(), [ctx.invoice.id], { clock: ctx.clock })).get(ctx.invoice.id)).toEqual(['dispute']);
  });

  it('assigns to me and back to nobody, with audit', async () => {
    const ctx = await setup();
    expect(await assignDispute(ctx.staff, ctx.disputeId, ctx.staff.id, { clock: ctx.clock })).toEqual({ ok: true });
    expect((await disputeRow(ctx.disputeId)).assigneeId).toBe(ctx.staff.id);
    expect(await assignDispute(ctx.staff, ctx.disputeId, null, { clock: ctx.clock })).toEqual({ ok: true });
    expect((await disputeRow(ctx.disputeId)).assigneeId).toBeNull();
    const foreign = await createStaff(await createOrganization(), 'support');
    expect(await assignDispute(ctx.staff, ctx.disputeId, foreign.id)).toEqual({ ok: false, error: 'not_found' });
    const audits = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, ctx.disputeId), eq(auditEvents.action, 'dispute.assigned')));
    expect(audits).toHaveLength(2);
  });

  it('credits half: a credit-note payment and allocation lower the principal; the dispute waits on the debtor’s answer, dunning stays paused', async () => {
    const ctx = await setup();
    const before = await invoiceRow(ctx.invoice.id);
    expect(before.nextActionAt!.getTime()).toBeLessThan(ctx.clock.now().getTime());

    const result = await creditDispute(
      ctx.staff,
      ctx.disputeId,
      { amountCents: 6_050, note: 'Voorrijkosten vervallen.' },
      { clock: ctx.clock },
    );
    // To the end of the fourteenth day in Amsterdam: credited on 23 November, answer until 7 December inclusive.
    const answerDueAt = new Date('2026-12-07T23:00:00.000Z');
    expect(answerLastDay(answerDueAt)).toBe('2026-12-07');
    expect(result).toEqual({ ok: true, outcome: 'credited_partial', openCents: 6_050, answerDueAt });

    const after = await invoiceRow(ctx.invoice.id);
    expect(after).toMatchObject({ status: 'open', openCents: 6_050, totalCents: 12_100, settledAt: null });

    const [payment] = await db().select().from(payments).where(eq(payments.organizationId, ctx.org.id));
    expect(payment).toMatchObject({
      provider: 'credit_note',
      status: 'paid',
      amountCents: 6_050,
      debtorId: ctx.debtor.id,
      providerPaymentId: `dispute:${ctx.disputeId}`,
    });
    const allocations = await db()
      .select()
      .from(paymentAllocations)
      .where(eq(paymentAllocations.invoiceId, ctx.invoice.id));
    expect(allocations.map((a) => [a.paymentId, a.amountCents])).toEqual([[payment.id, 6_050]]);

    // Still open: waiting on the debtor, with a term; the staff's note is in the thread.
    const dispute = await disputeRow(ctx.disputeId);
    expect(dispute).toMatchObject({
      status: 'awaiting_debtor',
      outcome: null,
      creditedCents: 6_050,
      resolvedAt: null,
      assigneeId: ctx.support.id,
    });
    expect(dispute.answerDueAt?.toISOString()).toBe(answerDueAt.toISOString());
    const view = await getDebtorDispute(ctx.scope, ctx.disputeId);
    expect(view?.messages.map((m) => m.body)).toEqual(['De installatie lekt.', 'Voorrijkosten vervallen.']);
    expect(view?.dispute).toMatchObject({ active: true, answerDueAt: answerDueAt.toISOString() });

    // Dunning stays paused while the debtor may answer; nothing resumed, the next action untouched.
    expect((await activePauses(db(), [ctx.invoice.id], { clock: ctx.clock })).get(ctx.invoice.id)).toEqual(['dispute']);
    expect(after.nextActionAt?.toISOString()).toBe(before.nextActionAt?.toISOString());

    // The email says what was credited, what is still open and until when they can answer.
    const [mail] = await db()
      .select()
      .from(communications)
      .where(and(eq(communications.organizationId, ctx.org.id), eq(communications.template, 'dispute_reply')));
    expect(mail.props).toMatchObject({
      message: 'Voorrijkosten vervallen.',
      credit: { creditedCents: 6_050, openCents: 6_050, answerDueAt: answerDueAt.toISOString(), isNew: true },
    });
    const actions = (await db().select().from(auditEvents).where(eq(auditEvents.invoiceId, ctx.invoice.id))).map(
      (a) => a.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['invoice.partially_credited', 'dispute.part_credited']));
    expect(actions).not.toContain('dispute.resolved');
    expect(actions).not.toContain('dunning.resumed');

    // A repeated submission books nothing while the answer is awaited.
    expect(
      await creditDispute(ctx.staff, ctx.disputeId, { amountCents: 6_050, note: null }, { clock: ctx.clock }),
    ).toEqual({ ok: false, error: 'awaiting_answer' });
    expect(await db().select().from(payments).where(eq(payments.organizationId, ctx.org.id))).toHaveLength(1);
    // The other invoice was never touched.
    expect((await invoiceRow(ctx.other.id)).nextActionAt).toEqual(ctx.other.nextActionAt);
  });

  it('keeps the arithmetic exact for odd amounts: allocations plus what is open equal the total', async () => {
    const ctx = await setup({ totalCents: 12_101 });
    const result = await creditDispute(
      ctx.staff,
      ctx.disputeId,
      { amountCents: 3_333, note: null },
      { clock: ctx.clock },
    );
    expect(result).toMatchObject({ ok: true, openCents: 8_768 });
    const [{ allocated }] = await db()
      .select({ allocated: sql<number>`sum(${paymentAllocations.amountCents})::int` })
      .from(paymentAllocations)
      .where(eq(paymentAllocations.invoiceId, ctx.invoice.id));
    const after = await invoiceRow(ctx.invoice.id);
    expect(allocated + after.openCents).toBe(12_101);
  });

  it('refuses a credit above what is open or of nothing, and changes nothing', async () => {
    const ctx = await setup();
    expect(
      await creditDispute(ctx.staff, ctx.disputeId, { amountCents: 12_101, note: null }, { clock: ctx.clock }),
    ).toEqual({
      ok: false,
      error: 'credit_too_high',
    });
    expect(await creditDispute(ctx.staff, ctx.disputeId, { amountCents: 0, note: null }, { clock: ctx.clock })).toEqual(
      {
        ok: false,
        error: 'amount_invalid',
      },
    );
    expect((await invoiceRow(ctx.invoice.id)).openCents).toBe(12_100);
    expect(await db().select().from(payments).where(eq(payments.organizationId, ctx.org.id))).toEqual([]);
    expect((await disputeRow(ctx.disputeId)).status).toBe('open');
  });

  it('credits in full: the invoice is settled as credited and every pause on it ends', async () => {
    const ctx = await setup();
    await db().transaction((tx) =>
      pauseInvoices(
        tx,
        {
          organizationId: ctx.org.id,
          invoiceIds: [ctx.invoice.id],
          reason: 'manual',
          actor: { type: 'staff', id: ctx.staff.id },
        },
        { clock: ctx.clock },
      ),
    );
    const result = await creditDispute(
      ctx.staff,
      ctx.disputeId,
      { amountCents: 12_100, note: null },
      { clock: ctx.clock },
    );
    expect(result).toEqual({ ok: true, outcome: 'credited_full', openCents: 0, answerDueAt: null });
    const after = await invoiceRow(ctx.invoice.id);
    expect(after).toMatchObject({ status: 'credited', openCents: 0, nextActionAt: null });
    expect(after.settledAt?.toISOString()).toBe(START);
    expect((await activePauses(db(), [ctx.invoice.id], { clock: ctx.clock })).size).toBe(0);
    expect(await disputeRow(ctx.disputeId)).toMatchObject({
      status: 'resolved',
      outcome: 'credited_full',
      creditedCents: 12_100,
    });
    // Settled: nothing more to resolve or credit.
    expect(await creditDispute(ctx.staff, ctx.disputeId, { amountCents: 1, note: null })).toEqual({
      ok: false,
      error: 'not_active',
    });
  });

  it('rejects with an explanation: dunning resumes after the organisation’s grace period, from that date', async () => {
    const ctx = await setup({ graceDays: 3 });
    const result = await rejectDispute(
      ctx.staff,
      ctx.disputeId,
      { note: 'Geleverd volgens afspraak, zie pakbon.' },
      { clock: ctx.clock },
    );
    expect(result).toMatchObject({ ok: true });
    const resumeAt = ctx.clock.now().getTime() + 3 * DAY;
    expect((await invoiceRow(ctx.invoice.id)).nextActionAt!.getTime()).toBe(resumeAt);
    expect(await disputeRow(ctx.disputeId)).toMatchObject({
      status: 'resolved',
      outcome: 'rejected',
      resolutionNote: 'Geleverd volgens afspraak, zie pakbon.',
      creditedCents: 0,
    });
    expect((await invoiceRow(ctx.invoice.id)).openCents).toBe(12_100);
    expect((await activePauses(db(), [ctx.invoice.id], { clock: ctx.clock })).size).toBe(0);
    const [mail] = await db()
      .select()
      .from(communications)
      .where(and(eq(communications.organizationId, ctx.org.id), eq(communications.template, 'dispute_resolved')));
    expect(mail.props).toMatchObject({
      outcome: 'rejected',
      note: 'Geleverd volgens afspraak, zie pakbon.',
      invoiceOpenCents: 12_100,
    });
    // Closed: neither side can write to the debtor thread any more; a note still can be kept.
    expect(await addDebtorMessage(ctx.scope, ctx.disputeId, { message: 'Maar...', files: [] })).toEqual({
      ok: false,
      error: 'not_active',
    });
    expect(await addStaffMessage(ctx.staff, ctx.disputeId, { message: 'x', files: [], internal: false })).toEqual({
      ok: false,
      error: 'not_active',
    });
    expect(await addStaffMessage(ctx.staff, ctx.disputeId, { message: 'Gebeld.', files: [], internal: true })).toEqual({
      ok: true,
    });
    expect(await rejectDispute(ctx.staff, ctx.disputeId, { note: 'nog eens' })).toEqual({
      ok: false,
      error: 'not_active',
    });
  });

  it('does not move a next reminder that already lies beyond the grace period', async () => {
    const ctx = await setup();
    const later = new Date(Date.parse(START) + 30 * DAY);
    await db().update(invoices).set({ nextActionAt: later }).where(eq(invoices.id, ctx.invoice.id));
    await rejectDispute(ctx.staff, ctx.disputeId, { note: 'Nee.' }, { clock: ctx.clock });
    expect((await invoiceRow(ctx.invoice.id)).nextActionAt?.toISOString()).toBe(later.toISOString());
  });

  it('a withdrawal resumes dunning at once and tells support', async () => {
    const ctx = await setup();
    expect(await withdrawDispute(ctx.scope, ctx.disputeId, { clock: ctx.clock })).toEqual({ ok: true });
    expect(await disputeRow(ctx.disputeId)).toMatchObject({ status: 'withdrawn', outcome: 'withdrawn' });
    expect((await activePauses(db(), [ctx.invoice.id], { clock: ctx.clock })).size).toBe(0);
    expect((await invoiceRow(ctx.invoice.id)).nextActionAt?.toISOString()).toBe(START);
    expect(await templates(ctx.org.id)).toEqual([
      'dispute_opened',
      'staff_notification',
      'dispute_resolved',
      'staff_notification',
    ]);
    expect(await withdrawDispute(ctx.scope, ctx.disputeId)).toEqual({ ok: false, error: 'not_active' });
    // The invoice can be disputed again once the first dispute is closed.
    const again = await openDispute(ctx.scope, {
      invoiceId: ctx.invoice.id,
      amountCents: 100,
      reason: 'other',
      message: 'Toch nog iets.',
      files: [],
    });
    expect(again.ok).toBe(true);
  });

  it('closes as paid when the payments ledger settles the invoice', async () => {
    const ctx = await setup();
    const closed = await db().transaction(async (tx) => {
      await tx
        .update(invoices)
        .set({ status: 'paid', openCents: 0, settledAt: ctx.clock.now(), nextActionAt: null })
        .where(eq(invoices.id, ctx.invoice.id));
      return resolveDisputesForPaidInvoices(
        tx,
        { organizationId: ctx.org.id, invoiceIds: [ctx.invoice.id, ctx.other.id] },
        { clock: ctx.clock },
      );
    });
    expect(closed).toEqual([ctx.disputeId]);
    expect(await disputeRow(ctx.disputeId)).toMatchObject({ status: 'resolved', outcome: 'paid' });
    expect((await activePauses(db(), [ctx.invoice.id], { clock: ctx.clock })).size).toBe(0);
    expect(await templates(ctx.org.id)).toContain('dispute_resolved');
  });

  it('closes when any ledger source settles the invoice, in the same transaction, with no help from a page', async () => {
    const ctx = await setup();
    // An external settlement (the API's path) of everything owed: the ledger's event closes the dispute.
    const booked = await db().transaction((tx) =>
      recordLedgerEntry(
        tx,
        {
          organizationId: ctx.org.id,
          debtorId: ctx.debtor.id,
          source: 'external',
          amountCents: 12_100,
          targets: [{ invoiceId: ctx.invoice.id }],
          restAsCredit: false,
          key: `test:${ctx.invoice.id}`,
          actor: { type: 'api', id: 'test' },
        },
        { clock: ctx.clock },
      ),
    );
    expect(booked.settledInvoiceIds).toEqual([ctx.invoice.id]);
    expect(await disputeRow(ctx.disputeId)).toMatchObject({ status: 'resolved', outcome: 'paid' });
    expect((await activePauses(db(), [ctx.invoice.id], { clock: ctx.clock })).size).toBe(0);
    expect(await templates(ctx.org.id)).toContain('dispute_resolved');
  });

  it('the dispute pages write nothing on GET, even for a dispute whose invoice is settled', async () => {
    const ctx = await setup();
    // A settled invoice with an active dispute can only be made by hand now; the page shows it as it is.
    await db().update(invoices).set({ status: 'paid', openCents: 0 }).where(eq(invoices.id, ctx.invoice.id));
    const before = await db().select().from(auditEvents).where(eq(auditEvents.organizationId, ctx.org.id));
    const { cookie } = await openPortal(ctx.debtor);
    const data = await threadLoader(
      routeArgs(getRequest(`/portal/disputes/${ctx.disputeId}`, { cookie }), { id: ctx.disputeId }),
    );
    expect(data.dispute).toMatchObject({ status: 'open', active: true });
    expect(await disputeRow(ctx.disputeId)).toMatchObject({ status: 'open', outcome: null });
    const after = await db().select().from(auditEvents).where(eq(auditEvents.organizationId, ctx.org.id));
    expect(after.filter((e) => e.action.startsWith('dispute.'))).toEqual(
      before.filter((e) => e.action.startsWith('dispute.')),
    );
  });

  it('a full credit of the principal credits the invoice and its costs and interest with it', async () => {
    const ctx = await setup();
    await db().update(invoices).set({ costsCents: 4_000, interestCents: 150 }).where(eq(invoices.id, ctx.invoice.id));
    // A credit corrects the principal: at most what is open of it (12,100), not the costs and interest.
    expect(
      await creditDispute(ctx.staff, ctx.disputeId, { amountCents: 12_101, note: null }, { clock: ctx.clock }),
    ).toEqual({ ok: false, error: 'credit_too_high' });
    const result = await creditDispute(
      ctx.staff,
      ctx.disputeId,
      { amountCents: 12_100, note: null },
      { clock: ctx.clock },
    );
    expect(result).toEqual({ ok: true, outcome: 'credited_full', openCents: 0, answerDueAt: null });
    expect(await invoiceRow(ctx.invoice.id)).toMatchObject({
      status: 'credited',
      openCents: 0,
      costsCents: 0,
      interestCents: 0,
    });
    const [allocation] = await db()
      .select()
      .from(paymentAllocations)
      .where(eq(paymentAllocations.invoiceId, ctx.invoice.id));
    expect(allocation).toMatchObject({ amountCents: 12_100, costsCents: 0, interestCents: 0 });
    // The costs and interest were waived with the principal, and the audit event says so.
    const [credited] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.invoiceId, ctx.invoice.id), eq(auditEvents.action, 'invoice.credited')));
    expect(credited.data).toMatchObject({ costsWaivedCents: 4_000, interestWaivedCents: 150 });
    // Closed once, by the credit itself (not a second time by the ledger's settlement event).
    expect((await templates(ctx.org.id)).sort()).toEqual(['dispute_opened', 'dispute_resolved', 'staff_notification']);
    expect(await disputeRow(ctx.disputeId)).toMatchObject({ outcome: 'credited_full', creditedCents: 12_100 });
  });
});
