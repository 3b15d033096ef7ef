import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { audit } from '~/modules/audit/index.server';
import type { CsvInvoiceRow } from './csv-import';
import { upsertInvoice, upsertInvoices } from './intake.server';
import { attachInvoicePdf } from './pdf.server';
import {
  IntakeError,
  IntakeItemError,
  loadIntakeContext,
  upsertDebtor,
  upsertDebtors,
  type IntakeContext,
  type UpsertOutcome,
} from '~/modules/debtors/index.server';
import type { UblInvoice } from './ubl-import';

/**
 * Back-office imports: every row in one transaction, so a file goes in whole or not at
 * all. The preview runs the very same import and rolls it back, which tells staff exactly
 * which invoices are new, changed or unchanged (and finds conflicts with the database,
 * such as a total below what was already paid) before anything is stored.
 */

export type ImportSummary = {
  created: number;
  updated: number;
  unchanged: number;
  debtorsCreated: number;
  debtorsUpdated: number;
  outcomes: { row: number; number: string; outcome: UpsertOutcome }[];
};

/** A row the database refused (e.g. lowering a paid invoice's total); the whole import stops. */
export class ImportRowError extends Error {
  constructor(
    readonly row: number,
    readonly intakeError: IntakeError,
  ) {
    super(`row ${row}: ${intakeError.message}`);
  }
}

class DryRun extends Error {
  constructor(readonly summary: ImportSummary) {
    super('dry run');
  }
}

type ImportOptions = { organizationId: string; staffId: string; dryRun: boolean; clock?: Clock; filename?: string };

async function inTransaction(
  options: ImportOptions,
  source: 'csv' | 'ubl',
  work: (tx: Tx, ctx: IntakeContext) => Promise<ImportSummary>,
): Promise<ImportSummary> {
  try {
    return await getDb().transaction(async (tx) => {
      const ctx = await loadIntakeContext(tx, {
        organizationId: options.organizationId,
        actor: { type: 'staff', id: options.staffId },
        source,
        clock: options.clock ?? systemClock,
      });
      const summary = await work(tx, ctx);
      if (options.dryRun) throw new DryRun(summary);
      const importId = randomUUID();
      await audit(tx, {
        organizationId: options.organizationId,
        actor: ctx.actor,
        action: 'invoices.imported',
        entityType: 'import',
        entityId: importId,
        data: {
          source,
          filename: options.filename ?? null,
          created: summary.created,
          updated: summary.updated,
          unchanged: summary.unchanged,
          debtorsCreated: summary.debtorsCreated,
          debtorsUpdated: summary.debtorsUpdated,
        },
      });
      return summary;
    });
  } catch (error) {
    if (error instanceof DryRun) return error.summary;
    throw error;
  }
}

function emptySummary(): ImportSummary {
  return { created: 0, updated: 0, unchanged: 0, debtorsCreated: 0, debtorsUpdated: 0, outcomes: [] };
}

function count(summary: ImportSummary, row: number, number: string, outcome: UpsertOutcome) {
  summary[outcome] += 1;
  summary.outcomes.push({ row, number, outcome });
}

function countDebtor(summary: ImportSummary, outcome: UpsertOutcome) {
  if (outcome === 'created') summary.debtorsCreated += 1;
  if (outcome === 'updated') summary.debtorsUpdated += 1;
}

async function atRow<T>(row: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof IntakeError) throw new ImportRowError(row, error);
    throw error;
  }
}

/**
 * Imports parsed CSV rows (all of them valid; the caller refuses a file with errors).
 * A debtor is written once, from its first row; rows are matched to invoices by number.
 * Bulk statements keep a 5,000-row file to a few seconds.
 */
export function importCsvRows(rows: { row: number; value: CsvInvoiceRow }[], options: ImportOptions) {
  return inTransaction(options, 'csv', async (tx, ctx) => {
    const summary = emptySummary();
    const debtorResults = await atRows(rows, () =>
      upsertDebtors(
        tx,
        ctx,
        rows.map(({ value }) => ({
          externalRef: value.debtorRef,
          patch: { kind: value.debtorKind, name: value.debtorName, email: value.debtorEmail },
        })),
      ),
    );
    for (const { outcome } of debtorResults.values()) countDebtor(summary, outcome);
    const results = await atRows(rows, () =>
      upsertInvoices(
        tx,
        ctx,
        rows.map(({ value }) => ({
          number: value.invoiceNumber,
          debtor: debtorResults.get(value.debtorRef)!.debtor,
          patch: {
            issueDate: value.issueDate,
            dueDate: value.dueDate,
            currency: value.currency,
            totalCents: value.amountCents,
            ...(value.description === undefined ? {} : { description: value.description }),
          },
        })),
      ),
    );
    results.forEach(({ outcome }, index) => count(summary, rows[index].row, rows[index].value.invoiceNumber, outcome));
    return summary;
  });
}

/** Bulk intake errors name the item by position; this turns that into the file's row. */
async function atRows<T>(rows: { row: number }[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof IntakeItemError) throw new ImportRowError(rows[error.index].row, error.intakeError);
    throw error;
  }
}

/** Imports one parsed UBL invoice: its business debtor, the invoice with lines, and the embedded PDF. */
export function importUblInvoice(invoice: UblInvoice, options: ImportOptions) {
  return inTransaction(options, 'ubl', async (tx, ctx) => {
    const summary = emptySummary();
    await atRow(1, async () => {
      const { customer } = invoice;
      const { debtor, outcome: debtorOutcome } = await upsertDebtor(tx, ctx, customer.externalRef, {
        kind: 'business',
        name: customer.name,
        ...(customer.email ? { email: customer.email } : {}),
        ...(customer.contactName ? { contactName: customer.contactName } : {}),
        ...(customer.addressLine ? { addressLine: customer.addressLine } : {}),
        ...(customer.postalCode ? { postalCode: customer.postalCode } : {}),
        ...(customer.city ? { city: customer.city } : {}),
        ...(customer.country ? { country: customer.country } : {}),
        ...(customer.vatNumber ? { vatNumber: customer.vatNumber } : {}),
      });
      countDebtor(summary, debtorOutcome);
      const { invoice: stored, outcome } = await upsertInvoice(tx, ctx, invoice.number, debtor, {
        issueDate: invoice.issueDate,
        dueDate: invoice.dueDate,
        currency: invoice.currency,
        totalCents: invoice.payableCents,
        lines: invoice.lines,
        description: invoice.description,
        ...(invoice.paymentReference ? { paymentReference: invoice.paymentReference } : {}),
      });
      let finalOutcome = outcome;
      if (invoice.pdf) {
        const pdf = await attachInvoicePdf(tx, ctx, stored, invoice.pdf.bytes, invoice.pdf.filename);
        if (outcome === 'unchanged' && pdf.outcome !== 'unchanged') finalOutcome = 'updated';
      }
      count(summary, 1, invoice.number, finalOutcome);
    });
    return summary;
  });
}
