import { createHash, randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import {
  debtors,
  files,
  invoices,
  organizations,
  paymentAllocations,
  payments,
  type Debtor,
  type DunningPolicy,
  type Invoice,
  type InvoiceLine,
  type NewDebtor,
  type NewInvoice,
  type Payment,
} from '../../../db/schema';
import { systemClock, type Clock } from '../../utils/clock';
import {
  hasForbiddenControlChars,
  isAmountWithinLimit,
  isDateWithinLimits,
  MAX_AMOUNT_CENTS,
  MAX_DATE,
  MIN_DATE,
} from '../../utils/limits';
import type { Tx } from '../../utils/db.server';
import { audit, type Actor, type AuditInput } from '../audit/index.server';
import { nextActionFor } from '../dunning/index';
import {
  LEDGER_SOURCES,
  LedgerError,
  owedCents,
  recordLedgerEntry,
  reviseInvoiceAmounts,
  type LedgerSource,
} from '../ledger/index.server';
import type { DebtorResourceData, InvoiceResourceData, PaymentResourceData } from './api-schemas';
import { PDF_BODY_LIMIT_BYTES } from './limits';
import { makeBetalingskenmerk } from '../payments/index';

/**
 * Invoice intake: the one place where debtors and invoices from the API, CSV and UBL
 * uploads are created or updated, so all three doors share idempotency, scheduling and
 * audit rules. Every function takes the transaction it runs in; callers group them.
 */

export type IntakeErrorKind = 'not_found' | 'conflict' | 'invalid';

/** A refusal the caller shows: the API maps `kind` to 404/409/400, imports to a row error. */
export class IntakeError extends Error {
  constructor(
    readonly kind: IntakeErrorKind,
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

export type IntakeSource = 'api' | 'csv' | 'ubl';
export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

export type IntakeContext = {
  organizationId: string;
  actor: Actor;
  source: IntakeSource;
  clock: Clock;
  policy: DunningPolicy;
};

export async function loadIntakeContext(
  tx: Tx,
  input: { organizationId: string; actor: Actor; source: IntakeSource; clock?: Clock },
): Promise<IntakeContext> {
  const [org] = await tx
    .select({ policy: organizations.dunningPolicy })
    .from(organizations)
    .where(eq(organizations.id, input.organizationId));
  if (!org) throw new IntakeError('not_found', 'not_found', 'Unknown organization.');
  return {
    organizationId: input.organizationId,
    actor: input.actor,
    source: input.source,
    clock: input.clock ?? systemClock,
    policy: org.policy,
  };
}

// --- debtors ---------------------------------------------------------------------------

/**
 * What to write on a debtor. `undefined` leaves a field as it is on an existing debtor
 * (and takes the column default on a new one); `null` clears it.
 */
export type DebtorPatch = {
  kind?: Debtor['kind'];
  name?: string;
  email?: string;
  locale?: string;
  contactName?: string | null;
  phone?: string | null;
  addressLine?: string | null;
  postalCode?: string | null;
  city?: string | null;
  country?: string;
  vatNumber?: string | null;
};

const DEBTOR_PATCH_FIELDS = [
  'kind',
  'name',
  'email',
  'locale',
  'contactName',
  'phone',
  'addressLine',
  'postalCode',
  'city',
  'country',
  'vatNumber',
] as const satisfies ReadonlyArray<keyof DebtorPatch>;

export async function findDebtor(tx: Tx, organizationId: string, externalRef: string, lock = false) {
  const query = tx
    .select()
    .from(debtors)
    .where(and(eq(debtors.organizationId, organizationId), eq(debtors.externalRef, externalRef)))
    .limit(1);
  const [row] = lock ? await query.for('update') : await query;
  return row ?? null;
}

function newDebtorValues(ctx: IntakeContext, externalRef: string, patch: DebtorPatch): NewDebtor {
  const given = Object.fromEntries(
    DEBTOR_PATCH_FIELDS.filter((field) => patch[field] !== undefined).map((field) => [field, patch[field]]),
  );
  const now = ctx.clock.now();
  return {
    organizationId: ctx.organizationId,
    externalRef,
    kind: patch.kind!,
    name: patch.name!,
    email: patch.email!,
    ...given,
    createdAt: now,
    updatedAt: now,
  };
}

/** The last guard against control characters in a debtor's text (the doors refuse them with their own messages). */
function checkDebtorText(externalRef: string, patch: DebtorPatch) {
  const fields: [string, string | null | undefined][] = [
    ['externalRef', externalRef],
    ...DEBTOR_PATCH_FIELDS.filter((field) => field !== 'kind').map(
      (field) => [field, patch[field]] as [string, string | null | undefined],
    ),
  ];
  for (const [field, value] of fields) {
    if (value && hasForbiddenControlChars(value, 'line')) {
      throw new IntakeError('invalid', 'control_characters', 'No control characters (such as NUL).', field);
    }
  }
}

function debtorCreatedEvent(ctx: IntakeContext, debtor: Debtor): AuditInput {
  return {
    organizationId: ctx.organizationId,
    actor: ctx.actor,
    action: 'debtor.created',
    entityType: 'debtor',
    entityId: debtor.id,
    debtorId: debtor.id,
    data: { source: ctx.source, externalRef: debtor.externalRef },
  };
}

/** Creates or updates the debtor with this external reference; writes nothing when nothing changes. */
export async function upsertDebtor(
  tx: Tx,
  ctx: IntakeContext,
  externalRef: string,
  patch: DebtorPatch,
): Promise<{ debtor: Debtor; outcome: UpsertOutcome }> {
  checkDebtorText(externalRef, patch);
  for (let attempt = 0; ; attempt++) {
    const existing = await findDebtor(tx, ctx.organizationId, externalRef, true);
    if (existing) return updateDebtor(tx, ctx, existing, patch);

    if (patch.kind === undefined || patch.name === undefined || patch.email === undefined) {
      throw new IntakeError(
        'invalid',
        'debtor_incomplete',
        'A new debtor needs at least kind, name and email.',
        patch.email === undefined ? 'email' : patch.name === undefined ? 'name' : 'kind',
      );
    }
    const [created] = await tx
      .insert(debtors)
      .values(newDebtorValues(ctx, externalRef, patch))
      .onConflictDoNothing()
      .returning();
    // Another request created the same debtor between our look and our insert: update that one.
    if (!created) {
      if (attempt > 0) throw new Error(`debtor ${externalRef} keeps conflicting`);
      continue;
    }
    await audit(tx, debtorCreatedEvent(ctx, created));
    return { debtor: created, outcome: 'created' };
  }
}

/**
 * Debtors for many external references at once (the first patch per reference wins):
 * existing ones locked in one query and updated when their patch differs, new ones
 * inserted in chunks.
 */
export async function upsertDebtors(
  tx: Tx,
  ctx: IntakeContext,
  items: { externalRef: string; patch: DebtorPatch }[],
): Promise<Map<string, { debtor: Debtor; outcome: UpsertOutcome }>> {
  for (const item of items) checkDebtorText(item.externalRef, item.patch);
  const results = new Map<string, { debtor: Debtor; outcome: UpsertOutcome }>();
  const existing = new Map<string, Debtor>();
  for (const refs of chunk(
    items.map((item) => item.externalRef),
    1000,
  )) {
    const rows = await tx
      .select()
      .from(debtors)
      .where(and(eq(debtors.organizationId, ctx.organizationId), inArray(debtors.externalRef, refs)))
      .for('update');
    for (const row of rows) existing.set(row.externalRef!, row);
  }
  const fresh: { index: number; externalRef: string; patch: DebtorPatch }[] = [];
  const seen = new Set<string>();
  for (const [index, item] of items.entries()) {
    if (seen.has(item.externalRef)) continue;
    seen.add(item.externalRef);
    const current = existing.get(item.externalRef);
    if (current) results.set(item.externalRef, await updateDebtor(tx, ctx, current, item.patch));
    else fresh.push({ index, ...item });
  }
  for (const part of chunk(fresh, 500)) {
    const complete = part.filter(({ patch }) => patch.kind && patch.name && patch.email);
    const created = complete.length
      ? await tx
          .insert(debtors)
          .values(complete.map(({ externalRef, patch }) => newDebtorValues(ctx, externalRef, patch)))
          .onConflictDoNothing()
          .returning()
      : [];
    await audit(tx, ...created.map((debtor) => debtorCreatedEvent(ctx, debtor)));
    for (const debtor of created) results.set(debtor.externalRef!, { debtor, outcome: 'created' });
    // Incomplete patches (an error to report) and concurrent creations go one by one.
    for (const { index, externalRef, patch } of part) {
      if (results.has(externalRef)) continue;
      results.set(externalRef, await atItem(index, () => upsertDebtor(tx, ctx, externalRef, patch)));
    }
  }
  return results;
}

async function updateDebtor(
  tx: Tx,
  ctx: IntakeContext,
  existing: Debtor,
  patch: DebtorPatch,
): Promise<{ debtor: Debtor; outcome: UpsertOutcome }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const set: Partial<Debtor> = {};
  for (const field of DEBTOR_PATCH_FIELDS) {
    const next = patch[field];
    if (next === undefined || next === existing[field]) continue;
    changes[field] = { from: existing[field], to: next };
    Object.assign(set, { [field]: next });
  }
  if (Object.keys(changes).length === 0) return { debtor: existing, outcome: 'unchanged' };
  // A new address is a fresh start: the block was for the address that bounced.
  if (changes.email && existing.emailBlockedAt) {
    changes.emailBlockedAt = { from: existing.emailBlockedAt, to: null };
    set.emailBlockedAt = null;
  }
  const [updated] = await tx
    .update(debtors)
    .set({ ...set, updatedAt: ctx.clock.now() })
    .where(eq(debtors.id, existing.id))
    .returning();
  await audit(tx, {
    organizationId: ctx.organizationId,
    actor: ctx.actor,
    action: 'debtor.updated',
    entityType: 'debtor',
    entityId: existing.id,
    debtorId: existing.id,
    data: { source: ctx.source, changes },
  });
  return { debtor: updated, outcome: 'updated' };
}

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
    .where(and(eq(invoices.organizationId, organizationId), eq(invoices.number, number)))
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
      .where(and(eq(invoices.organizationId, ctx.organizationId), inArray(invoices.number, numbers)))
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

/** Marks an IntakeError with the position of the item that caused it. */
export class IntakeItemError extends Error {
  constructor(
    readonly index: number,
    readonly intakeError: IntakeError,
  ) {
    super(`item ${index}: ${intakeError.message}`);
  }
}

async function atItem<T>(index: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof IntakeError) throw new IntakeItemError(index, error);
    throw error;
  }
}

