/**
 * The ledger's one event registry. Every change the ledger makes to money on invoices ends with
 * one event, delivered to every subscriber inside the ledger's transaction (so what they do
 * commits or rolls back with the money):
 * - `booked`: money was applied (every source: provider payments, bank transfers, external
 *   settlements, credit notes, write-offs, use of debtor credit). For a provider payment that
 *   moved to paid, `from`/`to` are set.
 * - `reversed`: (part of) an earlier booking was taken back (refund, chargeback, returned transfer).
 * - `status`: a provider payment moved without money (pending, failed, canceled, expired).
 * - `revised`: the creditor changed an invoice's total and that settled or re-opened it
 *   (`payment` and `source` are null).
 *
 * recordLedgerEntries (a bank statement's lines) delivers its events in one batch, in order: a
 * subscriber registered with onLedgerEvents gets them in one call (and does its work for all of
 * them in a few queries), one registered with onLedgerEvent gets them one by one.
 *
 * The subscribers (dunning pauses, disputes, payment plans, transfer notices) register in
 * their own modules; app/server/ledger-subscribers.server (the composition root) imports them
 * all and is loaded the first time an event is emitted, so they are active in the web server, the
 * worker, scripts and tests alike without every entry point having to remember them. That dynamic
 * import is the ledger's only reference upwards.
 */
import type { Invoice, Organization, Payment, PaymentAllocation } from '~db/schema';
import type { Clock } from '~/utils/clock';
import type { Tx } from '~/utils/db.server';
import type { Actor } from '~/modules/audit/index.server';

export type PaymentStatus = Payment['status'];
export type AllocationRow = Pick<PaymentAllocation, 'invoiceId' | 'amountCents' | 'costsCents' | 'interestCents'>;

/** What started a booking, when it was not the payment itself (e.g. the dispute a credit note resolves). */
export type LedgerOrigin = { kind: 'dispute' | 'bank_entry' | 'api' | 'checkout' | 'plan'; id: string };

type LedgerEventBase = {
  organizationId: string;
  debtorId: string;
  /** booked: the allocations written (positive); reversed: the negative allocations written. */
  allocations: AllocationRow[];
  /** booked: what became debtor credit; reversed: credit taken back (negative or zero). */
  creditedCents: number;
  /** Invoices this change settled (nothing more owed). */
  settledInvoiceIds: string[];
  /** Invoices this change re-opened (reversed, revised). */
  reopenedInvoiceIds: string[];
  /** reversed: the amount taken back and why. */
  reversal?: { kind: 'refund' | 'chargeback' | 'returned'; amountCents: number };
  origin?: LedgerOrigin | null;
  /** Who caused the change (subscribers act in their name). */
  actor: Actor;
  /** A provider payment's status before and after (status events, and booked when a provider payment was paid). */
  from?: PaymentStatus;
  to?: PaymentStatus;
};

/** Money moved on a payment. */
export type LedgerMoneyEvent = LedgerEventBase & {
  kind: 'booked' | 'reversed' | 'status';
  payment: Payment;
  source: Payment['provider'];
};

/** The creditor changed an invoice's total and that settled or re-opened it (no money, no payment). */
export type LedgerRevisionEvent = LedgerEventBase & { kind: 'revised'; payment: null; source: null };

export type LedgerEvent = LedgerMoneyEvent | LedgerRevisionEvent;

/**
 * The invoices a batch of events settled (booked or revised to nothing owed), with their
 * organisations: what a subscriber narrows down with one query of its own.
 */
export function settledByEvents(events: LedgerEvent[]): { invoiceIds: string[]; organizationIds: string[] } {
  const invoiceIds = new Set<string>();
  const organizationIds = new Set<string>();
  for (const event of events) {
    if (event.kind !== 'booked' && event.kind !== 'revised') continue;
    for (const id of event.settledInvoiceIds) invoiceIds.add(id);
    if (event.settledInvoiceIds.length > 0) organizationIds.add(event.organizationId);
  }
  return { invoiceIds: [...invoiceIds], organizationIds: [...organizationIds] };
}

