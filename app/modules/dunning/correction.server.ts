/**
 * The costs and interest an invoice still owes once a correction lowers its principal (a
 * dispute's part credit), as the dunning engine computes them (./amounts: claimAfterCorrection)
 * from what it charged: the period of the step that charged interest (its audit event) and what
 * was already paid towards costs and interest (the allocations). The caller books the correction
 * through the ledger with these amounts (LedgerEntryInput.correction), so the one writer of money
 * on invoices writes them.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { auditEvents, paymentAllocations, type Invoice } from '~db/schema';
import type { Tx } from '~/utils/db.server';
import { orgScope } from '~/utils/org-scope.server';
import { claimAfterCorrection } from './amounts';

export async function claimForCorrectedPrincipal(
  tx: Tx,
  invoice: Pick<Invoice, 'id' | 'organizationId' | 'openCents' | 'costsCents' | 'interestCents'>,
  principalAfterCents: number,
): Promise<{ costsCents: number; interestCents: number }> {
  const [[paid], [step]] = await Promise.all([
    tx
      .select({
        costs: sql<number>`coalesce(sum(${paymentAllocations.costsCents}), 0)::bigint`.mapWith(Number),
        interest: sql<number>`coalesce(sum(${paymentAllocations.interestCents}), 0)::bigint`.mapWith(Number),
      })
      .from(paymentAllocations)
      .where(and(orgScope(paymentAllocations, invoice), eq(paymentAllocations.invoiceId, invoice.id))),
    tx
      .select({ data: auditEvents.data })
      .from(auditEvents)
      .where(
        and(
          orgScope(auditEvents, invoice),
          eq(auditEvents.invoiceId, invoice.id),
          eq(auditEvents.action, 'dunning.step'),
          sql`${auditEvents.data} ? 'interestUntil'`,
        ),
      )
      .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
      .limit(1),
  ]);
  const from = step?.data?.interestFrom;
  const to = step?.data?.interestUntil;
  return claimAfterCorrection({
    principalBeforeCents: invoice.openCents,
    principalAfterCents,
    costs: { owedCents: invoice.costsCents, paidCents: Math.max(0, paid?.costs ?? 0) },
    interest: { owedCents: invoice.interestCents, paidCents: Math.max(0, paid?.interest ?? 0) },
    interestPeriod: typeof from === 'string' && typeof to === 'string' ? { from, to } : null,
  });
}
