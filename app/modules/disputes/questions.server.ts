/**
 * Questions about an invoice: a thread like a dispute's (a `disputes` row of kind 'question',
 * reason 'other', nothing disputed) that does not pause dunning and never books a credit. The
 * debtor asks from the invoice page; support answers in the same thread page as disputes
 * (./staff.server: replies, notes, assignment), may hold the invoice's reminders with the manual
 * hold of dunning (and lift it), and closes the question when it is answered. One open question
 * per invoice (the partial unique index per invoice and kind).
 */
import { and, eq, inArray } from 'drizzle-orm';
import { disputes, invoices } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { isUuid } from '~/utils/ids';
import { orgScope } from '~/utils/org-scope.server';
import { audit, type Actor } from '~/modules/audit/index.server';
import { liftManualHold, placeManualHold } from '~/modules/dunning/index.server';
import { ownInvoices } from '~/modules/links/index.server';
import { ACTIVE_STATUSES, disputeReference, isActiveStatus } from './constants';
import type { DebtorScope, Refusal } from './debtor.server';
import type { DisputeErrorCode } from './forms.server';
import { loadContext, notifyDebtor, notifySupport } from './notify.server';
import { insertMessage, isOpenDisputeConflict, lockDispute } from './store.server';

type Options = { clock?: Clock };
type StaffScope = { id: string; organizationId: string };
type StaffRefusal = { ok: false; error: DisputeErrorCode | 'not_found' };

/**
 * Opens a question on one of the debtor's own invoices (open or settled: a question may be about
 * a paid one too): the thread, its first message, the audit event, the debtor's confirmation and
 * support's notification commit together. No pause. An open question on the invoice already: its
 * id comes back with `already_asked`.
 */
