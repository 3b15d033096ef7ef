/**
 * Manual holds: staff stop dunning on a debtor's invoices until they lift the hold, or until the
 * hold's optional end. A hold is a `manual` pause (written through ./pauses.server like every other
 * pause) plus one audit event on the debtor. The caller (the debtor page, app/modules/debtors)
 * locks the debtor and chooses the invoices, all of them the debtor's own.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { dunningPauses } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import type { Tx } from '~/utils/db.server';
import { audit, type Actor } from '~/modules/audit/index.server';
import { liftPauses, pauseActiveAt, pauseInvoices } from './pauses.server';

export type HoldTarget = { organizationId: string; debtorId: string; actor: Actor };

/**
 * Puts the given open invoices on manual hold. Invoices already on manual hold are left as they
 * are, so holding twice changes nothing.
 */
export async function placeManualHold(
  tx: Tx,
  target: HoldTarget,
  input: { invoiceIds: string[]; until?: Date | null; note?: string | null },
  { clock = systemClock }: { clock?: Clock } = {},
) {
  const now = clock.now();
  const candidates = input.invoiceIds;
  const held = candidates.length
    ? await tx
        .selectDistinct({ invoiceId: dunningPauses.invoiceId })
        .from(dunningPauses)
        .where(
          and(inArray(dunningPauses.invoiceId, candidates), eq(dunningPauses.reason, 'manual'), pauseActiveAt(now)),
        )
    : [];
  const already = new Set(held.map((h) => h.invoiceId));
  const rows = await pauseInvoices(
    tx,
    {
      organizationId: target.organizationId,
      invoiceIds: candidates.filter((id) => !already.has(id)),
      reason: 'manual',
      sourceId: null,
      until: input.until ?? null,
      actor: target.actor,
    },
    { clock },
  );
  if (rows.length > 0) {
    await audit(tx, {
      organizationId: target.organizationId,
      actor: target.actor,
      action: 'debtor.hold_placed',
      entityType: 'debtor',
      entityId: target.debtorId,
      debtorId: target.debtorId,
      data: {
        count: rows.length,
        invoiceIds: rows.map((r) => r.invoiceId),
        until: input.until?.toISOString() ?? null,
        note: input.note || null,
      },
      at: now,
    });
  }
  return { held: rows.length, alreadyHeld: already.size };
}

/** Lifts the manual hold of the given invoices; other pauses stay. */
export async function liftManualHold(
  tx: Tx,
  target: HoldTarget,
  invoiceIds: string[],
  { clock = systemClock }: { clock?: Clock } = {},
) {
  if (invoiceIds.length === 0) return { lifted: 0, resumed: [] as string[] };
  const result = await liftPauses(
    tx,
    {
      organizationId: target.organizationId,
      invoiceIds,
      reason: 'manual',
      liftedReason: 'manual_hold_lifted',
      actor: target.actor,
    },
    { clock },
  );
  if (result.lifted > 0) {
    await audit(tx, {
      organizationId: target.organizationId,
      actor: target.actor,
      action: 'debtor.hold_lifted',
      entityType: 'debtor',
      entityId: target.debtorId,
      debtorId: target.debtorId,
      data: { count: result.lifted, resumed: result.resumed.length },
      at: clock.now(),
    });
  }
  return result;
}
