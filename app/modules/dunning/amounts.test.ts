import { describe, expect, it } from 'vitest';
import { allocateProportionally, businessClaim, claimAfterCorrection, consumerLetterCosts } from './amounts';
import { bikCosts } from './collection-costs';
import { statutoryInterest } from './statutory-interest';

describe('allocateProportionally', () => {
  it('sums exactly and follows the weights', () => {
    expect(allocateProportionally(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateProportionally(4_000, [30_000, 10_000])).toEqual([3_000, 1_000]);
    const parts = allocateProportionally(37_501, [12_345, 67_891, 1, 0]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(37_501);
    expect(parts[3]).toBe(0);
    expect(allocateProportionally(7, [0, 0])).toEqual([4, 3]);
    expect(allocateProportionally(0, [5, 5])).toEqual([0, 0]);
  });

  it('refuses fractions and negatives', () => {
    expect(() => allocateProportionally(1.5, [1])).toThrow(RangeError);
    expect(() => allocateProportionally(10, [-1, 2])).toThrow(RangeError);
  });
});

describe('consumerLetterCosts', () => {
  it('applies the staffel once, on the sum of the principals', () => {
    // two invoices of 200.00: one claim of 400.00 -> 15% = 60.00, not 2 x the 40.00 minimum
    expect(consumerLetterCosts([20_000, 20_000])).toEqual({ totalCents: 6_000, sharesCents: [3_000, 3_000] });
    const { totalCents, sharesCents } = consumerLetterCosts([250_000, 250_000, 1]);
    expect(totalCents).toBe(bikCosts(500_001));
    expect(sharesCents.reduce((a, b) => a + b, 0)).toBe(totalCents);
  });
});

describe('businessClaim', () => {
  it('claims at least EUR 40 and the staffel above it, per invoice', () => {
    expect(businessClaim({ openCents: 10_000, dueDate: '2025-03-01', asOf: '2025-03-01' })).toEqual({
      compensationCents: 4_000,
      interestCents: 0,
      interestFrom: null,
    });
    expect(businessClaim({ openCents: 1_000_000, dueDate: '2025-03-01', asOf: '2025-03-01' }).compensationCents).toBe(
      87_500,
    );
  });

  it('runs interest from the day after the due date across a rate change and a year boundary', () => {
    // 1,000.00 due 2024-12-01: 2-31 Dec at 12.25% (30 days) = 10.0685 -> 10.07; 1-5 Jan at 11.15% (5 days) = 1.5274 -> 1.53
    expect(businessClaim({ openCents: 100_000, dueDate: '2024-12-01', asOf: '2025-01-05' })).toEqual({
      compensationCents: 15_000,
      interestCents: 1_007 + 153,
      interestFrom: '2024-12-02',
    });
  });

  it('does not claim days before the rate table starts', () => {
    const claim = businessClaim({ openCents: 100_000, dueDate: '2023-06-01', asOf: '2023-07-10' });
    expect(claim.interestFrom).toBe('2023-07-01');
    expect(claim.interestCents).toBe(329); // 1-10 July 2023 at 12%: 100,000 x 0.12 x 10 / 365 = 328.77 cents
  });
});

const none = { owedCents: 0, paidCents: 0 };

describe('claimAfterCorrection: costs and interest for a principal a correction lowered', () => {
  it('charges the staffel on the new principal, never more than was charged', () => {
    const claim = claimAfterCorrection({
      principalBeforeCents: 200_000,
      principalAfterCents: 100_000,
      costs: { owedCents: bikCosts(200_000), paidCents: 0 },
      interest: none,
      interestPeriod: null,
    });
    expect(claim).toEqual({ costsCents: bikCosts(100_000), interestCents: 0 });
    expect(bikCosts(100_000)).toBeLessThan(bikCosts(200_000));
    // EUR 40 charged by hand on a principal whose staffel is higher: stays 40.
    expect(
      claimAfterCorrection({
        principalBeforeCents: 900_000,
        principalAfterCents: 800_000,
        costs: { owedCents: 4_000, paidCents: 0 },
        interest: none,
        interestPeriod: null,
      }).costsCents,
    ).toBe(4_000);
  });

  it('counts what was already paid towards costs against the new amount', () => {
    const claim = claimAfterCorrection({
      principalBeforeCents: 200_000,
      principalAfterCents: 100_000,
      costs: { owedCents: 10_000, paidCents: 20_000 },
      interest: none,
      interestPeriod: null,
    });
    // Entitled 15,000 on EUR 1,000; 20,000 paid already: nothing more is owed.
    expect(claim.costsCents).toBe(0);
  });

  it('computes interest again over the period it was charged for, or in proportion without one', () => {
    const period = { from: '2024-12-02', to: '2025-01-05' };
    const charged = statutoryInterest({ principalCents: 20_000, ...period, kind: 'commercial' }).totalCents;
    const withPeriod = claimAfterCorrection({
      principalBeforeCents: 20_000,
      principalAfterCents: 10_000,
      costs: none,
      interest: { owedCents: charged, paidCents: 0 },
      interestPeriod: period,
    });
    expect(withPeriod.interestCents).toBe(
      statutoryInterest({ principalCents: 10_000, ...period, kind: 'commercial' }).totalCents,
    );
    const proportional = claimAfterCorrection({
      principalBeforeCents: 30_000,
      principalAfterCents: 10_000,
      costs: none,
      interest: { owedCents: 301, paidCents: 0 },
      interestPeriod: null,
    });
    expect(proportional.interestCents).toBe(100);
  });

  it('owes nothing once no principal is left, and refuses a correction that raises the principal', () => {
    expect(
      claimAfterCorrection({
        principalBeforeCents: 20_000,
        principalAfterCents: 0,
        costs: { owedCents: 4_000, paidCents: 0 },
        interest: { owedCents: 250, paidCents: 0 },
        interestPeriod: null,
      }),
    ).toEqual({ costsCents: 0, interestCents: 0 });
    expect(() =>
      claimAfterCorrection({
        principalBeforeCents: 100,
        principalAfterCents: 200,
        costs: none,
        interest: none,
        interestPeriod: null,
      }),
    ).toThrow(RangeError);
  });
});
