import { describe, expect, it } from 'vitest';
import type { PlanPolicy } from '~db/schema';
import { DEFAULT_PLAN_POLICY } from '~/modules/dunning/default-policy';
import {
  addMonthsClamped,
  buildSchedule,
  checkPromiseDate,
  checkSchedule,
  counterRespondBy,
  evaluateProposal,
  MAX_INSTALLMENTS_HARD,
  type ScheduleInput,
} from './schedule';

const TODAY = '2026-11-23';
const policy: PlanPolicy = {
  maxInstallments: 6,
  maxDurationDays: 180,
  minInstallmentCents: 2_500,
  maxTotalCents: 200_000,
  consumersMayPropose: true,
  businessesMayPropose: true,
  minDownPaymentPercent: 10,
  promiseMaxDays: 14,
  graceDays: 7,
  firstPaymentMaxDays: 30,
};
const proposal = (over: Partial<ScheduleInput> = {}): ScheduleInput => ({
  totalCents: 60_000,
  downPaymentCents: 6_000,
  installmentCount: 3,
  frequency: 'monthly',
  firstDate: '2026-12-01',
  ...over,
});
const sum = (xs: { amountCents: number }[]) => xs.reduce((s, x) => s + x.amountCents, 0);

describe('buildSchedule', () => {
  it('splits EUR 100.00 in 3 as 33.34 + 33.33 + 33.33: the remainder cent always on the first installment', () => {
    const s = buildSchedule({
      totalCents: 10_000,
      downPaymentCents: 0,
      installmentCount: 3,
      frequency: 'monthly',
      firstDate: '2026-12-01',
    });
    expect(s.map((p) => p.amountCents)).toEqual([3_334, 3_333, 3_333]);
    expect(s.map((p) => p.dueDate)).toEqual(['2026-12-01', '2027-01-01', '2027-02-01']);
    expect(s.map((p) => p.seq)).toEqual([1, 2, 3]);
  });

  it('sums exactly for awkward totals and counts, with and without a down payment', () => {
    for (const [total, down, count] of [
      [10_001, 0, 7],
      [99_999, 1, 12],
      [123_457, 23_457, 11],
      [5, 0, 5],
      [1_000_000_07, 7, 60],
    ]) {
      const s = buildSchedule({
        totalCents: total,
        downPaymentCents: down,
        installmentCount: count,
        frequency: 'biweekly',
        firstDate: TODAY,
      });
      expect(sum(s)).toBe(total);
      const installments = s.filter((p) => !p.downPayment);
      expect(installments).toHaveLength(count);
      // Equal amounts but the first, which carries the remainder.
      expect(new Set(installments.slice(1).map((p) => p.amountCents)).size).toBeLessThanOrEqual(1);
      expect(installments[0].amountCents - installments[count - 1].amountCents).toBeLessThan(count);
    }
  });

  it('puts the down payment on the first date and the installments one period apart after it', () => {
    const s = buildSchedule(proposal());
    expect(s).toEqual([
      { seq: 1, dueDate: '2026-12-01', amountCents: 6_000, downPayment: true },
      { seq: 2, dueDate: '2027-01-01', amountCents: 18_000, downPayment: false },
      { seq: 3, dueDate: '2027-02-01', amountCents: 18_000, downPayment: false },
      { seq: 4, dueDate: '2027-03-01', amountCents: 18_000, downPayment: false },
    ]);
  });

  it('keeps the day of the month and clamps it to the end of shorter months, without drifting', () => {
    const s = buildSchedule({
      totalCents: 40_000,
      downPaymentCents: 0,
      installmentCount: 5,
      frequency: 'monthly',
      firstDate: '2027-01-31',
    });
    expect(s.map((p) => p.dueDate)).toEqual(['2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30', '2027-05-31']);
    expect(addMonthsClamped('2027-12-31', 2)).toBe('2028-02-29');
    expect(addMonthsClamped('2026-11-30', 14)).toBe('2028-01-30');
  });

  it('steps biweekly plans by 14 days across month and year ends', () => {
    const s = buildSchedule({
      totalCents: 9_000,
      downPaymentCents: 0,
      installmentCount: 3,
      frequency: 'biweekly',
      firstDate: '2026-12-24',
    });
    expect(s.map((p) => p.dueDate)).toEqual(['2026-12-24', '2027-01-07', '2027-01-21']);
  });
});

