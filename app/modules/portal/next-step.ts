import type { DunningStage, Invoice } from '../../../db/schema';
import { daysBetween } from '../../utils/clock';
import { bikCosts } from '../dunning/collection-costs';

export type PauseReason =
  | 'payment_pending'
  | 'payment_plan'
  | 'promise_to_pay'
  | 'dispute'
  | 'manual'
  | 'transfer_announced';

export type NextStep =
  | { kind: 'settled' }
  | { kind: 'paused'; reason: PauseReason; until: Date | null }
  | { kind: 'not_due'; dueDate: string; firstReminderAt: Date | null }
  | {
      kind: 'reminder';
      template: DunningStage['template'];
      at: Date | null;
      /** Costs this step announces or adds, in cents (0 when none). */
      costsCents: number;
      /** For a consumer's final notice: costs are only owed after this many days from delivery. */
      graceDays: number | null;
      /** Business final notice: statutory commercial interest starts to be claimed. */
      claimsInterest: boolean;
    }
  | { kind: 'end' };

type InvoiceFacts = Pick<Invoice, 'status' | 'dueDate' | 'openCents' | 'dunningStage' | 'nextActionAt'>;

/**
 * What happens next to an invoice, in the debtor's terms: the timeline we show on the portal.
 * Pure: the caller supplies the policy for the debtor's kind, active pauses and today's date.
 */
export function nextStep(
  invoice: InvoiceFacts,
  stages: DunningStage[],
  debtorKind: 'consumer' | 'business',
  pauses: { reason: PauseReason; until: Date | null }[],
  today: string,
): NextStep {
  if (invoice.status !== 'open' || invoice.openCents <= 0) return { kind: 'settled' };
  if (pauses.length > 0) {
    const latest = [...pauses].sort((a, b) => (b.until?.getTime() ?? Infinity) - (a.until?.getTime() ?? Infinity))[0];
    return { kind: 'paused', reason: latest.reason, until: latest.until };
  }
  if (daysBetween(invoice.dueDate, today) <= 0 && invoice.dunningStage === 0) {
    return { kind: 'not_due', dueDate: invoice.dueDate, firstReminderAt: invoice.nextActionAt };
  }
  const stage = stages[invoice.dunningStage];
  if (!stage) return { kind: 'end' };
  const isFinal = stage.template === 'final_notice';
  const costsCents = stage.addsCosts || stage.template === 'collection_handover' ? bikCosts(invoice.openCents) : 0;
  return {
    kind: 'reminder',
    template: stage.template,
    at: invoice.nextActionAt,
    costsCents,
    graceDays: isFinal && debtorKind === 'consumer' ? 14 : null,
    claimsInterest: isFinal && debtorKind === 'business',
  };
}

export function overdueDays(dueDate: string, today: string) {
  return Math.max(0, daysBetween(dueDate, today));
}