export type LedgerListener = (tx: Tx, event: LedgerEvent, ctx: { clock: Clock }) => Promise<void>;
/**
 * A subscriber that takes the events of one batch at once (recordLedgerEntries: a bank statement's
 * lines), in the order they happened, so it can do its work for all of them in a few queries.
 * It must leave the same state as receiving them one by one would.
 */
export type LedgerBatchListener = (tx: Tx, events: LedgerEvent[], ctx: { clock: Clock }) => Promise<void>;

type Subscriber = { one?: LedgerListener; many?: LedgerBatchListener };
const listeners = new Map<string, Subscriber>();

/**
 * Subscribes to every ledger event, run inside the ledger's transaction in registration order.
 * Registering the same name again replaces the earlier listener (modules may be loaded twice).
 * A batch of events reaches this listener one event at a time (see onLedgerEvents for batch delivery).
 */
export function onLedgerEvent(name: string, listener: LedgerListener): void {
  listeners.set(name, { one: listener });
}

/**
 * Subscribes with batch delivery: the events of one ledger call (one or many) arrive in one call,
 * in the order they happened. `one` (optional) is used for single events instead.
 */
export function onLedgerEvents(name: string, many: LedgerBatchListener, one?: LedgerListener): void {
  listeners.set(name, { many, ...(one ? { one } : {}) });
}

/** For tests: removes a listener registered with onLedgerEvent or onLedgerEvents. */
export function offLedgerEvent(name: string): void {
  listeners.delete(name);
}

let subscribers: Promise<unknown> | null = null;

/** Loads the modules that subscribe (once per process). */
export function loadLedgerSubscribers(): Promise<unknown> {
  subscribers ??= import('~/server/ledger-subscribers.server').catch((error: unknown) => {
    subscribers = null;
    throw error;
  });
  return subscribers;
}

/**
 * When dunning resumes on an invoice a reversal re-opens: dunning's rule (dunning sits above the
 * ledger, so the ledger does not import it), installed by the composition root with the
 * subscribers.
 */
export type ResumeRule = (
  invoice: Pick<Invoice, 'dueDate' | 'dunningStage'>,
  policy: Organization['dunningPolicy'],
  kind: 'consumer' | 'business',
  now: Date,
) => Date | null;

let resumeRule: ResumeRule | null = null;

/** Installs dunning's resume rule (app/server/ledger-subscribers.server does, once per process). */
export function setResumeRule(rule: ResumeRule): void {
  resumeRule = rule;
}

/** The resume rule, loading the composition root first; without one the ledger refuses to re-open anything. */
export async function loadResumeRule(): Promise<ResumeRule> {
  await loadLedgerSubscribers();
  if (!resumeRule) throw new Error('the ledger has no resume rule: app/server/ledger-subscribers.server installs it');
  return resumeRule;
}

/** Delivers an event to every subscriber; a subscriber's error aborts the ledger's transaction. */
export async function emitLedgerEvent(tx: Tx, event: LedgerEvent, clock: Clock): Promise<void> {
  await loadLedgerSubscribers();
  for (const { one, many } of [...listeners.values()]) {
    if (one) await one(tx, event, { clock });
    else if (many) await many(tx, [event], { clock });
  }
}

/**
 * Delivers the events of one batch, in order: to a batch subscriber all at once, to any other one
 * event after the other. A subscriber's error aborts the ledger's transaction.
 */
export async function emitLedgerEvents(tx: Tx, events: LedgerEvent[], clock: Clock): Promise<void> {
  if (events.length === 0) return;
  if (events.length === 1) return emitLedgerEvent(tx, events[0], clock);
  await loadLedgerSubscribers();
  for (const { one, many } of [...listeners.values()]) {
    if (many) await many(tx, events, { clock });
    else if (one) for (const event of events) await one(tx, event, { clock });
  }
}
