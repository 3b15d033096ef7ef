/**
 * Dunning's reaction to the ledger (registered by app/server/ledger-subscribers.server.ts): an
 * invoice that owes nothing more (booked, revised) loses every pause; a provider payment that
 * ended (paid, in full or in part, failed, cancelled, expired) lifts its own payment_pending
 * pause, so dunning goes on for what is left.
 */
import { sql } from 'drizzle-orm';
import type { Tx } from '~/utils/db.server';
import {
  settledByEvents,
  type LedgerBatchListener,
  type LedgerEvent,
  type LedgerListener,
} from '~/modules/ledger/index.server';
import { liftPauses } from './pauses.server';

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
 * Of the invoices the events settled, those with a pause not lifted yet: a superset of what
 * lifting can touch, as nothing done while handling a batch adds a pause. One query.
 */
async function pausedAmong(tx: Tx, events: LedgerEvent[]): Promise<Set<string>> {
  const { invoiceIds, organizationIds } = settledByEvents(events);
  if (invoiceIds.length === 0) return new Set();
  const rows = await tx.execute<{ invoice_id: string }>(
    sql`select distinct invoice_id from dunning_pauses
        where organization_id = any(${`{${organizationIds.join(',')}}`}::uuid[]) and lifted_at is null
          and invoice_id = any(${`{${invoiceIds.join(',')}}`}::uuid[])`,
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
  const paused = await pausedAmong(tx, events);
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
