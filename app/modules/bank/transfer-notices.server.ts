/**
 * "Ik heb het overgemaakt": a debtor says a bank transfer is on its way.
 *
 * - announceTransfer: the notice is stored and its invoices pause (reason transfer_announced,
 *   source = the notice) to the end of the N-th Dutch business day after today, N the creditor's
 *   setting `transferNoticeDays` (default 5). One waiting notice per invoice: a second one for an
 *   invoice that is still waiting is refused, showing the first.
 * - transferNoticesOnLedgerEvent (a ledger subscriber): money coming in on an invoice of a waiting
 *   notice (a bank statement line, a provider payment, an external settlement; not a credit note,
 *   write-off or spent credit) marks the notice received and lifts its pause, so after a part
 *   payment dunning goes on for the rest (the ledger itself lifts every pause of an invoice that
 *   owes nothing).
 * - lapseTransferNotices (a cron job): a waiting notice whose pause ran out without money lapses,
 *   its pause is lifted (dunning resumes on its own), and finance is told (email, timeline, and
 *   listTransferNotices for the back office).
 */
import { and, arrayOverlaps, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import { debtors, invoices, organizations, transferNotices, type TransferNotice } from '~db/schema';
import { amsterdamDate, systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { formatDate, isLocale } from '~/utils/i18n';
import { MAX_AMOUNT_CENTS } from '~/utils/limits';
import { audit, type Actor } from '~/modules/audit/index.server';
import { liftPauses, pauseInvoices } from '~/modules/dunning/index.server';
import type { LedgerBatchListener, LedgerEvent, LedgerListener } from '~/modules/ledger/index.server';
import { notifyFinance } from '~/modules/plans/index.server';
import type { DebtorSession } from '~/modules/links/index.server';
import {
  checkTransferDate,
  TRANSFER_NOTICE_MAX_INVOICES,
  transferNoticeDaysOf,
  transferNoticePause,
  type TransferNoticeErrors,
} from './transfer-notice-rules';
import { isUuid } from '~/utils/ids';
import { orgScope, debtorScope } from '~/utils/org-scope.server';

type Options = { clock?: Clock };
type NoticeSession = Pick<DebtorSession, 'organizationId' | 'debtorId'> & {
  organization: Pick<DebtorSession['organization'], 'portalSettings'>;
};

export type TransferNoticeView = {
  id: string;
  invoiceIds: string[];
  invoiceNumbers: string[];
  transferredOn: string;
  amountCents: number;
  /** The Amsterdam calendar day the debtor told us. */
  announcedOn: string;
  announcedAt: string;
  pauseUntil: string;
  /** The last calendar day of the pause (Amsterdam). */
  lastDay: string;
  status: TransferNotice['status'];
  resolvedAt: string | null;
};

export type AnnounceResult =
  | { ok: true; notice: TransferNoticeView }
  | { ok: false; errors: TransferNoticeErrors; existing: TransferNoticeView[] };

const owed = sql<number>`(${invoices.openCents} + ${invoices.costsCents} + ${invoices.interestCents})`.mapWith(Number);

async function numbersOf(tx: Tx, organizationId: string, ids: string[]) {
  if (ids.length === 0) return new Map<string, string>();
  const rows = await tx
    .select({ id: invoices.id, number: invoices.number })
    .from(invoices)
    .where(and(orgScope(invoices, organizationId), inArray(invoices.id, ids)));
  return new Map(rows.map((r) => [r.id, r.number]));
}

async function views(tx: Tx, organizationId: string, rows: TransferNotice[]): Promise<TransferNoticeView[]> {
  const numbers = await numbersOf(tx, organizationId, [...new Set(rows.flatMap((r) => r.invoiceIds))]);
  return rows.map((r) => ({
    id: r.id,
    invoiceIds: r.invoiceIds,
    invoiceNumbers: r.invoiceIds.map((id) => numbers.get(id)).filter((n): n is string => n !== undefined),
    transferredOn: r.transferredOn,
    amountCents: r.amountCents ?? 0,
    announcedOn: amsterdamDate(r.createdAt),
    announcedAt: r.createdAt.toISOString(),
    pauseUntil: r.pauseUntil.toISOString(),
    lastDay: amsterdamDate(r.pauseUntil),
    status: r.status,
    resolvedAt: r.resolvedAt?.toISOString() ?? null,
  }));
}

/** The debtor's notices that still pause dunning (waiting, pause not yet over), oldest first. */
async function waitingNotices(tx: Tx, session: Pick<DebtorSession, 'organizationId' | 'debtorId'>, now: Date) {
  return tx
    .select()
    .from(transferNotices)
    .where(
      and(
        debtorScope(transferNotices, session),
        eq(transferNotices.status, 'waiting'),
        sql`${transferNotices.pauseUntil} > ${now.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(asc(transferNotices.createdAt));
}

/** For the transfer page: what the debtor has told us and we are still waiting for. */
export async function getWaitingTransferNotices(
  session: Pick<DebtorSession, 'organizationId' | 'debtorId'>,
  { clock = systemClock }: Options = {},
): Promise<TransferNoticeView[]> {
  const db = getDb();
  return views(db, session.organizationId, await waitingNotices(db, session, clock.now()));
}

/**
 * Records the debtor's "I have transferred" for their own open invoices and pauses dunning on
 * them, in one transaction. Every input is checked again here (the route's parsing is not
 * trusted): another debtor's or a settled invoice, a date ahead or more than 30 days back, an
 * amount of zero or more than is owed are refused with the field named, and nothing is written.
 */
export async function announceTransfer(
  session: NoticeSession,
  input: { invoiceIds: string[]; transferredOn: string; amountCents?: number | null },
  { clock = systemClock }: Options = {},
): Promise<AnnounceResult> {
  const now = clock.now();
  const today = amsterdamDate(now);
  const errors: TransferNoticeErrors = {};
  const ids = [...new Set(input.invoiceIds)];
  if (ids.length === 0 || ids.length > TRANSFER_NOTICE_MAX_INVOICES || !ids.every(isUuid)) {
    errors.invoices = { key: 'pay.transfer.notice.error.invoices' };
  }
  const dateError = checkTransferDate(String(input.transferredOn), today);
  if (dateError) errors.transferredOn = dateError;
  const amount = input.amountCents ?? null;
  if (amount !== null) {
    if (!Number.isSafeInteger(amount) || amount > MAX_AMOUNT_CENTS) {
      errors.amount = { key: 'pay.transfer.notice.error.amountInvalid' };
    } else if (amount <= 0) errors.amount = { key: 'pay.transfer.notice.error.amountZero' };
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors, existing: [] };

  return getDb().transaction(async (tx) => {
    // The invoices locked in id order, as the ledger locks them: two notices for the same invoice
    // (a double submit) wait here one for the other, and money booked meanwhile is seen.
    const rows = await tx
      .select({ id: invoices.id, number: invoices.number, owed })
      .from(invoices)
      .where(and(debtorScope(invoices, session), eq(invoices.status, 'open'), inArray(invoices.id, ids)))
      .orderBy(asc(invoices.id))
      .for('update');
    const payable = rows.filter((r) => Number(r.owed) > 0);
    if (payable.length !== ids.length) {
      return { ok: false, errors: { invoices: { key: 'pay.transfer.notice.error.invoices' } }, existing: [] };
    }
    const owedTotal = payable.reduce((sum, r) => sum + Number(r.owed), 0);
    if (amount !== null && amount > owedTotal) {
      return {
        ok: false,
        errors: { amount: { key: 'pay.transfer.notice.error.amountTooLarge', params: { maxCents: owedTotal } } },
        existing: [],
      };
    }

    const waiting = (await waitingNotices(tx, session, now)).filter((n) => n.invoiceIds.some((id) => ids.includes(id)));
    if (waiting.length > 0) {
      const existing = await views(tx, session.organizationId, waiting);
      const numbers = existing.flatMap((n) => n.invoiceNumbers.filter((_, i) => ids.includes(n.invoiceIds[i]!)));
      return {
        ok: false,
        errors: { invoices: { key: 'pay.transfer.notice.error.already', params: { numbers: numbers.join(', ') } } },
        existing,
      };
    }

    const days = transferNoticeDaysOf(session.organization.portalSettings);
    const pause = transferNoticePause(now, days);
    // In the debtor's order of the page: oldest due first, as the invoices were shown.
    const ordered = ids.filter((id) => payable.some((p) => p.id === id));
    const [notice] = await tx
      .insert(transferNotices)
      .values({
        organizationId: session.organizationId,
        debtorId: session.debtorId,
        invoiceIds: ordered,
        transferredOn: input.transferredOn,
        amountCents: amount ?? owedTotal,
        pauseUntil: pause.until,
        status: 'waiting',
        createdAt: now,
      })
      .returning();
    const actor: Actor = { type: 'debtor', id: session.debtorId };
    await pauseInvoices(
      tx,
      {
        organizationId: session.organizationId,
        invoiceIds: ordered,
        reason: 'transfer_announced',
        sourceId: notice!.id,
        until: pause.until,
        actor,
      },
      { clock },
    );
    await audit(tx, {
      organizationId: session.organizationId,
      actor,
      action: 'transfer_notice.announced',
      entityType: 'transfer_notice',
      entityId: notice!.id,
      debtorId: session.debtorId,
      invoiceId: ordered.length === 1 ? ordered[0] : null,
      data: {
        invoiceIds: ordered,
        numbers: ordered.map((id) => payable.find((p) => p.id === id)!.number),
        transferredOn: input.transferredOn,
        amountCents: amount ?? owedTotal,
        amountGiven: amount !== null,
        owedCents: owedTotal,
        businessDays: days,
        lastDay: pause.lastDay,
        until: pause.until.toISOString(),
      },
      at: now,
    });
    const [view] = await views(tx, session.organizationId, [notice!]);
    return { ok: true as const, notice: view! };
  });
}

/**
 * Sources that bring the debtor's money in. A credit note or write-off is not the announced
 * transfer, nor is spending credit already held (the ledger sends no "payment received" for
 * those either); when one of them settles an invoice, the ledger lifts its pauses itself and the
 * notice closes quietly at its end.
 */
const MONEY_IN: ReadonlySet<LedgerEvent['source']> = new Set(['bank_transfer', 'external', 'mollie', 'stripe', 'demo']);

/**
 * Ledger subscriber (registered in app/server/ledger-subscribers.server): money allocated to an
 * invoice of a waiting notice marks the notice received and lifts its pause, in the ledger's
 * transaction.
 */
export const transferNoticesOnLedgerEvent: LedgerListener = async (tx, event, { clock }) => {
  if (event.kind !== 'booked' || !MONEY_IN.has(event.source)) return;
  const invoiceIds = [...new Set(event.allocations.filter((a) => a.amountCents > 0).map((a) => a.invoiceId))];
  if (invoiceIds.length === 0) return;
  const now = clock.now();
  const notices = await tx
    .select()
    .from(transferNotices)
    .where(
      and(
        debtorScope(transferNotices, event),
        eq(transferNotices.status, 'waiting'),
        arrayOverlaps(transferNotices.invoiceIds, invoiceIds),
      ),
    )
    .orderBy(asc(transferNotices.createdAt))
    .for('update');
  for (const notice of notices) {
    await tx
      .update(transferNotices)
      .set({ status: 'received', resolvedAt: now })
      .where(eq(transferNotices.id, notice.id));
    await liftPauses(
      tx,
      {
        organizationId: notice.organizationId,
        sourceId: notice.id,
        reason: 'transfer_announced',
        liftedReason: 'transfer_received',
        actor: event.actor,
      },
      { clock },
    );
    const receivedCents = event.allocations
      .filter((a) => notice.invoiceIds.includes(a.invoiceId))
      .reduce((sum, a) => sum + a.amountCents, 0);
    await audit(tx, {
      organizationId: notice.organizationId,
      actor: event.actor,
      action: 'transfer_notice.received',
      entityType: 'transfer_notice',
      entityId: notice.id,
      debtorId: notice.debtorId,
      invoiceId: notice.invoiceIds.length === 1 ? notice.invoiceIds[0] : null,
      data: {
        paymentId: event.payment.id,
        source: event.source,
        amountCents: receivedCents,
        announcedCents: notice.amountCents,
        invoiceIds: notice.invoiceIds,
      },
      at: now,
    });
  }
};

/**
 * The same subscriber for a batch of events (a bank statement's lines): one query finds which of
 * the debtors paid have a waiting notice on an invoice the money reached; only those events are
 * handled (one by one, in order, as single events), the rest cost nothing more.
 */
export const transferNoticesOnLedgerEvents: LedgerBatchListener = async (tx, events, ctx) => {
  const relevant = events.filter(
    (e) => e.kind === 'booked' && MONEY_IN.has(e.source) && e.allocations.some((a) => a.amountCents > 0),
  );
  if (relevant.length === 0) return;
  const invoiceIds = [
    ...new Set(relevant.flatMap((e) => e.allocations.filter((a) => a.amountCents > 0).map((a) => a.invoiceId))),
  ];
  const waiting = await tx
    .select({ debtorId: transferNotices.debtorId, invoiceIds: transferNotices.invoiceIds })
    .from(transferNotices)
    .where(
      and(
        sql`${transferNotices.organizationId} = any(${`{${[...new Set(relevant.map((e) => e.organizationId))].join(',')}}`}::uuid[])`,
        eq(transferNotices.status, 'waiting'),
        // The ids as one array parameter (a bank statement's chunk pays hundreds of invoices).
        sql`${transferNotices.invoiceIds} && ${`{${invoiceIds.join(',')}}`}::uuid[]`,
      ),
    );
  if (waiting.length === 0) return;
  const noticed = new Set(waiting.flatMap((n) => n.invoiceIds.map((id) => `${n.debtorId}|${id}`)));
  for (const event of relevant) {
    if (event.allocations.some((a) => a.amountCents > 0 && noticed.has(`${event.debtorId}|${a.invoiceId}`))) {
      await transferNoticesOnLedgerEvent(tx, event, ctx);
    }
  }
};

const SYSTEM: Actor = { type: 'system', id: 'transfer-notices' };

export type LapseSummary = { lapsed: number; closed: number };

/**
 * Waiting notices whose pause is over without money: lapsed, their pause lifted so dunning
 * resumes by itself (the next step at the next sending hour, never a burst), an audit event, and
 * finance told. A notice whose invoices were all settled otherwise meanwhile (a credit note, a
 * write-off) just closes, without telling anyone. Each notice in its own transaction, locked with
 * SKIP LOCKED: safe to run at any time, on any number of workers; a second run finds nothing.
 */
export async function lapseTransferNotices({
  clock = systemClock,
  organizationId,
}: { clock?: Clock; organizationId?: string } = {}): Promise<LapseSummary> {
  const now = clock.now();
  const summary: LapseSummary = { lapsed: 0, closed: 0 };
  const due = await noticesPastTheirPause(now, organizationId);
  for (const notice of due) {
    const ended = await getDb().transaction((tx) => lapseNotice(tx, notice, { now, clock }));
    if (ended) summary[ended] += 1;
  }
  return summary;
}

/** Waiting notices whose pause has ended, the longest over first (at most 5,000 a run). */
function noticesPastTheirPause(now: Date, organizationId?: string) {
  return getDb()
    .select({
      id: transferNotices.id,
      organizationId: transferNotices.organizationId,
      invoiceIds: transferNotices.invoiceIds,
    })
    .from(transferNotices)
    .where(
      and(
        eq(transferNotices.status, 'waiting'),
        lte(transferNotices.pauseUntil, now),
        organizationId ? orgScope(transferNotices, organizationId) : undefined,
      ),
    )
    .orderBy(asc(transferNotices.pauseUntil))
    .limit(5_000);
}

/**
 * One notice, in its transaction: lapsed (finance told) or, when none of its invoices is open any
 * more, closed; null when it is not ours to end now (an invoice or the notice is held, or it is no longer due).
 */
async function lapseNotice(
  tx: Tx,
  due: { id: string; organizationId: string; invoiceIds: string[] },
  { now, clock }: { now: Date; clock: Clock },
): Promise<keyof LapseSummary | null> {
  if (!(await lockNoticeInvoices(tx, due.organizationId, due.invoiceIds))) return null;
  const [notice] = await tx
    .select()
    .from(transferNotices)
    .where(and(eq(transferNotices.id, due.id), eq(transferNotices.status, 'waiting')))
    .for('update', { skipLocked: true });
  if (!notice || notice.pauseUntil > now) return null;
  const open = await tx
    .select({ id: invoices.id, number: invoices.number, owed })
    .from(invoices)
    .where(and(orgScope(invoices, notice), inArray(invoices.id, notice.invoiceIds), eq(invoices.status, 'open')))
    .orderBy(asc(invoices.dueDate), asc(invoices.number));
  await tx.update(transferNotices).set({ status: 'lapsed', resolvedAt: now }).where(eq(transferNotices.id, notice.id));
  const lifted = await liftPauses(
    tx,
    {
      organizationId: notice.organizationId,
      sourceId: notice.id,
      reason: 'transfer_announced',
      liftedReason: 'transfer_not_received',
      actor: SYSTEM,
      resumeAt: now,
    },
    { clock },
  );
  await auditLapse(tx, notice, { open, resumed: lifted.resumed, now });
  if (open.length === 0) return 'closed';
  await tellFinanceOfLapse(tx, notice, open, clock);
  return 'lapsed';
}

/**
 * Locks the notice's invoices first, in id order, as the ledger locks them, and never waiting: an
 * invoice a booking holds right now may be settling this very notice, so it waits for the next
 * run. Whether every one of them (that exists) was locked.
 */
async function lockNoticeInvoices(tx: Tx, organizationId: string, invoiceIds: string[]): Promise<boolean> {
  const locked = await tx
    .select({ id: invoices.id })
    .from(invoices)
    .where(and(orgScope(invoices, organizationId), inArray(invoices.id, invoiceIds)))
    .orderBy(asc(invoices.id))
    .for('update', { skipLocked: true });
  const existing = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(invoices)
    .where(and(orgScope(invoices, organizationId), inArray(invoices.id, invoiceIds)));
  return locked.length >= (existing[0]?.n ?? 0);
}

type LapsedInvoice = { id: string; number: string };

/** The lapse's audit event: which invoices were still open, and whether dunning resumed. */
async function auditLapse(
  tx: Tx,
  notice: TransferNotice,
  { open, resumed, now }: { open: LapsedInvoice[]; resumed: string[]; now: Date },
) {
  await audit(tx, {
    organizationId: notice.organizationId,
    actor: SYSTEM,
    action: 'transfer_notice.lapsed',
    entityType: 'transfer_notice',
    entityId: notice.id,
    debtorId: notice.debtorId,
    invoiceId: notice.invoiceIds.length === 1 ? notice.invoiceIds[0] : null,
    data: {
      invoiceIds: notice.invoiceIds,
      openInvoiceIds: open.map((i) => i.id),
      numbers: open.map((i) => i.number),
      transferredOn: notice.transferredOn,
      amountCents: notice.amountCents,
      announcedOn: amsterdamDate(notice.createdAt),
      resumed,
    },
    at: now,
  });
}

/** Tells finance the announced transfer did not arrive, in the organisation's language (notifyFinance's rule; dates likewise). */
async function tellFinanceOfLapse(tx: Tx, notice: TransferNotice, open: LapsedInvoice[], clock: Clock) {
  const [debtor] = await tx
    .select({ name: debtors.name, orgLocale: organizations.defaultLocale })
    .from(debtors)
    .innerJoin(organizations, eq(organizations.id, debtors.organizationId))
    .where(and(orgScope(debtors, notice), eq(debtors.id, notice.debtorId)));
  const locale = isLocale(debtor?.orgLocale) ? debtor.orgLocale : 'nl';
  await notifyFinance(
    tx,
    {
      organizationId: notice.organizationId,
      debtorId: notice.debtorId,
      title: { key: 'pay.transfer.staff.lapsed.title' },
      lines: [
        {
          key: 'pay.transfer.staff.lapsed.line',
          params: {
            debtor: debtor?.name ?? '',
            announced: formatDate(amsterdamDate(notice.createdAt), locale),
            transferred: formatDate(notice.transferredOn, locale),
            numbers: open.map((i) => i.number).join(', '),
          },
          money: { amount: notice.amountCents ?? 0 },
        },
        { key: 'pay.transfer.staff.lapsed.next' },
      ],
      path: `/app/debtors/${notice.debtorId}`,
      dedupeKey: `transfer-notice:${notice.id}:lapsed`,
    },
    { clock },
  );
}

export type StaffTransferNotice = TransferNoticeView & { debtorId: string; debtorName: string };

/**
 * The creditor's transfer notices for the back office (e.g. /app/bank): `waiting` ones soonest
 * ending first, otherwise the latest resolved first. Scoped by organisation.
 */
export async function listTransferNotices(
  organizationId: string,
  { status, limit = 100 }: { status?: TransferNotice['status']; limit?: number } = {},
): Promise<StaffTransferNotice[]> {
  const db = getDb();
  const rows = await db
    .select({ notice: transferNotices, debtorName: debtors.name })
    .from(transferNotices)
    .innerJoin(
      debtors,
      and(eq(debtors.id, transferNotices.debtorId), eq(debtors.organizationId, transferNotices.organizationId)),
    )
    .where(and(orgScope(transferNotices, organizationId), status ? eq(transferNotices.status, status) : undefined))
    .orderBy(
      ...(status === 'waiting'
        ? [asc(transferNotices.pauseUntil)]
        : [desc(sql`coalesce(${transferNotices.resolvedAt}, ${transferNotices.createdAt})`)]),
      asc(transferNotices.id),
    )
    .limit(Math.max(1, Math.min(500, Math.trunc(limit) || 100)));
  const list = await views(
    db,
    organizationId,
    rows.map((r) => r.notice),
  );
  return list.map((view, i) => ({ ...view, debtorId: rows[i]!.notice.debtorId, debtorName: rows[i]!.debtorName }));
}
