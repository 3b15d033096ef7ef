/**
 * The ledger: the ONE place where money reaches invoices. It alone writes payments' money and
 * status, payment_allocations, debtors' credit, and invoices' open amount, costs, interest and
 * settlement (paid / credited / written off / re-opened). app/modules/ledger/one-writer.test.ts
 * fails when any other file tries.
 *
 * Sources, each a typed entry through one function:
 * - provider payments (Stripe, Mollie, demo) started in the portal: applyPaymentStatus /
 *   applyProviderSnapshot move the payment; refunds and chargebacks go through recordReversal;
 * - recordLedgerEntry: bank transfers (bank statements), external settlements (API), credit
 *   notes (disputes, API), write-offs, and spending the debtor's credit; recordLedgerEntries books
 *   many of them at once (a bank statement's lines) with the same rules and results, set-based;
 * - reverseLedgerEntry: (part of) an earlier entry comes back (returned transfer, refund, chargeback);
 * - reviseInvoiceAmounts: the creditor changed an invoice's total, which can settle or re-open it.
 *
 * Every entry is allocated by one rule (./allocate.ts): the chosen invoices in order, else the
 * debtor's open invoices oldest due first; within an invoice costs, then interest, then the
 * principal (art. 6:44 BW); the rest becomes debtor credit or is refused. An invoice owing
 * nothing more is settled: `credited` by a credit note, `written_off` by a write-off, else `paid`.
 * One exception, asked for by the caller: a correction (a dispute's credit note saying the invoice
 * was too high) lowers the principal only, and the costs and interest go down to what dunning
 * computes for the lower principal (LedgerEntryInput.correction).
 *
 * Everything a change means commits with it, in the caller's transaction: rows locked (payment,
 * then invoices in id order, then the debtor), amounts, allocations, audit events, the "payment
 * received" email job (money-in sources), and one ledger event per booking to the subscribers
 * (./ledger-events.server: dunning pauses, disputes, plans, transfer notices; a batch's events
 * reach them in one delivery).
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import {
  debtors,
  invoices,
  organizations,
  paymentAllocations,
  payments,
  type Invoice,
  type Organization,
  type Payment,
} from '~db/schema';
import { amsterdamDate, systemClock, type Clock } from '~/utils/clock';
import { getDb, sendInOrder, type Tx } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { hasForbiddenControlChars, MAX_AMOUNT_CENTS } from '~/utils/limits';
import { audit, prepareAudit, type Actor, type AuditAction, type AuditInput } from '~/modules/audit/index.server';
import { issuePortalLink } from '~/modules/links/index.server';
import { debtorEmailPropsFrom, emailLocale, queueCommunication } from '~/modules/mail/index.server';
import {
  allocate,
  allocateToPrincipal,
  oldestDueFirst,
  owedOf,
  unallocate,
  type Allocation,
  type AllocationInvoice,
} from './allocate';
import {
  emitLedgerEvent,
  emitLedgerEvents,
  loadResumeRule,
  type AllocationRow,
  type LedgerEvent,
  type LedgerOrigin,
  type PaymentStatus,
} from './ledger-events.server';
import type { ProviderPaymentStatus, ProviderSnapshot } from './provider-snapshot';
import { isUuid } from '~/utils/ids';
import { orgScope, debtorScope } from '~/utils/org-scope.server';

export {
  offLedgerEvent,
  onLedgerEvent,
  type AllocationRow,
  type LedgerEvent,
  onLedgerEvents,
  type LedgerBatchListener,
  type LedgerListener,
  type LedgerMoneyEvent,
  type LedgerOrigin,
  type LedgerRevisionEvent,
  type PaymentStatus,
} from './ledger-events.server';

export type ProviderData = {
  /** The amount the provider says it received (defaults to the payment's amount). */
  amountCents?: number;
  providerPaymentId?: string;
  providerReference?: string;
  providerStatus?: string;
  method?: string | null;
  /** Why it failed, for staff. */
  reason?: string;
};
export type LedgerOptions = {
  clock?: Clock;
  /** Run inside the caller's transaction (the caller's changes and the ledger's commit together). */
  tx?: Tx;
  /** Who caused the change (default: the payment's provider). */
  actor?: Actor;
};

export type StatusResult = {
  changed: boolean;
  payment: Payment;
  previousStatus: PaymentStatus;
  /** The allocations this call wrote (empty unless it settled the payment). */
  allocations: AllocationRow[];
  creditedCents: number;
  /** Invoices this call settled in full. */
  settledInvoiceIds: string[];
};

export type ReversalResult = {
  changed: boolean;
  payment: Payment;
  /** Amount reversed by this call. */
  amountCents: number;
  allocations: AllocationRow[];
  reopenedInvoiceIds: string[];
};

/** The sources that book through recordLedgerEntry (provider payments come in through their checkout). */
export type LedgerSource = 'bank_transfer' | 'external' | 'credit_note' | 'write_off' | 'debtor_credit';
export const LEDGER_SOURCES: readonly LedgerSource[] = [
  'bank_transfer',
  'external',
  'credit_note',
  'write_off',
  'debtor_credit',
];

export type LedgerEntryInput = {
  organizationId: string;
  debtorId: string;
  source: LedgerSource;
  /** > 0, whole cents. */
  amountCents: number;
  /** The invoices chosen, in order, each with an optional cap; absent = the debtor's open invoices, oldest due first. */
  targets?: { invoiceId: string; amountCents?: number }[];
  /** What no invoice takes becomes debtor credit; false = LedgerError('exceeds_owed'), nothing written. */
  restAsCredit: boolean;
  /**
   * Idempotency, unique per source across ALL organisations (stored as payments.provider_payment_id,
   * under the unique (provider, provider_payment_id) index): build it from an id of your own (the
   * bank entry's id, `dispute:<id>`). A repeat books nothing and returns the first result.
   */
  key: string;
  /** The caller's own reference (bank end-to-end id, credit note number), shown back in the API. */
  reference?: string | null;
  method?: string | null;
  actor: Actor;
  /** What this entry settles on behalf of (e.g. the dispute a credit note resolves); passed to subscribers. */
  origin?: LedgerOrigin | null;
  /**
   * A credit note that corrects the invoice instead of paying it (a dispute's credit): it lowers the
   * principal only (at most the open principal; more is `exceeds_owed`), and the invoice then owes
   * at most these costs and interest, the ones dunning computes for the lower principal
   * (dunning's `claimAfterCorrection`). Amounts only go down; what they drop by is waived, not paid.
   * Only with source `credit_note` and exactly one target. Without it a credit note is allocated
   * like any money (art. 6:44 BW).
   */
  correction?: { costsCents: number; interestCents: number } | null;
};

export type LedgerEntryResult = {
  changed: boolean;
  payment: Payment;
  allocations: AllocationRow[];
  creditedCents: number;
  settledInvoiceIds: string[];
};

export type LedgerErrorCode =
  | 'payment_not_found'
  | 'not_paid'
  | 'invalid_entry'
  | 'debtor_not_found'
  | 'invoice_not_found'
  | 'exceeds_owed'
  | 'insufficient_credit'
  | 'key_reused'
  | 'exceeds_reversible'
  | 'total_below_paid';

export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    /** Numbers the caller may show: what is owed, the credit there is, what is left to reverse... */
    readonly detail: { owedCents?: number; creditCents?: number; reversibleCents?: number; paidCents?: number } = {},
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

/** Statuses that mean the money arrived (possibly since partly or wholly given back). */
const SETTLED: ReadonlySet<PaymentStatus> = new Set(['paid', 'refunded', 'charged_back']);
const UNSUCCESSFUL: ReadonlySet<PaymentStatus> = new Set(['failed', 'canceled', 'expired']);
/** Sources that are not money from the debtor: no "payment received" email. */
const NOT_MONEY_IN: ReadonlySet<Payment['provider']> = new Set(['credit_note', 'write_off', 'debtor_credit']);

export function isSettledStatus(status: PaymentStatus) {
  return SETTLED.has(status);
}

export function isFinalStatus(status: PaymentStatus) {
  return SETTLED.has(status) || UNSUCCESSFUL.has(status);
}

/** What an invoice still owes: principal, collection costs and interest. */
export function owedCents(invoice: Pick<Invoice, 'openCents' | 'costsCents' | 'interestCents'>) {
  return owedOf(invoice);
}

/** The status of an invoice that a source leaves owing nothing. */
export function settledStatusFor(source: Payment['provider']): 'paid' | 'credited' | 'written_off' {
  return source === 'credit_note' ? 'credited' : source === 'write_off' ? 'written_off' : 'paid';
}

function inTransaction<T>(tx: Tx | undefined, work: (tx: Tx) => Promise<T>): Promise<T> {
  return tx ? work(tx) : getDb().transaction(work);
}

async function lockPayment(tx: Tx, paymentId: string, organizationId?: string): Promise<Payment> {
  if (!isUuid(paymentId)) throw new LedgerError('payment_not_found', `no payment ${paymentId}`);
  const [payment] = await tx
    .select()
    .from(payments)
    .where(and(eq(payments.id, paymentId), organizationId ? orgScope(payments, organizationId) : undefined))
    .for('update');
  if (!payment) throw new LedgerError('payment_not_found', `no payment ${paymentId}`);
  return payment;
}

// --- locking and allocating ------------------------------------------------------------

type Targets = { rows: Map<string, Invoice>; order: AllocationInvoice[] };

/** What the ledger reads of an invoice it books on (and writes back: amounts and settlement). */
type LedgerInvoice = Pick<
  Invoice,
  | 'id'
  | 'organizationId'
  | 'debtorId'
  | 'number'
  | 'dueDate'
  | 'status'
  | 'openCents'
  | 'costsCents'
  | 'interestCents'
  | 'settledAt'
  | 'nextActionAt'
  | 'updatedAt'
>;

/** An invoice as the allocation sees it: a settled one owes nothing more. */
function owing(invoice: LedgerInvoice, capCents?: number): AllocationInvoice {
  const open = invoice.status === 'open';
  return {
    invoiceId: invoice.id,
    openCents: open ? invoice.openCents : 0,
    costsCents: open ? invoice.costsCents : 0,
    interestCents: open ? invoice.interestCents : 0,
    ...(capCents !== undefined ? { capCents } : {}),
  };
}

/**
 * Locks the invoices money may go to (in id order, as every ledger path does, so two bookings
 * never deadlock) and puts them in allocation order: the chosen ones as chosen, else every open
 * invoice of the debtor oldest due first. `strict`: an invoice chosen that is not this debtor's
 * is an error (ledger entries); otherwise it is skipped (a provider payment's stored intent).
 */
async function lockTargets(
  tx: Tx,
  scope: { organizationId: string; debtorId: string },
  chosen: { invoiceId: string; amountCents?: number }[] | undefined,
  { strict }: { strict: boolean },
): Promise<Targets> {
  const own = and(debtorScope(invoices, scope));
  if (chosen && chosen.length > 0) {
    const ids = [...new Set(chosen.map((c) => c.invoiceId))];
    const locked = await tx
      .select()
      .from(invoices)
      .where(and(own, inArray(invoices.id, ids)))
      .orderBy(asc(invoices.id))
      .for('update');
    const rows = new Map(locked.map((r) => [r.id, r]));
    if (strict && rows.size !== ids.length) {
      const missing = ids.find((id) => !rows.has(id));
      throw new LedgerError('invoice_not_found', `invoice ${missing} is not an invoice of this debtor`);
    }
    const order = chosen.flatMap((c) => {
      const invoice = rows.get(c.invoiceId);
      return invoice ? [owing(invoice, c.amountCents)] : [];
    });
    return { rows, order };
  }
  const locked = await tx
    .select()
    .from(invoices)
    .where(and(own, eq(invoices.status, 'open')))
    .orderBy(asc(invoices.id))
    .for('update');
  return {
    rows: new Map(locked.map((r) => [r.id, r])),
    order: oldestDueFirst(locked).map((invoice) => owing(invoice)),
  };
}

