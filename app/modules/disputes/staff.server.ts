/**
 * The support side of disputes and questions: inbox, thread with internal notes, replies,
 * assignment. Every query is scoped to the staff member's organisation.
 */
import { and, asc, desc, eq, inArray, lt, ne, sql, type SQL } from 'drizzle-orm';
import {
  auditEvents,
  debtors,
  disputeAttachments,
  disputeMessages,
  disputes,
  files,
  invoices,
  organizations,
  staffUsers,
} from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { audit } from '~/modules/audit/index.server';
import { activePauses } from '~/modules/dunning/index.server';
import { ACTIVE_STATUSES, answerDueFrom, disputeReference, isActiveStatus, WAITING_ON_SUPPORT } from './constants';
import type { CheckedFile, DisputeErrorCode } from './forms.server';
import { ageLevel, type InboxFilters } from './inbox';
import { loadContext, notifyDebtor } from './notify.server';
import { attachmentsOf, insertMessage, lockDispute } from './store.server';
import { isUuid } from '~/utils/ids';
import { orgScope } from '~/utils/org-scope.server';
import { rolesWith } from '~/modules/staff/index';

export type StaffScope = { id: string; organizationId: string; name: string };
type Options = { clock?: Clock };
type Refusal = { ok: false; error: DisputeErrorCode | 'not_found' };

/** Since when the debtor has been waiting for an answer: their first message after support's last reply. */
const waitingSince = sql`(
  select min(m.created_at) from ${disputeMessages} m
  where m.dispute_id = ${disputes.id} and m.author = 'debtor'
    and m.created_at > coalesce(${disputes.lastStaffReplyAt}, '-infinity'::timestamptz)
)`;

function statusCondition(filter: InboxFilters['status']): SQL | undefined {
  switch (filter) {
    case 'active':
      return inArray(disputes.status, ACTIVE_STATUSES);
    case 'waiting':
      return inArray(disputes.status, WAITING_ON_SUPPORT);
    case 'closed':
      return inArray(disputes.status, ['resolved', 'withdrawn']);
    case 'all':
      return undefined;
    default:
      return eq(disputes.status, filter);
  }
}

async function disputeSettings(organizationId: string) {
  const [org] = await getDb()
    .select({ settings: organizations.portalSettings })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  return {
    targetHours: org?.settings.disputeResponseHours ?? 48,
    graceDays: org?.settings.disputeRejectGraceDays ?? 7,
  };
}

/** Staff who can work disputes (support and admin), for the assignee filter. */
export async function disputeStaff(organizationId: string) {
  return getDb()
    .select({ id: staffUsers.id, name: staffUsers.name })
    .from(staffUsers)
    .where(
      and(
        orgScope(staffUsers, organizationId),
        eq(staffUsers.active, true),
        inArray(staffUsers.role, rolesWith('support')),
      ),
    )
    .orderBy(asc(staffUsers.name));
}

/**
 * The inbox: the disputes waiting on support first, the longest waiting on top, then those
 * waiting on the debtor, then closed ones. Each waiting dispute carries its age level against
 * the organisation's response target.
 */
