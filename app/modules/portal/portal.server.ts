import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import {
  communications,
  debtors,
  dunningPauses,
  invoices,
  paymentAllocations,
  payments,
  type Invoice,
} from '~db/schema';
import { amsterdamDate, systemClock, type Clock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { activePauseDetails, findLetters } from '~/modules/dunning/index.server';
import { isAfterLetter, predictSteps, type LetterOnRecord, type Prediction } from '~/modules/dunning/index';
import { moneyEntry, type MoneyEntry } from './money-entries';
import { currentStages, nextStep, overdueDays, type NextStep, type PauseReason, type PortalStage } from './next-step';
import { ownInvoices } from '~/modules/links/index.server';
import type { DebtorSession } from '~/modules/links/index.server';
import { isUuid } from '~/utils/ids';
import { owedCents } from '~/modules/ledger/index';
import { orgScope, debtorScope } from '~/utils/org-scope.server';

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
  /** Where the invoice stands now (handed over, inside a fourteen-day term), shown with the next step. */
  stages: PortalStage[];
  hasPdf: boolean;
};

type Pauses = Map<string, { reason: PauseReason; until: Date | null }[]>;
type Plan = { predictions: Map<string, Prediction>; letters: Map<string, LetterOnRecord> };

/**
 * The dunning engine's own prediction for the debtor's open invoices that are not paused: the
 * decision the pass takes (dunning/step-plan.ts), on the letters on record, for the day it acts.
 */
async function planFor(
  session: DebtorSession,
  rows: Invoice[],
  pauses: Pauses,
  { now, emailBlocked }: { now: Date; emailBlocked: boolean },
): Promise<Plan> {
  const kind = session.debtor.kind;
  const stages = session.organization.dunningPolicy[kind] ?? [];
  const open = rows.filter((r) => r.status === 'open');
  const letters = await findLetters(
    getDb(),
    open.filter((r) => isAfterLetter(kind, stages, r.dunningStage)),
  );
  const active = open.filter((r) => !pauses.has(r.id) && r.openCents > 0);
  const predicted = predictSteps(
    active.map((invoice) => ({
      kind,
      stages,
      invoice,
      letter: letters.get(invoice.id) ?? null,
      emailBlocked,
      nextActionAt: invoice.nextActionAt,
    })),
    { now },
  );
  return { predictions: new Map(active.map((r, n) => [r.id, predicted[n]])), letters };
}

/** The pauses in force now, as dunning keeps them. */
const activePauses = (invoiceIds: string[], now: Date) =>
  activePauseDetails(getDb(), invoiceIds, { clock: { now: () => now } });

function shape(
  session: DebtorSession,
  row: Invoice,
  { pauses, plan, today }: { pauses: Pauses; plan: Plan | null; today: string },
): PortalInvoice {
  const kind = session.debtor.kind;
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
    next: nextStep(row, plan?.predictions.get(row.id) ?? null, pauses.get(row.id) ?? [], today),
    stages: currentStages(
      row,
      {
        kind,
        stages: session.organization.dunningPolicy[kind] ?? [],
        letter: plan?.letters.get(row.id) ?? null,
      },
      today,
    ),
    hasPdf: row.pdfFileId !== null,
  };
}

/** The debtor's open invoices, oldest due first, and whether their email address is blocked (the engine then holds). */
async function openInvoices(session: DebtorSession) {
  const rows = await getDb()
    .select({ invoice: invoices, emailBlockedAt: debtors.emailBlockedAt })
    .from(invoices)
    .innerJoin(debtors, eq(debtors.id, invoices.debtorId))
    .where(ownInvoices(session, eq(invoices.status, 'open')))
    .orderBy(asc(invoices.dueDate), asc(invoices.number));
  return { rows: rows.map((r) => r.invoice), emailBlocked: rows.some((r) => r.emailBlockedAt !== null) };
}