function allocationOf(amountCents: number, order: AllocationInvoice[]): Allocation {
  return amountCents > 0 ? allocate(amountCents, order) : { lines: [], restCents: 0 };
}

// --- booking -----------------------------------------------------------------------------

type BookingContext = {
  /** A correction (LedgerEntryInput.correction): the invoice's costs and interest after it, at most. */
  claimAfter?: { costsCents: number; interestCents: number } | null;
  paymentId: string;
  organizationId: string;
  debtorId: string;
  source: Payment['provider'];
  actor: Actor;
  now: Date;
};

type AppliedAllocation = {
  allocations: AllocationRow[];
  settledInvoiceIds: string[];
  /** One audit event per invoice the money reached. */
  invoiceEvents: AuditInput[];
};

/**
 * Applies an allocation to locked invoices held in memory (`rows`, changed in place, so the next
 * booking of a batch sees what this one left), and says what it means: the allocation rows, the
 * invoices it settled (`credited` by a credit note, `written_off` by a write-off, else `paid`) and
 * the invoices' audit events. `changed` collects the ids of the invoices to write.
 */
function applyAllocation<I extends LedgerInvoice>(
  rows: Map<string, I>,
  allocation: Allocation,
  b: BookingContext,
  changed: Set<string>,
): AppliedAllocation {
  const settledStatus = settledStatusFor(b.source);
  const allocations: AllocationRow[] = [];
  const settledInvoiceIds: string[] = [];
  const invoiceEvents: AuditInput[] = [];
  for (const line of allocation.lines) {
    const invoice = rows.get(line.invoiceId)!;
    const next = {
      openCents: invoice.openCents - line.principalCents,
      costsCents: invoice.costsCents - line.costsCents,
      interestCents: invoice.interestCents - line.interestCents,
    };
    // A correction lowers costs and interest to what the lower principal carries (never raises them).
    const waived = b.claimAfter
      ? {
          costsCents: Math.max(0, next.costsCents - b.claimAfter.costsCents),
          interestCents: Math.max(0, next.interestCents - b.claimAfter.interestCents),
        }
      : null;
    if (waived) {
      next.costsCents -= waived.costsCents;
      next.interestCents -= waived.interestCents;
    }
    const settled = owedOf(next) === 0;
    rows.set(invoice.id, {
      ...invoice,
      ...next,
      updatedAt: b.now,
      ...(settled ? { status: settledStatus, settledAt: b.now, nextActionAt: null } : {}),
    });
    changed.add(invoice.id);
    allocations.push({
      invoiceId: line.invoiceId,
      amountCents: line.amountCents,
      costsCents: line.costsCents,
      interestCents: line.interestCents,
    });
    if (settled) settledInvoiceIds.push(invoice.id);
    invoiceEvents.push({
      organizationId: b.organizationId,
      actor: b.actor,
      action: settled ? `invoice.${settledStatus}` : partialAction(b.source),
      entityType: 'invoice',
      entityId: invoice.id,
      debtorId: b.debtorId,
      invoiceId: invoice.id,
      data: {
        paymentId: b.paymentId,
        source: b.source,
        amountCents: line.amountCents,
        costsCents: line.costsCents,
        interestCents: line.interestCents,
        openCents: next.openCents,
        owedCents: owedOf(next),
        ...(waived ? { costsWaivedCents: waived.costsCents, interestWaivedCents: waived.interestCents } : {}),
      },
      at: b.now,
    });
  }
  return { allocations, settledInvoiceIds, invoiceEvents };
}

/** A booking planned in memory, written by writeBookings. */
type PlannedBooking = AppliedAllocation & {
  /** The payment as it is after this booking (paid, its amount and credit). */
  payment: Payment;
  source: Payment['provider'];
  actor: Actor;
  /** The audit event of the payment itself. */
  paymentEvent: { action: AuditAction; data: Record<string, unknown> };
  from?: PaymentStatus;
  origin?: LedgerOrigin | null;
};

/** A Postgres array literal of UUIDs (checked by the caller) or other plain text, for `= any($1::uuid[])`. */
function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * What planned bookings mean, for every source alike, in a fixed number of statements whatever
 * their number: the invoices' amounts and settlement (their final state, one UPDATE), the
 * allocation rows (one INSERT), the debtors' credit (one UPDATE, summed per debtor), the audit
 * events (one audit() call), the "payment received" email jobs (one add_jobs call), then the
 * `booked` events to the subscribers (one delivery). Built here (no database work); `send` sends
 * the statements together (one round trip), `deliver` then delivers.
 */
function prepareBookingWrites(bookings: PlannedBooking[], invoicesToWrite: LedgerInvoice[], now: Date): BookingWrites {
  if (bookings.length === 0) return { send: async () => {}, deliver: async () => {} };
  const credit = creditChangesOf(bookings, now);
  // In this order on the wire; a write with nothing to do is left out.
  const writes = [
    invoicesUpdate(invoicesToWrite, now),
    allocationsInsert(bookings, now),
    debtorCreditUpdate(credit.byDebtor, now),
    paymentReceivedJobs(bookings),
  ].filter((statement): statement is SQL => statement !== null);
  const auditWrite = prepareAudit(...bookingAuditEvents(bookings, credit.events, now));
  const events = bookedEvents(bookings);
  return {
    // Independent of each other: sent together.
    send: async (tx) => {
      await Promise.all([...writes.map((statement) => tx.execute(statement)), audit(tx, auditWrite)]);
    },
    // The subscribers come after (they read what was written).
    deliver: (tx, clock) => emitLedgerEvents(tx, events, clock),
  };
}

/** The invoices' final state, written as held (the rows are locked: no need to read them back); none, no statement. */
function invoicesUpdate(invoicesToWrite: LedgerInvoice[], now: Date): SQL | null {
  if (invoicesToWrite.length === 0) return null;
  return sql`
        update invoices i set
          open_cents = u.open_cents, costs_cents = u.costs_cents, interest_cents = u.interest_cents,
          status = u.status::invoice_status, settled_at = u.settled_at, next_action_at = u.next_action_at,
          updated_at = ${now.toISOString()}::timestamptz
        from json_to_recordset(${JSON.stringify(
          invoicesToWrite.map((i) => ({
            id: i.id,
            organization_id: i.organizationId,
            open_cents: i.openCents,
            costs_cents: i.costsCents,
            interest_cents: i.interestCents,
            status: i.status,
            settled_at: iso(i.settledAt),
            next_action_at: iso(i.nextActionAt),
          })),
        )}::json) as u(id uuid, organization_id uuid, open_cents bigint, costs_cents bigint, interest_cents bigint,
                        status text, settled_at timestamptz, next_action_at timestamptz)
        where i.id = u.id and i.organization_id = u.organization_id`;
}

/** Every booking's allocation rows in one INSERT; none, no statement. */
function allocationsInsert(bookings: PlannedBooking[], now: Date): SQL | null {
  const allocationRows = bookings.flatMap((b) =>
    b.allocations.map((a) => ({
      organization_id: b.payment.organizationId,
      payment_id: b.payment.id,
      invoice_id: a.invoiceId,
      installment_id: b.payment.installmentId,
      amount_cents: a.amountCents,
      costs_cents: a.costsCents,
      interest_cents: a.interestCents,
    })),
  );
  if (allocationRows.length === 0) return null;
  return sql`
        insert into payment_allocations
          (organization_id, payment_id, invoice_id, installment_id, amount_cents, costs_cents, interest_cents, created_at)
        select u.organization_id, u.payment_id, u.invoice_id, u.installment_id, u.amount_cents, u.costs_cents,
          u.interest_cents, ${now.toISOString()}::timestamptz
        from json_to_recordset(${JSON.stringify(allocationRows)}::json)
          as u(organization_id uuid, payment_id uuid, invoice_id uuid, installment_id uuid, amount_cents bigint,
               costs_cents bigint, interest_cents bigint)`;
}

type CreditByDebtor = Map<string, { organizationId: string; change: number }>;

/**
 * What each booking does to its debtor's credit (spending credit takes the amount, anything else
 * adds the payment's rest): the change summed per debtor, and per booking its credit audit event.
 */
function creditChangesOf(bookings: PlannedBooking[], now: Date) {
  const events = new Map<PlannedBooking, AuditInput>();
  const byDebtor: CreditByDebtor = new Map();
  for (const b of bookings) {
    const { payment } = b;
    const change = b.source === 'debtor_credit' ? -payment.amountCents : payment.creditedCents;
    if (change === 0) continue;
    const sum = byDebtor.get(payment.debtorId) ?? { organizationId: payment.organizationId, change: 0 };
    sum.change += change;
    byDebtor.set(payment.debtorId, sum);
    events.set(b, {
      organizationId: payment.organizationId,
      actor: b.actor,
      action: change > 0 ? 'debtor.credit_added' : 'debtor.credit_used',
      entityType: 'debtor',
      entityId: payment.debtorId,
      debtorId: payment.debtorId,
      data: { paymentId: payment.id, amountCents: Math.abs(change) },
      at: now,
    });
  }
  return { byDebtor, events };
}

/** The debtors' credit moved by their summed change, in one UPDATE; no debtor whose credit moves, no statement. */
function debtorCreditUpdate(byDebtor: CreditByDebtor, now: Date): SQL | null {
  const credit = [...byDebtor].filter(([, c]) => c.change !== 0);
  if (credit.length === 0) return null;
  return sql`
        update debtors d set credit_cents = d.credit_cents + u.change, updated_at = ${now.toISOString()}::timestamptz
        from json_to_recordset(${JSON.stringify(
          credit.map(([id, c]) => ({ id, organization_id: c.organizationId, change: c.change })),
        )}::json) as u(id uuid, organization_id uuid, change bigint)
        where d.id = u.id and d.organization_id = u.organization_id`;
}

/** Per booking, in order: the payment's own event, its invoices' events, then its credit event if any. */
function bookingAuditEvents(
  bookings: PlannedBooking[],
  creditEvents: Map<PlannedBooking, AuditInput>,
  now: Date,
): AuditInput[] {
  return bookings.flatMap((b) => {
    const { payment } = b;
    const creditEvent = creditEvents.get(b);
    return [
      {
        action: b.paymentEvent.action,
        organizationId: payment.organizationId,
        actor: b.actor,
        entityType: 'payment',
        entityId: payment.id,
        debtorId: payment.debtorId,
        data: {
          ...b.paymentEvent.data,
          provider: b.source,
          amountCents: payment.amountCents,
          creditedCents: payment.creditedCents,
          allocations: b.allocations,
        },
        at: now,
      },
      ...b.invoiceEvents,
      ...(creditEvent ? [creditEvent] : []),
    ];
  });
}

/**
 * The "payment received" email jobs for money in (not credit notes, write-offs or credit use), in
 * one add_jobs call: the email is follow-up work, so the caller answers fast. None, no statement.
 */
