import { getDb } from '~/utils/db.server';
import type { ApiPrincipal } from './keys.server';
import type { DebtorInputData, InvoiceDebtorData, InvoiceInputData, SettleInputData } from './schemas';
import { attachInvoicePdf, findInvoice, settleInvoice, upsertInvoice } from '~/modules/invoices/index.server';
import { debtorResource, decodeCursor, invoiceResource, listPayments, paymentResource } from './resources.server';
import {
  findDebtor,
  IntakeError,
  loadIntakeContext,
  upsertDebtor,
  type DebtorPatch,
} from '~/modules/debtors/index.server';

/**
 * The REST API's operations, each in one transaction and scoped to the API key's
 * organization. Routes validate the request and call these; these return the status and
 * the body to send.
 */

export type ApiResult<T> = { status: number; body: T };

const apiContext = (tx: Parameters<typeof loadIntakeContext>[0], principal: ApiPrincipal) =>
  loadIntakeContext(tx, {
    organizationId: principal.organizationId,
    actor: { type: 'api', id: principal.apiKeyId },
    source: 'api',
  });

/** PUT replaces: optional fields that are left out are cleared (or get their default). */
function replacingPatch(input: DebtorInputData | InvoiceDebtorData): DebtorPatch {
  return {
    kind: input.kind,
    name: input.name,
    email: input.email,
    locale: input.locale ?? 'nl',
    country: input.country ?? 'NL',
    contactName: input.contactName ?? null,
    phone: input.phone ?? null,
    addressLine: input.addressLine ?? null,
    postalCode: input.postalCode ?? null,
    city: input.city ?? null,
    vatNumber: input.vatNumber ?? null,
  };
}

export async function getDebtorForApi(principal: ApiPrincipal, externalRef: string) {
  const debtor = await findDebtor(getDb(), principal.organizationId, externalRef);
  if (!debtor) throw new IntakeError('not_found', 'not_found', `No debtor with external reference ${externalRef}.`);
  return debtorResource(debtor);
}

export async function putDebtorForApi(principal: ApiPrincipal, externalRef: string, input: DebtorInputData) {
  return getDb().transaction(async (tx) => {
    const ctx = await apiContext(tx, principal);
    const { debtor, outcome } = await upsertDebtor(tx, ctx, externalRef, replacingPatch(input));
    return { status: outcome === 'created' ? 201 : 200, body: debtorResource(debtor) };
  });
}

export async function getInvoiceForApi(principal: ApiPrincipal, number: string) {
  const db = getDb();
  const invoice = await findInvoice(db, principal.organizationId, number);
  if (!invoice) throw new IntakeError('not_found', 'not_found', `No invoice ${number}.`);
  return invoiceResource(db, principal.organizationId, invoice.id);
}

export async function putInvoiceForApi(principal: ApiPrincipal, number: string, input: InvoiceInputData) {
  return getDb().transaction(async (tx) => {
    const ctx = await apiContext(tx, principal);
    const full = input.debtor.kind !== undefined;
    const debtor = full
      ? (await upsertDebtor(tx, ctx, input.debtor.externalRef, replacingPatch(input.debtor))).debtor
      : await findDebtor(tx, ctx.organizationId, input.debtor.externalRef);
    if (!debtor) {
      throw new IntakeError(
        'not_found',
        'debtor_not_found',
        `No debtor with external reference ${input.debtor.externalRef}; send the full debtor or create it first.`,
        'debtor.externalRef',
      );
    }
    const { invoice, outcome } = await upsertInvoice(tx, ctx, number, debtor, {
      issueDate: input.issueDate,
      dueDate: input.dueDate,
      currency: input.currency,
      totalCents: input.totalCents,
      lines: input.lines ?? null,
      description: input.description ?? null,
      paymentReference: input.paymentReference ?? null,
      externalRef: input.externalRef ?? null,
    });
    return {
      status: outcome === 'created' ? 201 : 200,
      body: await invoiceResource(tx, ctx.organizationId, invoice.id),
    };
  });
}

export async function putInvoicePdfForApi(principal: ApiPrincipal, number: string, bytes: Uint8Array) {
  return getDb().transaction(async (tx) => {
    const ctx = await apiContext(tx, principal);
    const invoice = await findInvoice(tx, ctx.organizationId, number, true);
    if (!invoice) throw new IntakeError('not_found', 'not_found', `No invoice ${number}.`);
    await attachInvoicePdf(tx, ctx, invoice, bytes);
    return { status: 200, body: await invoiceResource(tx, ctx.organizationId, invoice.id) };
  });
}

export async function settleInvoiceForApi(principal: ApiPrincipal, number: string, input: SettleInputData) {
  return getDb().transaction(async (tx) => {
    const ctx = await apiContext(tx, principal);
    const { invoice, payment, outcome } = await settleInvoice(tx, ctx, number, input);
    return {
      status: outcome === 'created' ? 201 : 200,
      body: {
        invoice: await invoiceResource(tx, ctx.organizationId, invoice.id),
        payment: await paymentResource(tx, ctx.organizationId, payment.id),
      },
    };
  });
}

export async function listPaymentsForApi(principal: ApiPrincipal, query: { since?: string; limit: number }) {
  const since = query.since ? decodeCursor(query.since) : null;
  if (query.since && !since) {
    throw new IntakeError('invalid', 'invalid_cursor', 'This is not a cursor this API handed out.', 'since');
  }
  const page = await listPayments(getDb(), principal.organizationId, { since, limit: query.limit });
  return { data: page.data, next_cursor: page.nextCursor, has_more: page.hasMore };
}
