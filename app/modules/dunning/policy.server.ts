import { and, eq } from 'drizzle-orm';
import { debtors, invoices, organizations, type DunningPolicy, type DunningStage } from '~db/schema';
import { addDays, amsterdamDate, amsterdamInstant, daysBetween, systemClock, type Clock } from '~/utils/clock';
import type { Tx } from '~/utils/db.server';
import { audit, type Actor } from '~/modules/audit/index.server';
import { parseDunningPolicy, type PolicyProblem } from './policy';
import { END_GRACE_DAYS, nextActionFor, nextAfterStep, SEND_HOUR } from './schedule';
import { updateNextActions } from './sql.server';
import { orgScope } from '~/utils/org-scope.server';

export type PolicyChangeResult =
  { ok: true; policy: DunningPolicy; rescheduled: number } | { ok: false; problems: PolicyProblem[] };

/**
 * Saves an organization's dunning policy and re-plans the invoices already in the sequence.
 * `dunning_stage` counts the steps done, so the change applies from each invoice's next step
 * on: that step is the new policy's stage at the same position, due by the new offset from the
 * due date, but never sooner after the invoice's last step than the new gap between the two
 * stages (the last step's day is estimated from the old plan, never earlier than it was).
 * Invalid policies are refused with field-named problems and nothing changes.
 */
export async function applyPolicyChange(
  tx: Tx,
  organizationId: string,
  input: unknown,
  { clock = systemClock, actor = { type: 'system', id: 'dunning' } }: { clock?: Clock; actor?: Actor } = {},
): Promise<PolicyChangeResult> {
  const parsed = parseDunningPolicy(input);
  if (!parsed.ok) return parsed;
  const policy = parsed.policy;
  const now = clock.now();
  const today = amsterdamDate(now);

  const [org] = await tx
    .select({ policy: organizations.dunningPolicy })
    .from(organizations)
    .where(eq(organizations.id, organizationId))
    .for('update');
  if (!org) throw new Error(`organization ${organizationId} not found`);
  const old = org.policy;
  await tx
    .update(organizations)
    .set({ dunningPolicy: policy, updatedAt: now })
    .where(eq(organizations.id, organizationId));

  const open = await tx
    .select({
      id: invoices.id,
      kind: debtors.kind,
      dueDate: invoices.dueDate,
      stage: invoices.dunningStage,
      nextActionAt: invoices.nextActionAt,
    })
    .from(invoices)
    .innerJoin(debtors, eq(debtors.id, invoices.debtorId))
    .where(and(orgScope(invoices, organizationId), eq(invoices.status, 'open')));

  const updates: { id: string; nextActionAt: Date | null }[] = [];
  for (const invoice of open) {
    const next = replan(old?.[invoice.kind] ?? [], policy[invoice.kind], invoice, today);
    if ((next?.getTime() ?? null) !== (invoice.nextActionAt?.getTime() ?? null)) {
      updates.push({ id: invoice.id, nextActionAt: next });
    }
  }
  await updateNextActions(tx, now, updates);
  await audit(tx, {
    organizationId,
    actor,
    action: 'dunning.policy_changed',
    entityType: 'organization',
    entityId: organizationId,
    data: { before: old, after: policy, rescheduled: updates.length },
    at: now,
  });
  return { ok: true, policy, rescheduled: updates.length };
}

/** The next action of one open invoice under a new policy. Exported for tests. */
export function replan(
  oldStages: DunningStage[],
  newStages: DunningStage[],
  invoice: { kind: 'consumer' | 'business'; dueDate: string; stage: number; nextActionAt: Date | null },
  today: string,
): Date | null {
  const s = invoice.stage;
  if (s >= newStages.length) {
    // No step left. An end check already planned stays; otherwise staff hear about it after the usual grace.
    if (s >= oldStages.length) return invoice.nextActionAt;
    return amsterdamInstant(addDays(today, END_GRACE_DAYS), SEND_HOUR);
  }
  if (s === 0) return nextActionFor(newStages, invoice.dueDate, 0);
  return nextAfterStep(newStages, invoice.dueDate, s, lastStepDay(oldStages, invoice, today), invoice.kind);
}

/**
 * The day of the invoice's last step, or a later day: under the old plan the next action was at
 * least the old gap after it, so next - gap is never earlier than the step itself.
 */
function lastStepDay(
  oldStages: DunningStage[],
  invoice: { stage: number; nextActionAt: Date | null },
  today: string,
): string {
  const s = invoice.stage;
  const previous = oldStages[s - 1];
  const next = oldStages[s];
  if (!invoice.nextActionAt || !previous || !next) return today;
  const nextDay = amsterdamDate(invoice.nextActionAt);
  const estimate = addDays(nextDay, -(next.offsetDays - previous.offsetDays));
  // A step never lies in the future.
  return daysBetween(estimate, today) < 0 ? today : estimate;
}
