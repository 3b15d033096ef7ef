/**
 * The fourteen-day letters on record: for each invoice, the latest consumer final notice that
 * covered it, with its delivery and the costs it announced for that invoice. The pass reads it
 * before deciding a step after a letter; the portal reads it to predict that step (step-plan.ts).
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { communications } from '~db/schema';
import type { Tx } from '~/utils/db.server';
import { uuidArray } from './sql.server';
import type { LetterOnRecord } from './step-plan';

export async function findLetters(
  tx: Tx,
  rows: readonly { id: string; debtorId: string }[],
): Promise<Map<string, LetterOnRecord>> {
  const letters = new Map<string, LetterOnRecord>();
  if (rows.length === 0) return letters;
  const wanted = new Set(rows.map((r) => r.id));
  const found = await tx
    .select({
      id: communications.id,
      status: communications.status,
      sentAt: communications.sentAt,
      deliveredAt: communications.deliveredAt,
      items: sql<
        { invoiceId: string; announcedCostsCents: number }[] | null
      >`${communications.props}->'dunning'->'items'`,
    })
    .from(communications)
    .where(
      and(
        sql`${communications.debtorId} = any(${uuidArray([...new Set(rows.map((r) => r.debtorId))])}::uuid[])`,
        eq(communications.template, 'final_notice'),
        sql`${communications.invoiceIds} && ${uuidArray([...wanted])}::uuid[]`,
      ),
    )
    .orderBy(asc(communications.createdAt));
  for (const c of found) {
    for (const item of c.items ?? []) {
      if (!wanted.has(item.invoiceId)) continue;
      letters.set(item.invoiceId, {
        communicationId: c.id,
        status: c.status,
        sentAt: c.sentAt,
        deliveredAt: c.deliveredAt,
        announcedCostsCents: Number(item.announcedCostsCents ?? 0),
      });
    }
  }
  return letters;
}
