/**
 * A part credit leaves the dispute open for the debtor's answer: they accept it (closed as
 * credited_partial), or reply (back to support); unanswered, the hourly job closes it when the
 * term has run. Dunning stays paused while it is open and resumes on its own when it closes.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, communications, disputes, invoices, payments } from '~db/schema';
import { DEFAULT_PORTAL_SETTINGS } from '~/modules/dunning/default-policy';
import { activePauses } from '~/modules/dunning/pauses.server';
import { notBeforeSendHour } from '~/modules/dunning/schedule';
import { registeredCrontab, registeredTaskList } from '~/modules/jobs/registry.server';
import { createDebtor, createInvoice, createOrganization, createStaff } from '~test/factories';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { DISPUTE_ANSWER_EXPIRY_TASK } from './answer-expiry.task.server';
import { answerDueFrom, PART_CREDIT_ANSWER_DAYS } from './constants';
import { acceptPartCredit, addDebtorMessage, getDebtorDispute, openDispute } from './debtor.server';
import { closeUnansweredPartCredits, creditDispute } from './resolve.server';
import { addStaffMessage } from './staff.server';

const DAY = 86_400_000;
const START = '2026-11-23T10:00:00.000Z';

/** An overdue invoice of EUR 200 disputed in full, then EUR 100 credited by support. */
async function partlyCredited({ graceDays = 5 }: { graceDays?: number } = {}) {
  const clock = fixedClock(START);
  const org = await createOrganization({
    portalSettings: { ...DEFAULT_PORTAL_SETTINGS, disputeRejectGraceDays: graceDays },
  });
  const support = await createStaff(org, 'support', { name: 'Chantal Bakker' });
  const debtor = await createDebtor(org);
  const invoice = await createInvoice(org, debtor, { totalCents: 20_000, dueDate: '2026-10-01' });
  const scope = { organizationId: org.id, debtorId: debtor.id };
  const staff = { id: support.id, organizationId: org.id, name: support.name };
  const opened = await openDispute(
    scope,
    { invoiceId: invoice.id, amountCents: null, reason: 'amount_wrong', message: 'Te veel uren.', files: [] },
    { clock },
  );
  if (!opened.ok) throw new Error(opened.error);
  clock.advanceDays(1);
  const credited = await creditDispute(
    staff,
    opened.disputeId,
    { amountCents: 10_000, note: 'De helft van de uren vervalt.' },
    { clock },
  );
  if (!credited.ok) throw new Error(credited.error);
  return { clock, org, debtor, invoice, scope, staff, id: opened.disputeId, creditedAt: clock.now() };
}

const db = () => getDb();
const disputeRow = async (id: string) => (await db().select().from(disputes).where(eq(disputes.id, id)))[0];
const invoiceRow = async (id: string) => (await db().select().from(invoices).where(eq(invoices.id, id)))[0];
const paused = async (invoiceId: string, at: Date) =>
  (await activePauses(db(), [invoiceId], { clock: { now: () => at } })).get(invoiceId) ?? [];
const templates = async (orgId: string) =>
  (
    await db()
      .select({ template: communications.template, props: communications.props })
      .from(communications)
      .where(eq(communications.organizationId, orgId))
      .orderBy(communications.createdAt)
  ).map((c) => c.template);

