import { createHash } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { invoices, paymentAllocations, type Debtor, type Invoice, type InvoiceLine, type NewInvoice } from '~db/schema';
import {
  hasForbiddenControlChars,
  isAmountWithinLimit,
  isDateWithinLimits,
  MAX_AMOUNT_CENTS,
  MAX_DATE,
  MIN_DATE,
} from '~/utils/limits';
import type { Tx } from '~/utils/db.server';
import { audit, type AuditInput } from '~/modules/audit/index.server';
import { nextActionFor } from '~/modules/dunning/index';
import { LedgerError, reviseInvoiceAmounts } from '~/modules/ledger/index.server';
import { makeBetalingskenmerk } from '~/modules/payments/index';

import { atItem, chunk, IntakeError, type IntakeContext, type UpsertOutcome } from '~/modules/debtors/index.server';
import { orgScope } from '~/utils/org-scope.server';
/**
 * Invoice intake: the one place where debtors and invoices from the API, CSV and UBL
 * uploads are created or updated, so all three doors share idempotency, scheduling and
 * audit rules. Every function takes the transaction it runs in; callers group them.
 */

// --- invoices --------------------------------------------------------------------------

/**
 * An invoice as it arrives. For the optional fields `undefined` keeps what an existing
 * invoice has (`null` clears it); `paymentReference` is never cleared: when none is given
 * the invoice keeps its own or gets a generated betalingskenmerk.
 */
export type InvoicePatch = {
  issueDate: string;
  dueDate: string;
  currency: string;
  totalCents: number;
  lines?: InvoiceLine[] | null;
  description?: string | null;
  paymentReference?: string | null;
  externalRef?: string | null;
};

/**
 * A betalingskenmerk derived from the organization and invoice number: stable, so
 * re-sending an invoice never changes the reference a debtor may already be paying with.
 */
export function generatedPaymentReference(organizationId: string, number: string): string {
  const digest = createHash('sha256').update(`${organizationId}\u0000${number}`).digest('hex');
  const seed = (BigInt(`0x${digest.slice(0, 24)}`) % 10n ** 15n).toString();
  return makeBetalingskenmerk(seed);
}

export async function findInvoice(tx: Tx, organizationId: string, number: string, lock = false) {
  const query = tx
    .select()
    .from(invoices)
    .where(and(orgScope(invoices, organizationId), eq(invoices.number, number)))
    .limit(1);
  const [row] = lock ? await query.for('update') : await query;
  return row ?? null;
}

async function allocatedCents(tx: Tx, invoiceId: string): Promise<number> {
  const [row] = await tx
    .select({ total: sql<string>`coalesce(sum(${paymentAllocations.amountCents}), 0)` })
    .from(paymentAllocations)
    .where(eq(paymentAllocations.invoiceId, invoiceId));
  return Number(row.total);
}

function checkInvoicePatch(patch: InvoicePatch) {
  if (patch.currency !== 'EUR') {
    throw new IntakeError('invalid', 'unsupported_currency', 'Only EUR is supported.', 'currency');
  }
  if (!Number.isSafeInteger(patch.totalCents) || patch.totalCents <= 0) {
    throw new IntakeError('invalid', 'invalid_total', 'The total must be a positive number of cents.', 'totalCents');
  }
  // The doors (API schema, CSV and UBL parsers) check these with their own messages; this is
  // the last guard, so no door can store what pages and sums cannot handle.
  if (patch.totalCents > MAX_AMOUNT_CENTS) {
    throw new IntakeError(
      'invalid',
      'amount_too_large',
      `The total is above the limit of ${MAX_AMOUNT_CENTS} cents.`,
      'totalCents',
    );
  }
  for (const field of ['issueDate', 'dueDate'] as const) {
    if (!isDateWithinLimits(patch[field])) {
      throw new IntakeError('invalid', 'date_out_of_range', `The date must be from ${MIN_DATE} to ${MAX_DATE}.`, field);
    }
  }
  patch.lines?.forEach((line, i) => {
    for (const field of ['amountCents', 'unitPriceCents'] as const) {
      if (!isAmountWithinLimit(line[field])) {
        throw new IntakeError(
          'invalid',
          'amount_too_large',
          `The amount is above the limit of ${MAX_AMOUNT_CENTS} cents.`,
          `lines.${i}.${field}`,
        );
      }
    }
    if (hasForbiddenControlChars(line.description, 'multiline')) {
      throw new IntakeError(
        'invalid',
        'control_characters',
        'No control characters (such as NUL).',
        `lines.${i}.description`,
      );
    }
  });
  for (const field of ['paymentReference', 'externalRef'] as const) {
    const value = patch[field];
    if (value && hasForbiddenControlChars(value, 'line')) {
      throw new IntakeError('invalid', 'control_characters', 'No control characters (such as NUL).', field);
    }
  }
  if (patch.description && hasForbiddenControlChars(patch.description, 'multiline')) {
    throw new IntakeError('invalid', 'control_characters', 'No control characters (such as NUL).', 'description');
  }
}