export async function listInbox(staff: StaffScope, filters: InboxFilters, { clock = systemClock }: Options = {}) {
  const now = clock.now();
  const { targetHours: target } = await disputeSettings(staff.organizationId);
  const waiting = sql`${disputes.status} in ('open', 'awaiting_support')`;
  const assignee =
    filters.assignee === 'me'
      ? eq(disputes.assigneeId, staff.id)
      : filters.assignee === 'none'
        ? sql`${disputes.assigneeId} is null`
        : filters.assignee === 'any'
          ? undefined
          : eq(disputes.assigneeId, filters.assignee);
  const age =
    filters.age === 'over_target'
      ? and(waiting, sql`${waitingSince} < ${new Date(now.getTime() - target * 3_600_000).toISOString()}::timestamptz`)
      : filters.age === 'over_week'
        ? lt(disputes.createdAt, new Date(now.getTime() - 7 * 86_400_000))
        : undefined;
  const kind = filters.kind === 'any' ? undefined : eq(disputes.kind, filters.kind);
  const rows = await getDb()
    .select({
      id: disputes.id,
      kind: disputes.kind,
      answerDueAt: disputes.answerDueAt,
      status: disputes.status,
      outcome: disputes.outcome,
      reason: disputes.reason,
      disputedCents: disputes.disputedCents,
      createdAt: disputes.createdAt,
      updatedAt: disputes.updatedAt,
      lastStaffReplyAt: disputes.lastStaffReplyAt,
      waitingSince: waitingSince.mapWith(disputes.createdAt),
      assigneeId: disputes.assigneeId,
      assigneeName: staffUsers.name,
      debtorName: debtors.name,
      invoiceNumber: invoices.number,
      currency: invoices.currency,
    })
    .from(disputes)
    .innerJoin(invoices, and(eq(invoices.id, disputes.invoiceId), eq(invoices.organizationId, disputes.organizationId)))
    .innerJoin(debtors, and(eq(debtors.id, disputes.debtorId), eq(debtors.organizationId, disputes.organizationId)))
    .leftJoin(staffUsers, eq(staffUsers.id, disputes.assigneeId))
    .where(and(orgScope(disputes, staff), statusCondition(filters.status), assignee, age, kind))
    .orderBy(
      sql`case when ${waiting} then 0 when ${disputes.status} = 'awaiting_debtor' then 1 else 2 end`,
      sql`case when ${waiting} then ${waitingSince} end asc nulls last`,
      sql`case when ${disputes.status} = 'awaiting_debtor' then ${disputes.lastStaffReplyAt} end asc nulls last`,
      desc(disputes.updatedAt),
    )
    .limit(200);
  return {
    targetHours: target,
    rows: rows.map((r) => {
      const isWaiting = (WAITING_ON_SUPPORT as readonly string[]).includes(r.status);
      const since = isWaiting
        ? (r.waitingSince ?? r.createdAt)
        : r.status === 'awaiting_debtor'
          ? (r.lastStaffReplyAt ?? r.updatedAt)
          : null;
      const waitingMs = since ? now.getTime() - since.getTime() : null;
      return {
        id: r.id,
        kind: r.kind,
        reference: disputeReference(r.id, r.kind),
        /** A part credit waiting on the debtor's answer: until then. */
        answerDueAt: r.status === 'awaiting_debtor' ? (r.answerDueAt?.toISOString() ?? null) : null,
        status: r.status,
        outcome: r.outcome,
        reason: r.reason,
        disputedCents: r.disputedCents,
        currency: r.currency,
        createdAt: r.createdAt.toISOString(),
        debtorName: r.debtorName,
        invoiceNumber: r.invoiceNumber,
        assigneeName: r.assigneeName,
        mine: r.assigneeId === staff.id,
        waitingMs,
        /** Only for disputes that wait on support: the age level against the target. */
        level: isWaiting && waitingMs !== null ? ageLevel(waitingMs, target) : null,
      };
    }),
  };
}

