/**
 * The one decision about an invoice's next dunning step: whether it is taken today, what it is,
 * and what it costs. The pass acts on it (pass.server.ts calls `decideStep` for every due
 * invoice) and the portal predicts with it (`predictStep` runs the same decision forward to the
 * day the pass will take the step), so what the debtor is told is what then happens. Pure: the
 * callers read the invoice, the letter on record, the policy and the day.
 *
 * Rules (see ../../../README.md, The dunning engine):
 * - Consumer (WIK): only the fourteen-day letter (the final notice) announces collection costs,
 *   on the letter's principal, once per letter. They are added at the step after it, once the
 *   term has run from delivery (delivery: the day after sending, or the reported delivery when
 *   later); without a delivered letter (bounced, failed, none on record) the sequence goes on
 *   without costs; while the letter is still queued the step waits a day.
 * - Business: a stage that adds costs claims max(EUR 40, staffel) per invoice and statutory
 *   commercial interest from the day after the due date up to the day of the step.
 * - A hand-over is never carried out on a Saturday, Sunday or Dutch public holiday: it waits for
 *   the next business day.
 */
import type { DunningStage } from '~db/schema';
import { isDutchBusinessDay, nextDutchBusinessDay } from '~/utils/business-days';
import { addDays, amsterdamDate, amsterdamInstant } from '~/utils/clock';
import { businessClaim, consumerLetterCosts } from './amounts';
import type { DebtorKind } from './policy';
import {
  amsterdamHour,
  consumerCostsOwedFrom,
  END_GRACE_DAYS,
  nextAfterStep,
  SEND_HOUR,
  SEND_UNTIL_HOUR,
} from './schedule';
import { STATUTORY_RATES, type StatutoryRate } from './statutory-interest';

/** The latest consumer final notice (fourteen-day letter) that covered an invoice, as on record. */
export type LetterOnRecord = {
  communicationId: string;
  /** The communication's status: queued, sent, delivered, opened, bounced, failed, … */
  status: string;
  sentAt: Date | null;
  deliveredAt: Date | null;
  /** This invoice's share of the costs the letter announced. */
  announcedCostsCents: number;
};

export type StepInvoice = {
  dueDate: string;
  openCents: number;
  costsCents: number;
  interestCents: number;
  /** Steps done so far: the next step is stages[dunningStage]. */
  dunningStage: number;
};

export type StepInput = {
  kind: DebtorKind;
  stages: readonly DunningStage[];
  invoice: StepInvoice;
  /** The letter that covered the invoice (read only when the previous step was a consumer final notice). */
  letter: LetterOnRecord | null;
  emailBlocked: boolean;
};

export type PostponeReason = 'term_running' | 'final_notice_unsent' | 'email_blocked' | 'not_business_day';

export type StepTaken = {
  kind: 'step';
  stageIndex: number;
  stage: DunningStage;
  handover: boolean;
  /** The invoice's costs and interest after the step. */
  costsCents: number;
  interestCents: number;
  /** What the step adds to them. */
  addedCostsCents: number;
  addedInterestCents: number;
  /** A consumer final notice: the letter announces costs (its share per invoice: `letterShares`). */
  announcesCosts: boolean;
  /** When the step comes next, or null (a hand-over ends the sequence). */
  nextActionAt: Date | null;
  /** The facts behind the step, for its audit event. */
  audit: Record<string, unknown>;
};

export type StepDecision = { kind: 'end' } | { kind: 'postpone'; reason: PostponeReason; until: Date } | StepTaken;

/** A consumer invoice whose previous step was the final notice (the fourteen-day letter). */
export function isAfterLetter(kind: DebtorKind, stages: readonly DunningStage[], dunningStage: number): boolean {
  return kind === 'consumer' && dunningStage > 0 && stages[dunningStage - 1]?.addsCosts === true;
}

/** Whether the letter on record counts as delivered (then the term runs from its delivery). */
export function letterDelivered(letter: LetterOnRecord | null): letter is LetterOnRecord & { sentAt: Date } {
  return Boolean(letter && ['sent', 'delivered', 'opened'].includes(letter.status) && letter.sentAt !== null);
}

/**
 * What the pass does today (`today`, Europe/Amsterdam) with an invoice whose next action is due:
 * end the sequence, postpone (why, until when), or take the next step (which, at what cost).
 */