export async function openQuestion(
  scope: DebtorScope,
  input: { invoiceId: string; message: string },
  { clock = systemClock }: Options = {},
): Promise<{ ok: true; disputeId: string } | Refusal> {
  if (!isUuid(input.invoiceId)) return { ok: false, error: 'not_found' };
  try {
    return await getDb().transaction(async (tx): Promise<{ ok: true; disputeId: string } | Refusal> => {
      const now = clock.now();
      const [invoice] = await tx
        .select({ id: invoices.id })
        .from(invoices)
        .where(ownInvoices(scope, eq(invoices.id, input.invoiceId)))
        .for('update');
      if (!invoice) return { ok: false, error: 'not_found' };
      const [existing] = await tx
        .select({ id: disputes.id })
        .from(disputes)
        .where(
          and(
            orgScope(disputes, scope),
            eq(disputes.invoiceId, invoice.id),
            eq(disputes.kind, 'question'),
            inArray(disputes.status, ACTIVE_STATUSES),
          ),
        );
      if (existing) return { ok: false, error: 'already_asked', disputeId: existing.id };
      const [question] = await tx
        .insert(disputes)
        .values({
          organizationId: scope.organizationId,
          debtorId: scope.debtorId,
          invoiceId: invoice.id,
          kind: 'question',
          reason: 'other',
          status: 'open',
          disputedCents: 0,
          lastDebtorMessageAt: now,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const { messageId } = await insertMessage(tx, {
        dispute: question,
        author: 'debtor',
        body: input.message,
        at: now,
      });
      await audit(tx, {
        organizationId: scope.organizationId,
        actor: { type: 'debtor', id: scope.debtorId },
        action: 'dispute.question_asked',
        entityType: 'dispute',
        entityId: question.id,
        debtorId: scope.debtorId,
        invoiceId: invoice.id,
        data: { kind: 'question', reference: disputeReference(question.id, 'question'), messageId },
        at: now,
      });
      const ctx = await loadContext(tx, question);
      await notifyDebtor(tx, ctx, { template: 'dispute_opened' }, { clock });
      await notifySupport(tx, ctx, 'question_asked', { message: input.message, clock });
      return { ok: true, disputeId: question.id };
    });
  } catch (error) {
    // Two submissions at once: the partial unique index lets one through.
    if (isOpenDisputeConflict(error)) return { ok: false, error: 'already_asked' };
    throw error;
  }
}

/** The question under lock, in the staff member's organisation; a dispute is refused (not_a_question). */
async function lockQuestion(tx: Parameters<typeof lockDispute>[0], staff: StaffScope, id: string) {
  const row = await lockDispute(tx, id, orgScope(disputes, staff));
  if (!row) return { ok: false, error: 'not_found' } as const;
  if (row.kind !== 'question') return { ok: false, error: 'not_a_question' } as const;
  return { ok: true, question: row } as const;
}

/**
 * Staff pause (hold) or resume the reminders of the question's invoice, with dunning's manual
 * hold: the same hold as on the debtor page, so it shows there and is lifted the same way.
 * Holding an invoice already on hold, or lifting one that is not, changes nothing.
 */
export async function setQuestionHold(
  staff: StaffScope,
  questionId: string,
  hold: boolean,
  { clock = systemClock }: Options = {},
): Promise<{ ok: true; changed: boolean } | StaffRefusal> {
  if (!isUuid(questionId)) return { ok: false, error: 'not_found' };
  return getDb().transaction(async (tx) => {
    const locked = await lockQuestion(tx, staff, questionId);
    if (!locked.ok) return locked;
    const { question } = locked;
    const target = {
      organizationId: question.organizationId,
      debtorId: question.debtorId,
      actor: { type: 'staff', id: staff.id } satisfies Actor,
    };
    if (!hold) {
      const lifted = await liftManualHold(tx, target, [question.invoiceId], { clock });
      return { ok: true, changed: lifted.lifted > 0 } as const;
    }
    if (!isActiveStatus(question.status)) return { ok: false, error: 'not_active' } as const;
    const [invoice] = await tx
      .select({ status: invoices.status })
      .from(invoices)
      .where(and(eq(invoices.id, question.invoiceId), orgScope(invoices, staff)));
    if (invoice?.status !== 'open') return { ok: false, error: 'invoice_not_open' } as const;
    const held = await placeManualHold(
      tx,
      target,
      { invoiceIds: [question.invoiceId], note: disputeReference(question.id, 'question') },
      { clock },
    );
    return { ok: true, changed: held.held > 0 } as const;
  });
}

/**
 * Staff close a question ("answered / closed"): it leaves the inbox's active list and the debtor
 * can no longer write in it (a new question can be asked). `liftHold`: the invoice's manual hold
 * ends with it, so reminders resume (a hold kept stays until lifted on the debtor page).
 */
export async function closeQuestion(
  staff: StaffScope,
  questionId: string,
  input: { liftHold: boolean },
  { clock = systemClock }: Options = {},
): Promise<{ ok: true } | StaffRefusal> {
  if (!isUuid(questionId)) return { ok: false, error: 'not_found' };
  return getDb().transaction(async (tx) => {
    const locked = await lockQuestion(tx, staff, questionId);
    if (!locked.ok) return locked;
    const { question } = locked;
    if (!isActiveStatus(question.status)) return { ok: false, error: 'not_active' } as const;
    const now = clock.now();
    const actor: Actor = { type: 'staff', id: staff.id };
    await tx
      .update(disputes)
      .set({ status: 'resolved', resolvedAt: now, updatedAt: now, assigneeId: question.assigneeId ?? staff.id })
      .where(eq(disputes.id, question.id));
    const lifted = input.liftHold
      ? await liftManualHold(
          tx,
          { organizationId: question.organizationId, debtorId: question.debtorId, actor },
          [question.invoiceId],
          { clock },
        )
      : { lifted: 0 };
    await audit(tx, {
      organizationId: question.organizationId,
      actor,
      action: 'dispute.question_closed',
      entityType: 'dispute',
      entityId: question.id,
      debtorId: question.debtorId,
      invoiceId: question.invoiceId,
      data: { from: question.status, to: 'resolved', holdLifted: lifted.lifted > 0 },
      at: now,
    });
    return { ok: true } as const;
  });
}