/** One dispute of the organisation with the whole thread (internal notes included) and the invoice beside it; null when not the organisation's. */
export async function getStaffDispute(staff: StaffScope, disputeId: string, { clock = systemClock }: Options = {}) {
  if (!isUuid(disputeId)) return null;
  const db = getDb();
  const [row] = await db
    .select({ dispute: disputes, invoice: invoices, debtor: debtors, assigneeName: staffUsers.name })
    .from(disputes)
    .innerJoin(invoices, and(eq(invoices.id, disputes.invoiceId), eq(invoices.organizationId, disputes.organizationId)))
    .innerJoin(debtors, and(eq(debtors.id, disputes.debtorId), eq(debtors.organizationId, disputes.organizationId)))
    .leftJoin(staffUsers, eq(staffUsers.id, disputes.assigneeId))
    .where(and(eq(disputes.id, disputeId), orgScope(disputes, staff)));
  if (!row) return null;
  const { dispute, invoice, debtor } = row;
  const [messages, pauses, history, otherInvoices, settings] = await Promise.all([
    db
      .select({
        id: disputeMessages.id,
        author: disputeMessages.author,
        body: disputeMessages.body,
        internal: disputeMessages.internal,
        createdAt: disputeMessages.createdAt,
        staffName: staffUsers.name,
      })
      .from(disputeMessages)
      .leftJoin(staffUsers, eq(staffUsers.id, disputeMessages.staffUserId))
      .where(and(eq(disputeMessages.disputeId, dispute.id), orgScope(disputeMessages, staff)))
      .orderBy(asc(disputeMessages.createdAt)),
    activePauses(db, [invoice.id], { clock }),
    db
      .select({
        id: auditEvents.id,
        action: auditEvents.action,
        actorType: auditEvents.actorType,
        createdAt: auditEvents.createdAt,
        data: auditEvents.data,
      })
      .from(auditEvents)
      .where(and(orgScope(auditEvents, staff), eq(auditEvents.invoiceId, invoice.id)))
      .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
      .limit(100),
    db
      .select({
        id: invoices.id,
        number: invoices.number,
        status: invoices.status,
        dueDate: invoices.dueDate,
        totalCents: invoices.totalCents,
        openCents: invoices.openCents,
        currency: invoices.currency,
      })
      .from(invoices)
      .where(and(orgScope(invoices, staff), eq(invoices.debtorId, debtor.id), ne(invoices.id, invoice.id)))
      .orderBy(sql`case when ${invoices.status} = 'open' then 0 else 1 end`, desc(invoices.dueDate))
      .limit(50),
    disputeSettings(staff.organizationId),
  ]);
  const attachments = await attachmentsOf(
    db,
    messages.map((m) => m.id),
  );
  return {
    dispute: {
      id: dispute.id,
      kind: dispute.kind,
      reference: disputeReference(dispute.id, dispute.kind),
      answerDueAt: dispute.status === 'awaiting_debtor' ? (dispute.answerDueAt?.toISOString() ?? null) : null,
      reason: dispute.reason,
      status: dispute.status,
      outcome: dispute.outcome,
      disputedCents: dispute.disputedCents,
      creditedCents: dispute.creditedCents,
      resolutionNote: dispute.resolutionNote,
      resolvedAt: dispute.resolvedAt?.toISOString() ?? null,
      createdAt: dispute.createdAt.toISOString(),
      assigneeId: dispute.assigneeId,
      assigneeName: row.assigneeName,
      active: isActiveStatus(dispute.status),
    },
    ...settings,
    debtor: { id: debtor.id, name: debtor.name, email: debtor.email, kind: debtor.kind },
    invoice: {
      id: invoice.id,
      number: invoice.number,
      description: invoice.description,
      status: invoice.status,
      issueDate: invoice.issueDate,
      dueDate: invoice.dueDate,
      totalCents: invoice.totalCents,
      openCents: invoice.openCents,
      costsCents: invoice.costsCents,
      interestCents: invoice.interestCents,
      currency: invoice.currency,
      dunningStage: invoice.dunningStage,
      nextActionAt: invoice.nextActionAt?.toISOString() ?? null,
      pauses: pauses.get(invoice.id) ?? [],
    },
    history: history.map((h) => ({
      id: h.id,
      action: h.action,
      actorType: h.actorType,
      createdAt: h.createdAt.toISOString(),
      amountCents: typeof h.data?.amountCents === 'number' ? h.data.amountCents : null,
      reason: typeof h.data?.reason === 'string' ? h.data.reason : null,
      outcome: typeof h.data?.outcome === 'string' ? h.data.outcome : null,
    })),
    otherInvoices,
    messages: messages.map((m) => ({
      id: m.id,
      author: m.author,
      body: m.body,
      internal: m.internal,
      createdAt: m.createdAt.toISOString(),
      staffName: m.staffName,
      attachments: attachments.get(m.id) ?? [],
    })),
  };
}

/**
 * A support reply (the debtor is emailed; the dispute then waits on the debtor) or an internal
 * note (staff only; nothing changes for the debtor). Replying to an unassigned dispute takes it.
 * A reply to a dispute with a part credit standing starts its answer term again (the debtor may
 * still accept it or reply; after the term it closes with the credit), and the email says so.
 */