describe('checkSchedule (hard rules)', () => {
  const check = (over: Partial<ScheduleInput>, withPolicy = true) =>
    checkSchedule(proposal({ downPaymentCents: 0, ...over }), {
      today: TODAY,
      policy: withPolicy ? policy : undefined,
    });

  it('refuses zero and negative amounts, naming the field', () => {
    expect(check({ totalCents: 0 })).toMatchObject({
      ok: false,
      errors: { invoices: { key: 'plan.error.totalZero' } },
    });
    expect(check({ totalCents: -100 })).toMatchObject({
      ok: false,
      errors: { invoices: { key: 'plan.error.totalZero' } },
    });
    expect(check({ downPaymentCents: -1 })).toMatchObject({
      ok: false,
      errors: { downPayment: { key: 'plan.error.downPaymentNegative' } },
    });
    expect(check({ downPaymentCents: 60_000 })).toMatchObject({
      ok: false,
      errors: { downPayment: { key: 'plan.error.downPaymentTooHigh' } },
    });
  });

  it('refuses EUR 0.05 in 2 below the minimum installment, and more installments than cents', () => {
    expect(check({ totalCents: 5, installmentCount: 2 })).toMatchObject({
      ok: false,
      errors: { installmentCount: { key: 'plan.error.belowMinimumNoPlan', money: { min: 2_500 } } },
    });
    // Without a minimum (finance's counter-proposal) 5 cents in 2 is 3 + 2, but 5 cents in 6 cannot be.
    expect(check({ totalCents: 5, installmentCount: 2 }, false)).toMatchObject({ ok: true });
    expect(check({ totalCents: 5, installmentCount: 6 }, false)).toMatchObject({
      ok: false,
      errors: { installmentCount: { key: 'plan.error.countAboveCents', params: { cents: 5 } } },
    });
    expect(check({ totalCents: 5, installmentCount: 5 }, false)).toMatchObject({ ok: true });
  });

  it('allows an installment exactly at the minimum and refuses one cent below, suggesting the most installments', () => {
    expect(check({ totalCents: 7_500, installmentCount: 3 })).toMatchObject({ ok: true });
    expect(check({ totalCents: 7_499, installmentCount: 3 })).toMatchObject({
      ok: false,
      errors: { installmentCount: { key: 'plan.error.belowMinimum', params: { most: 2 } } },
    });
  });

  it('bounds the number of installments', () => {
    expect(check({ installmentCount: 1 })).toMatchObject({
      ok: false,
      errors: { installmentCount: { key: 'plan.error.countTooLow' } },
    });
    expect(check({ totalCents: 10_000_000, installmentCount: MAX_INSTALLMENTS_HARD })).toMatchObject({ ok: true });
    expect(check({ totalCents: 10_000_000, installmentCount: MAX_INSTALLMENTS_HARD + 1 })).toMatchObject({
      ok: false,
      errors: { installmentCount: { key: 'plan.error.countTooHigh' } },
    });
    expect(check({ installmentCount: 2.5 })).toMatchObject({
      ok: false,
      errors: { installmentCount: { key: 'plan.error.countTooLow' } },
    });
  });

  it('refuses a first date in the past or beyond the policy window: today and the last day are fine', () => {
    expect(check({ firstDate: TODAY })).toMatchObject({ ok: true });
    expect(check({ firstDate: '2026-11-22' })).toMatchObject({
      ok: false,
      errors: { firstDate: { key: 'plan.error.datePast' } },
    });
    expect(check({ firstDate: '2026-12-23' })).toMatchObject({ ok: true });
    expect(check({ firstDate: '2026-12-24' })).toMatchObject({
      ok: false,
      errors: { firstDate: { key: 'plan.error.dateTooFar', params: { count: 30 }, days: { last: '2026-12-23' } } },
    });
    expect(check({ firstDate: '2026-02-30' })).toMatchObject({
      ok: false,
      errors: { firstDate: { key: 'plan.error.dateInvalid' } },
    });
    // Finance is not bound by the debtor's window.
    expect(check({ firstDate: '2027-03-01' }, false)).toMatchObject({ ok: true });
  });

  it('refuses an unknown frequency', () => {
    expect(check({ frequency: 'weekly' as never })).toMatchObject({
      ok: false,
      errors: { frequency: { key: 'plan.error.frequency' } },
    });
  });
});