export function decideStep(
  input: StepInput,
  { today, table = STATUTORY_RATES }: { today: string; table?: readonly StatutoryRate[] },
): StepDecision {
  const { kind, stages, invoice } = input;
  const s = invoice.dunningStage;
  const stage = stages[s];
  if (!stage) return { kind: 'end' };
  const tomorrow = amsterdamInstant(addDays(today, 1), SEND_HOUR);
  if (input.emailBlocked) return { kind: 'postpone', reason: 'email_blocked', until: tomorrow };
  const handover = stage.template === 'collection_handover';
  if (handover && !isDutchBusinessDay(today)) {
    return {
      kind: 'postpone',
      reason: 'not_business_day',
      until: amsterdamInstant(nextDutchBusinessDay(today), SEND_HOUR),
    };
  }

  let costs = invoice.costsCents;
  let interest = invoice.interestCents;
  const audit: Record<string, unknown> = { stage: s + 1, stageKey: stage.key, template: stage.template };

  if (isAfterLetter(kind, stages, s)) {
    const letter = input.letter;
    if (letter?.status === 'queued') return { kind: 'postpone', reason: 'final_notice_unsent', until: tomorrow };
    if (letterDelivered(letter)) {
      const owedFrom = consumerCostsOwedFrom(letter.sentAt, letter.deliveredAt);
      if (today < owedFrom) {
        return { kind: 'postpone', reason: 'term_running', until: amsterdamInstant(owedFrom, SEND_HOUR) };
      }
      // Once per letter: this is the one step after it.
      costs += letter.announcedCostsCents;
      audit.costsAddedCents = letter.announcedCostsCents;
      audit.finalNoticeId = letter.communicationId;
      audit.costsOwedFrom = owedFrom;
    } else {
      // No delivered fourteen-day letter: costs cannot be owed. The sequence goes on without them.
      audit.costsWithheld = letter ? `final_notice_${letter.status}` : 'no_final_notice_on_record';
    }
  }

  if (kind === 'business' && stage.addsCosts) {
    const claim = businessClaim({ openCents: invoice.openCents, dueDate: invoice.dueDate, asOf: today, table });
    audit.compensationCents = claim.compensationCents;
    audit.interestCents = claim.interestCents;
    audit.interestFrom = claim.interestFrom;
    audit.interestUntil = today;
    costs = Math.max(costs, claim.compensationCents);
    interest = Math.max(interest, claim.interestCents);
  }

  const isLast = s + 1 >= stages.length;
  let next = nextAfterStep([...stages], invoice.dueDate, s + 1, today, kind);
  if (next === null && !handover) next = amsterdamInstant(addDays(today, END_GRACE_DAYS), SEND_HOUR);
  audit.nextActionAt = next?.toISOString() ?? null;
  if (isLast && !handover) audit.endCheckAt = next?.toISOString() ?? null;
  if (handover) audit.collection = true;

  return {
    kind: 'step',
    stageIndex: s,
    stage,
    handover,
    costsCents: costs,
    interestCents: interest,
    addedCostsCents: costs - invoice.costsCents,
    addedInterestCents: interest - invoice.interestCents,
    announcesCosts: kind === 'consumer' && stage.addsCosts,
    nextActionAt: next,
    audit,
  };
}

/** The costs one fourteen-day letter announces, shared over the invoices it covers (the staffel once, on their principal). */
export function letterShares(openCents: readonly number[]): number[] {
  return consumerLetterCosts(openCents).sharesCents;
}

/**
 * The day of the first scheduled pass (hourly from SEND_HOUR until SEND_UNTIL_HOUR, Amsterdam)
 * at or after `at`.
 */
export function firstPassDay(at: Date): string {
  const day = amsterdamDate(at);
  return amsterdamHour(at) >= SEND_UNTIL_HOUR ? addDays(day, 1) : day;
}

export type Prediction =
  /** No step left: the sequence has ended (or was handed over). */
  | { kind: 'end' }
  /** The pass will not send while the debtor's address is blocked. */
  | { kind: 'held' }
  | (Omit<StepTaken, 'kind'> & {
      kind: 'step';
      /** The day the pass takes the step, and the moment it becomes due that day. */
      day: string;
      at: Date;
      /** Consumer final notice: this invoice's share of the costs the letter will announce (see predictSteps). */
      announcedCostsCents: number;
    });

/**
 * What the pass will do next with an invoice, and when: the decision above, run forward from
 * the invoice's next action over the postponements the pass would make (the term of a letter,
 * a weekend or holiday before a hand-over; a letter still queued is taken to go out now).
 * For an invoice that is not paused: a pause stops the clock, and the portal says so instead.
 */
export function predictStep(
  input: StepInput & { nextActionAt: Date | null },
  { now, table = STATUTORY_RATES }: { now: Date; table?: readonly StatutoryRate[] },
): Prediction {
  if (input.nextActionAt === null) return { kind: 'end' };
  const due = input.nextActionAt > now ? input.nextActionAt : now;
  let day = firstPassDay(due);
  let letter = input.letter;
  for (let hop = 0; hop < 12; hop++) {
    const decision = decideStep({ ...input, letter }, { today: day, table });
    if (decision.kind === 'end') return { kind: 'end' };
    if (decision.kind === 'step') {
      const start = amsterdamInstant(day, SEND_HOUR);
      return { ...decision, day, at: due > start ? due : start, announcedCostsCents: 0 };
    }
    if (decision.reason === 'email_blocked') return { kind: 'held' };
    if (decision.reason === 'final_notice_unsent' && letter) {
      // The worker sends what is queued within moments: the letter is taken to go out now.
      letter = { ...letter, status: 'sent', sentAt: now };
      continue;
    }
    day = amsterdamDate(decision.until);
  }
  return { kind: 'end' };
}

/**
 * Predictions for a debtor's invoices together: consumer final notices the pass will send on
 * the same day for the same stage go out as one letter (the pass groups a debtor's invoices per
 * stage), whose costs are the staffel once on their principal, shared in proportion.
 */
export function predictSteps<T extends StepInput & { nextActionAt: Date | null }>(
  inputs: readonly T[],
  options: { now: Date; table?: readonly StatutoryRate[] },
): Prediction[] {
  const predictions = inputs.map((input) => predictStep(input, options));
  const letters = new Map<string, number[]>();
  predictions.forEach((p, n) => {
    if (p.kind !== 'step' || !p.announcesCosts) return;
    const key = `${p.day}:${p.stageIndex}`;
    letters.set(key, [...(letters.get(key) ?? []), n]);
  });
  for (const members of letters.values()) {
    const shares = letterShares(members.map((n) => inputs[n].invoice.openCents));
    members.forEach((n, i) => {
      const p = predictions[n];
      if (p.kind === 'step') predictions[n] = { ...p, announcedCostsCents: shares[i] };
    });
  }
  return predictions;
}