function chunk<T>(values: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size));
  return chunks;
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

// --- PDF -------------------------------------------------------------------------------

export const PDF_MAGIC = '%PDF-';

export function looksLikePdf(bytes: Uint8Array): boolean {
  return bytes.byteLength >= PDF_MAGIC.length && Buffer.from(bytes.subarray(0, 5)).toString('latin1') === PDF_MAGIC;
}

/** Stores the invoice's PDF in `files` and points the invoice at it; the same bytes again change nothing. */
export async function attachInvoicePdf(
  tx: Tx,
  ctx: IntakeContext,
  invoice: Invoice,
  bytes: Uint8Array,
  filename?: string,
): Promise<{ outcome: UpsertOutcome; fileId: string }> {
  if (!looksLikePdf(bytes)) {
    throw new IntakeError('invalid', 'invalid_pdf', 'The file is not a PDF (it does not start with "%PDF-").');
  }
  if (bytes.byteLength > PDF_BODY_LIMIT_BYTES) {
    throw new IntakeError('invalid', 'pdf_too_large', `The PDF is larger than ${PDF_BODY_LIMIT_BYTES} bytes.`);
  }
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (invoice.pdfFileId) {
    const [current] = await tx
      .select({ sha256: files.sha256 })
      .from(files)
      .where(and(eq(files.id, invoice.pdfFileId), eq(files.organizationId, ctx.organizationId)));
    if (current?.sha256 === digest) return { outcome: 'unchanged', fileId: invoice.pdfFileId };
  }
  const [file] = await tx
    .insert(files)
    .values({
      organizationId: ctx.organizationId,
      filename: safeFilename(filename ?? `${invoice.number}.pdf`),
      contentType: 'application/pdf',
      sizeBytes: bytes.byteLength,
      sha256: digest,
      data: Buffer.from(bytes),
    })
    .returning({ id: files.id });
  await tx.update(invoices).set({ pdfFileId: file.id, updatedAt: ctx.clock.now() }).where(eq(invoices.id, invoice.id));
  if (invoice.pdfFileId) {
    // The replaced PDF goes, unless something else still points at it.
    await tx
      .delete(files)
      .where(
        and(
          eq(files.id, invoice.pdfFileId),
          sql`not exists (select 1 from ${invoices} where ${invoices.pdfFileId} = ${files.id})`,
        ),
      );
  }
  await audit(tx, {
    organizationId: ctx.organizationId,
    actor: ctx.actor,
    action: 'invoice.pdf_attached',
    entityType: 'invoice',
    entityId: invoice.id,
    debtorId: invoice.debtorId,
    invoiceId: invoice.id,
    data: { source: ctx.source, fileId: file.id, sizeBytes: bytes.byteLength, sha256: digest },
  });
  return { outcome: invoice.pdfFileId ? 'updated' : 'created', fileId: file.id };
}

