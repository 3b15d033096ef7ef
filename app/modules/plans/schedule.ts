/**
 * Payment plans, the pure part: the schedule a proposal produces, the hard rules every
 * proposal must meet, and the organisation's policy that decides whether it is approved at
 * once. No database, no server imports: the portal form uses the same code for its live
 * preview in the browser.
 */
import type { PlanPolicy } from '~db/schema/organizations';
import { addDays, daysBetween } from '~/utils/clock';
import type { FieldError } from '~/utils/i18n';
import { splitCents } from '~/utils/money';

/** The remainder cent(s) of a split go onto the first installment, always. */
export const REMAINDER_ON = 'first' as const;
/** No proposal, not even one for finance, has more installments than this (five years monthly). */
export const MAX_INSTALLMENTS_HARD = 60;
/** The fewest installments a plan has; a single payment later is a promise to pay. */
export const MIN_INSTALLMENTS = 2;
export const DEFAULT_FIRST_PAYMENT_MAX_DAYS = 30;
/** Installment reminders go out this many days before the due date. */
export const REMINDER_DAYS_BEFORE = 3;
/** A counter-proposal waits this long for the debtor's answer (never past its first date). */
export const COUNTER_RESPONSE_DAYS = 14;
export const REASON_MAX_LENGTH = 1000;

export type Frequency = 'monthly' | 'biweekly';
export const FREQUENCIES: readonly Frequency[] = ['monthly', 'biweekly'];

export type ScheduleInput = {
  totalCents: number;
  downPaymentCents: number;
  installmentCount: number;
  frequency: Frequency;
  /** 'YYYY-MM-DD': the day of the first payment (the down payment when there is one). */
  firstDate: string;
};

export type ScheduledPayment = {
  /** 1, 2, 3…: every payment of the plan in order, the down payment (when there is one) first. */
  seq: number;
  dueDate: string;
  amountCents: number;
  downPayment: boolean;
};

