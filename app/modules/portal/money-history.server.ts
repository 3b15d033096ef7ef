/**
 * Every money entry the debtor has, newest first: payments (whole and part), bank transfers
 * matched from statements, money booked by the creditor, credit notes, credit set off, write-offs,
 * and money given back (refunds, chargebacks, returned transfers), each with its date, amount,
 * method, invoices and receipt. Read from the ledger's records (payments and payment_allocations);
 * writes nothing.
 */
import { and, desc, inArray, sql } from 'drizzle-orm';
import { invoices, paymentAllocations, payments, type Payment } from '~db/schema';
import { ownInvoices, ownRows, type DebtorSession } from '~/modules/links/index.server';
import { getDb } from '~/utils/db.server';
import { orgScope } from '~/utils/org-scope.server';
import { moneyEntryKind, paymentMethodKey, type MoneyEntryKind, type PaymentMethodKey } from './money-entries';

export type MoneyHistoryEntry = {
  /** Stable within the list (React key). */
  key: string;
  kind: MoneyEntryKind;
  /** For a reversal: what gave the money back. */
  reversal: 'refund' | 'chargeback' | 'returned' | null;
  at: string;
  /** Always positive: the money this entry moved. */
  amountCents: number;
  method: PaymentMethodKey;
  invoices: { id: string; number: string; amountCents: number }[];
  /** Of the amount, what no invoice took and was kept as credit (or, for a reversal, taken back from credit). */
  creditCents: number;
  /** The receipt for this money, where one applies (money that arrived and was not all given back). */
  receiptId: string | null;
};

/** Money that arrived (and may since have been given back, in part or whole). */
const BOOKED: Payment['status'][] = ['paid', 'refunded', 'charged_back'];
export const MONEY_HISTORY_LIMIT = 200;

function reversalOf(payment: Payment): MoneyHistoryEntry['reversal'] {
  if (payment.provider === 'bank_transfer') return 'returned';
  return payment.chargedBackCents > 0 && payment.refundedCents === 0 ? 'chargeback' : 'refund';
}

/** The debtor's money entries, newest first (the latest MONEY_HISTORY_LIMIT payments with what was given back of them). */
export async function getMoneyHistory(session: DebtorSession) {
  const db = getDb();
  const booked = await db
    .select()
    .from(payments)
    .where(ownRows(payments, session, inArray(payments.status, BOOKED)))
    .orderBy(desc(sql`coalesce(${payments.paidAt}, ${payments.createdAt})`), desc(payments.id))
    .limit(MONEY_HISTORY_LIMIT + 1);
  const truncated = booked.length > MONEY_HISTORY_LIMIT;
  const shown = booked.slice(0, MONEY_HISTORY_LIMIT);
  const allocations = shown.length
    ? await db
        .select({
          paymentId: paymentAllocations.paymentId,
          invoiceId: paymentAllocations.invoiceId,
          number: invoices.number,
          amountCents: paymentAllocations.amountCents,
          createdAt: paymentAllocations.createdAt,
        })
        .from(paymentAllocations)
        .innerJoin(invoices, sql`${invoices.id} = ${paymentAllocations.invoiceId}`)
        .where(
          and(
            orgScope(paymentAllocations, session),
            ownInvoices(session),
            inArray(
              paymentAllocations.paymentId,
              shown.map((p) => p.id),
            ),
          ),
        )
        .orderBy(paymentAllocations.createdAt, paymentAllocations.id)
    : [];
  const byPayment = groupBy(allocations, (a) => a.paymentId);
  const entries: MoneyHistoryEntry[] = [];
  for (const payment of shown) {
    const rows = byPayment.get(payment.id) ?? [];
    const method = paymentMethodKey(payment.provider, payment.method);
    const at = (payment.paidAt ?? payment.createdAt).toISOString();
    entries.push({
      key: payment.id,
      kind: moneyEntryKind(payment.provider, payment.amountCents),
      reversal: null,
      at,
      amountCents: payment.amountCents,
      method,
      invoices: perInvoice(rows.filter((r) => r.amountCents > 0)),
      creditCents: payment.creditedCents + creditTakenBack(payment, rows),
      receiptId: payment.status === 'paid' && payment.provider !== 'write_off' ? payment.id : null,
    });
    // What was given back: one entry per reversal (its allocations share their moment).
    const back = groupBy(
      rows.filter((r) => r.amountCents < 0),
      (r) => r.createdAt.toISOString(),
    );
    const moments = [...back.keys()].sort();
    let fromCredit = creditTakenBack(payment, rows);
    if (fromCredit > 0 && moments.length === 0) moments.push(payment.updatedAt.toISOString());
    for (const [n, moment] of moments.entries()) {
      const taken = back.get(moment) ?? [];
      const credit = n === moments.length - 1 ? fromCredit : 0;
      entries.push({
        key: `${payment.id}:${moment}`,
        kind: 'reversal',
        reversal: reversalOf(payment),
        at: moment,
        amountCents: -taken.reduce((s, r) => s + r.amountCents, 0) + credit,
        method,
        invoices: perInvoice(taken).map((i) => ({ ...i, amountCents: -i.amountCents })),
        creditCents: credit,
        receiptId: null,
      });
      fromCredit -= credit;
    }
  }
  entries.sort((a, b) => b.at.localeCompare(a.at) || a.key.localeCompare(b.key));
  return { entries, truncated };
}

/**
 * What a reversal took from the debtor's credit rather than from invoices: the amount given back
 * beyond the allocations it reversed (the ledger takes the payment's own credit first).
 */
function creditTakenBack(payment: Payment, rows: { amountCents: number }[]) {
  const reversed = payment.refundedCents + payment.chargedBackCents;
  const fromInvoices = -rows.filter((r) => r.amountCents < 0).reduce((s, r) => s + r.amountCents, 0);
  return Math.max(0, reversed - fromInvoices);
}

function perInvoice(rows: { invoiceId: string; number: string; amountCents: number }[]) {
  const lines = new Map<string, { id: string; number: string; amountCents: number }>();
  for (const row of rows) {
    const line = lines.get(row.invoiceId) ?? { id: row.invoiceId, number: row.number, amountCents: 0 };
    line.amountCents += row.amountCents;
    lines.set(row.invoiceId, line);
  }
  return [...lines.values()];
}

/** Map.groupBy, which Node 20 (our floor) does not have. */
function groupBy<T>(items: T[], keyOf: (item: T) => string) {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