function safeFilename(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._ -]+/g, '_').slice(0, 150);
  return /\.pdf$/i.test(cleaned) ? cleaned : `${cleaned}.pdf`;
}

// --- settle outside the portal ---------------------------------------------------------

export type SettleRequest = { outcome: 'paid' | 'credited'; amountCents?: number; reference?: string };

const SETTLE_KEY_PREFIX = 'api-settle:';

function settleKey(invoiceId: string, reference: string) {
  return `${SETTLE_KEY_PREFIX}${invoiceId}:${reference}`;
}

/** The caller's reference of a payment recorded through settle, read back from its idempotency key. */
function settleReference(payment: Pick<Payment, 'idempotencyKey'>, invoiceIds: string[]): string | null {
  const key = payment.idempotencyKey;
  if (!key?.startsWith(SETTLE_KEY_PREFIX)) return null;
  const rest = key.slice(SETTLE_KEY_PREFIX.length);
  const invoiceId = invoiceIds.find((id) => rest.startsWith(`${id}:`));
  return invoiceId ? rest.slice(invoiceId.length + 1) : null;
}

/**
 * Records money received (or a credit note issued) outside the portal, as a ledger entry
 * (source `external` or `credit_note`) on this one invoice: allocated to its collection costs,
 * then interest, then principal (art. 6:44 BW), up to everything it owes; settled when nothing
 * is left, with everything that follows (pauses, disputes, the debtor's email for a payment).
 * More than is owed is refused (409 amount_exceeds_owed, naming what is owed). A repeated
 * `reference` returns the first result unchanged.
 */
