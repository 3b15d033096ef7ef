/**
 * How disputes end: a credit note (full, or partial and then accepted or left unanswered), a
 * rejection, the invoice being paid, or the debtor withdrawing. Each ends the dispute's dunning
 * pause in the same transaction: a full credit settles the invoice, a rejection or an accepted
 * part credit resumes dunning after the organisation's grace period, a withdrawal or a part
 * credit whose answer term ran out resumes it at once. A part credit does not end the dispute:
 * it waits for the debtor's answer (accept, or reply) until its term (PART_CREDIT_ANSWER_DAYS),
 * still pausing dunning. Credits are ledger entries that correct the invoice (the principal goes
 * down, costs and interest are what dunning computes for the lower principal); an invoice settled
 * by any other source closes its disputes through the ledger's event. Questions never end here:
 * they are closed by staff (./questions.server).
 */
import { and, asc, eq, gt, inArray, lte, ne } from 'drizzle-orm';
import { disputes, invoices, organizations, type Dispute } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { audit, type Actor } from '~/modules/audit/index.server';
import { claimForCorrectedPrincipal, liftPauses } from '~/modules/dunning/index.server';
import { owedCents, recordLedgerEntry, type LedgerListener } from '~/modules/ledger/index.server';
import { ACTIVE_STATUSES, answerDueFrom, isActiveStatus, type DisputeOutcome } from './constants';
import type { DisputeErrorCode } from './forms.server';
import { loadContext, notifyDebtor } from './notify.server';
import { insertMessage, lockDispute } from './store.server';
import { orgScope } from '~/utils/org-scope.server';

type Options = { clock?: Clock };
export type StaffActor = { id: string; organizationId: string; name?: string | null };
type Refusal = { ok: false; error: DisputeErrorCode | 'not_found' };

const DAY_MS = 86_400_000;

/** One instant for everything a transaction records, so resolved_at and the resume moment agree. */
export function frozenAt(at: Date): Clock {
  return { now: () => new Date(at) };
}

/**
 * Closes a locked, active dispute: status, outcome, the end of its pause (dunning resumes from
 * `resumeAt` when nothing else holds the invoice), an audit event and the debtor's email.
 */
export async function closeDispute(
  tx: Tx,
  dispute: Dispute,
  input: { outcome: DisputeOutcome; actor: Actor; note: string | null; resumeAt: Date; creditedCents?: number },
  { clock = systemClock }: Options = {},
) {
  const now = clock.now();
  const status = input.outcome === 'withdrawn' ? 'withdrawn' : 'resolved';
  const [closed] = await tx
    .update(disputes)
    .set({
      status,
      outcome: input.outcome,
      creditedCents: input.creditedCents ?? dispute.creditedCents,
      resolutionNote: input.note,
      resolvedAt: now,
      answerDueAt: null,
      updatedAt: now,
    })
    .where(eq(disputes.id, dispute.id))
    .returning();
  const lifted = await liftPauses(
    tx,
    {
      organizationId: dispute.organizationId,
      sourceId: dispute.id,
      reason: 'dispute',
      liftedReason: `dispute_${input.outcome}`,
      actor: input.actor,
      resumeAt: input.resumeAt,
    },
    { clock },
  );
  await audit(tx, {
    organizationId: dispute.organizationId,
    actor: input.actor,
    action: input.outcome === 'withdrawn' ? 'dispute.withdrawn' : 'dispute.resolved',
    entityType: 'dispute',
    entityId: dispute.id,
    debtorId: dispute.debtorId,
    invoiceId: dispute.invoiceId,
    data: {
      from: dispute.status,
      to: status,
      outcome: input.outcome,
      creditedCents: closed.creditedCents,
      resumeAt: input.resumeAt.toISOString(),
      resumedInvoices: lifted.resumed,
      note: input.note,
    },
    at: now,
  });
  await notifyDebtor(
    tx,
    await loadContext(tx, closed),
    { template: 'dispute_resolved', outcome: input.outcome, creditedCents: closed.creditedCents, note: input.note },
    { clock },
  );
  return closed;
}

export async function graceDays(tx: Tx, organizationId: string) {
  const [org] = await tx
    .select({ settings: organizations.portalSettings })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  return org?.settings.disputeRejectGraceDays ?? 7;
}

/**
 * Credits (part of) the disputed invoice with a credit note, booked through the ledger like every
 * other money on invoices, as a correction: the principal goes down by the amount (at most the
 * open principal), and the collection costs and interest become what dunning computes for the
 * lower principal (claimForCorrectedPrincipal). Crediting the whole principal settles the invoice
 * (credited) and closes the dispute. A part leaves the dispute open, waiting on the debtor's
 * answer until the term (PART_CREDIT_ANSWER_DAYS): they accept it or reply, and dunning stays
 * paused meanwhile; staff's note goes to the thread. While that answer is awaited no second
 * credit is booked (a repeated submission finds the dispute waiting); after a reply, another
 * credit may follow. A question is never credited.
 */
