import { describe, expect, it } from 'vitest';
import { STATUTORY_RATES, statutoryInterest, validateRateTable, type StatutoryRate } from './statutory-interest';

const FLAT_10_PERCENT: StatutoryRate[] = [{ from: '2000-01-01', consumer: 1000, commercial: 1000 }];

describe('STATUTORY_RATES', () => {
  it('is a valid table', () => {
    expect(validateRateTable(STATUTORY_RATES)).toEqual([]);
  });

  it('holds the reference rates in basis points', () => {
    expect(STATUTORY_RATES).toEqual([
      { from: '2023-07-01', consumer: 600, commercial: 1200 },
      { from: '2024-01-01', consumer: 700, commercial: 1250 },
      { from: '2024-07-01', consumer: 700, commercial: 1225 },
      { from: '2025-01-01', consumer: 600, commercial: 1115 },
      { from: '2025-07-01', consumer: 400, commercial: 1015 },
    ]);
  });
});

describe('validateRateTable', () => {
  const row = (from: string, consumer = 600, commercial = 1200): StatutoryRate => ({ from, consumer, commercial });

  it('accepts a table whose rows fall on consecutive resets', () => {
    expect(validateRateTable([row('2024-01-01'), row('2024-07-01'), row('2025-01-01')])).toEqual([]);
  });

  it('accepts a change between resets (consumer rates are set by decree)', () => {
    expect(validateRateTable([row('2024-01-01'), row('2024-03-15'), row('2024-07-01')])).toEqual([]);
  });

  it('reports an empty table', () => {
    expect(validateRateTable([])).toEqual([{ field: 'table', message: 'table: has no rows' }]);
  });

  it('reports unsorted rows', () => {
    expect(validateRateTable([row('2024-07-01'), row('2024-01-01')])).toEqual([
      { field: '[1].from', message: '[1].from: 2024-01-01 comes before [0].from 2024-07-01; sort ascending' },
    ]);
  });

  it('reports duplicate dates', () => {
    expect(validateRateTable([row('2024-01-01'), row('2024-01-01')])).toEqual([
      { field: '[1].from', message: '[1].from: 2024-01-01 duplicates [0].from' },
    ]);
  });

  it('reports a missed half-year reset as a gap', () => {
    expect(validateRateTable([row('2024-01-01'), row('2025-01-01')])).toEqual([
      { field: '[1].from', message: '[1].from: 2025-01-01 leaves a gap: no row for the reset on 2024-07-01' },
    ]);
    expect(validateRateTable([row('2024-08-15'), row('2025-01-02')])[0].message).toMatch(/reset on 2025-01-01/);
  });

  it('reports negative and fractional rates naming the field', () => {
    const problems = validateRateTable([row('2024-01-01', -100, 1200), row('2024-07-01', 700, 12.5)]);
    expect(problems.map((p) => p.field)).toEqual(['[0].consumer', '[1].commercial']);
    expect(problems[0].message).toBe('[0].consumer: -100 is negative');
    expect(problems[1].message).toBe('[1].commercial: 12.5 is not a whole number of basis points');
  });

  it('reports invalid dates naming the field', () => {
    const problems = validateRateTable([row('2024-02-30'), row('2024-7-01')]);
    expect(problems.map((p) => p.field)).toEqual(['[0].from', '[1].from']);
  });

  it('with asOf, reports a table that misses a reset that has already happened', () => {
    expect(validateRateTable(STATUTORY_RATES, { asOf: '2025-12-31' })).toEqual([]);
    expect(validateRateTable(STATUTORY_RATES, { asOf: '2026-01-01' })).toEqual([
      { field: 'table', message: 'table: last row is from 2025-07-01; the rate in force from 2026-01-01 is missing' },
    ]);
    expect(validateRateTable(STATUTORY_RATES, { asOf: 'today' })[0].field).toBe('asOf');
  });
});

