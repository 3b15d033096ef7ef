/**
 * Exactly once, and never to someone who has paid or paused: right before a dunning message is
 * sent (inside the send transaction, the communication row locked), its invoices are looked at
 * once more. Paid (or credited, written off) and paused invoices leave the message: none left ->
 * the message is cancelled; some left -> it is re-rendered with the amounts restated without
 * them. For a paused invoice that is still open the step is withdrawn (stage, costs, dates and
 * next action as before the pass), so when the pause ends the invoice gets this reminder
 * instead of silently skipping it.
 *
 * SendCheck receives no clock: pauses are judged by the clock given to `dunningSendCheck` (the
 * system clock for the registered check), and never before the message was written.
 */
import { and, eq, exists, inArray, sql } from 'drizzle-orm';
import { dunningPauses, invoices, type Communication } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import type { Tx } from '~/utils/db.server';
import type { SendCheck, SendCheckResult } from '~/modules/mail/index.server';
import { readDunningProps, restrictProps, type DunningItem } from './message';
import { DUNNING_ACTOR } from './pass.server';
import { pauseActiveAt } from './pauses.server';
import { insertAuditEvents, updateInvoiceSteps } from './sql.server';
import { orgScope } from '~/utils/org-scope.server';

export function dunningSendCheck(clock: Clock = systemClock): SendCheck {
  return async (comm: Communication, tx: Tx): Promise<SendCheckResult> => {
    const props = readDunningProps(comm.props);
    if (!props) return { action: 'send' };
    const items = props.dunning.items;
    if (items.length === 0) return { action: 'cancel', reason: 'dunning: no invoices' };
    // Never judge a message at a moment before it was written: keeps a pass run with a simulated
    // clock (`npm run dunning -- --now`, tests) and the worker's real clock in agreement.
    const now = new Date(Math.max(clock.now().getTime(), comm.createdAt.getTime()));
    const rows = await tx
      .select({
        id: invoices.id,
        status: invoices.status,
        openCents: invoices.openCents,
        paused: exists(
          tx
            .select({ one: sql`1` })
            .from(dunningPauses)
            .where(and(eq(dunningPauses.invoiceId, invoices.id), pauseActiveAt(now))),
        ).mapWith(Boolean),
      })
      .from(invoices)
      .where(
        and(
          orgScope(invoices, comm),
          inArray(
            invoices.id,
            items.map((i) => i.invoiceId),
          ),
        ),
      );
    const state = new Map(rows.map((r) => [r.id, r]));
    const keep = new Set<string>();
    const withdraw: DunningItem[] = [];
    const dropped: { invoiceId: string; why: 'settled' | 'paused' }[] = [];
    for (const item of items) {
      const row = state.get(item.invoiceId);
      const open = row !== undefined && row.status === 'open' && row.openCents > 0;
      if (open && !row.paused) keep.add(item.invoiceId);
      else if (open && row.paused) {
        withdraw.push(item);
        dropped.push({ invoiceId: item.invoiceId, why: 'paused' });
      } else dropped.push({ invoiceId: item.invoiceId, why: 'settled' });
    }
    if (dropped.length === 0) return { action: 'send' };

    await withdrawStep(tx, props.dunning.stage, withdraw, now);
    await insertAuditEvents(
      tx,
      DUNNING_ACTOR,
      now,
      dropped.map((d) => ({
        organizationId: comm.organizationId,
        action: d.why === 'paused' ? 'dunning.step_withdrawn' : 'dunning.reminder_dropped',
        entityType: 'invoice',
        entityId: d.invoiceId,
        debtorId: comm.debtorId,
        invoiceId: d.invoiceId,
        data: { communicationId: comm.id, reason: d.why, stage: props.dunning.stage, template: comm.template },
      })),
    );
    if (keep.size === 0) {
      const why = dropped.every((d) => d.why === 'settled')
        ? 'paid'
        : dropped.every((d) => d.why === 'paused')
          ? 'paused'
          : 'paid or paused';
      return { action: 'cancel', reason: `dunning: every invoice ${why}` };
    }
    const restricted = restrictProps(props, keep);
    return {
      action: 'rerender',
      props: restricted as unknown as Record<string, unknown>,
      invoiceIds: restricted.dunning.items.map((i) => i.invoiceId),
    };
  };
}

/** Puts paused invoices back where they were before the step this message carried. */
async function withdrawStep(tx: Tx, stage: number, items: DunningItem[], now: Date) {
  if (items.length === 0) return;
  await updateInvoiceSteps(
    tx,
    now,
    items.map((item) => ({
      id: item.invoiceId,
      expectedStage: stage,
      stage: item.before.stage,
      // Due again as it was; while paused the pass skips it, and lifting the pause moves it to the resume moment.
      nextActionAt: item.before.nextActionAt ?? now,
      costsCents: item.before.costsCents,
      interestCents: item.before.interestCents,
      finalNoticeAt: item.before.finalNoticeAt,
      collectionAt: item.before.collectionAt,
    })),
  );
}
