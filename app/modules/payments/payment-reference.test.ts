import { describe, expect, it } from 'vitest';
import {
  isValidBetalingskenmerk,
  isValidOgm,
  isValidRfReference,
  makeBetalingskenmerk,
  makeOgm,
  makeRfReference,
} from './payment-reference';

describe('betalingskenmerk', () => {
  it('makes the reference example 5000056789012345', () => {
    expect(makeBetalingskenmerk('56789012345')).toBe('5000056789012345');
    expect(makeBetalingskenmerk(56789012345)).toBe('5000056789012345');
    expect(makeBetalingskenmerk('000056789012345')).toBe('5000056789012345');
  });

  it('maps C = 11 to 0 and C = 10 to 1', () => {
    expect(makeBetalingskenmerk(0)).toBe('0000000000000000'); // sum 0 -> C = 11
    expect(makeBetalingskenmerk(6)).toBe('1000000000000006'); // sum 12 -> C = 10
  });

  it('uses the weights repeating over all 15 digits', () => {
    // digits 11..15 from the right carry weights 2, 4, 8, 5, 10: 1*10 = 10 -> C = 1
    expect(makeBetalingskenmerk('100000000000000')).toBe('1100000000000000');
    // weight 1 at position 10 from the right: 7*1 = 7 -> C = 4
    expect(makeBetalingskenmerk('7000000000')).toBe('4000007000000000');
  });

  it('validates what it makes', () => {
    for (const seed of [0, 1, 6, 42, 123456789, 999999999999999, '000000000000001']) {
      expect(isValidBetalingskenmerk(makeBetalingskenmerk(seed))).toBe(true);
    }
  });

  it('accepts the example with spaces', () => {
    expect(isValidBetalingskenmerk('5000 0567 8901 2345')).toBe(true);
  });

  it('rejects wrong check digits, wrong lengths and non-digits', () => {
    expect(isValidBetalingskenmerk('4000056789012345')).toBe(false);
    expect(isValidBetalingskenmerk('5000056789012344')).toBe(false);
    expect(isValidBetalingskenmerk('500005678901234')).toBe(false);
    expect(isValidBetalingskenmerk('50000567890123450')).toBe(false);
    expect(isValidBetalingskenmerk('500005678901234a')).toBe(false);
    expect(isValidBetalingskenmerk('')).toBe(false);
  });

  it('refuses seeds that are not up to 15 digits', () => {
    expect(() => makeBetalingskenmerk('1234567890123456')).toThrow(RangeError);
    expect(() => makeBetalingskenmerk('12a')).toThrow(RangeError);
    expect(() => makeBetalingskenmerk('')).toThrow(RangeError);
    expect(() => makeBetalingskenmerk(-1)).toThrow(RangeError);
    expect(() => makeBetalingskenmerk(1.5)).toThrow(RangeError);
    expect(() => makeBetalingskenmerk(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
  });
});

describe('ISO 11649 RF reference', () => {
  it('makes the reference example RF712348231', () => {
    expect(makeRfReference('2348231')).toBe('RF712348231');
  });

  it('handles letters and normalizes case and spaces', () => {
    const reference = makeRfReference('inv 2025 0042');
    expect(reference).toMatch(/^RF[0-9]{2}INV20250042$/);
    expect(isValidRfReference(reference)).toBe(true);
  });

  it('pads single-digit check values to two digits', () => {
    const padded = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F', 'G']
      .flatMap((a) => ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((b) => makeRfReference(`${a}${b}`)))
      .filter((reference) => reference.startsWith('RF0'));
    expect(padded.length).toBeGreaterThan(0);
    for (const reference of padded) {
      expect(reference).toHaveLength(6);
      expect(isValidRfReference(reference)).toBe(true);
    }
  });

  it('validates the example and formatted variants', () => {
    expect(isValidRfReference('RF712348231')).toBe(true);
    expect(isValidRfReference('RF71 2348 231')).toBe(true);
    expect(isValidRfReference('rf712348231')).toBe(true);
    expect(isValidRfReference('RF18539007547034')).toBe(true); // ISO 11649 spec example
  });

  it('rejects wrong check digits and malformed references', () => {
    expect(isValidRfReference('RF722348231')).toBe(false);
    expect(isValidRfReference('RF712348232')).toBe(false);
    expect(isValidRfReference('RF71')).toBe(false);
    expect(isValidRfReference('XX712348231')).toBe(false);
    expect(isValidRfReference('RF7A2348231')).toBe(false);
    expect(isValidRfReference(`RF00${'1'.repeat(22)}`)).toBe(false);
    expect(isValidRfReference('RF71-2348231')).toBe(false);
  });

  it('rejects the out-of-range check digits 00, 01 and 99 even when mod 97 = 1', () => {
    // Find a base whose RF00-value is 0 mod 97 so that check "98" and "01" both pass mod 97.
    const base = Array.from({ length: 2000 }, (_, n) => String(n)).find((b) => makeRfReference(b).startsWith('RF98'));
    expect(base).toBeDefined();
    expect(isValidRfReference(`RF98${base}`)).toBe(true);
    expect(isValidRfReference(`RF01${base}`)).toBe(false);
  });

  it('refuses bases that are empty, too long or not alphanumeric', () => {
    expect(() => makeRfReference('')).toThrow(RangeError);
    expect(() => makeRfReference('1'.repeat(22))).toThrow(RangeError);
    expect(() => makeRfReference('INV-1')).toThrow(RangeError);
    expect(makeRfReference('1'.repeat(21))).toHaveLength(25);
  });
});

describe('Belgian OGM/VCS', () => {
  it('makes the reference example +++312/4013/98067+++', () => {
    expect(makeOgm('3124013980')).toBe('+++312/4013/98067+++');
    expect(makeOgm(3124013980)).toBe('+++312/4013/98067+++');
  });

  it('uses 97 when the remainder is 0, and pads short input', () => {
    expect(makeOgm('0000000097')).toBe('+++000/0000/09797+++');
    expect(makeOgm(0)).toBe('+++000/0000/00097+++');
    expect(makeOgm(1)).toBe('+++000/0000/00101+++');
  });

  it('validates the example in its accepted spellings', () => {
    expect(isValidOgm('+++312/4013/98067+++')).toBe(true);
    expect(isValidOgm('***312/4013/98067***')).toBe(true);
    expect(isValidOgm('312401398067')).toBe(true);
    expect(isValidOgm(' +++312 / 4013 / 98067+++ ')).toBe(true);
  });

  it('validates what it makes', () => {
    for (const seed of [0, 1, 97, 123456789, 9999999999, '0000012345']) {
      expect(isValidOgm(makeOgm(seed))).toBe(true);
    }
  });

  it('rejects wrong checks and malformed strings', () => {
    expect(isValidOgm('+++312/4013/98068+++')).toBe(false);
    expect(isValidOgm('+++312/4013/98000+++')).toBe(false); // remainder 0 must be written 97
    expect(isValidOgm('+++000/0000/00000+++')).toBe(false);
    expect(isValidOgm('+++312/4013/98067***')).toBe(false);
    expect(isValidOgm('++312/4013/98067++')).toBe(false);
    expect(isValidOgm('+++3124/013/98067+++')).toBe(false);
    expect(isValidOgm('31240139806')).toBe(false);
    expect(isValidOgm('')).toBe(false);
  });

  it('refuses input that is not up to 10 digits', () => {
    expect(() => makeOgm('12345678901')).toThrow(RangeError);
    expect(() => makeOgm('12345a')).toThrow(RangeError);
    expect(() => makeOgm(-5)).toThrow(RangeError);
    expect(() => makeOgm(12345678901)).toThrow(RangeError);
  });
});