export async function settleInvoice(
  tx: Tx,
  ctx: IntakeContext,
  number: string,
  request: SettleRequest,
): Promise<{ invoice: Invoice; payment: Payment; outcome: 'created' | 'unchanged' }> {
  const invoice = await findInvoice(tx, ctx.organizationId, number, true);
  if (!invoice) throw new IntakeError('not_found', 'not_found', `No invoice ${number}.`);
  const source = request.outcome === 'paid' ? 'external' : 'credit_note';
  const key = request.reference ? settleKey(invoice.id, request.reference) : settleKey(invoice.id, randomUUID());

  if (request.reference) {
    // Settlements before the ledger kept the key in idempotency_key; the ledger keeps it per source.
    const [earlier] = await tx
      .select()
      .from(payments)
      .where(
        and(
          eq(payments.organizationId, ctx.organizationId),
          or(
            eq(payments.idempotencyKey, key),
            and(inArray(payments.provider, ['external', 'credit_note']), eq(payments.providerPaymentId, key)),
          ),
        ),
      )
      .limit(1);
    if (earlier) {
      if (
        earlier.provider !== source ||
        (request.amountCents !== undefined && request.amountCents !== earlier.amountCents)
      ) {
        throw new IntakeError(
          'conflict',
          'reference_reused',
          'This reference was already used for a different settlement of this invoice.',
          'reference',
        );
      }
      return { invoice, payment: earlier, outcome: 'unchanged' };
    }
  }

  const owed = owedCents(invoice);
  if (invoice.status !== 'open' || owed <= 0) {
    throw new IntakeError('conflict', 'not_open', `Invoice ${number} is ${invoice.status}; nothing is owed.`);
  }
  const amount = request.amountCents ?? owed;
  if (amount > owed) throw amountExceedsOwed(invoice, owed);

  let booked;
  try {
    booked = await recordLedgerEntry(
      tx,
      {
        organizationId: ctx.organizationId,
        debtorId: invoice.debtorId,
        source,
        amountCents: amount,
        targets: [{ invoiceId: invoice.id }],
        restAsCredit: false,
        key,
        reference: request.reference ?? null,
        actor: ctx.actor,
        origin: { kind: 'api', id: invoice.id },
      },
      { clock: ctx.clock },
    );
  } catch (error) {
    if (error instanceof LedgerError && error.code === 'exceeds_owed') throw amountExceedsOwed(invoice, owed);
    throw error;
  }
  const updated = (await findInvoice(tx, ctx.organizationId, number)) ?? invoice;
  return { invoice: updated, payment: booked.payment, outcome: booked.changed ? 'created' : 'unchanged' };
}

