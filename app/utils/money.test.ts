import { describe, expect, it } from 'vitest';
import { MAX_AMOUNT_CENTS } from './limits';
import {
  centsToDecimalString,
  decimalDigitsToCents,
  formatCompactMoney,
  formatFixed,
  formatMoney,
  parseAmountToCents,
  splitCents,
} from './money';

const NBSP = '\u00a0';

describe('formatMoney', () => {
  it('formats euros in Dutch notation by default', () => {
    expect(formatMoney(123456)).toBe(`€${NBSP}1.234,56`);
    expect(formatMoney(5)).toBe(`€${NBSP}0,05`);
    expect(formatMoney(0)).toBe(`€${NBSP}0,00`);
  });

  it('formats in British English notation', () => {
    expect(formatMoney(123456, 'EUR', 'en')).toBe('€1,234.56');
    expect(formatMoney(50, 'GBP', 'en')).toBe('£0.50');
  });

  it('formats negative amounts', () => {
    expect(formatMoney(-123456, 'EUR', 'nl')).toBe(`€${NBSP}-1.234,56`);
    expect(formatMoney(-123456, 'EUR', 'en')).toBe('-€1,234.56');
  });

  it('formats large amounts exactly', () => {
    expect(formatMoney(999_999_999_999_99, 'EUR', 'en')).toBe('€999,999,999,999.99');
    expect(formatMoney(1_000_000_000_000_01, 'EUR', 'en')).toBe('€1,000,000,000,000.01');
  });

  it('refuses currencies without two minor units', () => {
    expect(() => formatMoney(100, 'JPY')).toThrow(/2 minor units/);
  });

  it('shows a marker instead of throwing for amounts it cannot display exactly', () => {
    for (const cents of [1.5, Number.NaN, Infinity, Number.MAX_SAFE_INTEGER, 2 ** 60, -(2 ** 60), 2 ** 52]) {
      expect(formatMoney(cents, 'EUR', 'nl')).toBe('bedrag buiten bereik');
      expect(formatMoney(cents, 'EUR', 'en')).toBe('amount out of range');
    }
    expect(formatMoney(2 ** 52 - 1, 'EUR', 'en')).toBe('€45,035,996,273,704.95');
  });
});

