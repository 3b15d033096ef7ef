import { and, asc, desc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import {
  communications,
  dunningPauses,
  invoices,
  paymentAllocations,
  payments,
  type Payment,
} from '../../../db/schema';

type PaymentStatus = Payment['status'];
import { amsterdamDate, systemClock, type Clock } from '../../utils/clock';
import { getDb } from '../../utils/db.server';
import { nextStep, overdueDays, type NextStep, type PauseReason } from './next-step';
import { isUuid, ownInvoices } from './scope.server';
import type { DebtorSession } from './session.server';

export type PortalInvoice = {
  id: string;
  number: string;
  description: string | null;
  issueDate: string;
  dueDate: string;
  currency: string;
  totalCents: number;
  openCents: number;
  costsCents: number;
  interestCents: number;
  status: 'open' | 'paid' | 'credited' | 'written_off';
  overdueDays: number;
  next: NextStep;
  hasPdf: boolean;
};

async function activePauses(invoiceIds: string[], now: Date) {
  if (invoiceIds.length === 0) return new Map<string, { reason: PauseReason; until: Date | null }[]>();
  const rows = await getDb()
    .select({ invoiceId: dunningPauses.invoiceId, reason: dunningPauses.reason, until: dunningPauses.until })
    .from(dunningPauses)
    .where(
      and(
        inArray(dunningPauses.invoiceId, invoiceIds),
        isNull(dunningPauses.liftedAt),
        or(isNull(dunningPauses.until), gt(dunningPauses.until, now)),
      ),
    );
  const map = new Map<string, { reason: PauseReason; until: Date | null }[]>();
  for (const row of rows) map.set(row.invoiceId, [...(map.get(row.invoiceId) ?? []), row]);
  return map;
}

function shape(
  session: DebtorSession,
  row: typeof invoices.$inferSelect,
  pauses: Map<string, { reason: PauseReason; until: Date | null }[]>,
  today: string,
): PortalInvoice {
  const stages = session.organization.dunningPolicy[session.debtor.kind];
  return {
    id: row.id,
    number: row.number,
    description: row.description,
    issueDate: row.issueDate,
    dueDate: row.dueDate,
    currency: row.currency,
    totalCents: row.totalCents,
    openCents: row.openCents,
    costsCents: row.costsCents,
    interestCents: row.interestCents,
    status: row.status,
    overdueDays: row.status === 'open' ? overdueDays(row.dueDate, today) : 0,
    next: nextStep(row, stages, session.debtor.kind, pauses.get(row.id) ?? [], today),
    hasPdf: row.pdfFileId !== null,
  };
}

/** Everything /portal shows: totals and the open invoices, oldest due first. */
export async function getPortalOverview(session: DebtorSession, { clock = systemClock }: { clock?: Clock } = {}) {
  const now = clock.now();
  const today = amsterdamDate(now);
  const rows = await getDb()
    .select()
    .from(invoices)
    .where(ownInvoices(session, eq(invoices.status, 'open')))
    .orderBy(asc(invoices.dueDate), asc(invoices.number));
  const pauses = await activePauses(
    rows.map((r) => r.id),
    now,
  );
  const open = rows.map((r) => shape(session, r, pauses, today));
  const outstandingCents = open.reduce((s, i) => s + i.openCents + i.costsCents + i.interestCents, 0);
  const overdue = open.filter((i) => i.overdueDays > 0);
  return {
    today,
    invoices: open,
    totals: {
      outstandingCents,
      overdueCents: overdue.reduce((s, i) => s + i.openCents + i.costsCents + i.interestCents, 0),
      overdueCount: overdue.length,
      openCount: open.length,
      creditCents: session.debtor.creditCents,
    },
  };
}

export type HistoryEntry =
  | { kind: 'issued'; at: string }
  | { kind: 'reminder'; at: string; template: string; status: string }
  | { kind: 'payment'; at: string; amountCents: number; provider: string; status: PaymentStatus }
  | { kind: 'pause'; at: string; reason: PauseReason; liftedAt: string | null };

/** One invoice of this debtor with its lines and history; null when it is not theirs (the route answers 404). */
export async function getPortalInvoice(
  session: DebtorSession,
  id: string,
  { clock = systemClock }: { clock?: Clock } = {},
) {
  if (!isUuid(id)) return null;
  const now = clock.now();
  const db = getDb();
  const [row] = await db
    .select()
    .from(invoices)
    .where(ownInvoices(session, eq(invoices.id, id)));
  if (!row) return null;
  const [pauses, reminders, allocations, pauseHistory] = await Promise.all([
    activePauses([row.id], now),
    db
      .select({ at: communications.createdAt, template: communications.template, status: communications.status })
      .from(communications)
      .where(
        and(
          eq(communications.organizationId, session.organizationId),
          eq(communications.debtorId, session.debtorId),
          sql`${row.id}::uuid = any(${communications.invoiceIds})`,
        ),
      )
      .orderBy(desc(communications.createdAt)),
    db
      .select({
        at: payments.createdAt,
        paidAt: payments.paidAt,
        amountCents: paymentAllocations.amountCents,
        provider: payments.provider,
        status: payments.status,
      })
      .from(paymentAllocations)
      .innerJoin(payments, eq(payments.id, paymentAllocations.paymentId))
      .where(
        and(eq(paymentAllocations.invoiceId, row.id), eq(paymentAllocations.organizationId, session.organizationId)),
      ),
    db
      .select({ at: dunningPauses.startedAt, reason: dunningPauses.reason, liftedAt: dunningPauses.liftedAt })
      .from(dunningPauses)
      .where(and(eq(dunningPauses.invoiceId, row.id), eq(dunningPauses.organizationId, session.organizationId))),
  ]);
  const history: HistoryEntry[] = [
    { kind: 'issued' as const, at: `${row.issueDate}T12:00:00.000Z` },
    ...reminders.map((r) => ({
      kind: 'reminder' as const,
      at: r.at.toISOString(),
      template: r.template,
      status: r.status,
    })),
    ...allocations.map((a) => ({
      kind: 'payment' as const,
      at: (a.paidAt ?? a.at).toISOString(),
      amountCents: a.amountCents,
      provider: a.provider,
      status: a.status,
    })),
    ...pauseHistory.map((p) => ({
      kind: 'pause' as const,
      at: p.at.toISOString(),
      reason: p.reason,
      liftedAt: p.liftedAt?.toISOString() ?? null,
    })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  return {
    invoice: shape(session, row, pauses, amsterdamDate(now)),
    lines: row.lines ?? [],
    pdfFileId: row.pdfFileId,
    history,
  };
}

/** Paid, credited and written-off invoices, newest first. */
export async function getPortalHistory(session: DebtorSession, { clock = systemClock }: { clock?: Clock } = {}) {
  const today = amsterdamDate(clock.now());
  const rows = await getDb()
    .select()
    .from(invoices)
    .where(ownInvoices(session, inArray(invoices.status, ['paid', 'credited', 'written_off'])))
    .orderBy(desc(invoices.settledAt), desc(invoices.dueDate))
    .limit(200);
  const none = new Map();
  return rows.map((r) => ({ ...shape(session, r, none, today), settledAt: r.settledAt?.toISOString() ?? null }));
}