export async function addStaffMessage(
  staff: StaffScope,
  disputeId: string,
  input: { message: string; files: CheckedFile[]; internal: boolean },
  { clock = systemClock }: Options = {},
): Promise<{ ok: true } | Refusal> {
  if (!isUuid(disputeId)) return { ok: false, error: 'not_found' };
  return getDb().transaction(async (tx) => {
    const now = clock.now();
    const dispute = await lockDispute(tx, disputeId, orgScope(disputes, staff));
    if (!dispute) return { ok: false, error: 'not_found' } as const;
    // Notes may still be added to a closed dispute; replies go only to a dispute in progress.
    if (!input.internal && !isActiveStatus(dispute.status)) return { ok: false, error: 'not_active' } as const;
    const { messageId, attachmentIds } = await insertMessage(tx, {
      dispute,
      author: 'staff',
      staffUserId: staff.id,
      body: input.message,
      internal: input.internal,
      files: input.files,
      at: now,
    });
    const actor = { type: 'staff' as const, id: staff.id };
    if (input.internal) {
      await tx.update(disputes).set({ updatedAt: now }).where(eq(disputes.id, dispute.id));
      await audit(tx, {
        organizationId: dispute.organizationId,
        actor,
        action: 'dispute.note_added',
        entityType: 'dispute',
        entityId: dispute.id,
        debtorId: dispute.debtorId,
        invoiceId: dispute.invoiceId,
        data: { messageId, attachments: attachmentIds.length },
        at: now,
      });
      return { ok: true } as const;
    }
    const creditStanding = dispute.kind === 'dispute' && dispute.creditedCents > 0;
    const answerDueAt = creditStanding ? answerDueFrom(now) : null;
    const [updated] = await tx
      .update(disputes)
      .set({
        status: 'awaiting_debtor',
        lastStaffReplyAt: now,
        updatedAt: now,
        assigneeId: dispute.assigneeId ?? staff.id,
        answerDueAt,
      })
      .where(eq(disputes.id, dispute.id))
      .returning();
    await audit(tx, {
      organizationId: dispute.organizationId,
      actor,
      action: 'dispute.staff_replied',
      entityType: 'dispute',
      entityId: dispute.id,
      debtorId: dispute.debtorId,
      invoiceId: dispute.invoiceId,
      data: {
        messageId,
        attachments: attachmentIds.length,
        from: dispute.status,
        to: 'awaiting_debtor',
        assignee: updated.assigneeId,
        ...(answerDueAt ? { answerDueAt: answerDueAt.toISOString() } : {}),
      },
      at: now,
    });
    await notifyDebtor(
      tx,
      await loadContext(tx, updated),
      {
        template: 'dispute_reply',
        message: input.message,
        staffName: staff.name,
        credit: answerDueAt ? { amountCents: dispute.creditedCents, answerDueAt, isNew: false } : null,
      },
      { clock },
    );
    return { ok: true } as const;
  });
}

/** Assigns the dispute to a staff member of the organisation who works disputes, or to nobody. */
export async function assignDispute(
  staff: StaffScope,
  disputeId: string,
  assigneeId: string | null,
  { clock = systemClock }: Options = {},
): Promise<{ ok: true } | Refusal> {
  if (!isUuid(disputeId)) return { ok: false, error: 'not_found' };
  return getDb().transaction(async (tx) => {
    const now = clock.now();
    const dispute = await lockDispute(tx, disputeId, orgScope(disputes, staff));
    if (!dispute) return { ok: false, error: 'not_found' } as const;
    if (assigneeId) {
      const [assignee] = await tx
        .select({ id: staffUsers.id })
        .from(staffUsers)
        .where(
          and(
            eq(staffUsers.id, assigneeId),
            orgScope(staffUsers, staff),
            eq(staffUsers.active, true),
            inArray(staffUsers.role, rolesWith('support')),
          ),
        );
      if (!assignee) return { ok: false, error: 'not_found' } as const;
    }
    if (dispute.assigneeId === assigneeId) return { ok: true } as const;
    await tx.update(disputes).set({ assigneeId, updatedAt: now }).where(eq(disputes.id, dispute.id));
    await audit(tx, {
      organizationId: dispute.organizationId,
      actor: { type: 'staff', id: staff.id },
      action: 'dispute.assigned',
      entityType: 'dispute',
      entityId: dispute.id,
      debtorId: dispute.debtorId,
      invoiceId: dispute.invoiceId,
      data: { from: dispute.assigneeId, to: assigneeId },
      at: now,
    });
    return { ok: true } as const;
  });
}

/** The bytes of an attachment of one of the organisation's disputes (notes included). */
export async function getStaffAttachment(
  staff: Pick<StaffScope, 'organizationId'>,
  disputeId: string,
  attachmentId: string,
) {
  if (!isUuid(disputeId) || !isUuid(attachmentId)) return null;
  const [row] = await getDb()
    .select({ filename: files.filename, contentType: files.contentType, data: files.data })
    .from(disputeAttachments)
    .innerJoin(disputeMessages, eq(disputeMessages.id, disputeAttachments.messageId))
    .innerJoin(disputes, eq(disputes.id, disputeMessages.disputeId))
    .innerJoin(files, and(eq(files.id, disputeAttachments.fileId), eq(files.organizationId, disputes.organizationId)))
    .where(
      and(
        eq(disputes.id, disputeId),
        orgScope(disputes, staff),
        eq(disputeAttachments.id, attachmentId),
        orgScope(disputeAttachments, staff),
      ),
    );
  return row ?? null;
}