export async function creditDispute(
  staff: StaffActor,
  disputeId: string,
  input: { amountCents: number; note: string | null },
  { clock = systemClock }: Options = {},
): Promise<{ ok: true; outcome: DisputeOutcome; openCents: number; answerDueAt: Date | null } | Refusal> {
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents <= 0) return { ok: false, error: 'amount_invalid' };
  return getDb().transaction(async (tx) => {
    const now = clock.now();
    const at = frozenAt(now);
    const dispute = await lockDispute(tx, disputeId, orgScope(disputes, staff));
    if (!dispute) return { ok: false, error: 'not_found' } as const;
    if (dispute.kind !== 'dispute') return { ok: false, error: 'not_a_dispute' } as const;
    if (!isActiveStatus(dispute.status)) return { ok: false, error: 'not_active' } as const;
    if (dispute.status === 'awaiting_debtor' && dispute.answerDueAt && dispute.creditedCents > 0)
      return { ok: false, error: 'awaiting_answer' } as const;
    const [invoice] = await tx
      .select()
      .from(invoices)
      .where(and(eq(invoices.id, dispute.invoiceId), orgScope(invoices, staff)))
      .for('update');
    if (!invoice || invoice.status !== 'open' || owedCents(invoice) <= 0 || invoice.openCents <= 0)
      return { ok: false, error: 'invoice_not_open' } as const;
    if (input.amountCents > invoice.openCents) return { ok: false, error: 'credit_too_high' } as const;

    const actor: Actor = { type: 'staff', id: staff.id };
    const principalAfter = invoice.openCents - input.amountCents;
    const booked = await recordLedgerEntry(
      tx,
      {
        organizationId: staff.organizationId,
        debtorId: dispute.debtorId,
        source: 'credit_note',
        amountCents: input.amountCents,
        targets: [{ invoiceId: invoice.id }],
        restAsCredit: false,
        // One credit note per dispute and state: a repeated submission finds the first.
        key: dispute.creditedCents === 0 ? `dispute:${dispute.id}` : `dispute:${dispute.id}:${dispute.creditedCents}`,
        method: 'credit_note',
        actor,
        origin: { kind: 'dispute', id: dispute.id },
        correction: await claimForCorrectedPrincipal(tx, invoice, principalAfter),
      },
      { clock: at },
    );
    if (!booked.changed) return { ok: false, error: 'not_active' } as const;
    const creditedCents = dispute.creditedCents + input.amountCents;
    if (booked.settledInvoiceIds.includes(invoice.id)) {
      await closeDispute(
        tx,
        dispute,
        { outcome: 'credited_full', actor, note: input.note, resumeAt: now, creditedCents },
        { clock: at },
      );
      return { ok: true, outcome: 'credited_full', openCents: 0, answerDueAt: null } as const;
    }
    const answerDueAt = answerDueFrom(now);
    const messageId = input.note
      ? (await insertMessage(tx, { dispute, author: 'staff', staffUserId: staff.id, body: input.note, at: now }))
          .messageId
      : null;
    const [waiting] = await tx
      .update(disputes)
      .set({
        status: 'awaiting_debtor',
        creditedCents,
        answerDueAt,
        lastStaffReplyAt: now,
        assigneeId: dispute.assigneeId ?? staff.id,
        updatedAt: now,
      })
      .where(eq(disputes.id, dispute.id))
      .returning();
    await audit(tx, {
      organizationId: dispute.organizationId,
      actor,
      action: 'dispute.part_credited',
      entityType: 'dispute',
      entityId: dispute.id,
      debtorId: dispute.debtorId,
      invoiceId: dispute.invoiceId,
      data: {
        from: dispute.status,
        to: 'awaiting_debtor',
        amountCents: input.amountCents,
        creditedCents,
        openCents: principalAfter,
        answerDueAt: answerDueAt.toISOString(),
        messageId,
      },
      at: now,
    });
    await notifyDebtor(
      tx,
      await loadContext(tx, waiting),
      {
        template: 'dispute_reply',
        message: input.note,
        staffName: staff.name ?? null,
        credit: { amountCents: input.amountCents, answerDueAt, isNew: true },
      },
      { clock: at },
    );
    return { ok: true, outcome: 'credited_partial', openCents: principalAfter, answerDueAt } as const;
  });
}

/**
 * Rejects the dispute (or what is left of it after a part credit) with an explanation; dunning
 * resumes after the organisation's grace period. After a part credit the outcome stays
 * credited_partial: the credit stands, the rest is maintained.
 */
