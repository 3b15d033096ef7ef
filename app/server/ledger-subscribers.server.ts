/**
 * The composition root of the ledger's subscribers: everything that reacts to ledger events,
 * registered in one place and in this order (loaded by app/modules/ledger/ledger-events.server
 * the first time an event is emitted, in every process; the ledger itself imports none of these
 * modules, which sit above it):
 *
 * 1. dunning pauses (here): an invoice that owes nothing more (booked, revised) loses every pause; a provider
 *    payment that ended (paid, in full or in part, failed, cancelled, expired) lifts its own
 *    payment_pending pause, so dunning goes on for what is left.
 * 2. disputes: an active dispute on a settled invoice closes (app/modules/disputes/resolve.server).
 * 3. payment plans: money on an installment's payment counts for that installment, and a
 *    reversal takes it back (app/modules/plans/installments.server).
 * 4. transfer notices: money on an invoice the debtor said they transferred for ends the notice
 *    and its pause (app/modules/bank/transfer-notices.server).
 *
 * A module may also call onLedgerEvent itself (tests do); the list below is re-registered in this
 * order so the order never depends on which module happened to load first. Each subscriber has a
 * batch form too (onLedgerEvents): recordLedgerEntries delivers a bank statement's bookings at
 * once, and the batch form does in a few queries what the single one does per event.
 */
import { sql } from 'drizzle-orm';
import type { Tx } from '../utils/db.server';
import { transferNoticesOnLedgerEvent, transferNoticesOnLedgerEvents } from '../modules/bank/index.server';
import { closeDisputesOnSettlement } from '../modules/disputes/index.server';
import { liftPauses } from '../modules/dunning/index.server';
import { resumedNextAction } from '../modules/dunning/index';
import { installmentsOnLedgerEvent, installmentsOnLedgerEvents } from '../modules/plans/index.server';
import {
  offLedgerEvent,
  onLedgerEvents,
  setResumeRule,
  type LedgerBatchListener,
  type LedgerEvent,
  type LedgerListener,
} from '../modules/ledger/index.server';

const PROVIDERS: ReadonlySet<LedgerEvent['source']> = new Set(['mollie', 'stripe', 'demo']);

/** Why the pauses of a settled invoice ended, by the source that settled it. */
function settledReason(source: LedgerEvent['source']) {
  if (source === null) return 'settled';
  return source === 'credit_note' ? 'invoice_credited' : source === 'write_off' ? 'written_off' : 'paid';
}

export const liftPausesOnLedgerEvent: LedgerListener = async (tx, event, { clock }) => {
  if ((event.kind === 'booked' || event.kind === 'revised') && event.settledInvoiceIds.length > 0) {
    await liftPauses(
      tx,
      {
        organizationId: event.organizationId,
        invoiceIds: event.settledInvoiceIds,
        liftedReason: settledReason(event.source),
        actor: event.actor,
      },
      { clock },
    );
  }
  const ended = event.kind === 'booked' || (event.kind === 'status' && event.to !== 'pending');
  // Only a provider payment started in the portal holds a payment_pending pause of its own.
  if (ended && event.source !== null && PROVIDERS.has(event.source) && event.to !== undefined) {
    await liftPauses(
      tx,
      {
        organizationId: event.organizationId,
        sourceId: event.payment.id,
        reason: 'payment_pending',
        liftedReason: `payment_${event.to}`,
        actor: event.actor,
      },
      { clock },
    );
  }
};

/**
 * Of the invoices the events settled, those with a pause not lifted yet (dunning_pauses) or a
 * dispute (disputes, any status): a superset of what lifting or closing can touch, as nothing the
 * subscribers do while handling a batch adds a pause or a dispute. One query, ids as one array.
 */
async function withActive(tx: Tx, table: 'dunning_pauses' | 'disputes', events: LedgerEvent[]): Promise<Set<string>> {
  const settled = new Set<string>();
  const organizations = new Set<string>();
  for (const event of events) {
    if (event.kind !== 'booked' && event.kind !== 'revised') continue;
    for (const id of event.settledInvoiceIds) settled.add(id);
    if (event.settledInvoiceIds.length > 0) organizations.add(event.organizationId);
  }
  if (settled.size === 0) return settled;
  const uuids = (ids: Iterable<string>) => `{${[...ids].join(',')}}`;
  const rows = await tx.execute<{ invoice_id: string }>(
    table === 'dunning_pauses'
      ? sql`select distinct invoice_id from dunning_pauses
            where organization_id = any(${uuids(organizations)}::uuid[]) and lifted_at is null
              and invoice_id = any(${uuids(settled)}::uuid[])`
      : sql`select distinct invoice_id from disputes
            where organization_id = any(${uuids(organizations)}::uuid[]) and invoice_id = any(${uuids(settled)}::uuid[])`,
  );
  return new Set(rows.map((r) => r.invoice_id));
}

