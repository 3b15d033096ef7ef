/**
 * The REST API's bank-statement operations (routes api.v1.bank-statements*): a statement file
 * posted as the body is imported for the key's organization; a statement's outcome is read per
 * line. Errors are ApiErrors in the API's JSON shape.
 */
import { z } from 'zod';
import type { ApiPrincipal } from './keys.server';
import { ApiError, apiNotFound, readBodyLimited, requireMediaType } from './http.server';
import { hasForbiddenControlChars } from '~/utils/limits';
import { BANK_STATEMENT_MAX_BYTES, BankImportError } from '~/modules/bank/index';
import {
  type BankEntryView,
  getStatement,
  type ImportOutcome,
  importStatementFile,
  type StatementSummary,
} from '~/modules/bank/index.server';
import type { Clock } from '~/utils/clock';

/** camt (XML) as application/xml or text/xml, MT940 as text/plain; the format itself is read from the content. */
export const BANK_STATEMENT_MEDIA_TYPES = ['application/xml', 'text/xml', 'text/plain'] as const;

export const BankStatementQuery = z
  .object({
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0).describe('Lines to skip (paging).'),
    limit: z.coerce.number().int().min(1).max(1000).default(1000).describe('Lines per answer (at most 1000).'),
  })
  .strict();

/** A filename from `Content-Disposition: attachment; filename="…"`, when it is a plain one. */
function filenameOf(request: Request): string | null {
  const header = request.headers.get('Content-Disposition') ?? '';
  const match = /filename="([^"]{1,200})"|filename=([^;\s]{1,200})/i.exec(header);
  const name = (match?.[1] ?? match?.[2] ?? '').trim();
  return name === '' || hasForbiddenControlChars(name) ? null : name;
}

/**
 * Imports the body as a statement file. 201 when lines were new; 200 when every line of the
 * file was already recorded (nothing booked; the answer names the new statement record and its
 * duplicates all the same).
 */
export async function postStatementForApi(
  principal: ApiPrincipal,
  request: Request,
  { clock }: { clock?: Clock } = {},
): Promise<{ status: 200 | 201; body: ImportOutcome }> {
  requireMediaType(
    request,
    (type) => (BANK_STATEMENT_MEDIA_TYPES as readonly string[]).includes(type),
    'application/xml or text/xml (camt.053/camt.054), or text/plain (MT940)',
  );
  const bytes = await readBodyLimited(request, BANK_STATEMENT_MAX_BYTES);
  try {
    const outcome = await importStatementFile(
      {
        organizationId: principal.organizationId,
        bytes,
        filename: filenameOf(request),
        uploadedBy: { type: 'api', id: principal.apiKeyId },
      },
      { clock },
    );
    const nothingNew = outcome.entries > 0 && outcome.duplicates === outcome.entries;
    return { status: nothingNew ? 200 : 201, body: outcome };
  } catch (error) {
    if (error instanceof BankImportError) {
      throw new ApiError(
        error.status,
        error.code,
        error.message,
        error.detail ? [{ path: '(body)', message: error.detail }] : undefined,
      );
    }
    throw error;
  }
}

function lineOf(entry: BankEntryView) {
  return {
    id: entry.id,
    bookingDate: entry.bookingDate,
    valueDate: entry.valueDate,
    amountCents: entry.amountCents,
    currency: entry.currency,
    direction: entry.direction,
    reversal: entry.reversal,
    counterpartyName: entry.counterpartyName,
    counterpartyIban: entry.counterpartyIban,
    remittance: entry.remittance,
    structuredRef: entry.structuredRef,
    endToEndId: entry.endToEndId,
    entryRef: entry.entryRef,
    status: entry.status,
    matchRule: entry.matchRule,
    noteCode: entry.noteCode,
    note: entry.noteCode ? entry.noteDetail : entry.noteText,
    debtor: entry.debtor ? { externalRef: entry.debtor.externalRef, name: entry.debtor.name } : null,
    invoices: entry.invoices.map((i) => ({ number: i.number, allocatedCents: i.allocatedCents })),
    creditedCents: entry.creditedCents,
    paymentId: entry.paymentId,
  };
}

function statementOf(statement: StatementSummary) {
  return {
    statementId: statement.id,
    format: statement.format,
    filename: statement.filename,
    statementRefs: statement.statementRefs,
    accounts: statement.accounts,
    fromDate: statement.fromDate,
    toDate: statement.toDate,
    createdAt: statement.createdAt.toISOString(),
    entries: statement.entries,
    credits: statement.credits,
    matched: statement.matched,
    queued: statement.queued,
    ignored: statement.ignored,
    duplicates: statement.duplicates,
  };
}

/** One statement of the key's organization with the outcome of each of its lines; 404 for any other id. */
export async function getStatementForApi(
  principal: ApiPrincipal,
  id: string,
  query: z.output<typeof BankStatementQuery>,
) {
  const detail = await getStatement(principal.organizationId, id, { limit: query.limit, offset: query.offset });
  if (!detail) apiNotFound('No bank statement with this id in your organization.');
  const next = query.offset + detail.entries.length;
  return {
    ...statementOf(detail.statement),
    lines: detail.entries.map(lineOf),
    totalLines: detail.totalEntries,
    nextOffset: next < detail.totalEntries ? next : null,
  };
}