describe('centsToDecimalString', () => {
  it.each([
    [1000, '10.00'],
    [1, '0.01'],
    [10, '0.10'],
    [0, '0.00'],
    [123456, '1234.56'],
    [-5, '-0.05'],
    [-123456, '-1234.56'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
  ])('%i -> %s', (cents, text) => {
    expect(centsToDecimalString(cents)).toBe(text);
  });

  it('refuses non-integers', () => {
    expect(() => centsToDecimalString(10.5)).toThrow(RangeError);
    expect(() => centsToDecimalString(Infinity)).toThrow(RangeError);
  });
});

describe('parseAmountToCents', () => {
  it.each([
    ['1234.56', 123456],
    ['1.234,56', 123456],
    ['1234,56', 123456],
    ['1,234.56', 123456],
    ['12', 1200],
    ['€ 12,50', 1250],
    ['€12,50', 1250],
    ['EUR 12.50', 1250],
    ['eur 12.50', 1250],
    ['12,50 €', 1250],
    ['  7  ', 700],
    ['0', 0],
    ['0,05', 5],
    ['12,5', 1250],
    ['12.5', 1250],
    ['1.234,5', 123450],
    ['1.234.567', 123456700],
    ['1,234,567', 123456700],
    ['1.234.567,89', 123456789],
    ['1,234,567.89', 123456789],
    ['12,345.60', 1234560],
    ['100000000.00', MAX_AMOUNT_CENTS],
  ])('accepts %j as %i cents', (input, cents) => {
    expect(parseAmountToCents(input)).toEqual({ ok: true, cents });
  });

  it.each(['1,234', '1.234', '12,345', '123.456', '€ 1.234'])(
    'refuses the ambiguous %j (thousands or decimals?)',
    (input) => {
      const result = parseAmountToCents(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/ambiguous/);
    },
  );

  it.each([
    ['', /enter an amount/],
    ['   ', /enter an amount/],
    ['€', /enter an amount/],
    ['abc', /only digits/],
    ['12a', /only digits/],
    ['1 234,56', /only digits/],
    ['-12,50', /sign/],
    ['+12', /sign/],
    [',50', /start and end with a digit/],
    ['12,', /start and end with a digit/],
    ['12.', /start and end with a digit/],
    ['1,2345', /two decimals/],
    ['1234,567', /two decimals/],
    ['0,123', /two decimals/],
    ['12.345.6', /thousands groups/],
    ['1.23.456', /thousands groups/],
    ['1,234.56.7', /more than once/],
    ['1.234,56,7', /more than once/],
    ['12.34,56', /thousands groups/],
    ['0.123,45', /thousands groups/],
    ['1,,234.00', /thousands groups/],
    ['90071992547409.92', /too large/],
    ['100000000.01', /too large \(at most 100000000\.00\)/],
    ['100.000.000,01', /too large/],
    ['€ 12 €', /only digits/],
    ['12e3', /only digits/],
    ['١٢', /only digits/],
  ])('refuses %j', (input, reason) => {
    const result = parseAmountToCents(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe('decimalDigitsToCents', () => {
  it('converts digits before and after the separator exactly', () => {
    expect(decimalDigitsToCents('12', '34')).toBe(1234);
    expect(decimalDigitsToCents('12', '3')).toBe(1230);
    expect(decimalDigitsToCents('12')).toBe(1200);
    expect(decimalDigitsToCents('0', '01')).toBe(1);
    expect(decimalDigitsToCents('', '5')).toBe(50);
    // 0.29 * 100 is 28.999999999999996 as a double: the digits are never multiplied as a fraction.
    expect(decimalDigitsToCents('0', '29')).toBe(29);
  });
  it('ignores trailing zeros of the fraction but refuses a third significant decimal', () => {
    expect(decimalDigitsToCents('1', '5000')).toBe(150);
    expect(decimalDigitsToCents('1', '505')).toBeNull();
  });
  it('refuses anything but digits and amounts beyond a safe integer', () => {
    expect(decimalDigitsToCents('1a', '00')).toBeNull();
    expect(decimalDigitsToCents('-1', '00')).toBeNull();
    expect(decimalDigitsToCents('90071992547409', '91')).toBe(9007199254740991);
    expect(decimalDigitsToCents('90071992547409', '92')).toBeNull();
  });
});

describe('parseAmountToCents at the limit', () => {
  it('accepts exactly MAX_AMOUNT_CENTS and says "tooLarge" with the limit one cent above', () => {
    expect(parseAmountToCents('100.000.000,00')).toEqual({ ok: true, cents: MAX_AMOUNT_CENTS });
    expect(parseAmountToCents('100000000.01')).toMatchObject({ ok: false, code: 'tooLarge', max: '100000000.00' });
  });
});

describe('splitCents', () => {
  it('splits evenly when possible', () => {
    expect(splitCents(900, 3, 'first')).toEqual([300, 300, 300]);
    expect(splitCents(900, 3, 'last')).toEqual([300, 300, 300]);
  });

  it('puts the whole remainder on the first or last part', () => {
    expect(splitCents(1001, 3, 'first')).toEqual([335, 333, 333]);
    expect(splitCents(1001, 3, 'last')).toEqual([333, 333, 335]);
    expect(splitCents(100, 7, 'last')).toEqual([14, 14, 14, 14, 14, 14, 16]);
  });

  it('handles a single part and the smallest possible total', () => {
    expect(splitCents(12345, 1, 'first')).toEqual([12345]);
    expect(splitCents(4, 4, 'last')).toEqual([1, 1, 1, 1]);
  });

  it('always sums exactly to the total', () => {
    for (const total of [1, 7, 99, 100, 1001, 123457, 999_999_99, Number.MAX_SAFE_INTEGER]) {
      for (const parts of [1, 2, 3, 6, 7, 12, 36]) {
        if (total < parts) continue;
        for (const side of ['first', 'last'] as const) {
          const amounts = splitCents(total, parts, side);
          expect(amounts).toHaveLength(parts);
          expect(amounts.every(Number.isSafeInteger)).toBe(true);
          expect(amounts.reduce((sum, part) => BigInt(part) + sum, 0n)).toBe(BigInt(total));
        }
      }
    }
  });

  it('throws RangeError for impossible splits', () => {
    expect(() => splitCents(100, 0, 'first')).toThrow(RangeError);
    expect(() => splitCents(100, -1, 'first')).toThrow(RangeError);
    expect(() => splitCents(100, 1.5, 'first')).toThrow(RangeError);
    expect(() => splitCents(2, 3, 'last')).toThrow(RangeError);
    expect(() => splitCents(0, 1, 'last')).toThrow(RangeError);
    expect(() => splitCents(-100, 2, 'last')).toThrow(RangeError);
    expect(() => splitCents(10.5, 2, 'last')).toThrow(RangeError);
  });
});

describe('formatCompactMoney (chart axes: the same text on the server and in the browser)', () => {
  it.each([
    [0, `€${NBSP}0`, '€0'],
    [95_000, `€${NBSP}950`, '€950'],
    [250, `€${NBSP}2,5`, '€2.5'],
    [250_000, `€${NBSP}2,5K`, '€2.5k'],
    [2_500_000, `€${NBSP}25K`, '€25k'],
    [12_500_000, `€${NBSP}125K`, '€125k'],
    [1_234_567, `€${NBSP}12,3K`, '€12.3k'],
    [150_000_000, `€${NBSP}1,5${NBSP}mln.`, '€1.5m'],
    [100_000_000, `€${NBSP}1${NBSP}mln.`, '€1m'],
    [250_000_000_000, `€${NBSP}2,5${NBSP}mld.`, '€2.5bn'],
    [123_456_700_000_000, `€${NBSP}1.234,6${NBSP}mld.`, '€1,234.6bn'],
  ])('%i cents: %s / %s', (cents, nl, en) => {
    expect(formatCompactMoney(cents, 'nl')).toBe(nl);
    expect(formatCompactMoney(cents, 'en')).toBe(en);
  });

  it('never writes a trailing ",0" (where Node\'s Intl wrote "€ 25,0K" and the browser "€ 25K")', () => {
    for (const cents of [0, 100_000, 2_500_000, 50_000_000, 100_000_000])
      expect(formatCompactMoney(cents, 'nl')).not.toMatch(/,0(?!\d)/);
  });

  it('moves up a unit when rounding reaches a thousand', () => {
    expect(formatCompactMoney(99_995_000, 'nl')).toBe(`€${NBSP}1${NBSP}mln.`);
    expect(formatCompactMoney(99_994_000, 'en')).toBe('€999.9k');
    expect(formatCompactMoney(99_999, 'en')).toBe('€1k');
  });

  it('writes negative amounts as formatMoney does, and a marker for amounts out of range', () => {
    expect(formatCompactMoney(-250_000, 'nl')).toBe(`€${NBSP}-2,5K`);
    expect(formatCompactMoney(-250_000, 'en')).toBe('-€2.5k');
    expect(formatCompactMoney(-4, 'en')).toBe('€0');
    expect(formatCompactMoney(Number.NaN, 'nl')).toBe('bedrag buiten bereik');
    expect(formatCompactMoney(0.5, 'en')).toBe('amount out of range');
  });
});

describe('formatFixed', () => {
  it('writes a fixed number of decimals with the locale\'s separators', () => {
    expect(formatFixed(12.345, 'nl', 1)).toBe('12,3');
    expect(formatFixed(12.35, 'en', 1)).toBe('12.4');
    expect(formatFixed(1.005, 'en', 2)).toBe('1.01');
    expect(formatFixed(1234567.891, 'nl', 2)).toBe('1.234.567,89');
    expect(formatFixed(1234567.891, 'en', 0)).toBe('1,234,568');
    expect(formatFixed(30, 'nl', 1)).toBe('30,0');
    expect(formatFixed(-2.25, 'nl', 1)).toBe('-2,3');
    expect(formatFixed(-0.04, 'nl', 1)).toBe('0,0');
    expect(formatFixed(Number.POSITIVE_INFINITY, 'nl', 1)).toBe('—');
  });
});