/** Everything /portal shows: totals and the open invoices, oldest due first. */
export async function getPortalOverview(session: DebtorSession, { clock = systemClock }: { clock?: Clock } = {}) {
  const now = clock.now();
  const today = amsterdamDate(now);
  const { rows, emailBlocked } = await openInvoices(session);
  const pauses = await activePauses(
    rows.map((r) => r.id),
    now,
  );
  const plan = await planFor(session, rows, pauses, { now, emailBlocked });
  const open = rows.map((r) => shape(session, r, { pauses, plan, today }));
  const outstandingCents = open.reduce((s, i) => s + owedCents(i), 0);
  const overdue = open.filter((i) => i.overdueDays > 0);
  return {
    today,
    invoices: open,
    totals: {
      outstandingCents,
      overdueCents: overdue.reduce((s, i) => s + owedCents(i), 0),
      overdueCount: overdue.length,
      openCount: open.length,
      creditCents: session.debtor.creditCents,
    },
  };
}

export type HistoryEntry =
  | { kind: 'issued'; at: string }
  | { kind: 'reminder'; at: string; template: string; status: string }
  | { kind: 'money'; at: string; entry: MoneyEntry }
  | { kind: 'pause'; at: string; reason: PauseReason; liftedAt: string | null; liftedReason: string | null };

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
      .where(and(debtorScope(communications, session), sql`${row.id}::uuid = any(${communications.invoiceIds})`))
      .orderBy(desc(communications.createdAt)),
    db
      .select({
        at: payments.createdAt,
        paidAt: payments.paidAt,
        allocatedAt: paymentAllocations.createdAt,
        amountCents: paymentAllocations.amountCents,
        provider: payments.provider,
        status: payments.status,
      })
      .from(paymentAllocations)
      .innerJoin(payments, eq(payments.id, paymentAllocations.paymentId))
      .where(and(eq(paymentAllocations.invoiceId, row.id), orgScope(paymentAllocations, session))),
    db
      .select({
        at: dunningPauses.startedAt,
        reason: dunningPauses.reason,
        liftedAt: dunningPauses.liftedAt,
        liftedReason: dunningPauses.liftedReason,
      })
      .from(dunningPauses)
      .where(and(eq(dunningPauses.invoiceId, row.id), orgScope(dunningPauses, session))),
  ]);
  const history: HistoryEntry[] = [
    { kind: 'issued' as const, at: `${row.issueDate}T12:00:00.000Z` },
    ...reminders.map((r) => ({
      kind: 'reminder' as const,
      at: r.at.toISOString(),
      template: r.template,
      status: r.status,
    })),
    ...allocations.map((a) => {
      const entry = moneyEntry({ ...a, at: a.allocatedAt ?? a.paidAt ?? a.at });
      return { kind: 'money' as const, at: entry.at, entry };
    }),
    ...pauseHistory.map((p) => ({
      kind: 'pause' as const,
      at: p.at.toISOString(),
      reason: p.reason,
      liftedAt: p.liftedAt?.toISOString() ?? null,
      liftedReason: p.liftedReason,
    })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  // The engine plans a debtor's invoices together (one fourteen-day letter covers those due the same day).
  let plan: Plan | null = null;
  if (row.status === 'open') {
    const open = await openInvoices(session);
    plan = await planFor(session, open.rows, pauses, { now, emailBlocked: open.emailBlocked });
  }
  return {
    invoice: shape(session, row, { pauses, plan, today: amsterdamDate(now) }),
    lines: row.lines ?? [],
    pdfFileId: row.pdfFileId,
    history,
  };
}

/**
 * Paid, credited and written-off invoices, newest settled first (the money that settled them is in
 * the money history, getMoneyHistory).
 */
export async function getSettledInvoices(session: DebtorSession) {
  const rows = await getDb()
    .select({
      id: invoices.id,
      number: invoices.number,
      status: invoices.status,
      totalCents: invoices.totalCents,
      currency: invoices.currency,
      settledAt: invoices.settledAt,
    })
    .from(invoices)
    .where(ownInvoices(session, inArray(invoices.status, ['paid', 'credited', 'written_off'])))
    .orderBy(desc(invoices.settledAt), desc(invoices.dueDate))
    .limit(200);
  return rows.map((r) => ({ ...r, settledAt: r.settledAt?.toISOString() ?? null }));
}