function amountExceedsOwed(invoice: Invoice, owed: number) {
  const parts = [
    `${invoice.openCents} open`,
    ...(invoice.costsCents > 0 ? [`${invoice.costsCents} collection costs`] : []),
    ...(invoice.interestCents > 0 ? [`${invoice.interestCents} interest`] : []),
  ];
  return new IntakeError(
    'conflict',
    'amount_exceeds_owed',
    `The amount is more than the ${owed} cents owed on invoice ${invoice.number} (${parts.join(' + ')}).`,
    'amountCents',
  );
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
    .where(and(eq(invoices.organizationId, organizationId), eq(invoices.id, invoiceId)));
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
        eq(payments.organizationId, organizationId),
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
          .where(and(eq(paymentAllocations.organizationId, organizationId), inArray(paymentAllocations.paymentId, ids)))
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
    .where(and(eq(payments.organizationId, organizationId), inArray(payments.id, ids)));
  const allocations = await tx
    .select({
      paymentId: paymentAllocations.paymentId,
      invoiceId: paymentAllocations.invoiceId,
      invoiceNumber: invoices.number,
      amountCents: paymentAllocations.amountCents,
    })
    .from(paymentAllocations)
    .innerJoin(invoices, eq(invoices.id, paymentAllocations.invoiceId))
    .where(and(eq(paymentAllocations.organizationId, organizationId), inArray(paymentAllocations.paymentId, ids)));
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
