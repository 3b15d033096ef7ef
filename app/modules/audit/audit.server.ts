import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '~/utils/db.server';

export type Actor =
  | { type: 'debtor'; id: string }
  | { type: 'staff'; id: string }
  | { type: 'system'; id?: string }
  | { type: 'provider'; id: string }
  | { type: 'api'; id: string };

/** Every action an audit event can record: the one list (audit() takes no other). */
export type AuditAction =
  // api_key
  | 'api_key.created'
  | 'api_key.revoked'
  // bank_account
  | 'bank_account.added'
  | 'bank_account.removed'
  // bank_entry
  | 'bank_entry.ignored'
  | 'bank_entry.matched'
  | 'bank_entry.requeued'
  // bank_statement
  | 'bank_statement.imported'
  // communication
  | 'communication.bounced'
  | 'communication.cancelled'
  | 'communication.complained'
  | 'communication.delivered'
  | 'communication.failed'
  | 'communication.sent'
  // debtor
  | 'debtor.created'
  | 'debtor.credit_added'
  | 'debtor.credit_used'
  | 'debtor.email_blocked'
  | 'debtor.flag_cleared'
  | 'debtor.flagged'
  | 'debtor.hold_lifted'
  | 'debtor.hold_placed'
  | 'debtor.locale_changed'
  | 'debtor.updated'
  // dispute
  | 'dispute.assigned'
  | 'dispute.debtor_replied'
  | 'dispute.note_added'
  | 'dispute.opened'
  | 'dispute.part_credited'
  | 'dispute.question_asked'
  | 'dispute.question_closed'
  | 'dispute.resolved'
  | 'dispute.staff_replied'
  | 'dispute.withdrawn'
  // dunning
  | 'dunning.ended'
  | 'dunning.paused'
  | 'dunning.policy_changed'
  | 'dunning.postponed'
  | 'dunning.reminder_dropped'
  | 'dunning.resumed'
  | 'dunning.step'
  | 'dunning.step_withdrawn'
  // invoice
  | 'invoice.created'
  | 'invoice.credited'
  | 'invoice.paid'
  | 'invoice.partially_credited'
  | 'invoice.partially_paid'
  | 'invoice.partially_written_off'
  | 'invoice.payment_reversed'
  | 'invoice.pdf_attached'
  | 'invoice.reopened'
  | 'invoice.updated'
  | 'invoice.written_off'
  // invoices
  | 'invoices.imported'
  // link
  | 'link.requested'
  | 'link.revoked'
  | 'link.revoked_all'
  | 'link.sent_by_staff'
  // organization
  | 'organization.payment_provider_changed'
  // payment
  | 'payment.bank_transfer_recorded'
  | 'payment.canceled'
  | 'payment.charged_back'
  | 'payment.credit_applied'
  | 'payment.credit_note_recorded'
  | 'payment.expired'
  | 'payment.failed'
  | 'payment.paid'
  | 'payment.pending'
  | 'payment.recorded_external'
  | 'payment.refunded'
  | 'payment.returned'
  | 'payment.started'
  | 'payment.write_off_recorded'
  // plan
  | 'plan.approved'
  | 'plan.completed'
  | 'plan.counter_accepted'
  | 'plan.counter_declined'
  | 'plan.counter_expired'
  | 'plan.counter_proposed'
  | 'plan.countered'
  | 'plan.defaulted'
  | 'plan.installment_missed'
  | 'plan.installment_paid'
  | 'plan.installment_reminded'
  | 'plan.installment_reversed'
  | 'plan.proposed'
  | 'plan.rejected'
  // portal
  | 'portal.opened'
  // promise
  | 'promise.broken'
  | 'promise.cancelled'
  | 'promise.kept'
  | 'promise.made'
  // settings
  | 'settings.branding_updated'
  | 'settings.plan_policy_updated'
  | 'settings.portal_updated'
  // staff
  | 'staff.deactivated'
  | 'staff.invitation_accepted'
  | 'staff.invitation_revoked'
  | 'staff.invited'
  | 'staff.reactivated'
  | 'staff.role_changed'
  | 'staff.signed_in'
  // transfer_notice
  | 'transfer_notice.announced'
  | 'transfer_notice.lapsed'
  | 'transfer_notice.received';

export type AuditInput = {
  organizationId: string;
  actor: Actor;
  action: AuditAction;
  entityType: string;
  entityId: string;
  debtorId?: string | null;
  invoiceId?: string | null;
  data?: Record<string, unknown>;
  at?: Date;
};

/** Audit events made ready ahead of their transaction (prepareAudit); written by audit(tx, prepared). */
export type PreparedAudit = { readonly kind: 'prepared-audit'; readonly count: number; readonly statement: SQL };

const isPrepared = (item: AuditInput | PreparedAudit): item is PreparedAudit =>
  (item as PreparedAudit).kind === 'prepared-audit';

/**
 * Builds the statement for audit events without writing them, so a caller that plans its work
 * ahead (the ledger's prepared batches) does the building outside its transaction. Only audit()
 * writes it.
 */
export function prepareAudit(...events: AuditInput[]): PreparedAudit {
  const rows = events.map((e) => ({
    organization_id: e.organizationId,
    actor_type: e.actor.type,
    actor_id: e.actor.id ?? null,
    action: e.action,
    entity_type: e.entityType,
    entity_id: e.entityId,
    debtor_id: e.debtorId ?? null,
    invoice_id: e.invoiceId ?? null,
    data: e.data ?? null,
    created_at: e.at ? e.at.toISOString() : null,
  }));
  return {
    kind: 'prepared-audit',
    count: events.length,
    statement: sql`
    insert into audit_events
      (organization_id, actor_type, actor_id, action, entity_type, entity_id, debtor_id, invoice_id, data, created_at)
    select u.organization_id, u.actor_type::actor_type, u.actor_id, u.action, u.entity_type, u.entity_id, u.debtor_id,
      u.invoice_id, case when jsonb_typeof(u.data) = 'null' then null else u.data end, coalesce(u.created_at, now())
    from rows from (json_to_recordset(${JSON.stringify(rows)}::json)
      as (organization_id uuid, actor_type text, actor_id text, action text, entity_type text, entity_id text,
          debtor_id uuid, invoice_id uuid, data jsonb, created_at timestamptz)) with ordinality
      as u(organization_id, actor_type, actor_id, action, entity_type, entity_id, debtor_id, invoice_id, data, created_at, n)
    order by u.n`,
  };
}

/**
 * Writes audit events; call it inside the transaction that makes the change. Any number of
 * events in ONE statement, ids in the order given: the rows travel as one json parameter (a bank
 * statement's import writes thousands at once; building a parameter per value cost more than the
 * insert). An event without `at` gets the transaction's time, as the column's default would.
 * Events prepared ahead (prepareAudit) are written as they are, in the order given.
 */
export async function audit(tx: Tx, ...items: (AuditInput | PreparedAudit)[]) {
  if (items.length === 0) return;
  if (items.every(isPrepared)) {
    for (const prepared of items) if (prepared.count > 0) await tx.execute(prepared.statement);
    return;
  }
  if (items.some(isPrepared)) throw new Error('audit: pass events or prepared events, not both');
  const prepared = prepareAudit(...(items as AuditInput[]));
  if (prepared.count > 0) await tx.execute(prepared.statement);
}
