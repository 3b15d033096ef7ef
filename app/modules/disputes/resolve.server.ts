/**
 * How disputes end: a credit note (full or partial), a rejection, the invoice being paid, or
 * the debtor withdrawing. Each ends the dispute's dunning pause in the same transaction: a
 * full credit settles the invoice, a partial credit or a rejection resumes dunning after the
 * organisation's grace period, a withdrawal resumes it at once. Credits are ledger entries; an
 * invoice settled by any other source closes its disputes through the ledger's event.
 */
import { and, eq, inArray, ne } from 'drizzle-orm';
import { disputes, invoices, organizations, type Dispute } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { audit, type Actor } from '~/modules/audit/index.server';
import { liftPauses } from '~/modules/dunning/index.server';
import { owedCents, recordLedgerEntry, type LedgerListener } from '~/modules/ledger/index.server';
import { ACTIVE_STATUSES, isActiveStatus, type DisputeOutcome } from './constants';
import type { DisputeErrorCode } from './forms.server';
import { loadContext, notifyDebtor } from './notify.server';
import { lockDispute } from './store.server';
import { orgScope } from '~/utils/org-scope.server';

type Options = { clock?: Clock };
export type StaffActor = { id: string; organizationId: string };
type Refusal = { ok: false; error: DisputeErrorCode | 'not_found' };

const DAY_MS = 86_400_000;

/** One instant for everything a transaction records, so resolved_at and the resume moment agree. */
export function frozenAt(at: Date): Clock {
  return { now: () => new Date(at) };
}

/**
 * Closes a locked, active dispute: status, outcome, the end of its pause (dunning resumes from
 * `resumeAt` when nothing else holds the invoice), an audit event and the debtor's email.
 */
export async function closeDispute(
  tx: Tx,
  dispute: Dispute,
  input: { outcome: DisputeOutcome; actor: Actor; note: string | null; resumeAt: Date; creditedCents?: number },
  { clock = systemClock }: Options = {},
) {
  const now = clock.now();
  const status = input.outcome === 'withdrawn' ? 'withdrawn' : 'resolved';
  const [closed] = await tx
    .update(disputes)
    .set({
      status,
      outcome: input.outcome,
      creditedCents: input.creditedCents ?? dispute.creditedCents,
      resolutionNote: input.note,
      resolvedAt: now,
      updatedAt: now,
    })
    .where(eq(disputes.id, dispute.id))
    .returning();
  const lifted = await liftPauses(
    tx,
    {
      organizationId: dispute.organizationId,
      sourceId: dispute.id,
      reason: 'dispute',
      liftedReason: `dispute_${input.outcome}`,
      actor: input.actor,
      resumeAt: input.resumeAt,
    },
    { clock },
  );
  await audit(tx, {
    organizationId: dispute.organizationId,
    actor: input.actor,
    action: input.outcome === 'withdrawn' ? 'dispute.withdrawn' : 'dispute.resolved',
    entityType: 'dispute',
    entityId: dispute.id,
    debtorId: dispute.debtorId,
    invoiceId: dispute.invoiceId,
    data: {
      from: dispute.status,
      to: status,
      outcome: input.outcome,
      creditedCents: closed.creditedCents,
      resumeAt: input.resumeAt.toISOString(),
      resumedInvoices: lifted.resumed,
      note: input.note,
    },
    at: now,
  });
  await notifyDebtor(
    tx,
    await loadContext(tx, closed),
    { template: 'dispute_resolved', outcome: input.outcome, creditedCents: closed.creditedCents, note: input.note },
    { clock },
  );
  return closed;
}

async function graceDays(tx: Tx, organizationId: string) {
  const [org] = await tx
    .select({ settings: organizations.portalSettings })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  return org?.settings.disputeRejectGraceDays ?? 7;
}

/**
 * Credits (part of) the disputed invoice with a credit note, booked through the ledger like every
 * other money on invoices (source credit_note, allocated by art. 6:44 BW: costs, then interest,
 * then the principal). Crediting everything still owed settles the invoice (credited); a part
 * resumes dunning on the rest after the grace period. One credit note per dispute.
 */
