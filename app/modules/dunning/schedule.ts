import type { DunningStage, Invoice, Organization } from '~db/schema';
import { nextDutchBusinessDay } from '~/utils/business-days';
import { addDays, amsterdamDate, amsterdamInstant } from '~/utils/clock';

/** Reminders go out at this local hour, never at night. */
export const SEND_HOUR = 9;
/** Scheduled passes run from SEND_HOUR until this local hour (exclusive). */
export const SEND_UNTIL_HOUR = 18;

/** The consumer's term after the final notice (HR 25-11-2016): 14 days from the day after delivery. */
export const CONSUMER_TERM_DAYS = 14;
/**
 * Days from sending a consumer final notice until costs may be added: delivery is taken to be
 * the day after sending (an email can arrive late in the evening), then the 14 days of the term
 * run, and on the day after the term the costs are owed. Sent on day D: delivered D+1, term
 * D+2..D+15, costs from D+16.
 */
export const CONSUMER_COSTS_WAIT_DAYS = 1 + CONSUMER_TERM_DAYS + 1;

/**
 * The earliest moment dunning may go on after `at`: `at` itself, or the sending hour of that day
 * in Amsterdam when that is later (so a pause lifted at night resumes in the morning).
 */
export function notBeforeSendHour(at: Date): Date {
  return new Date(Math.max(at.getTime(), amsterdamInstant(amsterdamDate(at), SEND_HOUR).getTime()));
}

/** After the last stage (unless it hands over), the debtor gets this long before staff are asked to act. */
export const END_GRACE_DAYS = 14;

/**
 * The day a stage is carried out when it falls due on `day`: a hand-over to a collection agency
 * never falls on a Saturday, Sunday or Dutch public holiday (Algemene termijnenwet) and moves to
 * the next business day; other stages keep their day.
 */
export function stageDay(stage: Pick<DunningStage, 'template'> | undefined, day: string): string {
  return stage?.template === 'collection_handover' ? nextDutchBusinessDay(day) : day;
}

/**
 * When the stage after `stagesDone` falls due for an invoice with this due date, or null
 * when the sequence is finished.
 */
export function nextActionFor(stages: DunningStage[], dueDate: string, stagesDone: number): Date | null {
  const next = stages[stagesDone];
  return next ? amsterdamInstant(stageDay(next, addDays(dueDate, next.offsetDays)), SEND_HOUR) : null;
}

/** How many stages would already have run for an invoice overdue `daysOverdue` days. */
export function stagesPassed(stages: DunningStage[], daysOverdue: number): number {
  return stages.filter((s) => s.offsetDays <= daysOverdue).length;
}

/**
 * When the next stage falls due after a step carried out on `stepDay` (so `stagesDone` counts
 * that step): the next stage's date from the due date, but never sooner than the gap between
 * the two stages' offsets after the step (so a resumed or re-planned invoice never gets a burst
 * of reminders), and for a consumer never before the final notice's term has run out.
 * Null when the sequence is finished.
 */
export function nextAfterStep(
  stages: DunningStage[],
  dueDate: string,
  stagesDone: number,
  stepDay: string,
  kind: 'consumer' | 'business',
): Date | null {
  const next = stages[stagesDone];
  if (!next) return null;
  const previous = stages[stagesDone - 1];
  const gap = previous ? Math.max(1, next.offsetDays - previous.offsetDays) : 0;
  const wait = kind === 'consumer' && previous?.addsCosts ? Math.max(gap, CONSUMER_COSTS_WAIT_DAYS) : gap;
  const byDueDate = addDays(dueDate, next.offsetDays);
  const byGap = addDays(stepDay, wait);
  return amsterdamInstant(stageDay(next, byDueDate > byGap ? byDueDate : byGap), SEND_HOUR);
}

/**
 * The first day a consumer owes the costs a final notice announced: the day after the 14-day
 * term, counted from the day after delivery. Delivery is the day after sending, or the day the
 * provider reported delivery when that is later.
 */
export function consumerCostsOwedFrom(sentAt: Date, deliveredAt?: Date | null): string {
  const assumed = addDays(amsterdamDate(sentAt), 1);
  const reported = deliveredAt ? amsterdamDate(deliveredAt) : assumed;
  const delivery = reported > assumed ? reported : assumed;
  return addDays(delivery, CONSUMER_TERM_DAYS + 1);
}

/** The local hour (Europe/Amsterdam) of an instant. */
export function amsterdamHour(at: Date): number {
  return Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', hour: '2-digit', hourCycle: 'h23' }).format(at),
  );
}

/** Whether a scheduled pass may send reminders at this moment (daytime in the Netherlands). */
export function inSendWindow(at: Date): boolean {
  const hour = amsterdamHour(at);
  return hour >= SEND_HOUR && hour < SEND_UNTIL_HOUR;
}

/**
 * When dunning picks a re-opened invoice up again: its next stage's date, but not before now (at
 * the sending hour). The ledger applies it when a reversal re-opens an invoice (installed as its
 * resume rule by app/server/ledger-subscribers.server).
 */
export function resumedNextAction(
  invoice: Pick<Invoice, 'dueDate' | 'dunningStage'>,
  policy: Organization['dunningPolicy'],
  kind: 'consumer' | 'business',
  now: Date,
): Date | null {
  const planned = nextActionFor(policy[kind], invoice.dueDate, invoice.dunningStage);
  if (!planned) return null;
  const earliest = notBeforeSendHour(now);
  return planned > earliest ? planned : earliest;
}
