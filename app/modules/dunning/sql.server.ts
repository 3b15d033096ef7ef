/**
 * Set-based writes for the dunning engine: a whole batch travels as ONE jsonb parameter and is
 * unpacked with jsonb_to_recordset, so a statement costs one round trip whatever the batch size
 * (and stays far below PostgreSQL's 65,535 bind parameters).
 */
import { sql } from 'drizzle-orm';
import type { Tx } from '~/utils/db.server';
import { audit, type Actor, type AuditAction } from '~/modules/audit/index.server';
import { isUuid } from '~/utils/ids';

export function jsonRows(rows: readonly Record<string, unknown>[]): string {
  return JSON.stringify(rows);
}

/** A uuid[] literal; refuses anything that is not a UUID, so it can never carry SQL. */
export function uuidArray(ids: readonly string[]): string {
  for (const id of ids) if (!isUuid(id)) throw new Error(`not a UUID: ${id}`);
  return `{${ids.join(',')}}`;
}

export type BulkAuditEvent = {
  organizationId: string;
  action: AuditAction;
  entityType: string;
  entityId: string;
  debtorId?: string | null;
  invoiceId?: string | null;
  data?: Record<string, unknown>;
};

/** Audit events for a batch, all by one actor at one moment: one INSERT, through `audit()`. */
export async function insertAuditEvents(tx: Tx, actor: Actor, at: Date, events: BulkAuditEvent[]) {
  await audit(tx, ...events.map((e) => ({ ...e, actor, at })));
}

// The costs and interest an invoice owes are money on it: the ledger owns that statement.
export { updateInvoiceSteps, type InvoiceStepUpdate } from '~/modules/ledger/index.server';

/** Moves next_action_at of many invoices in one UPDATE (postponements, policy changes). */
export async function updateNextActions(tx: Tx, now: Date, updates: { id: string; nextActionAt: Date | null }[]) {
  if (updates.length === 0) return;
  await tx.execute(sql`
    update invoices i set next_action_at = u.next_action_at, updated_at = ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${jsonRows(
      updates.map((u) => ({ id: u.id, next_action_at: u.nextActionAt?.toISOString() ?? null })),
    )}::jsonb) as u(id uuid, next_action_at timestamptz)
    where i.id = u.id`);
}

export type DebtorFlag = { id: string; reason: string; /** Replace an earlier flag's reason. */ overwrite: boolean };

/** Flags debtors for staff in one UPDATE. */
export async function flagDebtors(tx: Tx, now: Date, flags: DebtorFlag[]) {
  if (flags.length === 0) return;
  await tx.execute(sql`
    update debtors d set
      flagged_at = case when f.overwrite or d.flagged_at is null then ${now.toISOString()}::timestamptz else d.flagged_at end,
      flagged_reason = case when f.overwrite or d.flagged_at is null then f.reason else d.flagged_reason end,
      updated_at = ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${jsonRows(flags)}::jsonb) as f(id uuid, reason text, overwrite boolean)
    where d.id = f.id`);
}
