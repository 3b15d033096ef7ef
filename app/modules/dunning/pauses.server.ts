import { and, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { dunningPauses, invoices, type DunningPause } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import type { Tx } from '~/utils/db.server';
import { audit, type Actor } from '~/modules/audit/index.server';
import { notBeforeSendHour } from './schedule';
import { orgScope } from '~/utils/org-scope.server';

export type PauseReason = DunningPause['reason'];

/** The condition "this pause is in force now": not lifted, and no end date or an end in the future. */
export function pauseActiveAt(now: Date) {
  return and(isNull(dunningPauses.liftedAt), or(isNull(dunningPauses.until), gt(dunningPauses.until, now)));
}

/**
 * Pauses dunning on open invoices, at once, for a reason with its source (payment, plan,
 * promise, dispute). Call inside the transaction that records the source.
 */
export async function pauseInvoices(
  tx: Tx,
  input: {
    organizationId: string;
    invoiceIds: string[];
    reason: PauseReason;
    sourceId?: string | null;
    until?: Date | null;
    actor: Actor;
  },
  { clock = systemClock }: { clock?: Clock } = {},
) {
  if (input.invoiceIds.length === 0) return [];
  const now = clock.now();
  const open = await tx
    .select({ id: invoices.id, debtorId: invoices.debtorId })
    .from(invoices)
    .where(and(orgScope(invoices, input), inArray(invoices.id, input.invoiceIds), eq(invoices.status, 'open')));
  if (open.length === 0) return [];
  const rows = await tx
    .insert(dunningPauses)
    .values(
      open.map((i) => ({
        organizationId: input.organizationId,
        invoiceId: i.id,
        reason: input.reason,
        sourceId: input.sourceId ?? null,
        startedAt: now,
        until: input.until ?? null,
        createdAt: now,
      })),
    )
    .returning();
  await audit(
    tx,
    ...open.map((i) => ({
      organizationId: input.organizationId,
      actor: input.actor,
      action: 'dunning.paused' as const,
      entityType: 'invoice',
      entityId: i.id,
      debtorId: i.debtorId,
      invoiceId: i.id,
      data: { reason: input.reason, sourceId: input.sourceId ?? null, until: input.until?.toISOString() ?? null },
      at: now,
    })),
  );
  return rows;
}

/**
 * Lifts active pauses (by source, and/or by invoices and reason). Invoices left with no active
 * pause resume dunning: their next action moves to `resumeAt` (default now) when it fell due
 * during the pause, so one step follows the resume, never a burst of the steps missed.
 */
export async function liftPauses(
  tx: Tx,
  input: {
    organizationId: string;
    sourceId?: string;
    invoiceIds?: string[];
    reason?: PauseReason;
    liftedReason: string;
    actor: Actor;
    resumeAt?: Date;
  },
  { clock = systemClock }: { clock?: Clock } = {},
) {
  if (!input.sourceId && !input.invoiceIds) throw new Error('liftPauses needs a sourceId or invoiceIds');
  const now = clock.now();
  const lifted = await tx
    .update(dunningPauses)
    .set({ liftedAt: now, liftedReason: input.liftedReason })
    .where(
      and(
        orgScope(dunningPauses, input),
        isNull(dunningPauses.liftedAt),
        input.sourceId ? eq(dunningPauses.sourceId, input.sourceId) : undefined,
        input.invoiceIds ? inArray(dunningPauses.invoiceId, input.invoiceIds) : undefined,
        input.reason ? eq(dunningPauses.reason, input.reason) : undefined,
      ),
    )
    .returning({ invoiceId: dunningPauses.invoiceId, reason: dunningPauses.reason });
  const invoiceIds = [...new Set(lifted.map((l) => l.invoiceId))];
  if (invoiceIds.length === 0) return { lifted: 0, resumed: [] as string[] };

  const stillPaused = await tx
    .selectDistinct({ invoiceId: dunningPauses.invoiceId })
    .from(dunningPauses)
    .where(and(inArray(dunningPauses.invoiceId, invoiceIds), pauseActiveAt(now)));
  const paused = new Set(stillPaused.map((p) => p.invoiceId));
  const resumable = invoiceIds.filter((id) => !paused.has(id));
  // Not before the resume moment, and at the usual sending hour when that is later the same day.
  const earliest = notBeforeSendHour(input.resumeAt ?? now);
  const resumed = resumable.length
    ? await tx
        .update(invoices)
        .set({ nextActionAt: earliest, updatedAt: now })
        .where(
          and(
            inArray(invoices.id, resumable),
            eq(invoices.status, 'open'),
            sql`${invoices.nextActionAt} is not null`,
            lt(invoices.nextActionAt, earliest),
          ),
        )
        .returning({ id: invoices.id, debtorId: invoices.debtorId })
    : [];
  const open = resumable.length
    ? await tx
        .select({ id: invoices.id, debtorId: invoices.debtorId })
        .from(invoices)
        .where(and(inArray(invoices.id, resumable), eq(invoices.status, 'open')))
    : [];
  await audit(
    tx,
    ...open.map((i) => ({
      organizationId: input.organizationId,
      actor: input.actor,
      action: 'dunning.resumed' as const,
      entityType: 'invoice',
      entityId: i.id,
      debtorId: i.debtorId,
      invoiceId: i.id,
      data: {
        liftedReason: input.liftedReason,
        reasons: lifted.filter((l) => l.invoiceId === i.id).map((l) => l.reason),
        nextActionAt: resumed.some((r) => r.id === i.id) ? earliest.toISOString() : null,
      },
      at: now,
    })),
  );
  return { lifted: lifted.length, resumed: open.map((i) => i.id) };
}

/**
 * Brings forward the end of the active pauses of one source and reason (a provider's checkout
 * that expires before the payment's own deadline: its payment_pending pause ends with it). Never
 * lengthens a pause.
 */
export async function shortenPauses(
  tx: Tx,
  input: { organizationId: string; sourceId: string; reason: PauseReason; until: Date },
) {
  await tx
    .update(dunningPauses)
    .set({ until: input.until })
    .where(
      and(
        orgScope(dunningPauses, input),
        eq(dunningPauses.sourceId, input.sourceId),
        eq(dunningPauses.reason, input.reason),
        isNull(dunningPauses.liftedAt),
        or(isNull(dunningPauses.until), gt(dunningPauses.until, input.until)),
      ),
    );
}

/** Active pause reasons per invoice. */
export async function activePauses(tx: Tx, invoiceIds: string[], { clock = systemClock }: { clock?: Clock } = {}) {
  if (invoiceIds.length === 0) return new Map<string, PauseReason[]>();
  const rows = await tx
    .select({ invoiceId: dunningPauses.invoiceId, reason: dunningPauses.reason })
    .from(dunningPauses)
    .where(and(inArray(dunningPauses.invoiceId, invoiceIds), pauseActiveAt(clock.now())));
  const map = new Map<string, PauseReason[]>();
  for (const r of rows) map.set(r.invoiceId, [...(map.get(r.invoiceId) ?? []), r.reason]);
  return map;
}

/** Active pauses per invoice with their end (null: until lifted), for pages that say how long. */
export async function activePauseDetails(
  tx: Tx,
  invoiceIds: string[],
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<Map<string, { reason: PauseReason; until: Date | null }[]>> {
  const map = new Map<string, { reason: PauseReason; until: Date | null }[]>();
  if (invoiceIds.length === 0) return map;
  const rows = await tx
    .select({ invoiceId: dunningPauses.invoiceId, reason: dunningPauses.reason, until: dunningPauses.until })
    .from(dunningPauses)
    .where(and(inArray(dunningPauses.invoiceId, invoiceIds), pauseActiveAt(clock.now())));
  for (const { invoiceId, reason, until } of rows)
    map.set(invoiceId, [...(map.get(invoiceId) ?? []), { reason, until }]);
  return map;
}