describe('statutoryInterest', () => {
  it('computes a hand-checked case: EUR 1,000 consumer, first half of 2025 at 6%', () => {
    // 181 days: 100000 * 6% * 181 / 365 = 2975.34 cents
    expect(
      statutoryInterest({ principalCents: 100_000, from: '2025-01-01', to: '2025-06-30', kind: 'consumer' }),
    ).toEqual({
      totalCents: 2975,
      periods: [
        { from: '2025-01-01', to: '2025-06-30', days: 181, rateBp: 600, baseCents: 100_000, interestCents: 2975 },
      ],
    });
  });

  it('splits a period at a rate change', () => {
    // June 2024 at 12.50%: 1,000,000 * 0.125 * 30/365 = 10273.97
    // July 2024 at 12.25%: 1,000,000 * 0.1225 * 31/365 = 10404.11
    const result = statutoryInterest({
      principalCents: 1_000_000,
      from: '2024-06-01',
      to: '2024-07-31',
      kind: 'commercial',
    });
    expect(result.periods).toEqual([
      { from: '2024-06-01', to: '2024-06-30', days: 30, rateBp: 1250, baseCents: 1_000_000, interestCents: 10_274 },
      { from: '2024-07-01', to: '2024-07-31', days: 31, rateBp: 1225, baseCents: 1_000_000, interestCents: 10_404 },
    ]);
    expect(result.totalCents).toBe(20_678);
  });

  it("compounds after a full year: the year's interest joins the principal", () => {
    // Year 1 (2023-07-01..2024-06-30): 184 days at 6% -> 3024.66; 182 days at 7% -> 3490.41
    // Year 2 starts on 100000 + 3025 + 3490 = 106515: 184 days at 7% -> 3758.67
    const result = statutoryInterest({
      principalCents: 100_000,
      from: '2023-07-01',
      to: '2024-12-31',
      kind: 'consumer',
    });
    expect(result.periods).toEqual([
      { from: '2023-07-01', to: '2023-12-31', days: 184, rateBp: 600, baseCents: 100_000, interestCents: 3025 },
      { from: '2024-01-01', to: '2024-06-30', days: 182, rateBp: 700, baseCents: 100_000, interestCents: 3490 },
      { from: '2024-07-01', to: '2024-12-31', days: 184, rateBp: 700, baseCents: 106_515, interestCents: 3759 },
    ]);
    expect(result.totalCents).toBe(10_274);
  });

  it('compounds on the anniversary of `from`, not on 1 January', () => {
    const result = statutoryInterest({
      principalCents: 100_000,
      from: '2021-03-15',
      to: '2023-03-14',
      kind: 'consumer',
      table: FLAT_10_PERCENT,
    });
    expect(result.periods).toEqual([
      { from: '2021-03-15', to: '2022-03-14', days: 365, rateBp: 1000, baseCents: 100_000, interestCents: 10_000 },
      { from: '2022-03-15', to: '2023-03-14', days: 365, rateBp: 1000, baseCents: 110_000, interestCents: 11_000 },
    ]);
    expect(result.totalCents).toBe(21_000);
  });

  it('compounds once per full year over several years', () => {
    // 10% a year for 3 years: 1000 -> 1100 -> 1210 -> 1331
    const result = statutoryInterest({
      principalCents: 100_000,
      from: '2021-01-01',
      to: '2023-12-31',
      kind: 'commercial',
      table: FLAT_10_PERCENT,
    });
    expect(result.periods.map((p) => p.baseCents)).toEqual([100_000, 110_000, 121_000]);
    expect(result.totalCents).toBe(33_100);
  });

  it('does not compound an unfinished year', () => {
    const result = statutoryInterest({
      principalCents: 100_000,
      from: '2021-01-01',
      to: '2021-12-30',
      kind: 'consumer',
      table: FLAT_10_PERCENT,
    });
    expect(result.periods).toHaveLength(1);
    expect(result.totalCents).toBe(9_973); // 364/365 of 10,000
  });

  it('counts a leap year as 366 days of rate/365', () => {
    const result = statutoryInterest({
      principalCents: 100_000,
      from: '2024-01-01',
      to: '2024-12-31',
      kind: 'consumer',
      table: FLAT_10_PERCENT,
    });
    expect(result.periods[0].days).toBe(366);
    expect(result.totalCents).toBe(10_027); // 10,000 * 366 / 365 = 10,027.4
  });

  it('ends a year that starts on 29 February on 28 February', () => {
    const result = statutoryInterest({
      principalCents: 100_000,
      from: '2024-02-29',
      to: '2025-03-01',
      kind: 'consumer',
      table: FLAT_10_PERCENT,
    });
    expect(result.periods.map(({ from, to, days }) => ({ from, to, days }))).toEqual([
      { from: '2024-02-29', to: '2025-02-28', days: 366 },
      { from: '2025-03-01', to: '2025-03-01', days: 1 },
    ]);
  });

  it('splits at both rate changes and anniversaries, across the whole reference table', () => {
    const result = statutoryInterest({
      principalCents: 1_234_567,
      from: '2023-08-15',
      to: '2025-09-30',
      kind: 'commercial',
    });
    // Expected values computed independently with exact fractions.
    expect(
      result.periods.map(({ from, to, days, rateBp, baseCents, interestCents }) => [
        from,
        to,
        days,
        rateBp,
        baseCents,
        interestCents,
      ]),
    ).toEqual([
      ['2023-08-15', '2023-12-31', 139, 1200, 1_234_567, 56_418],
      ['2024-01-01', '2024-06-30', 182, 1250, 1_234_567, 76_949],
      ['2024-07-01', '2024-08-14', 45, 1225, 1_234_567, 18_645],
      ['2024-08-15', '2024-12-31', 139, 1225, 1_386_579, 64_685],
      ['2025-01-01', '2025-06-30', 181, 1115, 1_386_579, 76_666],
      ['2025-07-01', '2025-08-14', 45, 1015, 1_386_579, 17_351],
      ['2025-08-15', '2025-09-30', 47, 1015, 1_545_281, 20_197],
    ]);
    const days = result.periods.reduce((sum, p) => sum + p.days, 0);
    expect(days).toBe(778); // 2023-08-15 .. 2025-09-30 inclusive
    expect(result.totalCents).toBe(330_911);
  });

  it('counts a single day when from equals to', () => {
    // 100000 * 6% / 365 = 16.44
    const result = statutoryInterest({
      principalCents: 100_000,
      from: '2025-03-01',
      to: '2025-03-01',
      kind: 'consumer',
    });
    expect(result).toEqual({
      totalCents: 16,
      periods: [{ from: '2025-03-01', to: '2025-03-01', days: 1, rateBp: 600, baseCents: 100_000, interestCents: 16 }],
    });
  });

  it('returns zero with no periods when no day has run', () => {
    const none = { totalCents: 0, periods: [] };
    expect(
      statutoryInterest({ principalCents: 100_000, from: '2025-03-01', to: '2025-02-28', kind: 'consumer' }),
    ).toEqual(none);
    expect(
      statutoryInterest({ principalCents: 100_000, from: '2025-03-01', to: '2025-01-15', kind: 'commercial' }),
    ).toEqual(none);
  });

  it('rounds each period half up to the cent', () => {
    // 73 days at 10% on 1 cent: 0.02 cents -> 0; on 25 cents: 0.5 cents -> 1
    const at = (principalCents: number) =>
      statutoryInterest({
        principalCents,
        from: '2021-01-01',
        to: '2021-03-14',
        kind: 'consumer',
        table: FLAT_10_PERCENT,
      }).totalCents;
    expect(at(1)).toBe(0);
    expect(at(24)).toBe(0);
    expect(at(25)).toBe(1);
    expect(at(0)).toBe(0);
  });

  it('refuses dates before the table starts', () => {
    expect(() =>
      statutoryInterest({ principalCents: 100_000, from: '2023-06-30', to: '2023-07-31', kind: 'consumer' }),
    ).toThrow(/no statutory rate in force on 2023-06-30/);
  });

  it('refuses malformed input', () => {
    const base = { principalCents: 100_000, from: '2025-01-01', to: '2025-01-31', kind: 'consumer' } as const;
    expect(() => statutoryInterest({ ...base, from: '2025-02-29' })).toThrow(/from: "2025-02-29"/);
    expect(() => statutoryInterest({ ...base, to: '31-01-2025' })).toThrow(/to: "31-01-2025"/);
    expect(() => statutoryInterest({ ...base, principalCents: -1 })).toThrow(RangeError);
    expect(() => statutoryInterest({ ...base, principalCents: 10.5 })).toThrow(RangeError);
  });

  it('refuses an invalid table', () => {
    const table: StatutoryRate[] = [
      { from: '2024-07-01', consumer: 700, commercial: 1225 },
      { from: '2024-01-01', consumer: 700, commercial: 1250 },
    ];
    expect(() =>
      statutoryInterest({ principalCents: 1, from: '2024-08-01', to: '2024-08-02', kind: 'consumer', table }),
    ).toThrow(/invalid statutory rate table: \[1\]\.from/);
  });
});