function paymentReceivedJobs(bookings: PlannedBooking[]): SQL | null {
  const received = bookings.filter((b) => !NOT_MONEY_IN.has(b.source)).map((b) => b.payment.id);
  if (received.length === 0) return null;
  return sql`
        select count(*) from graphile_worker.add_jobs(array(
          select (${PAYMENT_RECEIVED_TASK}::text, json_build_object('paymentId', p.id), null::text,
                  null::timestamptz, 10::smallint, 'payment_received:' || p.id, null::smallint,
                  null::text[])::graphile_worker.job_spec
          from unnest(${pgArray(received)}::text[]) with ordinality as p(id, n)
          order by p.n))`;
}

/** The `booked` events the subscribers get, one per booking. */
function bookedEvents(bookings: PlannedBooking[]): LedgerEvent[] {
  return bookings.map((b) => ({
    kind: 'booked' as const,
    organizationId: b.payment.organizationId,
    debtorId: b.payment.debtorId,
    payment: b.payment,
    source: b.source,
    allocations: b.allocations,
    creditedCents: b.payment.creditedCents,
    settledInvoiceIds: b.settledInvoiceIds,
    reopenedInvoiceIds: [],
    origin: b.origin ?? null,
    actor: b.actor,
    ...(b.from !== undefined ? { from: b.from, to: 'paid' as const } : {}),
  }));
}

/** A plan's statements, built ahead: `send` writes (the payments rows excepted), `deliver` then tells the subscribers. */
type BookingWrites = {
  send: (tx: Tx) => Promise<void>;
  deliver: (tx: Tx, clock: Clock) => Promise<void>;
};

function partialAction(source: Payment['provider']) {
  return source === 'credit_note'
    ? 'invoice.partially_credited'
    : source === 'write_off'
      ? 'invoice.partially_written_off'
      : 'invoice.partially_paid';
}

const ENTRY_ACTIONS: Record<LedgerSource, AuditAction> = {
  bank_transfer: 'payment.bank_transfer_recorded',
  external: 'payment.recorded_external',
  credit_note: 'payment.credit_note_recorded',
  write_off: 'payment.write_off_recorded',
  debtor_credit: 'payment.credit_applied',
};

function checkEntry(input: LedgerEntryInput) {
  const bad = (message: string): never => {
    throw new LedgerError('invalid_entry', message);
  };
  if (!LEDGER_SOURCES.includes(input.source)) bad(`unknown ledger source ${String(input.source)}`);
  if (!isUuid(input.organizationId) || !isUuid(input.debtorId)) bad('organizationId and debtorId must be UUIDs');
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents <= 0 || input.amountCents > MAX_AMOUNT_CENTS) {
    bad(`amountCents must be a whole number of cents from 1 to ${MAX_AMOUNT_CENTS}`);
  }
  if (typeof input.key !== 'string' || input.key.length === 0 || input.key.length > 200)
    bad('key must be 1-200 characters');
  for (const [field, value, max] of [
    ['key', input.key, 200],
    ['reference', input.reference, 200],
    ['method', input.method, 50],
  ] as const) {
    if (value === null || value === undefined) continue;
    if (value.length > max || hasForbiddenControlChars(value, 'line'))
      bad(`${field} must be at most ${max} plain characters`);
  }
  if (input.targets && input.targets.length > 1000) bad('at most 1000 target invoices');
  if (input.correction) {
    if (input.source !== 'credit_note' || input.targets?.length !== 1 || input.restAsCredit) {
      bad('a correction is a credit note on exactly one invoice, with no rest kept as credit');
    }
    for (const value of [input.correction.costsCents, input.correction.interestCents]) {
      if (!Number.isSafeInteger(value) || value < 0)
        bad('a correction’s costs and interest are whole, non-negative cents');
    }
  }
  for (const target of input.targets ?? []) {
    if (!isUuid(target.invoiceId)) bad('target invoiceId must be a UUID');
    const cap = target.amountCents;
    if (cap !== undefined && (!Number.isSafeInteger(cap) || cap < 0 || cap > MAX_AMOUNT_CENTS)) {
      bad('a target amountCents must be a whole, non-negative number of cents');
    }
  }
}

/** An allocation row of an entry booked earlier, with its invoice's settlement moment. */
type EarlierAllocation = AllocationRow & { paymentId: string; settledAt: Date | null };

/**
 * The result of an entry booked earlier under the same key (nothing is written again); refuses
 * (key_reused) when the key was used for another entry. `settledAt` says when an invoice was
 * settled as things stand now (the batch's own changes included).
 */
function earlierEntry(
  input: LedgerEntryInput,
  payment: Payment,
  rows: { allocation: AllocationRow; invoiceId: string }[],
  settledAt: (invoiceId: string) => Date | null,
): LedgerEntryResult {
  if (
    payment.organizationId !== input.organizationId ||
    payment.debtorId !== input.debtorId ||
    payment.amountCents !== input.amountCents
  ) {
    throw new LedgerError('key_reused', `the key ${input.key} was already used for another ${input.source} entry`);
  }
  return {
    changed: false,
    payment,
    allocations: rows.map((r) => r.allocation),
    creditedCents: payment.creditedCents,
    settledInvoiceIds: rows
      .filter((r) => {
        const at = settledAt(r.invoiceId);
        return at !== null && payment.paidAt !== null && at.getTime() === payment.paidAt.getTime();
      })
      .map((r) => r.invoiceId),
  };
}

/** The positive allocations of earlier payments, in one query (by allocation id, as a single lookup reads them). */
async function earlierAllocations(tx: Tx, found: Payment[]): Promise<Map<string, EarlierAllocation[]>> {
  const byPayment = new Map<string, EarlierAllocation[]>(found.map((p) => [p.id, []]));
  if (found.length === 0) return byPayment;
  const rows = await tx
    .select({
      paymentId: paymentAllocations.paymentId,
      invoiceId: paymentAllocations.invoiceId,
      amountCents: paymentAllocations.amountCents,
      costsCents: paymentAllocations.costsCents,
      interestCents: paymentAllocations.interestCents,
      settledAt: invoices.settledAt,
    })
    .from(paymentAllocations)
    .innerJoin(invoices, eq(invoices.id, paymentAllocations.invoiceId))
    .where(
      and(
        sql`${paymentAllocations.organizationId} = any(${pgArray([...new Set(found.map((p) => p.organizationId))])}::uuid[])`,
        sql`${paymentAllocations.paymentId} = any(${pgArray(found.map((p) => p.id))}::uuid[])`,
        gt(paymentAllocations.amountCents, 0),
      ),
    )
    .orderBy(asc(paymentAllocations.id));
  for (const row of rows) byPayment.get(row.paymentId)?.push(row);
  return byPayment;
}

/** The invoices entries may pay: the chosen ones, and the open invoices of the debtors who chose none. */
function entryInvoiceScope(scope: BatchScope): SQL {
  return sql`organization_id = any(${scope.orgs}::uuid[])
      and (id = any(${pgArray(scope.chosen)}::uuid[])
        or (status = 'open' and debtor_id = any(${pgArray(scope.choosingNone)}::uuid[])))`;
}

/**
 * Reads what the ledger needs of the invoices entries may pay, with each row's version (xmin);
 * `lock`: FOR UPDATE, in id order, as every ledger path locks.
 */
async function entryInvoices(
  db: Tx,
  scope: BatchScope,
  { lock }: { lock: boolean },
): Promise<{ id: string; version: string; invoice: LedgerInvoice }[]> {
  const rows = await db.execute<{
    id: string;
    version: string;
    organization_id: string;
    debtor_id: string;
    number: string;
    due_date: string;
    status: Invoice['status'];
    open_cents: string;
    costs_cents: string;
    interest_cents: string;
    settled_at: number | null;
    next_action_at: number | null;
    updated_at: number;
  }>(sql`
    select id, xmin::text as version, organization_id, debtor_id, number, due_date::text as due_date, status,
      open_cents, costs_cents, interest_cents, ${MS('settled_at')} as settled_at,
      ${MS('next_action_at')} as next_action_at, ${MS('updated_at')} as updated_at
    from invoices
    where ${entryInvoiceScope(scope)}
    order by id
    ${lock ? sql`for update` : sql``}`);
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    invoice: {
      id: r.id,
      organizationId: r.organization_id,
      debtorId: r.debtor_id,
      number: r.number,
      dueDate: r.due_date,
      status: r.status,
      openCents: Number(r.open_cents),
      costsCents: Number(r.costs_cents),
      interestCents: Number(r.interest_cents),
      settledAt: r.settled_at === null ? null : new Date(r.settled_at),
      nextActionAt: r.next_action_at === null ? null : new Date(r.next_action_at),
      updatedAt: new Date(r.updated_at),
    },
  }));
}

/** A timestamptz column as milliseconds since the epoch (a raw query's rows are not mapped to Dates). */
const MS = (column: string) => sql.raw(`floor(extract(epoch from ${column}) * 1000)::float8`);

/** What recordLedgerEntries answers per input: the result, or why it was refused (nothing written for it). */
export type LedgerEntryOutcome = { ok: true; result: LedgerEntryResult } | { ok: false; error: LedgerError };

/** How often a batch is planned again after a concurrent twin took one of its keys. */
const BATCH_ATTEMPTS = 3;

class KeyTaken extends Error {}

/** An input repeating a key booked earlier in the same batch, answered once that booking is written. */
type Repeat = { index: number; input: LedgerEntryInput; first: PlannedBooking; settledAt: Map<string, Date | null> };

/**
 * Books many entries in the caller's transaction, with the same rules and results as calling
 * recordLedgerEntry for each input in order (the same allocation, idempotency by key, refusals,
 * audit events, email jobs and events), but set-based: one query finds the keys booked before,
 * one locks every invoice the entries may pay (in id order: the chosen ones, and the open invoices
 * of debtors who chose none), one reads the debtors (locking those whose credit is spent); the
 * entries are allocated in memory in input order (two lines paying one invoice see each other);
 * then a fixed number of statements write them all and the subscribers get the events in one
 * delivery (onLedgerEvents).
 *
 * A refused input (exceeds_owed, insufficient_credit, invoice_not_found, debtor_not_found,
 * invalid_entry, key_reused) is answered `{ ok: false, error }` and writes nothing; the others
 * book as if it were not there. A key repeated in the batch answers the first one's result with
 * `changed: false`.
 */
export async function recordLedgerEntries(
  tx: Tx,
  inputs: LedgerEntryInput[],
  { clock = systemClock, prepared }: { clock?: Clock; prepared?: PreparedLedgerEntries } = {},
): Promise<LedgerEntryOutcome[]> {
  if (prepared) return bookPrepared(tx, inputs, prepared, clock);
  for (let attempt = 1; ; attempt++) {
    try {
      return await bookBatch(tx, inputs, clock);
    } catch (error) {
      // A concurrent transaction booked one of the keys after we looked (its row was not visible
      // yet): nothing of this batch was written (savepoint); plan again, now seeing it.
      if (!(error instanceof KeyTaken) || attempt >= BATCH_ATTEMPTS) throw error;
    }
  }
}

/**
 * A batch planned ahead, outside any transaction (prepareLedgerEntries), to be booked later by
 * recordLedgerEntries(tx, inputs, { prepared }). Opaque to callers.
 */
