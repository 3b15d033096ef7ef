/**
 * Disputes' reaction to the ledger (registered by app/server/ledger-subscribers.server.ts): an
 * active dispute on an invoice the ledger settled closes (closeDisputesOnSettlement, per event;
 * closeDisputesOnSettlements for a bank statement's batch).
 */
import { sql } from 'drizzle-orm';
import type { Tx } from '~/utils/db.server';
import { settledByEvents, type LedgerBatchListener, type LedgerEvent } from '~/modules/ledger/index.server';
import { closeDisputesOnSettlement } from './resolve.server';

/** Of the invoices the events settled, those with a dispute (any status). One query. */
async function disputedAmong(tx: Tx, events: LedgerEvent[]): Promise<Set<string>> {
  const { invoiceIds, organizationIds } = settledByEvents(events);
  if (invoiceIds.length === 0) return new Set();
  const rows = await tx.execute<{ invoice_id: string }>(
    sql`select distinct invoice_id from disputes
        where organization_id = any(${`{${organizationIds.join(',')}}`}::uuid[])
          and invoice_id = any(${`{${invoiceIds.join(',')}}`}::uuid[])`,
  );
  return new Set(rows.map((r) => r.invoice_id));
}

/**
 * Disputes for a batch: the active disputes of every invoice the events settled close in one
 * resolveDisputesForPaidInvoices call per run of events with the same organisation, actor and
 * originating dispute.
 */
export const closeDisputesOnSettlements: LedgerBatchListener = async (tx, events, { clock }) => {
  // Most settled invoices were never disputed: one query finds the ones that were.
  const disputed = await disputedAmong(tx, events);
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