export async function creditDispute(
  staff: StaffActor,
  disputeId: string,
  input: { amountCents: number; note: string | null },
  { clock = systemClock }: Options = {},
): Promise<{ ok: true; outcome: DisputeOutcome; openCents: number } | Refusal> {
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents <= 0) return { ok: false, error: 'amount_invalid' };
  return getDb().transaction(async (tx) => {
    const now = clock.now();
    const at = frozenAt(now);
    const dispute = await lockDispute(tx, disputeId, orgScope(disputes, staff));
    if (!dispute) return { ok: false, error: 'not_found' } as const;
    if (!isActiveStatus(dispute.status)) return { ok: false, error: 'not_active' } as const;
    const [invoice] = await tx
      .select()
      .from(invoices)
      .where(and(eq(invoices.id, dispute.invoiceId), orgScope(invoices, staff)))
      .for('update');
    const owed = invoice ? owedCents(invoice) : 0;
    if (!invoice || invoice.status !== 'open' || owed <= 0) return { ok: false, error: 'invoice_not_open' } as const;
    if (input.amountCents > owed) return { ok: false, error: 'credit_too_high' } as const;

    const actor: Actor = { type: 'staff', id: staff.id };
    const booked = await recordLedgerEntry(
      tx,
      {
        organizationId: staff.organizationId,
        debtorId: dispute.debtorId,
        source: 'credit_note',
        amountCents: input.amountCents,
        targets: [{ invoiceId: invoice.id }],
        restAsCredit: false,
        // One credit note per dispute: a repeated submission finds the first.
        key: `dispute:${dispute.id}`,
        method: 'credit_note',
        actor,
        origin: { kind: 'dispute', id: dispute.id },
      },
      { clock: at },
    );
    if (!booked.changed) return { ok: false, error: 'not_active' } as const;
    const full = booked.settledInvoiceIds.includes(invoice.id);
    const principal = booked.allocations.reduce((sum, a) => sum + a.amountCents - a.costsCents - a.interestCents, 0);
    const outcome: DisputeOutcome = full ? 'credited_full' : 'credited_partial';
    const resumeAt = full ? now : new Date(now.getTime() + (await graceDays(tx, staff.organizationId)) * DAY_MS);
    await closeDispute(
      tx,
      dispute,
      { outcome, actor, note: input.note, resumeAt, creditedCents: input.amountCents },
      { clock: at },
    );
    return { ok: true, outcome, openCents: invoice.openCents - principal } as const;
  });
}

/** Rejects the dispute with an explanation; dunning resumes after the organisation's grace period. */
export async function rejectDispute(
  staff: StaffActor,
  disputeId: string,
  input: { note: string },
  { clock = systemClock }: Options = {},
): Promise<{ ok: true; resumeAt: Date } | Refusal> {
  return getDb().transaction(async (tx) => {
    const dispute = await lockDispute(tx, disputeId, orgScope(disputes, staff));
    if (!dispute) return { ok: false, error: 'not_found' } as const;
    if (!isActiveStatus(dispute.status)) return { ok: false, error: 'not_active' } as const;
    const at = frozenAt(clock.now());
    const resumeAt = new Date(at.now().getTime() + (await graceDays(tx, staff.organizationId)) * DAY_MS);
    await closeDispute(
      tx,
      dispute,
      { outcome: 'rejected', actor: { type: 'staff', id: staff.id }, note: input.note, resumeAt },
      { clock: at },
    );
    return { ok: true, resumeAt } as const;
  });
}

/**
 * Closes the active disputes on invoices that are now settled (paid, credited or written off):
 * outcome "paid" for a paid invoice, "credited_full" otherwise; their pauses end and the debtor
 * is told. Returns the closed dispute ids. `except`: a dispute its caller closes itself.
 */
export async function resolveDisputesForPaidInvoices(
  tx: Tx,
  input: { organizationId: string; invoiceIds: string[]; actor?: Actor; except?: string | null },
  { clock = systemClock }: Options = {},
) {
  if (input.invoiceIds.length === 0) return [];
  const rows = await tx
    .select({ dispute: disputes, invoiceStatus: invoices.status })
    .from(disputes)
    .innerJoin(invoices, and(eq(invoices.id, disputes.invoiceId), eq(invoices.organizationId, disputes.organizationId)))
    .where(
      and(
        orgScope(disputes, input),
        inArray(disputes.invoiceId, input.invoiceIds),
        inArray(disputes.status, ACTIVE_STATUSES),
        inArray(invoices.status, ['paid', 'credited', 'written_off']),
        input.except ? ne(disputes.id, input.except) : undefined,
      ),
    )
    .for('update', { of: disputes });
  const closed: string[] = [];
  const at = frozenAt(clock.now());
  for (const { dispute, invoiceStatus } of rows) {
    await closeDispute(
      tx,
      dispute,
      {
        outcome: invoiceStatus === 'paid' ? 'paid' : 'credited_full',
        actor: input.actor ?? { type: 'system', id: 'disputes' },
        note: null,
        resumeAt: at.now(),
      },
      { clock: at },
    );
    closed.push(dispute.id);
  }
  return closed;
}

/**
 * The ledger's subscriber (registered in app/server/ledger-subscribers.server): whatever settled
 * an invoice (any source, or a lower total), its active disputes close in the same transaction.
 * Nothing on a page has to make up for it, so nothing writes on GET.
 */
export const closeDisputesOnSettlement: LedgerListener = async (tx, event, { clock }) => {
  if (event.kind !== 'booked' && event.kind !== 'revised') return;
  if (event.settledInvoiceIds.length === 0) return;
  await resolveDisputesForPaidInvoices(
    tx,
    {
      organizationId: event.organizationId,
      invoiceIds: event.settledInvoiceIds,
      actor: event.actor,
      except: event.origin?.kind === 'dispute' ? event.origin.id : null,
    },
    { clock },
  );
};
