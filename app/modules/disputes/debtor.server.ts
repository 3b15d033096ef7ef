/**
 * The debtor's side of disputes: open one, read the thread, answer, accept a part credit,
 * withdraw. Every query is scoped to the session's debtor. (Questions are opened in
 * ./questions.server; their thread is read and answered here like a dispute's.)
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { disputeAttachments, disputeMessages, disputes, files, invoices, staffUsers } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { audit } from '~/modules/audit/index.server';
import { pauseInvoices } from '~/modules/dunning/index.server';
import { ownInvoices, ownRows } from '~/modules/links/index.server';
import type { DebtorSession } from '~/modules/links/index.server';
import { ACTIVE_STATUSES, disputeReference, isActiveStatus, type DisputeReason } from './constants';
import type { CheckedFile, DisputeErrorCode } from './forms.server';
import { loadContext, notifyDebtor, notifySupport } from './notify.server';
import { closeDispute, frozenAt, graceDays } from './resolve.server';
import { attachmentsOf, insertMessage, isOpenDisputeConflict, lockDispute } from './store.server';
import { isUuid } from '~/utils/ids';
import { orgScope } from '~/utils/org-scope.server';

export type DebtorScope = Pick<DebtorSession, 'organizationId' | 'debtorId'>;
type Options = { clock?: Clock };

export type OpenDisputeInput = {
  invoiceId: string;
  /** null: the whole open amount. */
  amountCents: number | null;
  reason: DisputeReason;
  message: string;
  files: CheckedFile[];
};

export type Refusal = { ok: false; error: DisputeErrorCode | 'not_found'; disputeId?: string };

/**
 * Opens a dispute on one of the debtor's own open invoices: the dispute, its first message
 * and attachments, the dunning pause on that invoice only, the audit events and the emails
 * commit together, or nothing is stored.
 */
