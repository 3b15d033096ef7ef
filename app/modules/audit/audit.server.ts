import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../utils/db.server';

export type Actor =
  | { type: 'debtor'; id: string }
  | { type: 'staff'; id: string }
  | { type: 'system'; id?: string }
  | { type: 'provider'; id: string }
  | { type: 'api'; id: string };

export type AuditInput = {
  organizationId: string;
  actor: Actor;
  action: string;
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
