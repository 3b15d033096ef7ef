import { sql, type SQL } from 'drizzle-orm';
import { getDb, type Tx } from '~/utils/db.server';
import { TIMELINE_LIMIT, type TimelineEvent } from './timeline';

export { TIMELINE_LIMIT };

type Row = {
  id: number | string;
  created_at: Date | string;
  action: string;
  entity_type: string;
  entity_id: string;
  actor_type: TimelineEvent['actorType'];
  actor_id: string | null;
  actor_name: string | null;
  invoice_id: string | null;
  invoice_number: string | null;
  data: Record<string, unknown> | null;
};

async function timeline(db: Tx, organizationId: string, where: SQL, limit: number): Promise<TimelineEvent[]> {
  const rows = await db.execute<Row>(sql`
    select ae.id, ae.created_at, ae.action, ae.entity_type, ae.entity_id, ae.actor_type, ae.actor_id,
      coalesce(su.name, ak.name, db.name) as actor_name,
      ae.invoice_id, i.number as invoice_number, ae.data
    from audit_events ae
    left join staff_users su
      on ae.actor_type = 'staff' and su.id::text = ae.actor_id and su.organization_id = ae.organization_id
    left join api_keys ak
      on ae.actor_type = 'api' and ak.id::text = ae.actor_id and ak.organization_id = ae.organization_id
    left join debtors db
      on ae.actor_type = 'debtor' and db.id::text = ae.actor_id and db.organization_id = ae.organization_id
    left join invoices i on i.id = ae.invoice_id and i.organization_id = ae.organization_id
    where ae.organization_id = ${organizationId} and (${where})
    order by ae.created_at desc, ae.id desc
    limit ${limit}`);
  return rows.map((r) => ({
    id: Number(r.id),
    at: new Date(r.created_at).toISOString(),
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    actorType: r.actor_type,
    actorId: r.actor_id,
    actorName: r.actor_name,
    invoiceId: r.invoice_id,
    invoiceNumber: r.invoice_number,
    data: r.data,
  }));
}

/** Everything that happened to a debtor and their invoices, newest first. */
export function debtorTimeline(
  organizationId: string,
  debtorId: string,
  { db = getDb(), limit = TIMELINE_LIMIT }: { db?: Tx; limit?: number } = {},
) {
  return timeline(
    db,
    organizationId,
    sql`ae.debtor_id = ${debtorId}::uuid or (ae.entity_type = 'debtor' and ae.entity_id = ${debtorId})`,
    limit,
  );
}

/**
 * Everything that happened to one invoice, newest first: its own events and those of the
 * emails that covered it.
 */
export function invoiceTimeline(
  organizationId: string,
  invoiceId: string,
  { db = getDb(), limit = TIMELINE_LIMIT }: { db?: Tx; limit?: number } = {},
) {
  return timeline(
    db,
    organizationId,
    sql`ae.invoice_id = ${invoiceId}::uuid
      or (ae.entity_type = 'invoice' and ae.entity_id = ${invoiceId})
      or (ae.entity_type = 'communication' and ae.entity_id in (
        select c.id::text from communications c
        where c.organization_id = ${organizationId} and ${invoiceId}::uuid = any(c.invoice_ids)))`,
    limit,
  );
}