describe('a part credit waits for the debtor', () => {
  it('the debtor accepts: closed as credited_partial, dunning resumes on the rest after the grace period, support is told', async () => {
    const ctx = await partlyCredited({ graceDays: 5 });
    const view = await getDebtorDispute(ctx.scope, ctx.id);
    expect(view?.dispute).toMatchObject({ status: 'awaiting_debtor', active: true, creditedCents: 10_000 });
    expect(view?.invoice).toMatchObject({ openCents: 10_000 });
    expect(await paused(ctx.invoice.id, ctx.clock.now())).toEqual(['dispute']);

    ctx.clock.advanceDays(2);
    expect(await acceptPartCredit(ctx.scope, ctx.id, { clock: ctx.clock })).toEqual({ ok: true });
    const row = await disputeRow(ctx.id);
    expect(row).toMatchObject({ status: 'resolved', outcome: 'credited_partial', creditedCents: 10_000 });
    expect(row.answerDueAt).toBeNull();
    expect(row.resolvedAt?.toISOString()).toBe(ctx.clock.now().toISOString());
    expect(await paused(ctx.invoice.id, ctx.clock.now())).toEqual([]);
    // Overdue: the next reminder waits for the grace period, from the moment of the answer.
    expect((await invoiceRow(ctx.invoice.id)).nextActionAt?.getTime()).toBe(ctx.clock.now().getTime() + 5 * DAY);

    const [resolved] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, ctx.id), eq(auditEvents.action, 'dispute.resolved')));
    expect(resolved).toMatchObject({ actorType: 'debtor', actorId: ctx.debtor.id });
    expect(resolved.data).toMatchObject({ outcome: 'credited_partial', from: 'awaiting_debtor' });
    // Debtor: confirmation, the credit, the outcome; support: the new dispute and the acceptance.
    expect(await templates(ctx.org.id)).toEqual([
      'dispute_opened',
      'staff_notification',
      'dispute_reply',
      'dispute_resolved',
      'staff_notification',
    ]);
    const [outcome] = await db()
      .select()
      .from(communications)
      .where(and(eq(communications.organizationId, ctx.org.id), eq(communications.template, 'dispute_resolved')));
    expect(outcome.props).toMatchObject({
      outcome: 'credited_partial',
      creditedCents: 10_000,
      invoiceOpenCents: 10_000,
    });

    // Once closed nothing more: no second acceptance, no reply, and the job has nothing to do.
    expect(await acceptPartCredit(ctx.scope, ctx.id, { clock: ctx.clock })).toEqual({ ok: false, error: 'not_active' });
    expect(await addDebtorMessage(ctx.scope, ctx.id, { message: 'Toch nog...', files: [] })).toEqual({
      ok: false,
      error: 'not_active',
    });
    ctx.clock.advanceDays(30);
    expect(await closeUnansweredPartCredits({ clock: ctx.clock, organizationId: ctx.org.id })).toEqual({ closed: [] });
  });

  it('the debtor replies: back to support, the term stops; a staff reply starts it again; a second credit can settle the rest', async () => {
    const ctx = await partlyCredited();
    ctx.clock.advanceDays(3);
    expect(
      await addDebtorMessage(
        ctx.scope,
        ctx.id,
        { message: 'Ook de voorrijkosten kloppen niet.', files: [] },
        { clock: ctx.clock },
      ),
    ).toEqual({ ok: true });
    expect(await disputeRow(ctx.id)).toMatchObject({ status: 'awaiting_support', answerDueAt: null });
    // Past the first term: nothing closes while support owes the answer, and dunning stays paused.
    ctx.clock.advanceDays(PART_CREDIT_ANSWER_DAYS);
    expect(await closeUnansweredPartCredits({ clock: ctx.clock, organizationId: ctx.org.id })).toEqual({ closed: [] });
    expect(await paused(ctx.invoice.id, ctx.clock.now())).toEqual(['dispute']);

    // Support answers: the credit stands, the debtor gets a new term, and the email says so.
    expect(
      await addStaffMessage(
        ctx.staff,
        ctx.id,
        { message: 'De voorrijkosten blijven staan.', files: [], internal: false },
        { clock: ctx.clock },
      ),
    ).toEqual({ ok: true });
    const due = answerDueFrom(ctx.clock.now());
    const row = await disputeRow(ctx.id);
    expect(row.status).toBe('awaiting_debtor');
    expect(row.answerDueAt?.toISOString()).toBe(due.toISOString());
    const replies = await db()
      .select()
      .from(communications)
      .where(and(eq(communications.organizationId, ctx.org.id), eq(communications.template, 'dispute_reply')))
      .orderBy(communications.createdAt);
    expect(replies.at(-1)?.props).toMatchObject({
      message: 'De voorrijkosten blijven staan.',
      credit: { creditedCents: 10_000, openCents: 10_000, answerDueAt: due.toISOString(), isNew: false },
    });

    // While the answer is awaited support cannot credit again; after another reply it can.
    expect(await creditDispute(ctx.staff, ctx.id, { amountCents: 10_000, note: null }, { clock: ctx.clock })).toEqual({
      ok: false,
      error: 'awaiting_answer',
    });
    await addDebtorMessage(ctx.scope, ctx.id, { message: 'Dan graag alles.', files: [] }, { clock: ctx.clock });
    const rest = await creditDispute(ctx.staff, ctx.id, { amountCents: 10_000, note: null }, { clock: ctx.clock });
    expect(rest).toMatchObject({ ok: true, outcome: 'credited_full', openCents: 0 });
    expect(await disputeRow(ctx.id)).toMatchObject({
      status: 'resolved',
      outcome: 'credited_full',
      creditedCents: 20_000,
    });
    expect(await invoiceRow(ctx.invoice.id)).toMatchObject({ status: 'credited', openCents: 0 });
    const credits = await db().select().from(payments).where(eq(payments.organizationId, ctx.org.id));
    expect(credits.map((p) => [p.providerPaymentId, p.amountCents]).sort()).toEqual(
      [
        [`dispute:${ctx.id}`, 10_000],
        [`dispute:${ctx.id}:10000`, 10_000],
      ].sort(),
    );
    expect(await paused(ctx.invoice.id, ctx.clock.now())).toEqual([]);
  });

  it('unanswered past the term: the job closes it with the credit and dunning resumes at once; a second run changes nothing', async () => {
    const ctx = await partlyCredited();
    const before = await invoiceRow(ctx.invoice.id);
    expect(before.nextActionAt!.getTime()).toBeLessThan(ctx.clock.now().getTime());

    // A minute before the term ends: still open, still paused.
    // Credited on 24 November: the debtor may answer up to and including 8 December (Amsterdam).
    const due = answerDueFrom(ctx.creditedAt);
    expect(due.toISOString()).toBe('2026-12-08T23:00:00.000Z');
    ctx.clock.set(new Date(due.getTime() - 60_000));
    expect(await closeUnansweredPartCredits({ clock: ctx.clock, organizationId: ctx.org.id })).toEqual({ closed: [] });
    expect(await paused(ctx.invoice.id, ctx.clock.now())).toEqual(['dispute']);

    ctx.clock.set(due);
    expect(await closeUnansweredPartCredits({ clock: ctx.clock, organizationId: ctx.org.id })).toEqual({
      closed: [ctx.id],
    });
    const row = await disputeRow(ctx.id);
    expect(row).toMatchObject({ status: 'resolved', outcome: 'credited_partial', creditedCents: 10_000 });
    expect(row.resolvedAt?.toISOString()).toBe(ctx.clock.now().toISOString());
    expect(await paused(ctx.invoice.id, ctx.clock.now())).toEqual([]);
    // The reminder that fell due during the pause comes next, from now (not a burst of missed ones;
    // the term ends at midnight, so at the morning's sending hour).
    expect((await invoiceRow(ctx.invoice.id)).nextActionAt?.toISOString()).toBe(
      notBeforeSendHour(ctx.clock.now()).toISOString(),
    );
    expect(notBeforeSendHour(ctx.clock.now()).getTime() - ctx.clock.now().getTime()).toBeLessThan(DAY);
    const [resolved] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, ctx.id), eq(auditEvents.action, 'dispute.resolved')));
    expect(resolved).toMatchObject({ actorType: 'system' });
    expect((await templates(ctx.org.id)).at(-1)).toBe('dispute_resolved');

    // Idempotent: the next run finds nothing, and the debtor can no longer accept or reply.
    ctx.clock.advanceDays(1);
    expect(await closeUnansweredPartCredits({ clock: ctx.clock, organizationId: ctx.org.id })).toEqual({ closed: [] });
    expect(await acceptPartCredit(ctx.scope, ctx.id, { clock: ctx.clock })).toEqual({ ok: false, error: 'not_active' });
    expect(
      (await db().select().from(auditEvents).where(eq(auditEvents.entityId, ctx.id))).filter(
        (e) => e.action === 'dispute.resolved',
      ),
    ).toHaveLength(1);
  });

  it('is accepted only when there is a credit, and only by the debtor it belongs to', async () => {
    const ctx = await partlyCredited();
    const other = await createDebtor(ctx.org);
    expect(await acceptPartCredit({ organizationId: ctx.org.id, debtorId: other.id }, ctx.id)).toEqual({
      ok: false,
      error: 'not_found',
    });
    const invoice = await createInvoice(ctx.org, ctx.debtor, { totalCents: 5_000 });
    const plain = await openDispute(ctx.scope, {
      invoiceId: invoice.id,
      amountCents: null,
      reason: 'quality',
      message: 'Kapot.',
      files: [],
    });
    if (!plain.ok) throw new Error(plain.error);
    expect(await acceptPartCredit(ctx.scope, plain.disputeId)).toEqual({ ok: false, error: 'nothing_to_accept' });
    expect((await disputeRow(ctx.id)).status).toBe('awaiting_debtor');
  });

  it('is swept by an hourly job the worker knows', () => {
    expect(Object.keys(registeredTaskList())).toContain(DISPUTE_ANSWER_EXPIRY_TASK);
    expect(registeredCrontab()).toMatch(new RegExp(`^17 \\* \\* \\* \\* ${DISPUTE_ANSWER_EXPIRY_TASK} `, 'm'));
  });
});