export type PlanField = 'invoices' | 'installmentCount' | 'frequency' | 'firstDate' | 'downPayment' | 'reason' | 'form';
export type FieldErrors = Partial<Record<PlanField, FieldError>>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day in 'YYYY-MM-DD' form (2026-02-30 is not). */
export function isDay(value: unknown): value is string {
  if (typeof value !== 'string' || !DAY.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function daysInMonth(year: number, month0: number) {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** The same day `months` months later, clamped to the end of a shorter month (31 Jan + 1 = 28/29 Feb). */
export function addMonthsClamped(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const index = m - 1 + months;
  const year = y + Math.floor(index / 12);
  const month0 = ((index % 12) + 12) % 12;
  const date = Math.min(d, daysInMonth(year, month0));
  return `${year}-${String(month0 + 1).padStart(2, '0')}-${String(date).padStart(2, '0')}`;
}

/** The date of the n-th payment (0 = the first date), always counted from the first date. */
export function paymentDate(firstDate: string, frequency: Frequency, n: number): string {
  return frequency === 'monthly' ? addMonthsClamped(firstDate, n) : addDays(firstDate, 14 * n);
}

/**
 * The payments of a plan: an optional down payment on the first date, then the installments,
 * each one period apart. Amounts are whole cents that sum exactly to the total; the remainder
 * goes onto the first installment. Throws RangeError on input `checkSchedule` refuses.
 */
export function buildSchedule(input: ScheduleInput): ScheduledPayment[] {
  const { totalCents, downPaymentCents, installmentCount, frequency, firstDate } = input;
  if (!isDay(firstDate)) throw new RangeError(`firstDate must be a YYYY-MM-DD day, got ${firstDate}`);
  if (!Number.isSafeInteger(downPaymentCents) || downPaymentCents < 0) {
    throw new RangeError(`downPaymentCents must be a whole number of cents >= 0, got ${downPaymentCents}`);
  }
  const rest = totalCents - downPaymentCents;
  const amounts = splitCents(rest, installmentCount, REMAINDER_ON);
  const parts = downPaymentCents > 0 ? [downPaymentCents, ...amounts] : amounts;
  return parts.map((amountCents, n) => ({
    seq: n + 1,
    dueDate: paymentDate(firstDate, frequency, n),
    amountCents,
    downPayment: downPaymentCents > 0 && n === 0,
  }));
}

export function effectivePolicy(policy: PlanPolicy): Required<PlanPolicy> {
  return { ...policy, firstPaymentMaxDays: policy.firstPaymentMaxDays ?? DEFAULT_FIRST_PAYMENT_MAX_DAYS };
}

export type ScheduleCheckOptions = {
  today: string;
  /** The debtor's limits: first date within the policy, installments not below its minimum. */
  policy?: PlanPolicy;
};

/**
 * The hard rules: what no proposal may be, whoever makes it. A debtor's proposal also has to
 * respect the policy's minimum installment and first-payment window; finance's counter-proposal
 * only the arithmetic and the calendar. Every problem is named by its field.
 */
export function checkSchedule(
  input: ScheduleInput,
  { today, policy }: ScheduleCheckOptions,
): { ok: true; schedule: ScheduledPayment[] } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const { totalCents, downPaymentCents, installmentCount, frequency, firstDate } = input;
  const limits = policy ? effectivePolicy(policy) : null;

  if (!Number.isSafeInteger(totalCents) || totalCents <= 0) errors.invoices = { key: 'plan.error.totalZero' };

  if (!Number.isSafeInteger(downPaymentCents) || downPaymentCents < 0) {
    errors.downPayment = { key: 'plan.error.downPaymentNegative' };
  } else if (totalCents > 0 && downPaymentCents >= totalCents) {
    errors.downPayment = { key: 'plan.error.downPaymentTooHigh' };
  }

  if (!Number.isSafeInteger(installmentCount) || installmentCount < MIN_INSTALLMENTS) {
    errors.installmentCount = { key: 'plan.error.countTooLow', params: { min: MIN_INSTALLMENTS } };
  } else if (installmentCount > MAX_INSTALLMENTS_HARD) {
    errors.installmentCount = { key: 'plan.error.countTooHigh', params: { max: MAX_INSTALLMENTS_HARD } };
  } else if (!errors.invoices && !errors.downPayment) {
    const rest = totalCents - downPaymentCents;
    if (installmentCount > rest) {
      errors.installmentCount = { key: 'plan.error.countAboveCents', params: { cents: rest } };
    } else if (limits && Math.floor(rest / installmentCount) < limits.minInstallmentCents) {
      const most = Math.floor(rest / limits.minInstallmentCents);
      errors.installmentCount =
        most >= MIN_INSTALLMENTS
          ? { key: 'plan.error.belowMinimum', params: { most }, money: { min: limits.minInstallmentCents } }
          : { key: 'plan.error.belowMinimumNoPlan', money: { min: limits.minInstallmentCents } };
    }
  }

  if (!FREQUENCIES.includes(frequency)) errors.frequency = { key: 'plan.error.frequency' };

  if (!isDay(firstDate)) {
    errors.firstDate = { key: 'plan.error.dateInvalid' };
  } else if (daysBetween(today, firstDate) < 0) {
    errors.firstDate = { key: 'plan.error.datePast' };
  } else if (limits && daysBetween(today, firstDate) > limits.firstPaymentMaxDays) {
    errors.firstDate = {
      key: 'plan.error.dateTooFar',
      params: { count: limits.firstPaymentMaxDays },
      days: { last: addDays(today, limits.firstPaymentMaxDays) },
    };
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, schedule: buildSchedule(input) };
}

export type PolicyReason =
  | { code: 'kind_not_allowed'; kind: 'consumer' | 'business' }
  | { code: 'max_installments'; limit: number; actual: number }
  | { code: 'max_duration'; limit: number; actual: number }
  | { code: 'max_total'; limit: number; actual: number }
  | { code: 'min_installment'; limit: number; actual: number }
  | { code: 'min_down_payment'; limit: number; actual: number }
  | { code: 'recent_default'; actual: number };

export type DebtorTrackRecord = {
  /** Plans of this debtor that ended defaulted, and promises broken, in the last year. */
  recentDefaults: number;
};

/**
 * Whether a (valid) proposal is within the organisation's policy, and if not, every reason.
 * Within policy means approved at once; otherwise finance decides. Limits are inclusive:
 * exactly at a limit is within it.
 */
export function evaluateProposal(
  policy: PlanPolicy,
  proposal: ScheduleInput,
  debtorKind: 'consumer' | 'business',
  today: string,
  track: DebtorTrackRecord = { recentDefaults: 0 },
): { withinPolicy: boolean; reasons: PolicyReason[] } {
  const reasons: PolicyReason[] = [];
  const allowed = debtorKind === 'consumer' ? policy.consumersMayPropose : policy.businessesMayPropose;
  if (!allowed) reasons.push({ code: 'kind_not_allowed', kind: debtorKind });
  if (proposal.installmentCount > policy.maxInstallments) {
    reasons.push({ code: 'max_installments', limit: policy.maxInstallments, actual: proposal.installmentCount });
  }
  if (proposal.totalCents > policy.maxTotalCents) {
    reasons.push({ code: 'max_total', limit: policy.maxTotalCents, actual: proposal.totalCents });
  }
  const schedule = buildSchedule(proposal);
  const last = schedule[schedule.length - 1].dueDate;
  const duration = daysBetween(today, last);
  if (duration > policy.maxDurationDays)
    reasons.push({ code: 'max_duration', limit: policy.maxDurationDays, actual: duration });
  const smallest = Math.min(...schedule.filter((p) => !p.downPayment).map((p) => p.amountCents));
  if (smallest < policy.minInstallmentCents) {
    reasons.push({ code: 'min_installment', limit: policy.minInstallmentCents, actual: smallest });
  }
  // Integer arithmetic: down * 100 >= total * percent, so 10% of 100.01 needs 10.01, not 10.00.
  if (proposal.downPaymentCents * 100 < proposal.totalCents * policy.minDownPaymentPercent) {
    const needed = Math.ceil((proposal.totalCents * policy.minDownPaymentPercent) / 100);
    reasons.push({ code: 'min_down_payment', limit: needed, actual: proposal.downPaymentCents });
  }
  if (track.recentDefaults > 0) reasons.push({ code: 'recent_default', actual: track.recentDefaults });
  return { withinPolicy: reasons.length === 0, reasons };
}

/** The last day a promise to pay may name. */
export function promiseLastDay(policy: PlanPolicy, today: string) {
  return addDays(today, policy.promiseMaxDays);
}

/** A promise date: not in the past, not beyond the policy's limit. */
export function checkPromiseDate(policy: PlanPolicy, date: string, today: string): FieldError | null {
  if (!isDay(date)) return { key: 'promise.error.dateInvalid' };
  if (daysBetween(today, date) < 0) return { key: 'promise.error.datePast' };
  const last = promiseLastDay(policy, today);
  if (daysBetween(last, date) > 0)
    return { key: 'promise.error.dateTooFar', params: { count: policy.promiseMaxDays }, days: { last } };
  return null;
}

/** The day by which a counter-proposal made on `madeOn` must be answered. */
export function counterRespondBy(madeOn: string, firstDate: string): string {
  const byPolicy = addDays(madeOn, COUNTER_RESPONSE_DAYS);
  return daysBetween(byPolicy, firstDate) < 0 ? firstDate : byPolicy;
}