/** A new open invoice, scheduled for its first dunning stage by the organization's policy. */
function newInvoiceValues(ctx: IntakeContext, number: string, debtor: Debtor, patch: InvoicePatch): NewInvoice {
  const now = ctx.clock.now();
  return {
    organizationId: ctx.organizationId,
    debtorId: debtor.id,
    number,
    externalRef: patch.externalRef ?? null,
    description: patch.description ?? null,
    issueDate: patch.issueDate,
    dueDate: patch.dueDate,
    currency: patch.currency,
    totalCents: patch.totalCents,
    openCents: patch.totalCents,
    status: 'open',
    paymentReference: patch.paymentReference ?? generatedPaymentReference(ctx.organizationId, number),
    lines: patch.lines ?? null,
    dunningStage: 0,
    nextActionAt: nextActionFor(ctx.policy[debtor.kind], patch.dueDate, 0),
    createdAt: now,
    updatedAt: now,
  };
}

function invoiceCreatedEvent(ctx: IntakeContext, created: Invoice): AuditInput {
  return {
    organizationId: ctx.organizationId,
    actor: ctx.actor,
    action: 'invoice.created',
    entityType: 'invoice',
    entityId: created.id,
    debtorId: created.debtorId,
    invoiceId: created.id,
    data: {
      source: ctx.source,
      number: created.number,
      totalCents: created.totalCents,
      dueDate: created.dueDate,
      paymentReference: created.paymentReference,
    },
    at: ctx.clock.now(),
  };
}

/** Creates or updates the invoice with this number; writes nothing when nothing changes. */
export async function upsertInvoice(
  tx: Tx,
  ctx: IntakeContext,
  number: string,
  debtor: Debtor,
  patch: InvoicePatch,
): Promise<{ invoice: Invoice; outcome: UpsertOutcome }> {
  checkInvoicePatch(patch);
  for (let attempt = 0; ; attempt++) {
    const existing = await findInvoice(tx, ctx.organizationId, number, true);
    if (existing) return updateInvoice(tx, ctx, existing, debtor, patch);

    const [created] = await tx
      .insert(invoices)
      .values(newInvoiceValues(ctx, number, debtor, patch))
      .onConflictDoNothing()
      .returning();
    // Another request created the same invoice between our look and our insert: update that one.
    if (!created) {
      if (attempt > 0) throw new Error(`invoice ${number} keeps conflicting`);
      continue;
    }
    await audit(tx, invoiceCreatedEvent(ctx, created));
    return { invoice: created, outcome: 'created' };
  }
}

export type InvoiceUpsert = { number: string; debtor: Debtor; patch: InvoicePatch };

/**
 * The same as upsertInvoice for many invoices, in a few statements instead of a few per
 * invoice: existing ones are locked in one query and updated one by one (rare in bulk),
 * new ones are inserted and audited in chunks. Results come back in input order; a
 * failing item throws an IntakeError carrying its index (`path` = its position).
 */
export async function upsertInvoices(
  tx: Tx,
  ctx: IntakeContext,
  items: InvoiceUpsert[],
): Promise<{ invoice: Invoice; outcome: UpsertOutcome }[]> {
  const results: ({ invoice: Invoice; outcome: UpsertOutcome } | undefined)[] = new Array(items.length);
  const existing = new Map<string, Invoice>();
  for (const numbers of chunk(
    items.map((item) => item.number),
    1000,
  )) {
    const rows = await tx
      .select()
      .from(invoices)
      .where(and(orgScope(invoices, ctx), inArray(invoices.number, numbers)))
      .for('update');
    for (const row of rows) existing.set(row.number, row);
  }

  const fresh: { index: number; values: NewInvoice }[] = [];
  for (const [index, item] of items.entries()) {
    await atItem(index, async () => {
      checkInvoicePatch(item.patch);
      const current = existing.get(item.number);
      if (current) results[index] = await updateInvoice(tx, ctx, current, item.debtor, item.patch);
      else fresh.push({ index, values: newInvoiceValues(ctx, item.number, item.debtor, item.patch) });
    });
  }

  for (const part of chunk(fresh, 500)) {
    const created = await tx
      .insert(invoices)
      .values(part.map((p) => p.values))
      .onConflictDoNothing()
      .returning();
    const byNumber = new Map(created.map((invoice) => [invoice.number, invoice]));
    await audit(tx, ...created.map((invoice) => invoiceCreatedEvent(ctx, invoice)));
    for (const { index } of part) {
      const invoice = byNumber.get(items[index].number);
      if (invoice) results[index] = { invoice, outcome: 'created' };
      // Created concurrently since we looked: take the one-by-one path for it.
      else {
        const item = items[index];
        results[index] = await atItem(index, () => upsertInvoice(tx, ctx, item.number, item.debtor, item.patch));
      }
    }
  }
  return results as { invoice: Invoice; outcome: UpsertOutcome }[];
}

