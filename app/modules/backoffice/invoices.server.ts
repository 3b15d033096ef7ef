/** Invoices in the back office: the searchable list and the invoice page, scoped by organization. */
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import {
  communications,
  debtors,
  disputes,
  dunningPauses,
  files,
  invoices,
  paymentAllocations,
  paymentPlans,
  payments,
  planInvoices,
} from '~db/schema';
import { amsterdamDate, daysBetween, systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { pauseActiveAt, type PauseReason } from '~/modules/dunning/index.server';
import type { InvoiceStatusFilter, PauseFilter } from './filters';
import { likePattern, paged, PAGE_SIZE } from '~/utils/search';
import { invoiceTimeline } from '~/modules/debtors/index.server';
import { isUuid } from '~/utils/ids';
import { orgScope } from '~/utils/org-scope.server';

export type InvoiceListInput = {
  q?: string | null;
  status?: InvoiceStatusFilter;
  /** Dunning stages done; null = any. */
  stage?: number | null;
  paused?: PauseFilter;
  page?: number;
};

export type InvoiceListRow = {
  id: string;
  number: string;
  debtorId: string;
  debtorName: string;
  issueDate: string;
  dueDate: string;
  totalCents: number;
  openCents: number;
  status: 'open' | 'paid' | 'credited' | 'written_off';
  dunningStage: number;
  overdueDays: number;
  pauseReasons: PauseReason[];
};

export async function listInvoices(
  organizationId: string,
  input: InvoiceListInput,
  { clock = systemClock, db = getDb() }: { clock?: Clock; db?: Tx } = {},
) {
  const now = clock.now();
  const today = amsterdamDate(now);
  const page = input.page ?? 1;
  const pattern = likePattern(input.q);
  const conditions: SQL[] = [sql`i.organization_id = ${organizationId}`];
  if (pattern)
    conditions.push(sql`(i.number ilike ${pattern} or d.name ilike ${pattern} or i.external_ref ilike ${pattern})`);
  switch (input.status ?? 'all') {
    case 'open':
      conditions.push(sql`i.status = 'open'`);
      break;
    case 'overdue':
      conditions.push(sql`i.status = 'open' and i.due_date < ${today}::date`);
      break;
    case 'paid':
    case 'credited':
    case 'written_off':
      conditions.push(sql`i.status = ${input.status}::invoice_status`);
      break;
  }
  if (input.stage !== null && input.stage !== undefined) conditions.push(sql`i.dunning_stage = ${input.stage}`);
  const paused = input.paused ?? 'any';
  if (paused === 'none') conditions.push(sql`cardinality(p.reasons) = 0`);
  else if (paused === 'paused') conditions.push(sql`cardinality(p.reasons) > 0`);
  else if (paused !== 'any') conditions.push(sql`${paused}::pause_reason = any(p.reasons)`);

  const rows = await db.execute<{
    id: string;
    number: string;
    debtor_id: string;
    debtor_name: string;
    issue_date: string;
    due_date: string;
    total_cents: unknown;
    open_cents: unknown;
    status: InvoiceListRow['status'];
    dunning_stage: number;
    reasons: PauseReason[] | string;
    total: unknown;
  }>(sql`
    select i.id, i.number, i.debtor_id, d.name as debtor_name, i.issue_date::text as issue_date,
      i.due_date::text as due_date, i.total_cents, i.open_cents, i.status, i.dunning_stage,
      p.reasons::text[] as reasons, count(*) over () as total
    from invoices i
    join debtors d on d.id = i.debtor_id and d.organization_id = i.organization_id
    cross join lateral (
      select coalesce(array_agg(distinct dp.reason order by dp.reason), '{}') as reasons
      from dunning_pauses dp
      where dp.invoice_id = i.id and i.status = 'open' and dp.lifted_at is null
        and (dp.until is null or dp.until > ${now.toISOString()}::timestamptz)
    ) p
    where ${sql.join(conditions, sql` and `)}
    order by (i.status = 'open') desc, i.due_date asc, i.number asc
    limit ${PAGE_SIZE} offset ${(page - 1) * PAGE_SIZE}`);
  const list: InvoiceListRow[] = rows.map((r) => ({
    id: r.id,
    number: r.number,
    debtorId: r.debtor_id,
    debtorName: r.debtor_name,
    issueDate: r.issue_date,
    dueDate: r.due_date,
    totalCents: Number(r.total_cents),
    openCents: Number(r.open_cents),
    status: r.status,
    dunningStage: r.dunning_stage,
    overdueDays: r.status === 'open' ? Math.max(0, daysBetween(r.due_date, today)) : 0,
    pauseReasons: parseArray(r.reasons) as PauseReason[],
  }));
  return paged(list, Number(rows[0]?.total ?? 0), page);
}

/** postgres.js returns text[] as an array; be lenient with the literal form too. */
function parseArray(value: string[] | string | null): string[] {
  if (Array.isArray(value)) return value;
  if (!value || value === '{}') return [];
  return value.replace(/^\{|\}$/g, '').split(',');
}

/** The highest dunning stage in use, for the stage filter's options. */
export async function maxDunningStage(organizationId: string, { db = getDb() }: { db?: Tx } = {}) {
  const [row] = await db
    .select({ max: sql<number>`coalesce(max(${invoices.dunningStage}), 0)::int` })
    .from(invoices)
    .where(orgScope(invoices, organizationId));
  return row?.max ?? 0;
}

export async function getInvoiceDetail(
  organizationId: string,
  invoiceId: string,
  { clock = systemClock, db = getDb() }: { clock?: Clock; db?: Tx } = {},
) {
  if (!isUuid(invoiceId)) return null;
  const now = clock.now();
  const today = amsterdamDate(now);
  const [row] = await db
    .select({ invoice: invoices, debtorName: debtors.name, debtorKind: debtors.kind, debtorEmail: debtors.email })
    .from(invoices)
    .innerJoin(debtors, eq(debtors.id, invoices.debtorId))
    .where(and(orgScope(invoices, organizationId), eq(invoices.id, invoiceId)));
  if (!row) return null;
  const inv = row.invoice;
  const [pauses, allocations, comms, disputeRows, planRows, timeline] = await Promise.all([
    db
      .select()
      .from(dunningPauses)
      .where(and(orgScope(dunningPauses, organizationId), eq(dunningPauses.invoiceId, inv.id)))
      .orderBy(desc(dunningPauses.startedAt)),
    db
      .select({
        paymentId: payments.id,
        provider: payments.provider,
        method: payments.method,
        status: payments.status,
        amountCents: paymentAllocations.amountCents,
        at: sql<string>`coalesce(${payments.paidAt}, ${paymentAllocations.createdAt})`,
      })
      .from(paymentAllocations)
      .innerJoin(payments, eq(payments.id, paymentAllocations.paymentId))
      .where(and(orgScope(paymentAllocations, organizationId), eq(paymentAllocations.invoiceId, inv.id)))
      .orderBy(asc(paymentAllocations.createdAt)),
    db
      .select({
        id: communications.id,
        template: communications.template,
        status: communications.status,
        toAddress: communications.toAddress,
        createdAt: communications.createdAt,
        error: communications.error,
      })
      .from(communications)
      .where(and(orgScope(communications, organizationId), sql`${inv.id}::uuid = any(${communications.invoiceIds})`))
      .orderBy(desc(communications.createdAt))
      .limit(50),
    db
      .select({
        id: disputes.id,
        kind: disputes.kind,
        status: disputes.status,
        reason: disputes.reason,
        createdAt: disputes.createdAt,
      })
      .from(disputes)
      .where(and(orgScope(disputes, organizationId), eq(disputes.invoiceId, inv.id)))
      .orderBy(desc(disputes.createdAt)),
    db
      .select({
        id: paymentPlans.id,
        status: paymentPlans.status,
        amountCents: planInvoices.amountCents,
        createdAt: paymentPlans.createdAt,
      })
      .from(planInvoices)
      .innerJoin(paymentPlans, eq(paymentPlans.id, planInvoices.planId))
      .where(and(orgScope(paymentPlans, organizationId), eq(planInvoices.invoiceId, inv.id)))
      .orderBy(desc(paymentPlans.createdAt)),
    invoiceTimeline(organizationId, inv.id, { db }),
  ]);
  const activeIds = new Set(
    (
      await db
        .select({ id: dunningPauses.id })
        .from(dunningPauses)
        .where(and(eq(dunningPauses.invoiceId, inv.id), pauseActiveAt(now)))
    ).map((p) => p.id),
  );
  return {
    today,
    invoice: {
      id: inv.id,
      number: inv.number,
      externalRef: inv.externalRef,
      description: inv.description,
      debtorId: inv.debtorId,
      debtorName: row.debtorName,
      debtorKind: row.debtorKind,
      debtorEmail: row.debtorEmail,
      issueDate: inv.issueDate,
      dueDate: inv.dueDate,
      currency: inv.currency,
      totalCents: inv.totalCents,
      openCents: inv.openCents,
      costsCents: inv.costsCents,
      interestCents: inv.interestCents,
      status: inv.status,
      paymentReference: inv.paymentReference,
      dunningStage: inv.dunningStage,
      nextActionAt: inv.nextActionAt?.toISOString() ?? null,
      finalNoticeAt: inv.finalNoticeAt?.toISOString() ?? null,
      settledAt: inv.settledAt?.toISOString() ?? null,
      hasPdf: inv.pdfFileId !== null,
      overdueDays: inv.status === 'open' ? Math.max(0, daysBetween(inv.dueDate, today)) : 0,
      lines: inv.lines ?? [],
    },
    pauses: pauses.map((p) => ({
      id: p.id,
      reason: p.reason,
      startedAt: p.startedAt.toISOString(),
      until: p.until?.toISOString() ?? null,
      liftedAt: p.liftedAt?.toISOString() ?? null,
      liftedReason: p.liftedReason,
      active: activeIds.has(p.id),
    })),
    allocations: allocations.map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
    communications: comms.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
    disputes: disputeRows.map((d) => ({ ...d, createdAt: d.createdAt.toISOString() })),
    plans: planRows.map((p) => ({ ...p, createdAt: p.createdAt.toISOString() })),
    timeline,
  };
}
export type InvoiceDetail = NonNullable<Awaited<ReturnType<typeof getInvoiceDetail>>>;

/** The debtor of an invoice of this organization, or null. */
export async function invoiceDebtorId(organizationId: string, invoiceId: string, { db = getDb() }: { db?: Tx } = {}) {
  if (!isUuid(invoiceId)) return null;
  const [row] = await db
    .select({ debtorId: invoices.debtorId })
    .from(invoices)
    .where(and(orgScope(invoices, organizationId), eq(invoices.id, invoiceId)));
  return row?.debtorId ?? null;
}

/** The PDF of an invoice of this organization, or null. */
export async function invoicePdf(organizationId: string, invoiceId: string, { db = getDb() }: { db?: Tx } = {}) {
  if (!isUuid(invoiceId)) return null;
  const [row] = await db
    .select({ number: invoices.number, data: files.data })
    .from(invoices)
    .innerJoin(files, and(eq(files.id, invoices.pdfFileId), eq(files.organizationId, invoices.organizationId)))
    .where(and(orgScope(invoices, organizationId), eq(invoices.id, invoiceId)));
  return row ?? null;
}