/**
 * The same for a batch of events (a bank statement's lines): the invoices the events settled lose
 * their pauses in one liftPauses call per run of events with the same organisation, reason and
 * actor (lifting them together leaves what lifting them one after the other does); an event that
 * also ends a provider payment's own pause is handled on its own, in its place.
 */
export const liftPausesOnLedgerEvents: LedgerBatchListener = async (tx, events, { clock }) => {
  // Most settled invoices have no pause at all: one query finds the ones that do.
  const paused = await withActive(tx, 'dunning_pauses', events);
  let run: { key: string; event: LedgerEvent; invoiceIds: string[] } | null = null;
  const flush = async () => {
    if (!run) return;
    const { event } = run;
    const invoiceIds = run.invoiceIds.filter((id) => paused.has(id));
    run = null;
    if (invoiceIds.length === 0) return;
    await liftPauses(
      tx,
      {
        organizationId: event.organizationId,
        invoiceIds: [...new Set(invoiceIds)],
        liftedReason: settledReason(event.source),
        actor: event.actor,
      },
      { clock },
    );
  };
  for (const event of events) {
    const ownPause = event.source !== null && PROVIDERS.has(event.source) && event.to !== undefined;
    if (ownPause || event.kind === 'status') {
      await flush();
      await liftPausesOnLedgerEvent(tx, event, { clock });
      continue;
    }
    if ((event.kind !== 'booked' && event.kind !== 'revised') || event.settledInvoiceIds.length === 0) continue;
    const key = JSON.stringify([event.organizationId, settledReason(event.source), event.actor]);
    if (run && run.key !== key) await flush();
    if (run) run.invoiceIds.push(...event.settledInvoiceIds);
    else run = { key, event, invoiceIds: [...event.settledInvoiceIds] };
  }
  await flush();
};

/**
 * Disputes for a batch: the active disputes of every invoice the events settled close in one
 * resolveDisputesForPaidInvoices call per run of events with the same organisation, actor and
 * originating dispute.
 */
export const closeDisputesOnSettlements: LedgerBatchListener = async (tx, events, { clock }) => {
  // Most settled invoices were never disputed: one query finds the ones that were.
  const disputed = await withActive(tx, 'disputes', events);
  let run: { key: string; event: LedgerEvent; invoiceIds: string[] } | null = null;
  const flush = async () => {
    if (!run) return;
    const { event } = run;
    const invoiceIds = run.invoiceIds.filter((id) => disputed.has(id));
    run = null;
    if (invoiceIds.length === 0) return;
    await closeDisputesOnSettlement(tx, { ...event, settledInvoiceIds: [...new Set(invoiceIds)] }, { clock });
  };
  for (const event of events) {
    if ((event.kind !== 'booked' && event.kind !== 'revised') || event.settledInvoiceIds.length === 0) continue;
    const except = event.origin?.kind === 'dispute' ? event.origin.id : null;
    const key = JSON.stringify([event.organizationId, event.actor, except, event.kind]);
    if (run && run.key !== key) await flush();
    if (run) run.invoiceIds.push(...event.settledInvoiceIds);
    else run = { key, event, invoiceIds: [...event.settledInvoiceIds] };
  }
  await flush();
};

const SUBSCRIBERS: [string, LedgerListener, LedgerBatchListener][] = [
  ['dunning-pauses', liftPausesOnLedgerEvent, liftPausesOnLedgerEvents],
  ['disputes', closeDisputesOnSettlement, closeDisputesOnSettlements],
  ['payment-plans', installmentsOnLedgerEvent, installmentsOnLedgerEvents],
  ['transfer-notices', transferNoticesOnLedgerEvent, transferNoticesOnLedgerEvents],
];
for (const [name] of SUBSCRIBERS) offLedgerEvent(name);
for (const [name, one, many] of SUBSCRIBERS) onLedgerEvents(name, many, one);
// When a reversal re-opens an invoice, dunning resumes by dunning's rule.
setResumeRule(resumedNextAction);