async function updateInvoice(
  tx: Tx,
  ctx: IntakeContext,
  existing: Invoice,
  debtor: Debtor,
  patch: InvoicePatch,
): Promise<{ invoice: Invoice; outcome: UpsertOutcome }> {
  const now = ctx.clock.now();
  const next: Partial<Invoice> = {
    debtorId: debtor.id,
    issueDate: patch.issueDate,
    dueDate: patch.dueDate,
    currency: patch.currency,
    paymentReference:
      patch.paymentReference ??
      existing.paymentReference ??
      generatedPaymentReference(ctx.organizationId, existing.number),
  };
  if (patch.lines !== undefined) next.lines = patch.lines;
  if (patch.description !== undefined) next.description = patch.description;
  if (patch.externalRef !== undefined) next.externalRef = patch.externalRef;

  const totalChanged = patch.totalCents !== existing.totalCents;
  const debtorChanged = debtor.id !== existing.debtorId;
  const scheduleChanged = debtorChanged || patch.dueDate !== existing.dueDate;

  if (debtorChanged && (await allocatedCents(tx, existing.id)) !== 0) {
    throw new IntakeError(
      'conflict',
      'debtor_change_after_payment',
      'This invoice already has payments; it cannot move to another debtor.',
      'debtor.externalRef',
    );
  }

  // A new total changes what is owed, which may settle or re-open the invoice: the ledger's call.
  let current = existing;
  let changes: Record<string, { from: unknown; to: unknown }> = {};
  let reopened = false;
  if (totalChanged) {
    try {
      const revision = await reviseInvoiceAmounts(
        tx,
        {
          invoice: existing,
          totalCents: patch.totalCents,
          actor: ctx.actor,
          nextActionAtIfReopened: nextActionFor(ctx.policy[debtor.kind], patch.dueDate, existing.dunningStage),
        },
        { clock: ctx.clock },
      );
      current = revision.invoice;
      changes = { ...revision.changes };
      reopened = revision.reopened;
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'total_below_paid') {
        throw new IntakeError('conflict', 'total_below_paid', error.message, 'totalCents');
      }
      throw error;
    }
  }
  if (current.status === 'open' && scheduleChanged && !reopened) {
    next.nextActionAt = nextActionFor(ctx.policy[debtor.kind], patch.dueDate, current.dunningStage);
  }

  const fieldChanges: Record<string, { from: unknown; to: unknown }> = {};
  for (const [field, value] of Object.entries(next) as [keyof Invoice, unknown][]) {
    if (!sameValue(current[field], value)) fieldChanges[field] = { from: current[field], to: value };
  }
  Object.assign(changes, fieldChanges);
  if (Object.keys(changes).length === 0) return { invoice: existing, outcome: 'unchanged' };

  if (Object.keys(fieldChanges).length > 0) {
    [current] = await tx
      .update(invoices)
      .set({ ...next, updatedAt: now })
      .where(eq(invoices.id, existing.id))
      .returning();
  }
  await audit(tx, {
    organizationId: ctx.organizationId,
    actor: ctx.actor,
    action: 'invoice.updated',
    entityType: 'invoice',
    entityId: existing.id,
    debtorId: debtor.id,
    invoiceId: existing.id,
    data: { source: ctx.source, number: existing.number, changes: auditable(changes) },
  });
  return { invoice: current, outcome: 'updated' };
}

// --- helpers ---------------------------------------------------------------------------

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    return canonical(a) === canonical(b);
  }
  return a === b;
}

/** JSON with sorted keys: jsonb hands objects back in its own key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)))
      : v,
  );
}

function auditable(changes: Record<string, { from: unknown; to: unknown }>) {
  // Lines can be long; the audit trail notes that they changed, not every line twice.
  if (!changes.lines) return changes;
  return { ...changes, lines: { from: '(previous lines)', to: '(new lines)' } };
}
