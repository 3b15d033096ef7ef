import { describe, expect, it } from 'vitest';
import { belgianConsumerDamagesCap, bikCosts } from './collection-costs';

describe('bikCosts (Dutch WIK staffel)', () => {
  it('matches the reference example: 2,500.00 -> 375.00', () => {
    expect(bikCosts(250_000)).toBe(37_500);
  });

  it.each([
    // minimum EUR 40 until 15% passes it at 266.67
    [1, 4_000],
    [10_000, 4_000],
    [26_666, 4_000], // 15% = 39.999
    [26_667, 4_000], // 40.0005
    [26_669, 4_000], // 40.0035
    [26_670, 4_001], // 40.005, half up
    [26_700, 4_005],
    // 2,500: end of the 15% bracket
    [249_999, 37_500], // 374.9985
    [250_000, 37_500],
    [250_001, 37_500], // 375.001
    [250_005, 37_501], // 375.005, half up
    // 5,000: end of the 10% bracket
    [499_999, 62_500], // 624.999
    [500_000, 62_500],
    [500_001, 62_500], // 625.0005
    [500_010, 62_501], // 625.005, half up
    // 10,000: end of the 5% bracket
    [999_999, 87_500], // 874.9995
    [1_000_000, 87_500],
    [1_000_001, 87_500], // 875.0001
    [1_000_050, 87_501], // 875.005, half up
    // 200,000: end of the 1% bracket
    [19_999_999, 277_500], // 2,774.9999
    [20_000_000, 277_500],
    [20_000_001, 277_500], // 2,775.00005
    [20_000_100, 277_501], // 2,775.005, half up
    // 1,000,000: 0.5% reaches the EUR 6,775 maximum exactly
    [99_999_700, 677_499], // 6,774.985
    [99_999_800, 677_499], // 6,774.99
    [99_999_900, 677_500], // 6,774.995, half up
    [99_999_999, 677_500],
    [100_000_000, 677_500],
    [100_000_001, 677_500],
    [500_000_000, 677_500],
    [Number.MAX_SAFE_INTEGER, 677_500],
  ])('principal %i cents -> %i cents', (principal, costs) => {
    expect(bikCosts(principal)).toBe(costs);
  });

  it('owes nothing on a zero principal', () => {
    expect(bikCosts(0)).toBe(0);
  });

  it('matches a bracket-by-bracket hand computation in the 1% bracket', () => {
    // 375 + 250 + 250 + 1% of (12,345.67 - 10,000) = 875 + 23.4567 -> 898.46
    expect(bikCosts(1_234_567)).toBe(89_846);
  });

  it('never decreases as the principal grows', () => {
    let previous = 0;
    for (let principal = 0; principal <= 110_000_000; principal += 9_973) {
      const costs = bikCosts(principal);
      expect(costs).toBeGreaterThanOrEqual(previous);
      previous = costs;
    }
  });

  it('refuses negative or fractional amounts', () => {
    expect(() => bikCosts(-1)).toThrow(RangeError);
    expect(() => bikCosts(100.5)).toThrow(RangeError);
    expect(() => bikCosts(Number.NaN)).toThrow(/principalCents/);
  });
});

describe('belgianConsumerDamagesCap', () => {
  it('matches the reference example: 1,000 -> 90', () => {
    expect(belgianConsumerDamagesCap(100_000)).toBe(9_000);
  });

  it.each([
    [1, 2_000],
    [10_000, 2_000],
    [15_000, 2_000], // 150.00 is still the first band
    [15_001, 3_000], // 30 + 10% of 0.01 = 30.001, rounded down
    [15_009, 3_000], // 30.009, rounded down: this is a ceiling
    [15_010, 3_001],
    [30_000, 4_500], // 30 + 15
    [49_999, 6_499], // 30 + 34.999
    [50_000, 6_500], // 30 + 35
    [50_001, 6_500], // 65 + 0.0005
    [50_020, 6_501],
    [3_919_999, 199_999], // 65 + 1,934.9995
    [3_920_000, 200_000], // 65 + 5% of 38,700 = 2,000 exactly
    [3_920_001, 200_000],
    [100_000_000, 200_000],
  ])('balance %i cents -> at most %i cents', (balance, cap) => {
    expect(belgianConsumerDamagesCap(balance)).toBe(cap);
  });

  it('owes nothing on a zero balance', () => {
    expect(belgianConsumerDamagesCap(0)).toBe(0);
  });

  it('refuses negative or fractional amounts', () => {
    expect(() => belgianConsumerDamagesCap(-1)).toThrow(RangeError);
    expect(() => belgianConsumerDamagesCap(0.5)).toThrow(/balanceCents/);
  });
});
