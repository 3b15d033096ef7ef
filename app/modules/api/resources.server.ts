/** The API's resources as they are read back: debtors, invoices and the payments feed. */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { debtors, files, invoices, paymentAllocations, payments, type Debtor, type Payment } from '~db/schema';
import type { Tx } from '~/utils/db.server';
import { LEDGER_SOURCES, type LedgerSource } from '~/modules/ledger/index.server';
import type { DebtorResourceData, InvoiceResourceData, PaymentResourceData } from '~/modules/api/index';

import { IntakeError } from '~/modules/debtors/index.server';
import { settleReference } from '~/modules/invoices/index.server';
import { orgScope } from '~/utils/org-scope.server';
export function debtorResource(debtor: Debtor): DebtorResourceData {
  return {
    externalRef: debtor.externalRef ?? '',
    kind: debtor.kind,
    name: debtor.name,
    email: debtor.email,
    locale: debtor.locale,
    contactName: debtor.contactName,
    phone: debtor.phone,
    addressLine: debtor.addressLine,
    postalCode: debtor.postalCode,
    city: debtor.city,
    country: debtor.country,
    vatNumber: debtor.vatNumber,
  };
}

// --- reading back ----------------------------------------------------------------------

export async function invoiceResource(tx: Tx, organizationId: string, invoiceId: string): Promise<InvoiceResourceData> {
  const [row] = await tx
    .select({
      invoice: invoices,
      debtorExternalRef: debtors.externalRef,
      pdfSize: files.sizeBytes,
      pdfSha256: files.sha256,
    })
    .from(invoices)
    .innerJoin(debtors, eq(debtors.id, invoices.debtorId))
    .leftJoin(files, eq(files.id, invoices.pdfFileId))
    .where(and(orgScope(invoices, organizationId), eq(invoices.id, invoiceId)));
  if (!row) throw new IntakeError('not_found', 'not_found', 'No such invoice.');
  const { invoice } = row;
  return {
    number: invoice.number,
    externalRef: invoice.externalRef,
    debtor: { externalRef: row.debtorExternalRef },
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    currency: invoice.currency,
    totalCents: invoice.totalCents,
    openCents: invoice.openCents,
    status: invoice.status,
    paymentReference: invoice.paymentReference,
    description: invoice.description,
    lines: invoice.lines,
    pdf: row.pdfSize !== null && row.pdfSha256 !== null ? { sizeBytes: row.pdfSize, sha256: row.pdfSha256 } : null,
    settledAt: invoice.settledAt ? invoice.settledAt.toISOString() : null,
  };
}

// --- payments feed ---------------------------------------------------------------------

export type PaymentsCursor = { createdAt: string; id: string };

const CURSOR_PATTERN = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|([0-9a-f-]{36})$/;

export function encodeCursor(cursor: PaymentsCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(value: string): PaymentsCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) return null;
  const match = CURSOR_PATTERN.exec(Buffer.from(value, 'base64url').toString('utf8'));
  return match ? { createdAt: match[1], id: match[2] } : null;
}

/**
 * Payments of the organization in (created_at, id) order after the cursor. The cursor
 * keeps created_at to the microsecond (as text), so no row is skipped or repeated at a
 * page boundary even when several payments share a millisecond.
 */
export async function listPayments(
  tx: Tx,
  organizationId: string,
  { since, limit }: { since: PaymentsCursor | null; limit: number },
): Promise<{ data: PaymentResourceData[]; nextCursor: string | null; hasMore: boolean }> {
  const createdKey = sql<string>`to_char(${payments.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const rows = await tx
    .select({ payment: payments, debtorExternalRef: debtors.externalRef, createdKey })
    .from(payments)
    .innerJoin(debtors, eq(debtors.id, payments.debtorId))
    .where(
      and(
        orgScope(payments, organizationId),
        since
          ? sql`(${payments.createdAt}, ${payments.id}) > (${since.createdAt}::timestamptz, ${since.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(asc(payments.createdAt), asc(payments.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const ids = page.map((row) => row.payment.id);
  const allocations =
    ids.length === 0
      ? []
      : await tx
          .select({
            paymentId: paymentAllocations.paymentId,
            invoiceId: paymentAllocations.invoiceId,
            invoiceNumber: invoices.number,
            amountCents: paymentAllocations.amountCents,
          })
          .from(paymentAllocations)
          .innerJoin(invoices, eq(invoices.id, paymentAllocations.invoiceId))
          .where(and(orgScope(paymentAllocations, organizationId), inArray(paymentAllocations.paymentId, ids)))
          .orderBy(asc(paymentAllocations.createdAt), asc(paymentAllocations.id));

  const data = page.map(({ payment, debtorExternalRef }) => shapePayment(payment, debtorExternalRef, allocations));
  const last = page.at(-1);
  return {
    data,
    nextCursor: last
      ? encodeCursor({ createdAt: last.createdKey, id: last.payment.id })
      : since
        ? encodeCursor(since)
        : null,
    hasMore: rows.length > limit,
  };
}

export async function paymentResource(tx: Tx, organizationId: string, paymentId: string) {
  const [payment] = await paymentsByIds(tx, organizationId, [paymentId]);
  if (!payment) throw new IntakeError('not_found', 'not_found', 'No such payment.');
  return payment;
}

async function paymentsByIds(tx: Tx, organizationId: string, ids: string[]): Promise<PaymentResourceData[]> {
  const rows = await tx
    .select({ payment: payments, debtorExternalRef: debtors.externalRef })
    .from(payments)
    .innerJoin(debtors, eq(debtors.id, payments.debtorId))
    .where(and(orgScope(payments, organizationId), inArray(payments.id, ids)));
  const allocations = await tx
    .select({
      paymentId: paymentAllocations.paymentId,
      invoiceId: paymentAllocations.invoiceId,
      invoiceNumber: invoices.number,
      amountCents: paymentAllocations.amountCents,
    })
    .from(paymentAllocations)
    .innerJoin(invoices, eq(invoices.id, paymentAllocations.invoiceId))
    .where(and(orgScope(paymentAllocations, organizationId), inArray(paymentAllocations.paymentId, ids)));
  return rows.map(({ payment, debtorExternalRef }) => shapePayment(payment, debtorExternalRef, allocations));
}

function shapePayment(
  payment: Payment,
  debtorExternalRef: string | null,
  allocations: { paymentId: string; invoiceId: string; invoiceNumber: string; amountCents: number }[],
): PaymentResourceData {
  const own = allocations.filter((a) => a.paymentId === payment.id);
  return {
    id: payment.id,
    provider: payment.provider,
    method: payment.method,
    status: payment.status,
    amountCents: payment.amountCents,
    refundedCents: payment.refundedCents,
    currency: payment.currency,
    reference: LEDGER_SOURCES.includes(payment.provider as LedgerSource)
      ? (payment.providerReference ??
        settleReference(
          payment,
          own.map((a) => a.invoiceId),
        ))
      : null,
    debtor: { externalRef: debtorExternalRef },
    paidAt: payment.paidAt ? payment.paidAt.toISOString() : null,
    createdAt: payment.createdAt.toISOString(),
    allocations: own.map((a) => ({ invoiceNumber: a.invoiceNumber, amountCents: a.amountCents })),
  };
}
