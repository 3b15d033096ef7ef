/**
 * Ledger-owned bulk SQL for other modules' hot paths. The dunning pass charges collection costs
 * and interest on many invoices at once; those amounts are money on invoices, so the statement
 * that writes them lives here (the one-writer test allows it here only), still as ONE UPDATE per
 * batch: the whole batch travels as one jsonb parameter (jsonb_to_recordset).
 */
import { sql } from 'drizzle-orm';
import type { Tx } from '~/utils/db.server';

export type InvoiceStepUpdate = {
  id: string;
  /** Only rows still at this stage are changed (guards against a concurrent step). */
  expectedStage: number;
  stage: number;
  nextActionAt: Date | string | null;
  costsCents: number;
  interestCents: number;
  finalNoticeAt: Date | string | null;
  collectionAt: Date | string | null;
};

/**
 * Writes the dunning fields of many open invoices in one UPDATE, the costs and interest they now
 * owe included; returns the ids changed. Settled invoices are never touched (their amounts are final).
 */
export async function updateInvoiceSteps(tx: Tx, now: Date, updates: InvoiceStepUpdate[]): Promise<string[]> {
  if (updates.length === 0) return [];
  const iso = (v: Date | string | null) => (v instanceof Date ? v.toISOString() : v);
  const rows = await tx.execute<{ id: string }>(sql`
    update invoices i set
      dunning_stage = u.stage,
      next_action_at = u.next_action_at,
      costs_cents = u.costs_cents,
      interest_cents = u.interest_cents,
      final_notice_at = u.final_notice_at,
      collection_at = u.collection_at,
      updated_at = ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(
      updates.map((u) => ({
        id: u.id,
        expected_stage: u.expectedStage,
        stage: u.stage,
        next_action_at: iso(u.nextActionAt),
        costs_cents: u.costsCents,
        interest_cents: u.interestCents,
        final_notice_at: iso(u.finalNoticeAt),
        collection_at: iso(u.collectionAt),
      })),
    )}::jsonb) as u(id uuid, expected_stage int, stage int, next_action_at timestamptz, costs_cents bigint,
                    interest_cents bigint, final_notice_at timestamptz, collection_at timestamptz)
    where i.id = u.id and i.dunning_stage = u.expected_stage and i.status = 'open'
    returning i.id`);
  return rows.map((r) => r.id);
}

/** What an invoice still owes, in SQL over an unqualified `invoices` row: the same sum as owedCents. */
export const OWED_SQL = sql.raw('(open_cents + costs_cents + interest_cents)');

/** The same sum over an `invoices` row under an alias (`from invoices i`: owedSqlOf('i')). */
export function owedSqlOf(alias: string) {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`not an SQL alias: ${alias}`);
  return sql.raw(`(${alias}.open_cents + ${alias}.costs_cents + ${alias}.interest_cents)`);
}
