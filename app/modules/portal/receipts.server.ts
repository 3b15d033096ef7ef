/**
 * The debtor's receipt for money the ledger booked: who paid whom, how much, when, how, the
 * provider's reference, and what each invoice got (collection costs, interest and principal as the
 * ledger split them), plus what was kept as credit. Read from the ledger's records (payments and
 * payment_allocations); only the debtor's own money that arrived (status paid). Writes nothing.
 */
import { and, eq, inArray, ne } from 'drizzle-orm';
import { debtors, files, invoices, paymentAllocations, payments, type Payment } from '~db/schema';
import { creditKeyFor } from '~/modules/payments/index.server';
import { ownInvoices, ownRows, type DebtorSession } from '~/modules/links/index.server';
import { getDb } from '~/utils/db.server';
import type { PostalAddress } from '~/utils/pdf.server';
import { isUuid } from '~/utils/ids';
import { debtorScope, orgScope } from '~/utils/org-scope.server';
import {
  moneyEntryKind,
  paymentMethodKey,
  receiptNumber,
  type MoneyEntryKind,
  type PaymentMethodKey,
} from './money-entries';

export type ReceiptInvoice = {
  id: string;
  number: string;
  /** What this payment put on the invoice, net of anything given back since. */
  amountCents: number;
  costsCents: number;
  interestCents: number;
  principalCents: number;
};

export type Receipt = {
  id: string;
  number: string;
  kind: MoneyEntryKind;
  method: PaymentMethodKey;
  paidAt: string;
  amountCents: number;
  currency: string;
  /** The provider's or bank's reference for this money, when it has one the debtor can recognise. */
  reference: string | null;
  payer: {
    name: string;
    email: string;
    addressLine: string | null;
    postalCode: string | null;
    city: string | null;
  };
  payee: {
    name: string;
    legalName: string;
    kvkNumber: string | null;
    iban: string | null;
    email: string | null;
    phone: string | null;
    website: string | null;
    address: PostalAddress;
  };
  invoices: ReceiptInvoice[];
  /** What no invoice took, kept as the debtor's credit. */
  creditedCents: number;
  /** Credit set off in the same checkout as this payment, and that set-off's own receipt. */
  creditUsed: { cents: number; receiptId: string } | null;
  /** Given back since (refund, chargeback, returned transfer). */
  reversedCents: number;
};

/** A provider's own id is a reference the debtor sees at their bank; our internal keys are not. */
function referenceOf(payment: Payment): string | null {
  switch (payment.provider) {
    case 'mollie':
    case 'stripe':
    case 'demo':
      return payment.providerReference ?? payment.providerPaymentId;
    case 'bank_transfer':
    case 'external':
    case 'credit_note':
      return payment.providerReference;
    default:
      return null;
  }
}

/**
 * The receipt for one of the debtor's own payments, or null: not theirs (another debtor or
 * creditor), not paid (open, failed, fully given back), a write-off (no money of theirs), or not an id.
 */
export async function getReceipt(session: DebtorSession, paymentId: string): Promise<Receipt | null> {
  if (!isUuid(paymentId)) return null;
  const db = getDb();
  const [payment] = await db
    .select()
    .from(payments)
    .where(
      ownRows(
        payments,
        session,
        eq(payments.id, paymentId),
        eq(payments.status, 'paid'),
        ne(payments.provider, 'write_off'),
      ),
    );
  if (!payment) return null;
  const [rows, [payer], credit] = await Promise.all([
    db
      .select({
        invoiceId: paymentAllocations.invoiceId,
        number: invoices.number,
        amountCents: paymentAllocations.amountCents,
        costsCents: paymentAllocations.costsCents,
        interestCents: paymentAllocations.interestCents,
      })
      .from(paymentAllocations)
      .innerJoin(invoices, eq(invoices.id, paymentAllocations.invoiceId))
      .where(
        and(eq(paymentAllocations.paymentId, payment.id), orgScope(paymentAllocations, session), ownInvoices(session)),
      )
      .orderBy(paymentAllocations.createdAt, paymentAllocations.id),
    db
      .select({
        name: debtors.name,
        email: debtors.email,
        addressLine: debtors.addressLine,
        postalCode: debtors.postalCode,
        city: debtors.city,
      })
      .from(debtors)
      .where(and(orgScope(debtors, session), eq(debtors.id, session.debtorId))),
    creditUsedWith(session, payment),
  ]);
  const perInvoice = new Map<string, ReceiptInvoice>();
  for (const row of rows) {
    const line = perInvoice.get(row.invoiceId) ?? {
      id: row.invoiceId,
      number: row.number,
      amountCents: 0,
      costsCents: 0,
      interestCents: 0,
      principalCents: 0,
    };
    line.amountCents += row.amountCents;
    line.costsCents += row.costsCents;
    line.interestCents += row.interestCents;
    line.principalCents = line.amountCents - line.costsCents - line.interestCents;
    perInvoice.set(row.invoiceId, line);
  }
  const org = session.organization;
  return {
    id: payment.id,
    number: receiptNumber(payment.id),
    kind: moneyEntryKind(payment.provider, payment.amountCents),
    method: paymentMethodKey(payment.provider, payment.method),
    paidAt: (payment.paidAt ?? payment.createdAt).toISOString(),
    amountCents: payment.amountCents,
    currency: payment.currency,
    reference: referenceOf(payment),
    payer: payer ?? {
      name: session.debtor.name,
      email: session.debtor.email,
      addressLine: null,
      postalCode: null,
      city: null,
    },
    payee: {
      name: org.name,
      legalName: org.legalName,
      kvkNumber: org.kvkNumber,
      iban: org.iban,
      email: org.email,
      phone: org.phone,
      website: org.website,
      address: { addressLine: org.addressLine, postalCode: org.postalCode, city: org.city, country: org.country },
    },
    invoices: [...perInvoice.values()].filter((line) => line.amountCents > 0),
    creditedCents: payment.creditedCents,
    creditUsed: credit,
    reversedCents: payment.refundedCents + payment.chargedBackCents,
  };
}

/** The credit a portal checkout set off before it opened this provider payment (the same checkout key). */
async function creditUsedWith(session: DebtorSession, payment: Payment) {
  if (payment.provider === 'debtor_credit' || !payment.idempotencyKey) return null;
  const [credit] = await getDb()
    .select({ id: payments.id, amountCents: payments.amountCents })
    .from(payments)
    .where(
      and(
        debtorScope(payments, session),
        eq(payments.provider, 'debtor_credit'),
        eq(payments.providerPaymentId, creditKeyFor(payment.idempotencyKey)),
        eq(payments.status, 'paid'),
      ),
    );
  return credit ? { cents: credit.amountCents, receiptId: credit.id } : null;
}

/** The creditor's logo for the receipt PDF (drawn when PNG or JPEG). */
export async function creditorLogo(session: DebtorSession): Promise<Uint8Array | null> {
  const logoId = session.organization.logoFileId;
  if (!logoId) return null;
  const [row] = await getDb()
    .select({ data: files.data })
    .from(files)
    .where(and(orgScope(files, session), inArray(files.id, [logoId])));
  return row ? new Uint8Array(row.data) : null;
}