export type PreparedLedgerEntries = {
  readonly inputs: LedgerEntryInput[];
  readonly scope: BatchScope;
  readonly versions: string;
  readonly plan: BatchPlan;
  /** The invoices the plan was made on, as read (before its own bookings): what they owed. */
  readonly invoicesRead: ReadonlyMap<string, { status: Invoice['status']; owedCents: number }>;
  /** Per input, what booking the plan will answer: the payment, or the refusal's code. */
  readonly expected: readonly ({ ok: true; paymentId: string } | { ok: false; code: LedgerErrorCode })[];
  used: boolean;
};

/**
 * recordLedgerEntries with a prepared plan found that something the plan read has changed since
 * (an invoice, a debtor's credit, a key booked meanwhile). The plan's writes were sent together
 * with the check, so the caller's transaction must be rolled back (let the error leave it; never
 * catch it inside): then nothing of the plan stays, and the caller plans again (or books without
 * a plan).
 */
export class LedgerPlanStale extends Error {
  constructor(message = 'what the prepared ledger plan read has changed since') {
    super(message);
    this.name = 'LedgerPlanStale';
  }
}

/**
 * Plans a batch of entries without a transaction and without locks, so a caller that books many
 * batches (a bank statement's chunks) can plan the next one while the database writes the
 * current one. Reads the same rows recordLedgerEntries reads, with their row versions, and plans
 * exactly as it would. Booking it (recordLedgerEntries with `prepared`) locks those rows, checks
 * that none changed (same rows, same versions: PostgreSQL's xmin changes with every update) and
 * writes the plan, all in one burst of statements; if anything changed it throws LedgerPlanStale
 * and the caller's transaction rolls back with the plan's writes. Money therefore only ever moves
 * on the state it was planned on, under the same locks as always.
 */
