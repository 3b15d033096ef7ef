import type { Invoice } from '~db/schema';
import { addDays, amsterdamDate, daysBetween } from '~/utils/clock';
import {
  consumerCostsOwedFrom,
  isAfterLetter,
  letterDelivered,
  type LetterOnRecord,
  type Prediction,
} from '~/modules/dunning/index';
import type { DebtorKind } from '~/modules/dunning/index';
import type { DunningStage } from '~db/schema';

export type PauseReason =
  'payment_pending' | 'payment_plan' | 'promise_to_pay' | 'dispute' | 'manual' | 'transfer_announced';

/**
 * What happens next to an invoice, in the debtor's terms. The dates and amounts of a reminder
 * come from the dunning engine's own decision (dunning/step-plan.ts, `predictSteps`), run
 * forward to the day the engine will act: what the portal says is what then happens.
 */
export type NextStep =
  | { kind: 'settled' }
  | { kind: 'paused'; reason: PauseReason; until: Date | null }
  | { kind: 'not_due'; dueDate: string; firstReminderAt: Date | null }
  | {
      kind: 'reminder';
      template: DunningStage['template'];
      at: Date | null;
      /**
       * Collection costs in cents: for a consumer's final notice, what the letter announces (owed
       * only if the fourteen-day term passes without payment); otherwise what this step adds (0: none).
       */
      costsCents: number;
      /** Statutory interest this step adds (business final notice), in cents. */
      interestCents: number;
      /** For a consumer's final notice: costs are only owed after this many days from delivery. */
      graceDays: number | null;
      /** Business final notice: statutory commercial interest starts to be claimed. */
      claimsInterest: boolean;
    }
  /** Handed over to a collection agency: no more reminders from the creditor. */
  | { kind: 'handed_over'; on: string; agency: string | null }
  /** The engine holds: the debtor's email address bounced or complained, so no reminder can go out. */
  | { kind: 'held' }
  | { kind: 'end' };

/** Where the invoice stands now, besides what comes next (every stage the debtor is in is shown). */
export type PortalStage =
  /** The claim was handed over to a collection agency on that day. */
  | { kind: 'handed_over'; on: string; agency: string | null }
  /** A fourteen-day letter was delivered; paying by `lastDay` avoids the costs it announced. */
  | { kind: 'letter_term'; sentOn: string; lastDay: string; costsCents: number };

type InvoiceFacts = Pick<Invoice, 'status' | 'dueDate' | 'openCents' | 'dunningStage' | 'collectionAt'>;

/**
 * The next step for the portal. Pure: the caller supplies the engine's prediction for the
 * invoice (null while it is paused or settled), its active pauses and today's date.
 */
export function nextStep(
  invoice: InvoiceFacts,
  prediction: Prediction | null,
  pauses: { reason: PauseReason; until: Date | null }[],
  today: string,
): NextStep {
  if (invoice.status !== 'open' || invoice.openCents <= 0) return { kind: 'settled' };
  if (pauses.length > 0) {
    const latest = [...pauses].sort((a, b) => (b.until?.getTime() ?? Infinity) - (a.until?.getTime() ?? Infinity))[0];
    return { kind: 'paused', reason: latest.reason, until: latest.until };
  }
  if (invoice.collectionAt) return { kind: 'handed_over', on: amsterdamDate(invoice.collectionAt), agency: null };
  if (prediction?.kind === 'held') return { kind: 'held' };
  if (!prediction || prediction.kind !== 'step') return { kind: 'end' };
  if (daysBetween(invoice.dueDate, today) <= 0 && invoice.dunningStage === 0) {
    return { kind: 'not_due', dueDate: invoice.dueDate, firstReminderAt: prediction.at };
  }
  const isFinal = prediction.stage.template === 'final_notice';
  return {
    kind: 'reminder',
    template: prediction.stage.template,
    at: prediction.at,
    costsCents: prediction.announcesCosts ? prediction.announcedCostsCents : prediction.addedCostsCents,
    interestCents: prediction.addedInterestCents,
    graceDays: prediction.announcesCosts ? 14 : null,
    claimsInterest: isFinal && prediction.addedInterestCents > 0,
  };
}

/** The stages an open invoice is in now: handed over, and/or inside the term of a delivered fourteen-day letter. */
export function currentStages(
  invoice: InvoiceFacts,
  facts: { kind: DebtorKind; stages: readonly DunningStage[]; letter: LetterOnRecord | null },
  today: string,
): PortalStage[] {
  if (invoice.status !== 'open') return [];
  const stages: PortalStage[] = [];
  if (invoice.collectionAt) {
    stages.push({ kind: 'handed_over', on: amsterdamDate(invoice.collectionAt), agency: null });
  }
  const { letter } = facts;
  if (
    !invoice.collectionAt &&
    isAfterLetter(facts.kind, facts.stages, invoice.dunningStage) &&
    letterDelivered(letter)
  ) {
    const owedFrom = consumerCostsOwedFrom(letter.sentAt, letter.deliveredAt);
    if (today < owedFrom && letter.announcedCostsCents > 0) {
      stages.push({
        kind: 'letter_term',
        sentOn: amsterdamDate(letter.sentAt),
        lastDay: addDays(owedFrom, -1),
        costsCents: letter.announcedCostsCents,
      });
    }
  }
  return stages;
}

export function overdueDays(dueDate: string, today: string) {
  return Math.max(0, daysBetween(dueDate, today));
}
