/**
 * Debtors in the back office: the searchable list, the debtor page, and the staff actions on a
 * debtor (fresh link, revoke links, manual hold, lift hold, clear flag). Every query is scoped by
 * the staff member's organization; an id of another organization finds nothing.
 */
import { and, asc, desc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import {
  communications,
  debtors,
  disputes,
  dunningPauses,
  invoices,
  paymentAllocations,
  paymentPlans,
  payments,
  portalLinks,
  promisesToPay,
} from '~db/schema';
import { amsterdamDate, daysBetween, systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { audit, type Actor } from '~/modules/audit/index.server';
import {
  liftManualHold as liftHold,
  pauseActiveAt,
  placeManualHold as holdInvoices,
  type PauseReason,
} from '~/modules/dunning/index.server';
import { issuePortalLink, revokeAllLinks } from '~/modules/links/index.server';
import { debtorEmailProps, emailLocale, queueCommunication } from '~/modules/mail/index.server';
import { DEBTOR_FILTERS, type DebtorFilter } from './filters';
import { likePattern, paged, PAGE_SIZE } from '~/utils/search';
import { debtorTimeline } from './timeline.server';
import { isUuid } from '~/utils/ids';
import { debtorScope, orgScope, type DebtorRef } from '~/utils/org-scope.server';

export { DEBTOR_FILTERS, type DebtorFilter };

export type DebtorListRow = {
  id: string;
  name: string;
  externalRef: string | null;
  email: string;
  kind: 'consumer' | 'business';
  flaggedReason: string | null;
  flagged: boolean;
  emailBlocked: boolean;
  openCents: number;
  overdueCents: number;
  openCount: number;
  pausedCount: number;
  oldestDueDate: string | null;
};

export async function listDebtors(
  organizationId: string,
  input: { q?: string | null; filter?: DebtorFilter; page?: number },
  { clock = systemClock, db = getDb() }: { clock?: Clock; db?: Tx } = {},
) {
  const now = clock.now();
  const today = amsterdamDate(now);
  const page = input.page ?? 1;
  const pattern = likePattern(input.q);
  const conditions: SQL[] = [sql`d.organization_id = ${organizationId}`, sql`d.deleted_at is null`];
  if (pattern) {
    conditions.push(
      sql`(d.name ilike ${pattern} or d.email ilike ${pattern} or d.external_ref ilike ${pattern} or d.contact_name ilike ${pattern})`,
    );
  }
  if (input.filter === 'overdue') conditions.push(sql`agg.overdue_cents > 0`);
  if (input.filter === 'flagged') conditions.push(sql`d.flagged_at is not null`);
  if (input.filter === 'paused') conditions.push(sql`agg.paused_count > 0`);
  const rows = await db.execute<{
    id: string;
    name: string;
    external_ref: string | null;
    email: string;
    kind: 'consumer' | 'business';
    flagged_at: unknown;
    flagged_reason: string | null;
    email_blocked_at: unknown;
    open_cents: unknown;
    overdue_cents: unknown;
    open_count: unknown;
    paused_count: unknown;
    oldest_due: string | null;
    total: unknown;
  }>(sql`
    select d.id, d.name, d.external_ref, d.email, d.kind, d.flagged_at, d.flagged_reason, d.email_blocked_at,
      agg.open_cents, agg.overdue_cents, agg.open_count, agg.paused_count, agg.oldest_due::text as oldest_due,
      count(*) over () as total
    from debtors d
    cross join lateral (
      select
        coalesce(sum(i.open_cents), 0) as open_cents,
        coalesce(sum(i.open_cents) filter (where i.due_date < ${today}::date), 0) as overdue_cents,
        count(*) as open_count,
        min(i.due_date) filter (where i.due_date < ${today}::date) as oldest_due,
        count(*) filter (where exists (
          select 1 from dunning_pauses dp
          where dp.invoice_id = i.id and dp.lifted_at is null
            and (dp.until is null or dp.until > ${now.toISOString()}::timestamptz))) as paused_count
      from invoices i
      where i.organization_id = d.organization_id and i.debtor_id = d.id and i.status = 'open'
    ) agg
    where ${sql.join(conditions, sql` and `)}
    order by agg.overdue_cents desc, d.name asc, d.id
    limit ${PAGE_SIZE} offset ${(page - 1) * PAGE_SIZE}`);
  const list: DebtorListRow[] = rows.map((r) => ({
    id: r.id,
    name: r.name,
    externalRef: r.external_ref,
    email: r.email,
    kind: r.kind,
    flagged: r.flagged_at !== null,
    flaggedReason: r.flagged_reason,
    emailBlocked: r.email_blocked_at !== null,
    openCents: Number(r.open_cents),
    overdueCents: Number(r.overdue_cents),
    openCount: Number(r.open_count),
    pausedCount: Number(r.paused_count),
    oldestDueDate: r.oldest_due,
  }));
  return paged(list, Number(rows[0]?.total ?? 0), page);
}

/** The debtor page: contact data, invoices, money, plans, disputes, emails and the timeline. */
export async function getDebtorDetail(
  organizationId: string,
  debtorId: string,
  { clock = systemClock, db = getDb() }: { clock?: Clock; db?: Tx } = {},
) {
  if (!isUuid(debtorId)) return null;
  const now = clock.now();
  const today = amsterdamDate(now);
  const [debtor] = await db
    .select()
    .from(debtors)
    .where(and(orgScope(debtors, organizationId), eq(debtors.id, debtorId)));
  if (!debtor) return null;
  const ref = { organizationId, debtorId };
  const [invoiceRows, pauseRows, payments, plans, promises, disputeList, communications, links, timeline] =
    await Promise.all([
      debtorInvoices(db, ref),
      activePauseRows(db, ref, now),
      recentPayments(db, ref),
      recentPlans(db, ref),
      recentPromises(db, ref),
      recentDisputes(db, ref),
      recentCommunications(db, ref),
      linkSummary(db, ref, now),
      debtorTimeline(organizationId, debtorId, { db }),
    ]);
  const invoiceList = invoiceViews(invoiceRows, pauseRows, today);
  return {
    today,
    debtor: debtorView(debtor),
    totals: debtorTotals(invoiceList, today),
    invoices: invoiceList,
    payments,
    plans,
    promises,
    disputes: disputeList,
    communications,
    links,
    timeline,
  };
}

/** The debtor's invoices, open ones first, then by due date. */
function debtorInvoices(db: Tx, ref: DebtorRef) {
  return db
    .select()
    .from(invoices)
    .where(debtorScope(invoices, ref))
    .orderBy(sql`${invoices.status} = 'open' desc`, asc(invoices.dueDate), asc(invoices.number));
}

/** The pauses in force now on the debtor's invoices. */
function activePauseRows(db: Tx, ref: DebtorRef, now: Date) {
  return db
    .select({ invoiceId: dunningPauses.invoiceId, reason: dunningPauses.reason, until: dunningPauses.until })
    .from(dunningPauses)
    .innerJoin(invoices, eq(invoices.id, dunningPauses.invoiceId))
    .where(and(orgScope(dunningPauses, ref), eq(invoices.debtorId, ref.debtorId), pauseActiveAt(now)));
}

/** The last 50 payments, with the numbers of the invoices they paid. */
async function recentPayments(db: Tx, ref: DebtorRef) {
  const rows = await db
    .select({
      id: payments.id,
      provider: payments.provider,
      method: payments.method,
      amountCents: payments.amountCents,
      refundedCents: payments.refundedCents,
      status: payments.status,
      createdAt: payments.createdAt,
      paidAt: payments.paidAt,
      invoiceNumbers: sql<string[]>`coalesce(array(
        select i.number from ${paymentAllocations} a join ${invoices} i on i.id = a.invoice_id
        where a.payment_id = "payments"."id" and a.amount_cents > 0 order by i.number), '{}')`,
    })
    .from(payments)
    .where(debtorScope(payments, ref))
    .orderBy(desc(payments.createdAt))
    .limit(50);
  return rows.map((p) => ({ ...p, createdAt: p.createdAt.toISOString(), paidAt: p.paidAt?.toISOString() ?? null }));
}

/** The last 20 payment plans. */
async function recentPlans(db: Tx, ref: DebtorRef) {
  const rows = await db
    .select()
    .from(paymentPlans)
    .where(debtorScope(paymentPlans, ref))
    .orderBy(desc(paymentPlans.createdAt))
    .limit(20);
  return rows.map((p) => ({
    id: p.id,
    status: p.status,
    totalCents: p.totalCents,
    installmentCount: p.installmentCount,
    frequency: p.frequency,
    firstDueDate: p.firstDueDate,
    createdAt: p.createdAt.toISOString(),
  }));
}

/** The last 20 promises to pay. */
async function recentPromises(db: Tx, ref: DebtorRef) {
  const rows = await db
    .select()
    .from(promisesToPay)
    .where(debtorScope(promisesToPay, ref))
    .orderBy(desc(promisesToPay.createdAt))
    .limit(20);
  return rows.map((p) => ({
    id: p.id,
    status: p.status,
    promisedDate: p.promisedDate,
    totalCents: p.totalCents,
    createdAt: p.createdAt.toISOString(),
  }));
}

/** The last 20 disputes, with their invoice's number. */
async function recentDisputes(db: Tx, ref: DebtorRef) {
  const rows = await db
    .select({
      id: disputes.id,
      kind: disputes.kind,
      status: disputes.status,
      reason: disputes.reason,
      outcome: disputes.outcome,
      disputedCents: disputes.disputedCents,
      creditedCents: disputes.creditedCents,
      createdAt: disputes.createdAt,
      invoiceNumber: invoices.number,
    })
    .from(disputes)
    .innerJoin(invoices, eq(invoices.id, disputes.invoiceId))
    .where(debtorScope(disputes, ref))
    .orderBy(desc(disputes.createdAt))
    .limit(20);
  return rows.map((d) => ({ ...d, createdAt: d.createdAt.toISOString() }));
}

/** The last 50 emails to the debtor, with their delivery state. */
async function recentCommunications(db: Tx, ref: DebtorRef) {
  const rows = await db
    .select({
      id: communications.id,
      template: communications.template,
      status: communications.status,
      toAddress: communications.toAddress,
      subject: communications.subject,
      error: communications.error,
      createdAt: communications.createdAt,
      sentAt: communications.sentAt,
      deliveredAt: communications.deliveredAt,
      openedAt: communications.openedAt,
      failedAt: communications.failedAt,
    })
    .from(communications)
    .where(debtorScope(communications, ref))
    .orderBy(desc(communications.createdAt))
    .limit(50);
  return rows.map((c) => ({
    ...c,
    createdAt: c.createdAt.toISOString(),
    sentAt: c.sentAt?.toISOString() ?? null,
    deliveredAt: c.deliveredAt?.toISOString() ?? null,
    openedAt: c.openedAt?.toISOString() ?? null,
    failedAt: c.failedAt?.toISOString() ?? null,
  }));
}

/** How many of the debtor's portal links still work, and when one was last used. */
async function linkSummary(db: Tx, ref: DebtorRef, now: Date) {
  const [row] = await db
    .select({
      active: sql<number>`count(*) filter (where ${portalLinks.revokedAt} is null and ${portalLinks.expiresAt} > ${now.toISOString()}::timestamptz)::int`,
      lastUsedAt: sql<string | null>`max(${portalLinks.lastUsedAt})::text`,
    })
    .from(portalLinks)
    .where(debtorScope(portalLinks, ref));
  return { active: row?.active ?? 0, lastUsedAt: row?.lastUsedAt ?? null };
}

/** The invoices as the page lists them: days overdue and the pauses in force on each. */
function invoiceViews(
  rows: Awaited<ReturnType<typeof debtorInvoices>>,
  pauseRows: Awaited<ReturnType<typeof activePauseRows>>,
  today: string,
) {
  const pausesByInvoice = new Map<string, { reason: PauseReason; until: string | null }[]>();
  for (const p of pauseRows) {
    pausesByInvoice.set(p.invoiceId, [
      ...(pausesByInvoice.get(p.invoiceId) ?? []),
      { reason: p.reason, until: p.until?.toISOString() ?? null },
    ]);
  }
  return rows.map((i) => ({
    id: i.id,
    number: i.number,
    issueDate: i.issueDate,
    dueDate: i.dueDate,
    totalCents: i.totalCents,
    openCents: i.openCents,
    costsCents: i.costsCents,
    interestCents: i.interestCents,
    status: i.status,
    dunningStage: i.dunningStage,
    overdueDays: i.status === 'open' ? Math.max(0, daysBetween(i.dueDate, today)) : 0,
    pauses: pausesByInvoice.get(i.id) ?? [],
  }));
}

/** The sums at the top of the page, over the open invoices. */
function debtorTotals(invoiceList: ReturnType<typeof invoiceViews>, today: string) {
  const open = invoiceList.filter((i) => i.status === 'open');
  return {
    openCents: open.reduce((s, i) => s + i.openCents, 0),
    overdueCents: open.filter((i) => i.dueDate < today).reduce((s, i) => s + i.openCents, 0),
    extrasCents: open.reduce((s, i) => s + i.costsCents + i.interestCents, 0),
    openCount: open.length,
    manualHolds: invoiceList.filter((i) => i.pauses.some((p) => p.reason === 'manual')).length,
  };
}

/** The debtor's own fields, dates as ISO text. */
function debtorView(debtor: typeof debtors.$inferSelect) {
  return {
    id: debtor.id,
    name: debtor.name,
    contactName: debtor.contactName,
    kind: debtor.kind,
    externalRef: debtor.externalRef,
    email: debtor.email,
    phone: debtor.phone,
    locale: debtor.locale,
    addressLine: debtor.addressLine,
    postalCode: debtor.postalCode,
    city: debtor.city,
    country: debtor.country,
    vatNumber: debtor.vatNumber,
    creditCents: debtor.creditCents,
    emailBlockedAt: debtor.emailBlockedAt?.toISOString() ?? null,
    flaggedAt: debtor.flaggedAt?.toISOString() ?? null,
    flaggedReason: debtor.flaggedReason,
    active: debtor.active,
    createdAt: debtor.createdAt.toISOString(),
  };
}
export type DebtorDetail = NonNullable<Awaited<ReturnType<typeof getDebtorDetail>>>;

type StaffRef = { id: string; organizationId: string };
const staffActor = (staff: StaffRef): Actor => ({ type: 'staff', id: staff.id });

async function lockDebtor(tx: Tx, organizationId: string, debtorId: string) {
  if (!isUuid(debtorId)) return null;
  const [row] = await tx
    .select()
    .from(debtors)
    .where(and(orgScope(debtors, organizationId), eq(debtors.id, debtorId)))
    .for('update');
  return row ?? null;
}

async function openInvoiceIds(tx: Tx, organizationId: string, debtorId: string, only?: string[]) {
  const rows = await tx
    .select({ id: invoices.id })
    .from(invoices)
    .where(
      and(
        orgScope(invoices, organizationId),
        eq(invoices.debtorId, debtorId),
        eq(invoices.status, 'open'),
        only ? inArray(invoices.id, only) : undefined,
      ),
    )
    .orderBy(asc(invoices.dueDate));
  return rows.map((r) => r.id);
}

export type FreshLinkResult = { url: string; expiresAt: string; queued: boolean; reason?: 'email_blocked' };

/**
 * Issues a fresh portal link for the debtor and queues the "fresh link" email with it, in one
 * transaction. The link is returned too, so staff can pass it on another way (a phone call).
 * Null when the debtor is not found in this organization.
 */
export async function sendFreshLink(
  staff: StaffRef,
  debtorId: string,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<FreshLinkResult | null> {
  return getDb().transaction(async (tx) => {
    const debtor = await lockDebtor(tx, staff.organizationId, debtorId);
    if (!debtor) return null;
    const openIds = await openInvoiceIds(tx, staff.organizationId, debtor.id);
    const link = await issuePortalLink(
      tx,
      { organizationId: staff.organizationId, debtorId: debtor.id, purpose: 'fresh_link' },
      { clock },
    );
    const { props, toAddress } = await debtorEmailProps(tx, {
      organizationId: staff.organizationId,
      debtorId: debtor.id,
      invoiceIds: openIds,
      portalUrl: link.url,
    });
    const comm = await queueCommunication(
      tx,
      {
        organizationId: staff.organizationId,
        debtorId: debtor.id,
        template: 'fresh_link',
        props: { ...props, expiresAt: link.expiresAt.toISOString() },
        toAddress,
        locale: emailLocale(debtor),
        invoiceIds: openIds,
        linkJti: link.jti,
      },
      { clock },
    );
    await audit(tx, {
      organizationId: staff.organizationId,
      actor: staffActor(staff),
      action: 'link.sent_by_staff',
      entityType: 'portal_link',
      entityId: link.jti,
      debtorId: debtor.id,
      data: { communicationId: comm?.id ?? null, queued: comm !== null, expiresAt: link.expiresAt.toISOString() },
      at: clock.now(),
    });
    return {
      url: link.url,
      expiresAt: link.expiresAt.toISOString(),
      queued: comm !== null,
      ...(comm ? {} : { reason: 'email_blocked' as const }),
    };
  });
}

/** Revokes every portal link of the debtor and ends their portal sessions. Null when not found. */
export async function revokeDebtorLinks(
  staff: StaffRef,
  debtorId: string,
  { clock = systemClock }: { clock?: Clock } = {},
) {
  return getDb().transaction(async (tx) => {
    const debtor = await lockDebtor(tx, staff.organizationId, debtorId);
    if (!debtor) return null;
    return revokeAllLinks(tx, staff.organizationId, debtor.id, staffActor(staff), { clock });
  });
}

/**
 * Puts the debtor's open invoices (or the given ones of theirs) on manual hold: dunning stops
 * until staff lift it, or until the optional end (the hold itself: dunning's placeManualHold).
 */
export async function placeManualHold(
  staff: StaffRef,
  debtorId: string,
  input: { invoiceIds?: string[]; until?: Date | null; note?: string | null } = {},
  { clock = systemClock }: { clock?: Clock } = {},
) {
  return getDb().transaction(async (tx) => {
    const debtor = await lockDebtor(tx, staff.organizationId, debtorId);
    if (!debtor) return null;
    const invoiceIds = await openInvoiceIds(tx, staff.organizationId, debtor.id, input.invoiceIds);
    const target = { organizationId: staff.organizationId, debtorId: debtor.id, actor: staffActor(staff) };
    return holdInvoices(tx, target, { ...input, invoiceIds }, { clock });
  });
}

/** Lifts the manual hold of the debtor's invoices (or the given ones); other pauses stay. */
export async function liftManualHold(
  staff: StaffRef,
  debtorId: string,
  input: { invoiceIds?: string[] } = {},
  { clock = systemClock }: { clock?: Clock } = {},
) {
  return getDb().transaction(async (tx) => {
    const debtor = await lockDebtor(tx, staff.organizationId, debtorId);
    if (!debtor) return null;
    const mine = await tx
      .select({ id: invoices.id })
      .from(invoices)
      .where(
        and(
          orgScope(invoices, staff),
          eq(invoices.debtorId, debtor.id),
          input.invoiceIds ? inArray(invoices.id, input.invoiceIds) : undefined,
        ),
      );
    const target = { organizationId: staff.organizationId, debtorId: debtor.id, actor: staffActor(staff) };
    return liftHold(
      tx,
      target,
      mine.map((i) => i.id),
      { clock },
    );
  });
}

/** Marks a flagged debtor as handled (the flag leaves the dashboard; the email block stays). */
export async function clearDebtorFlag(
  staff: StaffRef,
  debtorId: string,
  { clock = systemClock }: { clock?: Clock } = {},
) {
  return getDb().transaction(async (tx) => {
    const debtor = await lockDebtor(tx, staff.organizationId, debtorId);
    if (!debtor) return null;
    if (!debtor.flaggedAt) return false;
    await tx
      .update(debtors)
      .set({ flaggedAt: null, flaggedReason: null, updatedAt: clock.now() })
      .where(and(eq(debtors.id, debtor.id), isNotNull(debtors.flaggedAt)));
    await audit(tx, {
      organizationId: staff.organizationId,
      actor: staffActor(staff),
      action: 'debtor.flag_cleared',
      entityType: 'debtor',
      entityId: debtor.id,
      debtorId: debtor.id,
      data: { reason: debtor.flaggedReason },
      at: clock.now(),
    });
    return true;
  });
}