describe('evaluateProposal (policy edges: exactly at each limit is within, one beyond is not)', () => {
  const within = (over: Partial<ScheduleInput>, kind: 'consumer' | 'business' = 'consumer') =>
    evaluateProposal(policy, proposal(over), kind, TODAY);

  it('approves a proposal within every limit', () => {
    expect(within({})).toEqual({ withinPolicy: true, reasons: [] });
  });

  it('max installments', () => {
    expect(within({ installmentCount: 6, frequency: 'biweekly' }).withinPolicy).toBe(true);
    expect(within({ installmentCount: 7, frequency: 'biweekly' }).reasons).toEqual([
      { code: 'max_installments', limit: 6, actual: 7 },
    ]);
  });

  it('max total', () => {
    expect(within({ totalCents: 200_000, downPaymentCents: 20_000 }).withinPolicy).toBe(true);
    expect(within({ totalCents: 200_001, downPaymentCents: 20_001 }).reasons).toEqual([
      { code: 'max_total', limit: 200_000, actual: 200_001 },
    ]);
  });

  it('max duration, counted from today to the last due date', () => {
    // Biweekly from today: down payment + 3 installments end 42 days out; a 42-day limit holds, 41 does not.
    const p = { downPaymentCents: 6_000, installmentCount: 3, frequency: 'biweekly' as const, firstDate: TODAY };
    expect(evaluateProposal({ ...policy, maxDurationDays: 42 }, proposal(p), 'consumer', TODAY).withinPolicy).toBe(
      true,
    );
    expect(evaluateProposal({ ...policy, maxDurationDays: 41 }, proposal(p), 'consumer', TODAY).reasons).toEqual([
      { code: 'max_duration', limit: 41, actual: 42 },
    ]);
  });

  it('minimum down payment in whole cents, rounding the requirement up', () => {
    expect(within({ totalCents: 60_001, downPaymentCents: 6_001 }).withinPolicy).toBe(true);
    expect(within({ totalCents: 60_001, downPaymentCents: 6_000 }).reasons).toEqual([
      { code: 'min_down_payment', limit: 6_001, actual: 6_000 },
    ]);
    expect(
      evaluateProposal({ ...policy, minDownPaymentPercent: 0 }, proposal({ downPaymentCents: 0 }), 'consumer', TODAY)
        .withinPolicy,
    ).toBe(true);
  });

  it('minimum installment', () => {
    expect(within({ totalCents: 10_000, downPaymentCents: 2_500, installmentCount: 3 }).withinPolicy).toBe(true);
    expect(within({ totalCents: 10_000, downPaymentCents: 2_503, installmentCount: 3 }).reasons).toEqual([
      { code: 'min_installment', limit: 2_500, actual: 2_499 },
    ]);
  });

  it('who may propose, and an earlier default', () => {
    expect(evaluateProposal({ ...policy, businessesMayPropose: false }, proposal(), 'business', TODAY).reasons).toEqual(
      [{ code: 'kind_not_allowed', kind: 'business' }],
    );
    expect(
      evaluateProposal({ ...policy, businessesMayPropose: false }, proposal(), 'consumer', TODAY).withinPolicy,
    ).toBe(true);
    expect(evaluateProposal(policy, proposal(), 'consumer', TODAY, { recentDefaults: 1 }).reasons).toEqual([
      { code: 'recent_default', actual: 1 },
    ]);
  });

  it('lists every reason at once', () => {
    const r = evaluateProposal(
      DEFAULT_PLAN_POLICY,
      proposal({ totalCents: 600_000, downPaymentCents: 0, installmentCount: 24 }),
      'consumer',
      TODAY,
    );
    expect(r.reasons.map((x) => x.code)).toEqual(['max_installments', 'max_total', 'max_duration']);
  });
});

describe('promise dates and counter deadlines', () => {
  it('accepts today up to exactly promiseMaxDays ahead', () => {
    expect(checkPromiseDate(policy, TODAY, TODAY)).toBeNull();
    expect(checkPromiseDate(policy, '2026-12-07', TODAY)).toBeNull();
    expect(checkPromiseDate(policy, '2026-12-08', TODAY)).toMatchObject({
      key: 'promise.error.dateTooFar',
      days: { last: '2026-12-07' },
    });
    expect(checkPromiseDate(policy, '2026-11-22', TODAY)).toMatchObject({ key: 'promise.error.datePast' });
    expect(checkPromiseDate(policy, 'morgen', TODAY)).toMatchObject({ key: 'promise.error.dateInvalid' });
  });

  it('gives a counter 14 days, never past its own first date', () => {
    expect(counterRespondBy(TODAY, '2027-01-15')).toBe('2026-12-07');
    expect(counterRespondBy(TODAY, '2026-12-01')).toBe('2026-12-01');
  });
});