export async function openDispute(
  scope: DebtorScope,
  input: OpenDisputeInput,
  { clock = systemClock }: Options = {},
): Promise<{ ok: true; disputeId: string } | Refusal> {
  if (!isUuid(input.invoiceId)) return { ok: false, error: 'not_found' };
  try {
    return await getDb().transaction(async (tx): Promise<{ ok: true; disputeId: string } | Refusal> => {
      const now = clock.now();
      const [invoice] = await tx
        .select()
        .from(invoices)
        .where(ownInvoices(scope, eq(invoices.id, input.invoiceId)))
        .for('update');
      if (!invoice) return { ok: false, error: 'not_found' };
      if (invoice.status !== 'open' || invoice.openCents <= 0) return { ok: false, error: 'invoice_not_open' };
      const [existing] = await tx
        .select({ id: disputes.id })
        .from(disputes)
        .where(
          and(
            eq(disputes.invoiceId, invoice.id),
            eq(disputes.kind, 'dispute'),
            inArray(disputes.status, ACTIVE_STATUSES),
          ),
        );
      if (existing) return { ok: false, error: 'already_disputed', disputeId: existing.id };
      const amount = input.amountCents ?? invoice.openCents;
      if (amount <= 0) return { ok: false, error: 'amount_invalid' };
      if (amount > invoice.openCents) return { ok: false, error: 'amount_too_high' };

      const [dispute] = await tx
        .insert(disputes)
        .values({
          organizationId: scope.organizationId,
          debtorId: scope.debtorId,
          invoiceId: invoice.id,
          kind: 'dispute',
          reason: input.reason,
          status: 'open',
          disputedCents: amount,
          lastDebtorMessageAt: now,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const { messageId, attachmentIds } = await insertMessage(tx, {
        dispute,
        author: 'debtor',
        body: input.message,
        files: input.files,
        at: now,
      });
      const actor = { type: 'debtor' as const, id: scope.debtorId };
      await pauseInvoices(
        tx,
        {
          organizationId: scope.organizationId,
          invoiceIds: [invoice.id],
          reason: 'dispute',
          sourceId: dispute.id,
          actor,
        },
        { clock },
      );
      await audit(tx, {
        organizationId: scope.organizationId,
        actor,
        action: 'dispute.opened',
        entityType: 'dispute',
        entityId: dispute.id,
        debtorId: scope.debtorId,
        invoiceId: invoice.id,
        data: {
          reason: input.reason,
          disputedCents: amount,
          wholeInvoice: input.amountCents === null,
          messageId,
          attachments: attachmentIds.length,
        },
        at: now,
      });
      const ctx = await loadContext(tx, dispute);
      await notifyDebtor(tx, ctx, { template: 'dispute_opened' }, { clock });
      await notifySupport(tx, ctx, 'opened', { message: input.message, clock });
      return { ok: true, disputeId: dispute.id };
    });
  } catch (error) {
    // Two submissions at once: the partial unique index lets one through, the other gets a message.
    if (isOpenDisputeConflict(error)) return { ok: false, error: 'already_disputed' };
    throw error;
  }
}

/**
 * The debtor answers in the thread (text and attachments); the dispute (or question) then waits
 * on support. An answer to a part credit stops its term: support answers first.
 */
export async function addDebtorMessage(
  scope: DebtorScope,
  disputeId: string,
  input: { message: string; files: CheckedFile[] },
  { clock = systemClock }: Options = {},
): Promise<{ ok: true } | Refusal> {
  if (!isUuid(disputeId)) return { ok: false, error: 'not_found' };
  return getDb().transaction(async (tx) => {
    const now = clock.now();
    const dispute = await lockDispute(tx, disputeId, ownRows(disputes, scope));
    if (!dispute) return { ok: false, error: 'not_found' } as const;
    if (!isActiveStatus(dispute.status)) return { ok: false, error: 'not_active' } as const;
    const { messageId, attachmentIds } = await insertMessage(tx, {
      dispute,
      author: 'debtor',
      body: input.message,
      files: input.files,
      at: now,
    });
    const [updated] = await tx
      .update(disputes)
      .set({ status: 'awaiting_support', lastDebtorMessageAt: now, answerDueAt: null, updatedAt: now })
      .where(eq(disputes.id, dispute.id))
      .returning();
    await audit(tx, {
      organizationId: dispute.organizationId,
      actor: { type: 'debtor', id: scope.debtorId },
      action: 'dispute.debtor_replied',
      entityType: 'dispute',
      entityId: dispute.id,
      debtorId: dispute.debtorId,
      invoiceId: dispute.invoiceId,
      data: { messageId, attachments: attachmentIds.length, from: dispute.status, to: 'awaiting_support' },
      at: now,
    });
    await notifySupport(
      tx,
      await loadContext(tx, updated),
      dispute.kind === 'question' ? 'question_replied' : 'debtor_replied',
      { message: input.message, clock },
    );
    return { ok: true } as const;
  });
}

/** The debtor withdraws: the dispute closes and dunning on the invoice resumes now. */
export async function withdrawDispute(scope: DebtorScope, disputeId: string, { clock = systemClock }: Options = {}) {
  if (!isUuid(disputeId)) return { ok: false, error: 'not_found' } as Refusal;
  return getDb().transaction(async (tx): Promise<{ ok: true } | Refusal> => {
    const dispute = await lockDispute(tx, disputeId, ownRows(disputes, scope));
    if (!dispute) return { ok: false, error: 'not_found' };
    if (dispute.kind !== 'dispute') return { ok: false, error: 'not_a_dispute' };
    if (!isActiveStatus(dispute.status)) return { ok: false, error: 'not_active' };
    const at = frozenAt(clock.now());
    const closed = await closeDispute(
      tx,
      dispute,
      { outcome: 'withdrawn', actor: { type: 'debtor', id: scope.debtorId }, note: null, resumeAt: at.now() },
      { clock: at },
    );
    await notifySupport(tx, await loadContext(tx, closed), 'withdrawn', { clock: at });
    return { ok: true };
  });
}

/**
 * The debtor accepts the part credit support made: the dispute closes with it (outcome
 * credited_partial), dunning resumes on the rest after the organisation's grace period, the
 * debtor is told what is still open and support hears of it.
 */
export async function acceptPartCredit(scope: DebtorScope, disputeId: string, { clock = systemClock }: Options = {}) {
  if (!isUuid(disputeId)) return { ok: false, error: 'not_found' } as Refusal;
  return getDb().transaction(async (tx): Promise<{ ok: true } | Refusal> => {
    const dispute = await lockDispute(tx, disputeId, ownRows(disputes, scope));
    if (!dispute) return { ok: false, error: 'not_found' };
    if (dispute.kind !== 'dispute') return { ok: false, error: 'not_a_dispute' };
    if (!isActiveStatus(dispute.status)) return { ok: false, error: 'not_active' };
    if (dispute.creditedCents <= 0) return { ok: false, error: 'nothing_to_accept' };
    const at = frozenAt(clock.now());
    const resumeAt = new Date(at.now().getTime() + (await graceDays(tx, dispute.organizationId)) * 86_400_000);
    const closed = await closeDispute(
      tx,
      dispute,
      { outcome: 'credited_partial', actor: { type: 'debtor', id: scope.debtorId }, note: null, resumeAt },
      { clock: at },
    );
    await notifySupport(tx, await loadContext(tx, closed), 'accepted', { clock: at });
    return { ok: true };
  });
}

/** The debtor's disputes and questions, the ones still being handled first. */
export async function listDebtorDisputes(scope: DebtorScope, tx: Tx = getDb()) {
  const rows = await tx
    .select({
      id: disputes.id,
      kind: disputes.kind,
      reason: disputes.reason,
      status: disputes.status,
      outcome: disputes.outcome,
      disputedCents: disputes.disputedCents,
      creditedCents: disputes.creditedCents,
      createdAt: disputes.createdAt,
      updatedAt: disputes.updatedAt,
      invoiceId: invoices.id,
      invoiceNumber: invoices.number,
      currency: invoices.currency,
    })
    .from(disputes)
    .innerJoin(invoices, and(eq(invoices.id, disputes.invoiceId), eq(invoices.organizationId, disputes.organizationId)))
    .where(ownRows(disputes, scope))
    .orderBy(sql`case when ${disputes.status} in ('resolved', 'withdrawn') then 1 else 0 end`, desc(disputes.updatedAt))
    .limit(200);
  return rows.map((r) => ({
    ...r,
    reference: disputeReference(r.id, r.kind),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

/** The id of the debtor's dispute (or question) still being handled on this invoice, if any. */
export async function activeDisputeForInvoice(
  scope: DebtorScope,
  invoiceId: string,
  kind: 'dispute' | 'question' = 'dispute',
) {
  if (!isUuid(invoiceId)) return null;
  const [row] = await getDb()
    .select({ id: disputes.id })
    .from(disputes)
    .where(
      ownRows(
        disputes,
        scope,
        eq(disputes.invoiceId, invoiceId),
        eq(disputes.kind, kind),
        inArray(disputes.status, ACTIVE_STATUSES),
      ),
    );
  return row?.id ?? null;
}

/** One of the debtor's disputes with the messages meant for them (never internal notes); null when not theirs. */
export async function getDebtorDispute(scope: DebtorScope, disputeId: string) {
  if (!isUuid(disputeId)) return null;
  const db = getDb();
  const [row] = await db
    .select({ dispute: disputes, invoice: invoices })
    .from(disputes)
    .innerJoin(invoices, and(eq(invoices.id, disputes.invoiceId), eq(invoices.organizationId, disputes.organizationId)))
    .where(ownRows(disputes, scope, eq(disputes.id, disputeId)));
  if (!row) return null;
  const messages = await db
    .select({
      id: disputeMessages.id,
      author: disputeMessages.author,
      body: disputeMessages.body,
      createdAt: disputeMessages.createdAt,
      staffName: staffUsers.name,
    })
    .from(disputeMessages)
    .leftJoin(staffUsers, eq(staffUsers.id, disputeMessages.staffUserId))
    .where(
      and(
        eq(disputeMessages.disputeId, row.dispute.id),
        orgScope(disputeMessages, scope),
        eq(disputeMessages.internal, false),
      ),
    )
    .orderBy(asc(disputeMessages.createdAt));
  const attachments = await attachmentsOf(
    db,
    messages.map((m) => m.id),
  );
  const { dispute, invoice } = row;
  return {
    dispute: {
      id: dispute.id,
      kind: dispute.kind,
      reference: disputeReference(dispute.id, dispute.kind),
      /** A part credit waiting on the debtor: until when they may accept it or reply. */
      answerDueAt: dispute.status === 'awaiting_debtor' ? (dispute.answerDueAt?.toISOString() ?? null) : null,
      reason: dispute.reason,
      status: dispute.status,
      outcome: dispute.outcome,
      disputedCents: dispute.disputedCents,
      creditedCents: dispute.creditedCents,
      resolutionNote: dispute.resolutionNote,
      resolvedAt: dispute.resolvedAt?.toISOString() ?? null,
      createdAt: dispute.createdAt.toISOString(),
      active: isActiveStatus(dispute.status),
    },
    invoice: {
      id: invoice.id,
      number: invoice.number,
      status: invoice.status,
      totalCents: invoice.totalCents,
      openCents: invoice.openCents,
      costsCents: invoice.costsCents,
      interestCents: invoice.interestCents,
      currency: invoice.currency,
    },
    messages: messages.map((m) => ({
      id: m.id,
      author: m.author,
      body: m.body,
      createdAt: m.createdAt.toISOString(),
      staffName: m.author === 'staff' ? m.staffName : null,
      internal: false,
      attachments: attachments.get(m.id) ?? [],
    })),
  };
}

/** The bytes of an attachment, only when it belongs to a message the debtor may read. */
export async function getDebtorAttachment(scope: DebtorScope, disputeId: string, attachmentId: string) {
  if (!isUuid(disputeId) || !isUuid(attachmentId)) return null;
  const [row] = await getDb()
    .select({ filename: files.filename, contentType: files.contentType, data: files.data })
    .from(disputeAttachments)
    .innerJoin(disputeMessages, eq(disputeMessages.id, disputeAttachments.messageId))
    .innerJoin(disputes, eq(disputes.id, disputeMessages.disputeId))
    .innerJoin(files, and(eq(files.id, disputeAttachments.fileId), eq(files.organizationId, disputes.organizationId)))
    .where(
      and(
        ownRows(disputes, scope, eq(disputes.id, disputeId)),
        eq(disputeAttachments.id, attachmentId),
        orgScope(disputeAttachments, scope),
        eq(disputeMessages.internal, false),
      ),
    );
  return row ?? null;
}