export async function prepareLedgerEntries(
  db: Tx,
  inputs: LedgerEntryInput[],
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<PreparedLedgerEntries> {
  const checked = checkBatch(inputs);
  const scope = batchScope(inputs, checked.valid);
  const state: BatchState =
    checked.valid.length > 0
      ? await readBatch(db, scope, { lock: false })
      : { rows: new Map(), debtorRows: new Map(), byKey: new Map(), earlierRows: new Map(), versions: '' };
  const invoicesRead = new Map(
    [...state.rows.values()].map((r) => [r.id, { status: r.status, owedCents: owedOf(r) }] as const),
  );
  // Planned in slices, giving the event loop a turn in between: the caller plans while another
  // transaction of its own is waiting on the database, and that one should not wait for us.
  const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
  const plan = await planBatch(inputs, checked, state, clock.now(), { pause });
  // The statements are built now too: booking then only locks, checks and sends.
  if (plan.planned.length > 0) {
    await pause();
    writeOf(plan);
    plan.paymentsInsert = entryPaymentsInsert(paymentRowsOf(plan));
  }
  const expected: PreparedLedgerEntries['expected'][number][] = plan.outcomes.map((o) =>
    o === null
      ? { ok: false, code: 'invalid_entry' }
      : o.ok
        ? { ok: true, paymentId: o.result.payment.id }
        : { ok: false, code: o.error.code },
  );
  for (const { index, booking } of plan.planned) expected[index] = { ok: true, paymentId: booking.payment.id };
  for (const { index, first } of plan.repeats) expected[index] = { ok: true, paymentId: first.payment.id };
  return { inputs, scope, versions: state.versions, plan, invoicesRead, expected, used: false };
}

async function bookPrepared(
  tx: Tx,
  inputs: LedgerEntryInput[],
  prepared: PreparedLedgerEntries,
  clock: Clock,
): Promise<LedgerEntryOutcome[]> {
  if (prepared.inputs !== inputs) throw new Error('recordLedgerEntries: the prepared plan is for other inputs');
  if (prepared.used) throw new Error('recordLedgerEntries: a prepared plan books once');
  prepared.used = true;
  const { plan, scope } = prepared;
  if (scope.valid.length === 0) return plannedOutcomes(plan);
  if (plan.planned.length === 0) {
    if ((await lockVersions(tx, scope)) !== prepared.versions) throw new LedgerPlanStale();
    return plannedOutcomes(plan);
  }
  // One burst, run by the connection in this order: the locks and versions, the payments, the
  // rest of the writes. The writes do not wait for the check: when it fails they are wrong, and
  // LedgerPlanStale rolls the caller's transaction back with them (it must not be caught inside).
  const write = writeOf(plan);
  const [versions, paid, rest] = await Promise.allSettled(
    await sendInOrder(
      () => lockVersions(tx, scope),
      () => tx.execute<{ written: number }>(plan.paymentsInsert ?? entryPaymentsInsert(paymentRowsOf(plan))),
      () => write.send(tx),
    ),
  );
  if (versions.status === 'rejected') throw versions.reason;
  if (versions.value !== prepared.versions) throw new LedgerPlanStale();
  if (paid.status === 'rejected') throw paid.reason;
  if (paid.value[0].written !== plan.planned.length) {
    throw new LedgerPlanStale('a key of the prepared plan was booked meanwhile');
  }
  if (rest.status === 'rejected') throw rest.reason;
  await write.deliver(tx, clock);
  return plannedOutcomes(plan);
}

function checkBatch(inputs: LedgerEntryInput[]) {
  const outcomes: (LedgerEntryOutcome | null)[] = inputs.map(() => null);
  const valid: number[] = [];
  inputs.forEach((input, index) => {
    try {
      checkEntry(input);
      valid.push(index);
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error;
      outcomes[index] = { ok: false, error };
    }
  });
  return { outcomes, valid };
}

/** What a batch reads: every chosen invoice, the open invoices of debtors who chose none, the debtors, the keys. */
type BatchScope = {
  valid: number[];
  orgs: string;
  chosen: string[];
  choosingNone: string[];
  spending: string[];
  others: string[];
  keys: string[];
  sources: LedgerSource[];
};

function batchScope(inputs: LedgerEntryInput[], valid: number[]): BatchScope {
  const orgIds = new Set<string>();
  const chosenIds = new Set<string>();
  const choosingNone = new Set<string>();
  const debtorIds = new Set<string>();
  const spending = new Set<string>();
  const keys = new Set<string>();
  const sources = new Set<LedgerSource>();
  for (const index of valid) {
    const input = inputs[index];
    orgIds.add(input.organizationId);
    debtorIds.add(input.debtorId);
    if (input.source === 'debtor_credit') spending.add(input.debtorId);
    if (input.targets && input.targets.length > 0) for (const t of input.targets) chosenIds.add(t.invoiceId);
    else choosingNone.add(input.debtorId);
    keys.add(input.key);
    sources.add(input.source);
  }
  return {
    valid,
    orgs: pgArray([...orgIds]),
    chosen: [...chosenIds],
    choosingNone: [...choosingNone],
    spending: [...spending],
    others: [...debtorIds].filter((id) => !spending.has(id)),
    keys: [...keys],
    sources: [...sources],
  };
}

type DebtorCredit = { id: string; organizationId: string; creditCents: number; version: string };

type BatchState = {
  rows: Map<string, LedgerInvoice>;
  debtorRows: Map<string, DebtorCredit>;
  byKey: Map<string, Payment>;
  earlierRows: Map<string, EarlierAllocation[]>;
  /** The rows read and their versions, as one string (see lockVersions). */
  versions: string;
};

/** The rows a plan read, as one string: invoices in id order, debtors and payments in byte order. */
const versionsOf = (invoiceVersions: string[], debtorVersions: string[], paymentIds: string[]) =>
  `${invoiceVersions.join(',')}|${[...debtorVersions].sort().join(',')}|${[...paymentIds].sort().join(',')}`;

/**
 * Reads what planning a batch needs. Sent together (postgres.js pipelines them on the
 * connection), in lock order: the invoices, then the debtors whose credit is spent (spending
 * serialises on that row), then the keys. `lock: false` (a prepared plan) takes no locks.
 */
async function readBatch(db: Tx, scope: BatchScope, { lock }: { lock: boolean }): Promise<BatchState> {
  const { orgs } = scope;
  const debtorColumns = {
    id: debtors.id,
    organizationId: debtors.organizationId,
    creditCents: debtors.creditCents,
    version: sql<string>`${debtors}.xmin::text`,
  };
  const debtorQuery = (ids: string[]) =>
    db
      .select(debtorColumns)
      .from(debtors)
      .where(
        and(sql`${debtors.organizationId} = any(${orgs}::uuid[])`, sql`${debtors.id} = any(${pgArray(ids)}::uuid[])`),
      );
  const [locked, spenders, readers, found] = await Promise.all([
    entryInvoices(db, scope, { lock }),
    scope.spending.length > 0
      ? lock
        ? debtorQuery(scope.spending).orderBy(asc(debtors.id)).for('update')
        : debtorQuery(scope.spending)
      : Promise.resolve([]),
    scope.others.length > 0 ? debtorQuery(scope.others) : Promise.resolve([]),
    db
      .select()
      .from(payments)
      .where(
        and(
          inArray(payments.provider, scope.sources.length > 0 ? scope.sources : ['external']),
          sql`${payments.providerPaymentId} = any(${pgArray(scope.keys)}::text[])`,
        ),
      ),
  ]);
  const byKey = new Map<string, Payment>();
  for (const p of found) if (p.providerPaymentId !== null) byKey.set(`${p.provider}|${p.providerPaymentId}`, p);
  const debtorRows = new Map([...spenders, ...readers].map((d) => [d.id, d]));
  return {
    rows: new Map(locked.map((r) => [r.id, r.invoice])),
    debtorRows,
    byKey,
    earlierRows: await earlierAllocations(db, [...byKey.values()]),
    versions: versionsOf(
      locked.map((r) => `${r.id}:${r.version}`),
      [...debtorRows.values()].map((d) => `${d.id}:${d.version}`),
      found.map((p) => p.id),
    ),
  };
}

/**
 * Locks what a prepared plan read, as readBatch with `lock: true` would (same rows, same order),
 * reading only their ids and versions; the keys are looked up again.
 */
async function lockVersions(tx: Tx, scope: BatchScope): Promise<string> {
  const { orgs } = scope;
  // Each answers one row: the versions joined as versionsOf joins them (byte order: collate "C").
  const joined = (rows: { v: string | null }[]) => rows[0]?.v ?? '';
  const debtorVersions = (ids: string[], lock: boolean) =>
    ids.length === 0
      ? Promise.resolve([] as { v: string | null }[])
      : tx.execute<{ v: string | null }>(sql`
          select string_agg(v, ',' order by v collate "C") as v from (
            select id::text || ':' || xmin::text as v from debtors
            where organization_id = any(${orgs}::uuid[]) and id = any(${pgArray(ids)}::uuid[])
            ${lock ? sql`order by id for update` : sql``}) s`);
  const [invoiceRows, spenders, readers, found] = await Promise.all([
    tx.execute<{ v: string | null }>(sql`
      select string_agg(v, ',' order by id) as v from (
        select id, id::text || ':' || xmin::text as v from invoices
        where ${entryInvoiceScope(scope)}
        order by id
        for update) s`),
    debtorVersions(scope.spending, true),
    debtorVersions(scope.others, false),
    tx.execute<{ v: string | null }>(sql`
      select string_agg(id::text, ',' order by id::text collate "C") as v from payments
      where provider = any(${pgArray(scope.sources)}::payment_provider[])
        and provider_payment_id = any(${pgArray(scope.keys)}::text[])`),
  ]);
  const debtorList = [joined(spenders), joined(readers)].filter((v) => v !== '').join(',');
  return versionsOf(
    joined(invoiceRows) === '' ? [] : [joined(invoiceRows)],
    debtorList === '' ? [] : debtorList.split(','),
    joined(found) === '' ? [] : [joined(found)],
  );
}

type BatchPlan = {
  outcomes: (LedgerEntryOutcome | null)[];
  planned: { index: number; booking: PlannedBooking }[];
  repeats: Repeat[];
  /** The invoices the plan changed, as they will be. */
  changedRows: LedgerInvoice[];
  now: Date;
  /** The batch's statements, once built (prepareBookingWrites: no database work until called). */
  write?: BookingWrites;
  /** The payments' insert, built ahead for a prepared plan. */
  paymentsInsert?: SQL;
};

const writeOf = (plan: BatchPlan) =>
  (plan.write ??= prepareBookingWrites(
    plan.planned.map((p) => p.booking),
    plan.changedRows,
    plan.now,
  ));
const paymentRowsOf = (plan: BatchPlan) => plan.planned.map((p) => p.booking.payment);

async function bookBatch(tx: Tx, inputs: LedgerEntryInput[], clock: Clock): Promise<LedgerEntryOutcome[]> {
  const checked = checkBatch(inputs);
  if (checked.valid.length === 0) return checked.outcomes as LedgerEntryOutcome[];
  const scope = batchScope(inputs, checked.valid);
  const state = await readBatch(tx, scope, { lock: true });
  return writeBatch(tx, inputs, await planBatch(inputs, checked, state, clock.now()), clock);
}

/** What planning carries from one entry to the next: credit spent or added, rows changed, keys booked here. */
type Planning = {
  creditOf: Map<string, number>;
  changed: Set<string>;
  planned: { index: number; booking: PlannedBooking }[];
  /** Keys booked by this batch, for a repeat later in it. */
  bookedHere: Map<string, PlannedBooking>;
  repeats: Repeat[];
};

/**
 * The entries allocated in memory, in input order (two lines paying one invoice see each other),
 * on the rows read: no database work.
 */
async function planBatch(
  inputs: LedgerEntryInput[],
  checked: { outcomes: (LedgerEntryOutcome | null)[]; valid: number[] },
  state: BatchState,
  now: Date,
  { pause }: { pause?: () => Promise<void> } = {},
): Promise<BatchPlan> {
  const outcomes = [...checked.outcomes];
  const planning: Planning = {
    creditOf: new Map([...state.debtorRows.values()].map((d) => [d.id, d.creditCents])),
    changed: new Set(),
    planned: [],
    bookedHere: new Map(),
    repeats: [],
  };
  for (const [n, index] of checked.valid.entries()) {
    if (pause && n % 64 === 63) await pause();
    try {
      const answered = planEntry(inputs[index], index, state, planning, now);
      if (answered) outcomes[index] = answered;
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error;
      outcomes[index] = { ok: false, error };
    }
  }
  const { planned, repeats, changed } = planning;
  return { outcomes, planned, repeats, changedRows: [...changed].map((id) => state.rows.get(id)!), now };
}

/**
 * Plans one entry, refusing (LedgerError) in the order a single entry meets the checks: its
 * invoices, its debtor, its key, its credit, the amount. A key booked earlier answers at once
 * (returned); a key booked earlier in this batch and a new booking are recorded in `planning` (null).
 */
function planEntry(
  input: LedgerEntryInput,
  index: number,
  state: BatchState,
  planning: Planning,
  now: Date,
): LedgerEntryOutcome | null {
  const { rows, byKey } = state;
  const order = allocationOrder(input, rows);
  requireEntryDebtor(input, state.debtorRows);
  const keyOf = `${input.source}|${input.key}`;
  const first = planning.bookedHere.get(keyOf);
  if (first) {
    planning.repeats.push(repeatOf(input, index, first, rows));
    return null;
  }
  const earlier = byKey.get(keyOf);
  if (earlier) return { ok: true, result: earlierEntryOf(input, earlier, state) };
  const creditCents = planning.creditOf.get(input.debtorId) ?? 0;
  const allocation = allocateEntry(input, order, creditCents);
  const booking = bookEntry(input, allocation, rows, planning.changed, now);
  planning.creditOf.set(
    input.debtorId,
    creditCents + (input.source === 'debtor_credit' ? -input.amountCents : allocation.restCents),
  );
  planning.planned.push({ index, booking });
  planning.bookedHere.set(keyOf, booking);
  return null;
}

/** The invoices an entry pays, in order with their caps: the chosen ones (all the debtor's), else the debtor's open invoices, oldest due first. */
function allocationOrder(input: LedgerEntryInput, rows: Map<string, LedgerInvoice>): AllocationInvoice[] {
  const own = (invoice: LedgerInvoice | undefined): invoice is LedgerInvoice =>
    invoice !== undefined && invoice.organizationId === input.organizationId && invoice.debtorId === input.debtorId;
  if (input.targets && input.targets.length > 0) {
    const missing = input.targets.find((t) => !own(rows.get(t.invoiceId)));
    if (missing) {
      throw new LedgerError('invoice_not_found', `invoice ${missing.invoiceId} is not an invoice of this debtor`);
    }
    return input.targets.map((t) => owing(rows.get(t.invoiceId)!, t.amountCents));
  }
  const open = [...rows.values()]
    .filter((r) => own(r) && r.status === 'open')
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return oldestDueFirst(open).map((invoice) => owing(invoice));
}

/** Refuses an entry whose debtor is not one of its organization's. */
function requireEntryDebtor(input: LedgerEntryInput, debtorRows: Map<string, DebtorCredit>) {
  const debtor = debtorRows.get(input.debtorId);
  if (!debtor || debtor.organizationId !== input.organizationId) {
    throw new LedgerError('debtor_not_found', `no debtor ${input.debtorId} in this organization`);
  }
}

/**
 * A repeat of a key booked earlier in this batch: checked now (key_reused), answered once the
 * first one's payment row is written, with its invoices' settlement as a single lookup would see it now.
 */
function repeatOf(input: LedgerEntryInput, index: number, first: PlannedBooking, rows: Map<string, LedgerInvoice>) {
  earlierEntry(input, first.payment, [], () => null);
  const settledAt = new Map(first.allocations.map((a) => [a.invoiceId, rows.get(a.invoiceId)?.settledAt ?? null]));
  return { index, input, first, settledAt };
}

/** The result of an entry whose key was booked before this batch (its invoices' settlement as this batch leaves it). */
function earlierEntryOf(input: LedgerEntryInput, earlier: Payment, { rows, earlierRows }: BatchState) {
  const allocs = earlierRows.get(earlier.id) ?? [];
  return earlierEntry(
    input,
    earlier,
    allocs.map(({ paymentId: _p, settledAt: _s, ...allocation }) => ({
      allocation,
      invoiceId: allocation.invoiceId,
    })),
    (invoiceId) => {
      const row = rows.get(invoiceId);
      return row ? row.settledAt : (allocs.find((a) => a.invoiceId === invoiceId)?.settledAt ?? null);
    },
  );
}

/** The one rule's allocation of the entry, refusing credit the debtor lacks and a rest the source may not keep as credit. */
function allocateEntry(input: LedgerEntryInput, order: AllocationInvoice[], creditCents: number): Allocation {
  if (input.source === 'debtor_credit' && creditCents < input.amountCents) {
    throw new LedgerError(
      'insufficient_credit',
      `the debtor has ${Math.max(0, creditCents)} cents of credit, less than ${input.amountCents}`,
      { creditCents: Math.max(0, creditCents) },
    );
  }
  const allocation = input.correction
    ? allocateToPrincipal(input.amountCents, order[0])
    : allocate(input.amountCents, order);
  if (allocation.restCents > 0 && (!input.restAsCredit || input.source === 'debtor_credit')) {
    const owed = input.amountCents - allocation.restCents;
    throw new LedgerError('exceeds_owed', `the amount is more than the ${owed} cents owed`, { owedCents: owed });
  }
  return allocation;
}

/** Applies the allocation to the rows in memory and builds the entry's payment row and booking. */
function bookEntry(
  input: LedgerEntryInput,
  allocation: Allocation,
  rows: Map<string, LedgerInvoice>,
  changed: Set<string>,
  now: Date,
): PlannedBooking {
  const paymentId = randomUUID();
  const applied = applyAllocation(
    rows,
    allocation,
    {
      paymentId,
      organizationId: input.organizationId,
      debtorId: input.debtorId,
      source: input.source,
      actor: input.actor,
      now,
      claimAfter: input.correction ?? null,
    },
    changed,
  );
  const payment: Payment = {
    ...PAYMENT_DEFAULTS,
    id: paymentId,
    organizationId: input.organizationId,
    debtorId: input.debtorId,
    provider: input.source,
    providerPaymentId: input.key,
    providerReference: input.reference ?? null,
    method: input.method ?? null,
    amountCents: input.amountCents,
    creditedCents: allocation.restCents,
    // What was applied, in order: a later reversal takes back the last applied first.
    intent: allocation.lines.map((l) => ({ invoiceId: l.invoiceId, amountCents: l.amountCents })),
    paidAt: now,
    createdAt: now,
    updatedAt: now,
  };
  return {
    ...applied,
    payment,
    source: input.source,
    actor: input.actor,
    origin: input.origin ?? null,
    paymentEvent: {
      action: ENTRY_ACTIONS[input.source],
      data: { key: input.key, reference: input.reference ?? null, origin: input.origin ?? null },
    },
  };
}

/**
 * Writes a plan. The payments first: the unique (provider, provider_payment_id) index is the last
 * line against a concurrent twin. One entry alone answers the twin's result (as it always did); in
 * a batch the others were planned after it, so the batch is planned again (KeyTaken; the
 * savepoint undoes the rows).
 */
async function writeBatch(
  tx: Tx,
  inputs: LedgerEntryInput[],
  plan: BatchPlan,
  clock: Clock,
): Promise<LedgerEntryOutcome[]> {
  const { outcomes, planned, repeats } = plan;
  if (planned.length === 0) return finish(outcomes, repeats);
  const paymentRows = paymentRowsOf(plan);
  if (inputs.length === 1) {
    const inserted = await insertEntryPayments(tx, paymentRows);
    if (inserted === 0) {
      const { index } = planned[0];
      const input = inputs[index];
      const [twin] = await tx
        .select()
        .from(payments)
        .where(and(eq(payments.provider, input.source), eq(payments.providerPaymentId, input.key)));
      if (!twin) throw new Error(`ledger entry ${input.source}:${input.key} conflicted but cannot be found`);
      const allocs = (await earlierAllocations(tx, [twin])).get(twin.id) ?? [];
      try {
        outcomes[index] = {
          ok: true,
          result: earlierEntry(
            input,
            twin,
            allocs.map(({ paymentId: _p, settledAt: _s, ...allocation }) => ({
              allocation,
              invoiceId: allocation.invoiceId,
            })),
            (invoiceId) => allocs.find((a) => a.invoiceId === invoiceId)?.settledAt ?? null,
          ),
        };
      } catch (error) {
        if (!(error instanceof LedgerError)) throw error;
        outcomes[index] = { ok: false, error };
      }
      return outcomes as LedgerEntryOutcome[];
    }
    const write = writeOf(plan);
    await write.send(tx);
    await write.deliver(tx, clock);
  } else {
    // The payments are written while the rest of the writes is built (when not built yet).
    const paid = tx.transaction(async (sp) => {
      const written = await insertEntryPayments(sp, paymentRows);
      if (written !== paymentRows.length) throw new KeyTaken('a ledger key was booked concurrently');
    });
    const write = writeOf(plan);
    await paid;
    await write.send(tx);
    await write.deliver(tx, clock);
  }
  return plannedOutcomes(plan);
}

/** The answers of a written plan: the planned bookings, the refusals and repeats. */
function plannedOutcomes(plan: BatchPlan): LedgerEntryOutcome[] {
  const { outcomes, planned, repeats } = plan;
  for (const { index, booking } of planned) {
    outcomes[index] = {
      ok: true,
      result: {
        changed: true,
        payment: booking.payment,
        allocations: booking.allocations,
        creditedCents: booking.payment.creditedCents,
        settledInvoiceIds: booking.settledInvoiceIds,
      },
    };
  }
  return finish(outcomes, repeats);
}

/**
 * Inserts the payment rows of ledger entries (built in full in memory) in one statement, the rows
 * as one json parameter; returns how many were written. A key already taken (the unique (provider,
 * provider_payment_id) index) is skipped: a concurrent twin.
 */
async function insertEntryPayments(tx: Tx, rows: Payment[]): Promise<number> {
  const [{ written }] = await tx.execute<{ written: number }>(entryPaymentsInsert(rows));
  return written;
}

/** The statement of insertEntryPayments: answers one row, `written`. */
function entryPaymentsInsert(rows: Payment[]): SQL {
  return sql`
    with inserted as (
    insert into payments
      (id, organization_id, debtor_id, provider, provider_payment_id, provider_reference, method, amount_cents,
       credited_cents, currency, status, intent, paid_at, created_at, updated_at)
    select u.id, u.organization_id, u.debtor_id, u.provider::payment_provider, u.provider_payment_id,
      u.provider_reference, u.method, u.amount_cents, u.credited_cents, u.currency, u.status::payment_status,
      u.intent, u.paid_at, u.created_at, u.updated_at
    from json_to_recordset(${JSON.stringify(
      rows.map((p) => ({
        id: p.id,
        organization_id: p.organizationId,
        debtor_id: p.debtorId,
        provider: p.provider,
        provider_payment_id: p.providerPaymentId,
        provider_reference: p.providerReference,
        method: p.method,
        amount_cents: p.amountCents,
        credited_cents: p.creditedCents,
        currency: p.currency,
        status: p.status,
        intent: p.intent,
        paid_at: iso(p.paidAt),
        created_at: iso(p.createdAt),
        updated_at: iso(p.updatedAt),
      })),
    )}::json) as u(id uuid, organization_id uuid, debtor_id uuid, provider text, provider_payment_id text,
                    provider_reference text, method text, amount_cents bigint, credited_cents bigint, currency text,
                    status text, intent jsonb, paid_at timestamptz, created_at timestamptz, updated_at timestamptz)
    on conflict (provider, provider_payment_id) do nothing
    returning 1)
    select count(*)::int as written from inserted`;
}

/** Answers the repeats of keys booked earlier in the batch with the first one's result (changed: false). */
function finish(outcomes: (LedgerEntryOutcome | null)[], repeats: Repeat[]): LedgerEntryOutcome[] {
  for (const { index, input, first, settledAt } of repeats) {
    outcomes[index] = {
      ok: true,
      result: earlierEntry(
        input,
        first.payment,
        first.allocations.map((allocation) => ({ allocation, invoiceId: allocation.invoiceId })),
        (invoiceId) => settledAt.get(invoiceId) ?? null,
      ),
    };
  }
  return outcomes as LedgerEntryOutcome[];
}

/** A payment row's columns a ledger entry leaves at their defaults. */
const PAYMENT_DEFAULTS: Omit<
  Payment,
  | 'id'
  | 'organizationId'
  | 'debtorId'
  | 'provider'
  | 'providerPaymentId'
  | 'providerReference'
  | 'method'
  | 'amountCents'
  | 'creditedCents'
  | 'intent'
  | 'paidAt'
  | 'createdAt'
  | 'updatedAt'
> = {
  providerStatus: null,
  refundedCents: 0,
  chargedBackCents: 0,
  currency: 'EUR',
  status: 'paid',
  checkoutUrl: null,
  installmentId: null,
  idempotencyKey: null,
  expiresAt: null,
  failureReason: null,
};

/**
 * Books one entry (see the module comment): recordLedgerEntries with one input. Runs in the
 * caller's transaction. A repeated `key` returns the first result with `changed: false` and writes
 * nothing. Refusals (LedgerError: exceeds_owed, insufficient_credit, invoice_not_found,
 * debtor_not_found, invalid_entry, key_reused) are thrown before anything is written.
 */
export async function recordLedgerEntry(
  tx: Tx,
  input: LedgerEntryInput,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<LedgerEntryResult> {
  const [outcome] = await recordLedgerEntries(tx, [input], { clock });
  if (!outcome.ok) throw outcome.error;
  return outcome.result;
}

// --- provider payments ---------------------------------------------------------------------

/**
 * Moves a provider payment to `newStatus` and does what that means for the invoices (see the
 * module comment). Safe to call any number of times, concurrently and out of order: a repeated
 * or stale status changes nothing. Paid: the received amount is allocated by the one rule (the
 * debtor's intent, else oldest due first), the rest kept as credit. Failed / canceled / expired:
 * the payment's pause is lifted (by the ledger's subscribers) and dunning goes on.
 */
export async function applyPaymentStatus(
  paymentId: string,
  newStatus: ProviderPaymentStatus,
  { providerData = {}, ...options }: LedgerOptions & { providerData?: ProviderData } = {},
): Promise<StatusResult> {
  const clock = options.clock ?? systemClock;
  return inTransaction(options.tx, async (tx) => {
    const payment = await lockPayment(tx, paymentId);
    const actor: Actor = options.actor ?? { type: 'provider', id: payment.provider };
    const now = clock.now();
    const facts = providerFacts(payment, providerData);
    // 'open' never moves (statusMoves); said here too, so the statuses below are the ones that can.
    if (newStatus === 'open' || !statusMoves(payment.status, newStatus)) return recordFacts(tx, payment, facts, now);
    if (newStatus === 'paid') return settlePaid(tx, payment, providerData, facts, { actor, clock });
    return moveUnpaidStatus(tx, payment, newStatus, { providerData, facts, actor, clock, now });
  });
}

type ProviderFacts = Pick<Payment, 'providerPaymentId' | 'providerReference' | 'providerStatus'>;

/** The provider's ids and status for the payment: ids once known are kept, the status is the latest reported. */
function providerFacts(payment: Payment, providerData: ProviderData): ProviderFacts {
  return {
    providerPaymentId: payment.providerPaymentId ?? providerData.providerPaymentId ?? null,
    providerReference: payment.providerReference ?? providerData.providerReference ?? null,
    providerStatus: providerData.providerStatus ?? payment.providerStatus,
  };
}

/**
 * Whether the payment moves to `newStatus`. Never downgrade money that arrived; a late "expired"
 * after "paid" changes nothing. An unsuccessful end is final too, except that money arriving after
 * all still counts.
 */
function statusMoves(status: PaymentStatus, newStatus: ProviderPaymentStatus): boolean {
  const settled = SETTLED.has(status);
  const finalUnsuccessful = UNSUCCESSFUL.has(status);
  return (
    !settled &&
    status !== newStatus &&
    (newStatus === 'paid' ||
      (!finalUnsuccessful && (newStatus !== 'pending' || status === 'open') && newStatus !== 'open'))
  );
}

/** The answer when the status stays: nothing allocated, nothing settled. */
function unchangedStatus(payment: Payment): StatusResult {
  return {
    changed: false,
    payment,
    previousStatus: payment.status,
    allocations: [],
    creditedCents: 0,
    settledInvoiceIds: [],
  };
}

/** A status that stays: the provider's facts are recorded when they tell something new (still `changed: false`). */
async function recordFacts(tx: Tx, payment: Payment, facts: ProviderFacts, now: Date): Promise<StatusResult> {
  const learnsFacts =
    facts.providerPaymentId !== payment.providerPaymentId ||
    facts.providerReference !== payment.providerReference ||
    facts.providerStatus !== payment.providerStatus;
  if (!learnsFacts) return unchangedStatus(payment);
  const [updated] = await tx
    .update(payments)
    .set({ ...facts, updatedAt: now })
    .where(eq(payments.id, payment.id))
    .returning();
  return { ...unchangedStatus(payment), payment: updated };
}

/**
 * A move that brings no money (pending, failed, canceled, expired): the payment's status (and, when
 * it ends, why), its audit event, and the `status` event (its subscribers lift the payment's pause).
 */
async function moveUnpaidStatus(
  tx: Tx,
  payment: Payment,
  newStatus: Exclude<ProviderPaymentStatus, 'paid' | 'open'>,
  {
    providerData,
    facts,
    actor,
    clock,
    now,
  }: { providerData: ProviderData; facts: ProviderFacts; actor: Actor; clock: Clock; now: Date },
): Promise<StatusResult> {
  const ends = newStatus !== 'pending';
  const [updated] = await tx
    .update(payments)
    .set({
      ...facts,
      status: newStatus,
      failureReason: ends ? (providerData.reason?.slice(0, 500) ?? payment.failureReason) : payment.failureReason,
      updatedAt: now,
    })
    .where(eq(payments.id, payment.id))
    .returning();
  await audit(tx, {
    organizationId: payment.organizationId,
    actor,
    action: `payment.${newStatus}`,
    entityType: 'payment',
    entityId: payment.id,
    debtorId: payment.debtorId,
    data: {
      from: payment.status,
      provider: payment.provider,
      providerStatus: facts.providerStatus,
      amountCents: payment.amountCents,
      ...(ends && providerData.reason ? { reason: providerData.reason.slice(0, 500) } : {}),
    },
    at: now,
  });
  await emitLedgerEvent(
    tx,
    {
      kind: 'status',
      organizationId: payment.organizationId,
      debtorId: payment.debtorId,
      payment: updated,
      source: payment.provider,
      allocations: [],
      creditedCents: 0,
      settledInvoiceIds: [],
      reopenedInvoiceIds: [],
      actor,
      from: payment.status,
      to: newStatus,
    },
    clock,
  );
  return { ...unchangedStatus(payment), changed: true, payment: updated };
}

async function settlePaid(
  tx: Tx,
  payment: Payment,
  providerData: ProviderData,
  facts: Pick<Payment, 'providerPaymentId' | 'providerReference' | 'providerStatus'>,
  { actor, clock }: { actor: Actor; clock: Clock },
): Promise<StatusResult> {
  const now = clock.now();
  const received = providerData.amountCents ?? payment.amountCents;
  const intent = payment.intent?.filter((i) => i.amountCents > 0) ?? [];
  const targets = await lockTargets(
    tx,
    { organizationId: payment.organizationId, debtorId: payment.debtorId },
    intent.length > 0 ? intent : undefined,
    { strict: false },
  );
  const allocation = allocationOf(received, targets.order);
  const paid = {
    ...facts,
    status: 'paid' as const,
    paidAt: now,
    amountCents: received,
    creditedCents: allocation.restCents,
    method: providerData.method ?? payment.method,
    updatedAt: now,
  };
  await tx.update(payments).set(paid).where(eq(payments.id, payment.id));
  const updated: Payment = { ...payment, ...paid };
  const changed = new Set<string>();
  const applied = applyAllocation(
    targets.rows,
    allocation,
    {
      paymentId: payment.id,
      organizationId: payment.organizationId,
      debtorId: payment.debtorId,
      source: payment.provider,
      actor,
      now,
    },
    changed,
  );
  const { allocations, settledInvoiceIds } = applied;
  const writes = prepareBookingWrites(
    [
      {
        ...applied,
        payment: updated,
        source: payment.provider,
        actor,
        from: payment.status,
        paymentEvent: { action: 'payment.paid', data: { from: payment.status } },
      },
    ],
    [...changed].map((id) => targets.rows.get(id)!),
    now,
  );
  await writes.send(tx);
  await writes.deliver(tx, clock);
  return {
    changed: true,
    payment: updated,
    previousStatus: payment.status,
    allocations,
    creditedCents: allocation.restCents,
    settledInvoiceIds,
  };
}

export const PAYMENT_RECEIVED_TASK = 'payment_received_email';

/**
 * The "we received your payment" email with a fresh portal link, for a paid payment (the job
 * the ledger enqueues when money arrives). Idempotent: the dedupe key lets it be queued once.
 */
export async function queuePaymentReceived(paymentId: string, { clock = systemClock }: { clock?: Clock } = {}) {
  return getDb().transaction(async (tx) => {
    const [payment] = await tx.select().from(payments).where(eq(payments.id, paymentId));
    if (!payment || !SETTLED.has(payment.status) || NOT_MONEY_IN.has(payment.provider)) return null;
    const [row] = await tx
      .select({ debtor: debtors, organization: organizations })
      .from(debtors)
      .innerJoin(organizations, eq(organizations.id, debtors.organizationId))
      .where(and(eq(debtors.id, payment.debtorId), orgScope(debtors, payment)));
    if (!row || row.debtor.emailBlockedAt) return null;
    const allocated = await tx
      .selectDistinct({ invoiceId: paymentAllocations.invoiceId })
      .from(paymentAllocations)
      .where(and(eq(paymentAllocations.paymentId, payment.id), gt(paymentAllocations.amountCents, 0)));
    const own = and(debtorScope(invoices, payment));
    const paidInvoices = allocated.length
      ? await tx
          .select()
          .from(invoices)
          .where(
            and(
              own,
              inArray(
                invoices.id,
                allocated.map((a) => a.invoiceId),
              ),
            ),
          )
          .orderBy(asc(invoices.dueDate), asc(invoices.number))
      : [];
    const stillOpen = await tx
      .select()
      .from(invoices)
      .where(and(own, eq(invoices.status, 'open')));
    const link = await issuePortalLink(
      tx,
      {
        organizationId: payment.organizationId,
        debtorId: payment.debtorId,
        purpose: 'portal',
        ttlDays: row.organization.portalSettings.linkTtlDays,
      },
      { clock },
    );
    const locale = emailLocale(row.debtor, row.organization);
    const base = debtorEmailPropsFrom({
      organization: row.organization,
      debtor: row.debtor,
      invoices: paidInvoices,
      portalUrl: link.url,
      locale,
      logoUrl: row.organization.logoFileId ? `${getEnv().APP_URL}/brand/${row.organization.id}/logo` : null,
    });
    const sum = (pick: (i: Invoice) => number) => stillOpen.reduce((total, i) => total + pick(i), 0);
    return queueCommunication(
      tx,
      {
        organizationId: payment.organizationId,
        debtorId: payment.debtorId,
        template: 'payment_received',
        toAddress: row.debtor.email,
        locale,
        invoiceIds: paidInvoices.map((i) => i.id),
        linkJti: link.jti,
        dedupeKey: `payment_received:${payment.id}`,
        props: {
          ...base,
          totals: {
            openCents: sum((i) => i.openCents),
            costsCents: sum((i) => i.costsCents) || null,
            interestCents: sum((i) => i.interestCents) || null,
          },
          payment: {
            amountCents: payment.amountCents,
            currency: payment.currency,
            paidOn: amsterdamDate(payment.paidAt ?? clock.now()),
          },
        },
      },
      { clock },
    );
  });
}

// --- reversals -----------------------------------------------------------------------------

type ReversalKind = 'refund' | 'chargeback' | 'returned';

const REVERSAL_ACTIONS: Record<ReversalKind, AuditAction> = {
  refund: 'payment.refunded',
  chargeback: 'payment.charged_back',
  returned: 'payment.returned',
};

/** What of a settled payment can still be given back. */
function reversibleOf(payment: Payment) {
  return payment.amountCents - payment.refundedCents - payment.chargedBackCents;
}

type ReversalRequest = {
  amount: number;
  kind: ReversalKind;
  actor: Actor;
  clock: Clock;
  providerStatus?: string;
  totalCents?: number;
};

/** A payment's allocations summed per invoice, for the invoices that still hold some of its money. */
type NetAllocation = {
  invoiceId: string;
  amountCents: number;
  costsCents: number;
  interestCents: number;
  firstId: string;
};

/** What a reversal took back from the invoices: the (negative) allocations, per invoice how much, and which re-opened. */
type InvoicesTakenBack = {
  allocations: AllocationRow[];
  touched: { invoice: Invoice; amount: number }[];
  reopened: string[];
  /** What neither the payment's credit nor its allocations could take back. */
  rest: number;
};

/**
 * Takes `amount` of a locked, settled payment back: its credit first (what no invoice took),
 * then its allocations, last applied first, each the reverse of 6:44 (principal, interest,
 * costs). Settled invoices re-open with their dunning rescheduled from now.
 */
async function reverseLocked(tx: Tx, payment: Payment, request: ReversalRequest): Promise<ReversalResult> {
  const { amount, kind, actor, clock } = request;
  const now = clock.now();
  const { open, rows, debtor } = await lockWhatTheReversalTouches(tx, payment);
  const { restoresCredit, fromCredit } = creditTakenBack(payment, amount, debtor);
  const back = await takeBackFromInvoices(tx, payment, { open, rows, debtor, amount: amount - fromCredit, now });
  await insertAllocations(tx, payment, back.allocations, now);
  await moveDebtorCredit(tx, payment, restoresCredit ? amount - back.rest : -fromCredit, now);
  const updated = await markPaymentReversed(tx, payment, request, fromCredit, now);
  await auditReversal(tx, payment, updated.status, request, { fromCredit, back, now });
  await emitLedgerEvent(
    tx,
    {
      kind: 'reversed',
      organizationId: payment.organizationId,
      debtorId: payment.debtorId,
      payment: updated,
      source: payment.provider,
      allocations: back.allocations,
      creditedCents: -fromCredit,
      settledInvoiceIds: [],
      reopenedInvoiceIds: back.reopened,
      reversal: { kind, amountCents: amount },
      actor,
    },
    clock,
  );
  return {
    changed: true,
    payment: updated,
    amountCents: amount,
    allocations: back.allocations,
    reopenedInvoiceIds: back.reopened,
  };
}

/**
 * Reads what the payment's money went to (its allocations, net per invoice) and locks, in the
 * ledger's order, the invoices still holding some of it, then the debtor.
 */
async function lockWhatTheReversalTouches(tx: Tx, payment: Payment) {
  const net: NetAllocation[] = await tx
    .select({
      invoiceId: paymentAllocations.invoiceId,
      amountCents: sql<number>`sum(${paymentAllocations.amountCents})::bigint`.mapWith(Number),
      costsCents: sql<number>`sum(${paymentAllocations.costsCents})::bigint`.mapWith(Number),
      interestCents: sql<number>`sum(${paymentAllocations.interestCents})::bigint`.mapWith(Number),
      firstId: sql<string>`min(${paymentAllocations.id}::text)`,
    })
    .from(paymentAllocations)
    .where(eq(paymentAllocations.paymentId, payment.id))
    .groupBy(paymentAllocations.invoiceId);
  const open = net.filter((n) => n.amountCents > 0);
  const rows = open.length
    ? await tx
        .select()
        .from(invoices)
        .where(
          and(
            orgScope(invoices, payment),
            inArray(
              invoices.id,
              open.map((n) => n.invoiceId),
            ),
          ),
        )
        .orderBy(asc(invoices.id))
        .for('update')
    : [];
  const [debtor] = await tx
    .select({ creditCents: debtors.creditCents, kind: debtors.kind })
    .from(debtors)
    .where(eq(debtors.id, payment.debtorId))
    .for('update');
  return { open, rows, debtor };
}

type ReversalDebtor = Awaited<ReturnType<typeof lockWhatTheReversalTouches>>['debtor'];

/**
 * How much comes out of credit: giving back the use of credit returns that credit (nothing taken);
 * otherwise the payment's own credit goes first, as far as the debtor still has it.
 */
function creditTakenBack(payment: Payment, amount: number, debtor: ReversalDebtor) {
  const restoresCredit = payment.provider === 'debtor_credit';
  const fromCredit = restoresCredit ? 0 : Math.min(amount, payment.creditedCents, Math.max(0, debtor.creditCents));
  return { restoresCredit, fromCredit };
}

/**
 * Takes `amount` back from the invoices, last applied first (the reverse of the order the money
 * went in: the intent's, else oldest due first), one UPDATE per invoice; an invoice that was
 * settled re-opens with its next action from the resume rule (the creditor's policy read once, when needed).
 */
async function takeBackFromInvoices(
  tx: Tx,
  payment: Payment,
  {
    open,
    rows,
    debtor,
    amount,
    now,
  }: { open: NetAllocation[]; rows: Invoice[]; debtor: ReversalDebtor; amount: number; now: Date },
): Promise<InvoicesTakenBack> {
  let rest = amount;
  const order = payment.intent?.length ? payment.intent.map((i) => i.invoiceId) : oldestDueFirst(rows).map((r) => r.id);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const allocations: AllocationRow[] = [];
  const reopened: string[] = [];
  const touched: { invoice: Invoice; amount: number }[] = [];
  let policy: Organization['dunningPolicy'] | null = null;
  const resume = await loadResumeRule();
  for (const invoiceId of [...new Set(order)].reverse()) {
    const invoice = byId.get(invoiceId);
    const share = open.find((n) => n.invoiceId === invoiceId);
    if (!invoice || !share || rest <= 0) continue;
    const back = unallocate(rest, share);
    const reopens = invoice.status !== 'open';
    if (reopens && !policy) policy = await readDunningPolicy(tx, payment.organizationId);
    const changes = {
      openCents: invoice.openCents + back.principalCents,
      interestCents: invoice.interestCents + back.interestCents,
      costsCents: invoice.costsCents + back.costsCents,
      updatedAt: now,
      ...(reopens
        ? {
            status: 'open' as const,
            settledAt: null,
            nextActionAt: resume(invoice, policy!, debtor.kind, now),
          }
        : {}),
    };
    await tx.update(invoices).set(changes).where(eq(invoices.id, invoice.id));
    allocations.push({
      invoiceId,
      amountCents: -back.amountCents,
      costsCents: -back.costsCents || 0,
      interestCents: -back.interestCents || 0,
    });
    touched.push({ invoice: { ...invoice, ...changes }, amount: back.amountCents });
    if (reopens) reopened.push(invoiceId);
    rest -= back.amountCents;
  }
  return { allocations, touched, reopened, rest };
}

/** The creditor's dunning policy, which schedules a re-opened invoice. */
async function readDunningPolicy(tx: Tx, organizationId: string): Promise<Organization['dunningPolicy']> {
  const [org] = await tx
    .select({ dunningPolicy: organizations.dunningPolicy })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  return org.dunningPolicy;
}

/** Records the reversal's (negative) allocations against the payment, in one INSERT; none, no statement. */
async function insertAllocations(tx: Tx, payment: Payment, allocations: AllocationRow[], now: Date) {
  if (allocations.length === 0) return;
  await tx.insert(paymentAllocations).values(
    allocations.map((a) => ({
      ...a,
      organizationId: payment.organizationId,
      paymentId: payment.id,
      installmentId: payment.installmentId,
      createdAt: now,
    })),
  );
}

/** Moves the debtor's credit by `change` cents; no change, no statement. */
async function moveDebtorCredit(tx: Tx, payment: Payment, change: number, now: Date) {
  if (change === 0) return;
  await tx
    .update(debtors)
    .set({ creditCents: sql`${debtors.creditCents} + ${change}`, updatedAt: now })
    .where(eq(debtors.id, payment.debtorId));
}

/**
 * Adds the amount to the payment's refunded or charged-back total and decides its status:
 * charged back, refunded once nothing is left, else as it was.
 */
async function markPaymentReversed(
  tx: Tx,
  payment: Payment,
  { amount, kind, providerStatus }: ReversalRequest,
  fromCredit: number,
  now: Date,
): Promise<Payment> {
  const refunded = payment.refundedCents + (kind === 'chargeback' ? 0 : amount);
  const chargedBack = payment.chargedBackCents + (kind === 'chargeback' ? amount : 0);
  const status: PaymentStatus =
    kind === 'chargeback'
      ? 'charged_back'
      : refunded + chargedBack >= payment.amountCents
        ? 'refunded'
        : payment.status;
  const [updated] = await tx
    .update(payments)
    .set({
      refundedCents: refunded,
      chargedBackCents: chargedBack,
      creditedCents: payment.creditedCents - fromCredit,
      status,
      providerStatus: providerStatus ?? payment.providerStatus,
      updatedAt: now,
    })
    .where(eq(payments.id, payment.id))
    .returning();
  return updated;
}

/** One audit event for the payment and one per invoice touched (re-opened, or its payment partly reversed). */
async function auditReversal(
  tx: Tx,
  payment: Payment,
  status: PaymentStatus,
  { amount, kind, actor, totalCents }: ReversalRequest,
  { fromCredit, back, now }: { fromCredit: number; back: InvoicesTakenBack; now: Date },
) {
  const { allocations, touched, reopened, rest } = back;
  await audit(
    tx,
    {
      organizationId: payment.organizationId,
      actor,
      action: REVERSAL_ACTIONS[kind],
      entityType: 'payment',
      entityId: payment.id,
      debtorId: payment.debtorId,
      data: {
        kind,
        provider: payment.provider,
        amountCents: amount,
        ...(totalCents !== undefined ? { totalCents } : {}),
        fromCreditCents: fromCredit,
        // Money that neither the payment's credit nor its allocations could take back (the debtor spent the credit).
        ...(rest > 0 ? { unallocatedCents: rest } : {}),
        allocations,
        status,
      },
      at: now,
    },
    ...touched.map(({ invoice, amount: reversed }) => ({
      organizationId: payment.organizationId,
      actor,
      action: reopened.includes(invoice.id) ? ('invoice.reopened' as const) : ('invoice.payment_reversed' as const),
      entityType: 'invoice',
      entityId: invoice.id,
      debtorId: payment.debtorId,
      invoiceId: invoice.id,
      data: {
        paymentId: payment.id,
        kind,
        amountCents: reversed,
        openCents: invoice.openCents,
        nextActionAt: invoice.nextActionAt?.toISOString() ?? null,
      },
      at: now,
    })),
  );
}

/**
 * Gives money back on a provider payment: a refund or a chargeback, given as the provider's
 * running total for that kind (so a repeated or reordered report reverses nothing twice).
 */
export async function recordReversal(
  paymentId: string,
  { kind, totalCents, providerStatus }: { kind: 'refund' | 'chargeback'; totalCents: number; providerStatus?: string },
  options: LedgerOptions = {},
): Promise<ReversalResult> {
  const clock = options.clock ?? systemClock;
  return inTransaction(options.tx, async (tx) => {
    const payment = await lockPayment(tx, paymentId);
    if (!SETTLED.has(payment.status))
      throw new LedgerError('not_paid', `payment ${paymentId} is ${payment.status}; nothing to reverse`);
    const actor: Actor = options.actor ?? { type: 'provider', id: payment.provider };
    const already = kind === 'refund' ? payment.refundedCents : payment.chargedBackCents;
    const amount = Math.min(totalCents - already, reversibleOf(payment));
    if (amount <= 0) return { changed: false, payment, amountCents: 0, allocations: [], reopenedInvoiceIds: [] };
    return reverseLocked(tx, payment, { amount, kind, actor, clock, providerStatus, totalCents });
  });
}

/**
 * Reverses (part of) an earlier entry of this organization by `amountCents`: a returned bank
 * transfer (RvslInd), a refund, a chargeback. Refuses more than is left to reverse
 * (LedgerError 'exceeds_reversible'); the caller makes it idempotent (a bank line is booked once).
 */
export async function reverseLedgerEntry(
  tx: Tx,
  input: { organizationId: string; paymentId: string; amountCents: number; kind: ReversalKind; actor: Actor },
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<ReversalResult> {
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents <= 0 || input.amountCents > MAX_AMOUNT_CENTS) {
    throw new LedgerError('invalid_entry', 'amountCents must be a positive whole number of cents');
  }
  if (!isUuid(input.organizationId)) throw new LedgerError('invalid_entry', 'organizationId must be a UUID');
  const payment = await lockPayment(tx, input.paymentId, input.organizationId);
  if (!SETTLED.has(payment.status)) {
    throw new LedgerError('not_paid', `payment ${payment.id} is ${payment.status}; nothing to reverse`);
  }
  const reversible = reversibleOf(payment);
  if (input.amountCents > reversible) {
    throw new LedgerError('exceeds_reversible', `only ${reversible} cents of this payment can still be reversed`, {
      reversibleCents: reversible,
    });
  }
  return reverseLocked(tx, payment, { amount: input.amountCents, kind: input.kind, actor: input.actor, clock });
}

/**
 * Applies what a provider reported (a verified webhook, or an answer to our own question):
 * the status, then any refund or chargeback totals. A refund or chargeback implies the money
 * had arrived, so a payment still open is settled first.
 */
export async function applyProviderSnapshot(
  paymentId: string,
  snapshot: ProviderSnapshot,
  options: LedgerOptions = {},
) {
  return inTransaction(options.tx, async (tx) => {
    const reversed = (snapshot.refundedCents ?? 0) > 0 || (snapshot.chargedBackCents ?? 0) > 0;
    const status = reversed ? 'paid' : snapshot.status;
    const result = await applyPaymentStatus(paymentId, status, {
      ...options,
      tx,
      providerData: {
        amountCents: snapshot.amountCents,
        providerPaymentId: snapshot.providerPaymentId,
        providerReference: snapshot.providerReference,
        providerStatus: snapshot.providerStatus,
        method: snapshot.method,
      },
    });
    const reversals: ReversalResult[] = [];
    if ((snapshot.refundedCents ?? 0) > 0) {
      reversals.push(
        await recordReversal(
          paymentId,
          { kind: 'refund', totalCents: snapshot.refundedCents!, providerStatus: snapshot.providerStatus },
          { ...options, tx },
        ),
      );
    }
    if ((snapshot.chargedBackCents ?? 0) > 0) {
      reversals.push(
        await recordReversal(
          paymentId,
          { kind: 'chargeback', totalCents: snapshot.chargedBackCents!, providerStatus: snapshot.providerStatus },
          { ...options, tx },
        ),
      );
    }
    return { status: result, reversals };
  });
}

// --- invoice totals changed by the creditor ------------------------------------------------

export type InvoiceRevision = {
  invoice: Invoice;
  changes: Record<string, { from: unknown; to: unknown }>;
  settled: boolean;
  reopened: boolean;
};

/**
 * The creditor changed an invoice's total (API, CSV, UBL): the open principal becomes the new
 * total minus the principal already paid or credited (costs and interest stay what they are).
 * An open invoice that then owes nothing is settled as paid; a settled one that owes again
 * re-opens, dunning from `nextActionAtIfReopened`. A total below what was paid is refused
 * (LedgerError 'total_below_paid'). `invoice` must be locked by the caller; the caller writes
 * the invoice's other fields and the audit event (these changes are returned for it).
 */
export async function reviseInvoiceAmounts(
  tx: Tx,
  input: { invoice: Invoice; totalCents: number; actor: Actor; nextActionAtIfReopened: Date | null },
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<InvoiceRevision> {
  const { invoice } = input;
  if (!Number.isSafeInteger(input.totalCents) || input.totalCents <= 0 || input.totalCents > MAX_AMOUNT_CENTS) {
    throw new LedgerError('invalid_entry', 'totalCents must be a positive whole number of cents');
  }
  const [row] = await tx
    .select({
      principal:
        sql<number>`coalesce(sum(${paymentAllocations.amountCents} - ${paymentAllocations.costsCents} - ${paymentAllocations.interestCents}), 0)::bigint`.mapWith(
          Number,
        ),
    })
    .from(paymentAllocations)
    .where(eq(paymentAllocations.invoiceId, invoice.id));
  const paid = row.principal;
  if (input.totalCents < paid) {
    throw new LedgerError(
      'total_below_paid',
      `The total cannot be lower than what has already been paid or credited (${paid} cents).`,
      { paidCents: paid },
    );
  }
  const now = clock.now();
  const openCents = input.totalCents - paid;
  const next: Partial<Invoice> = { totalCents: input.totalCents, openCents };
  const owes = owedOf({ ...invoice, openCents }) > 0;
  let settled = false;
  let reopened = false;
  if (invoice.status === 'open' && !owes) {
    Object.assign(next, { status: 'paid', settledAt: now, nextActionAt: null });
    settled = true;
  } else if (invoice.status !== 'open' && owes) {
    Object.assign(next, { status: 'open', settledAt: null, nextActionAt: input.nextActionAtIfReopened });
    reopened = true;
  }
  const changes: InvoiceRevision['changes'] = {};
  for (const [field, value] of Object.entries(next) as [keyof Invoice, unknown][]) {
    const before = invoice[field];
    const same =
      before instanceof Date || value instanceof Date
        ? before instanceof Date && value instanceof Date && before.getTime() === value.getTime()
        : before === value;
    if (!same) changes[field] = { from: before, to: value };
  }
  if (Object.keys(changes).length === 0) return { invoice, changes, settled: false, reopened: false };
  const [updated] = await tx
    .update(invoices)
    .set({ ...next, updatedAt: now })
    .where(eq(invoices.id, invoice.id))
    .returning();
  if (settled || reopened) {
    await emitLedgerEvent(
      tx,
      {
        kind: 'revised',
        organizationId: invoice.organizationId,
        debtorId: invoice.debtorId,
        payment: null,
        source: null,
        allocations: [],
        creditedCents: 0,
        settledInvoiceIds: settled ? [invoice.id] : [],
        reopenedInvoiceIds: reopened ? [invoice.id] : [],
        actor: input.actor,
      },
      clock,
    );
  }
  return { invoice: updated, changes, settled, reopened };
}