export async function rejectDispute(
  staff: StaffActor,
  disputeId: string,
  input: { note: string },
  { clock = systemClock }: Options = {},
): Promise<{ ok: true; resumeAt: Date } | Refusal> {
  return getDb().transaction(async (tx) => {
    const dispute = await lockDispute(tx, disputeId, orgScope(disputes, staff));
    if (!dispute) return { ok: false, error: 'not_found' } as const;
    if (dispute.kind !== 'dispute') return { ok: false, error: 'not_a_dispute' } as const;
    if (!isActiveStatus(dispute.status)) return { ok: false, error: 'not_active' } as const;
    const at = frozenAt(clock.now());
    const resumeAt = new Date(at.now().getTime() + (await graceDays(tx, staff.organizationId)) * DAY_MS);
    await closeDispute(
      tx,
      dispute,
      {
        outcome: dispute.creditedCents > 0 ? 'credited_partial' : 'rejected',
        actor: { type: 'staff', id: staff.id },
        note: input.note,
        resumeAt,
      },
      { clock: at },
    );
    return { ok: true, resumeAt } as const;
  });
}

/**
 * Part credits the debtor left unanswered past their term close with the credit (outcome
 * credited_partial, by the system), and dunning resumes on the rest at once (the term was the
 * debtor's time). Run by the hourly job (./answer-expiry.task.server); each dispute in its own
 * transaction under SKIP LOCKED, so two runs never close one twice and a debtor's answer that
 * got the lock first wins. Idempotent: a run finds only what is still waiting.
 */
export async function closeUnansweredPartCredits({
  clock = systemClock,
  organizationId,
}: Options & { organizationId?: string } = {}): Promise<{ closed: string[] }> {
  const now = clock.now();
  const due = and(
    eq(disputes.kind, 'dispute'),
    eq(disputes.status, 'awaiting_debtor'),
    gt(disputes.creditedCents, 0),
    lte(disputes.answerDueAt, now),
    organizationId ? orgScope(disputes, organizationId) : undefined,
  );
  const candidates = await getDb()
    .select({ id: disputes.id })
    .from(disputes)
    .where(due)
    .orderBy(asc(disputes.answerDueAt))
    .limit(500);
  const closed: string[] = [];
  for (const { id } of candidates) {
    const done = await getDb().transaction(async (tx) => {
      const [dispute] = await tx
        .select()
        .from(disputes)
        .where(and(eq(disputes.id, id), due))
        .for('update', { skipLocked: true });
      if (!dispute) return false;
      const at = frozenAt(now);
      await closeDispute(
        tx,
        dispute,
        {
          outcome: 'credited_partial',
          actor: { type: 'system', id: 'disputes' },
          note: null,
          resumeAt: now,
        },
        { clock: at },
      );
      return true;
    });
    if (done) closed.push(id);
  }
  return { closed };
}

/**
 * Closes the active disputes on invoices that are now settled (paid, credited or written off):
 * outcome "paid" for a paid invoice, "credited_full" otherwise; their pauses end and the debtor
 * is told. Returns the closed dispute ids. `except`: a dispute its caller closes itself.
 */
export async function resolveDisputesForPaidInvoices(
  tx: Tx,
  input: { organizationId: string; invoiceIds: string[]; actor?: Actor; except?: string | null },
  { clock = systemClock }: Options = {},
) {
  if (input.invoiceIds.length === 0) return [];
  const rows = await tx
    .select({ dispute: disputes, invoiceStatus: invoices.status })
    .from(disputes)
    .innerJoin(invoices, and(eq(invoices.id, disputes.invoiceId), eq(invoices.organizationId, disputes.organizationId)))
    .where(
      and(
        orgScope(disputes, input),
        // A question stays open when its invoice is paid: it may still want an answer.
        eq(disputes.kind, 'dispute'),
        inArray(disputes.invoiceId, input.invoiceIds),
        inArray(disputes.status, ACTIVE_STATUSES),
        inArray(invoices.status, ['paid', 'credited', 'written_off']),
        input.except ? ne(disputes.id, input.except) : undefined,
      ),
    )
    .for('update', { of: disputes });
  const closed: string[] = [];
  const at = frozenAt(clock.now());
  for (const { dispute, invoiceStatus } of rows) {
    await closeDispute(
      tx,
      dispute,
      {
        outcome: invoiceStatus === 'paid' ? 'paid' : 'credited_full',
        actor: input.actor ?? { type: 'system', id: 'disputes' },
        note: null,
        resumeAt: at.now(),
      },
      { clock: at },
    );
    closed.push(dispute.id);
  }
  return closed;
}

/**
 * The ledger's subscriber (registered in app/server/ledger-subscribers.server): whatever settled
 * an invoice (any source, or a lower total), its active disputes close in the same transaction.
 * Nothing on a page has to make up for it, so nothing writes on GET.
 */
export const closeDisputesOnSettlement: LedgerListener = async (tx, event, { clock }) => {
  if (event.kind !== 'booked' && event.kind !== 'revised') return;
  if (event.settledInvoiceIds.length === 0) return;
  await resolveDisputesForPaidInvoices(
    tx,
    {
      organizationId: event.organizationId,
      invoiceIds: event.settledInvoiceIds,
      actor: event.actor,
      except: event.origin?.kind === 'dispute' ? event.origin.id : null,
    },
    { clock },
  );
};
