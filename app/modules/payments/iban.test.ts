import { describe, expect, it } from 'vitest';
import { formatIban, isValidIban, mod97, normalizeIban } from './iban';

describe('normalizeIban', () => {
  it('removes spaces, upper-cases and drops an "IBAN" label', () => {
    expect(normalizeIban(' nl91 abna 0417 1643 00 ')).toBe('NL91ABNA0417164300');
    expect(normalizeIban('IBAN: BE68 5390 0754 7034')).toBe('BE68539007547034');
    expect(normalizeIban('NL91\u00a0ABNA\t0417164300')).toBe('NL91ABNA0417164300');
  });
});

describe('isValidIban', () => {
  it.each([
    'NL91ABNA0417164300',
    'NL91 ABNA 0417 1643 00',
    'nl91abna0417164300',
    'BE68539007547034',
    'BE68 5390 0754 7034',
    'DE89370400440532013000',
    'GB82WEST12345698765432',
    'FR1420041010050500013M02606',
    'CH9300762011623852957',
    'AT611904300234573201',
    'ES9121000418450200051332',
    'IT60X0542811101000000123456',
    'LU280019400644750000',
    'IE29AIBK93115212345678',
    'PT50000201231234567890154',
    'NO9386011117947', // 15 characters, generic range
    'MT84MALT011000012345MTLCAST001S', // 31 characters, generic range
  ])('accepts %s', (iban) => {
    expect(isValidIban(iban)).toBe(true);
  });

  it.each([
    ['NL91ABNA0417164301', 'wrong check digits'],
    ['NL92ABNA0417164300', 'wrong check digits'],
    ['NL91ABNA041716430', 'NL must be 18 characters'],
    ['NL91ABNA04171643000', 'NL must be 18 characters'],
    ['BE6853900754703', 'BE must be 16 characters'],
    ['BE685390075470341', 'BE must be 16 characters'],
    ['DE8937040044053201300', 'DE must be 22 characters'],
    ['NO938601111794', 'generic minimum is 15'],
    ['XX12345678901234567890123456789012345', 'generic maximum is 34'],
    ['NL91-ABNA-0417-1643-00', 'punctuation'],
    ['91NLABNA0417164300', 'country first'],
    ['NLAAABNA0417164300', 'check digits are digits'],
    ['', 'empty'],
  ])('rejects %s (%s)', (iban) => {
    expect(isValidIban(iban)).toBe(false);
  });

  it('rejects a Dutch IBAN whose bank code is not four letters', () => {
    // Same digits as a mod-97-valid string, but shaped wrong for NL.
    const shapedWrong = 'NL' + '00' + '1234567890123456';
    const fixed = `NL${String(98 - mod97(`${shapedWrong.slice(4)}NL00`)).padStart(2, '0')}${shapedWrong.slice(4)}`;
    expect(mod97(`${fixed.slice(4)}${fixed.slice(0, 4)}`)).toBe(1);
    expect(isValidIban(fixed)).toBe(false);
  });

  it('rejects a Belgian IBAN whose national check fails even when mod 97 passes', () => {
    const bban = '539007547035'; // national check should be 34
    const withIbanCheck = `BE${String(98 - mod97(`${bban}BE00`)).padStart(2, '0')}${bban}`;
    expect(mod97(`${bban}${withIbanCheck.slice(0, 4)}`)).toBe(1);
    expect(isValidIban(withIbanCheck)).toBe(false);
  });

  it('rejects check digits 00, 01 and 99', () => {
    expect(isValidIban('NL00ABNA0417164300')).toBe(false);
    expect(isValidIban('NL01ABNA0417164300')).toBe(false);
    expect(isValidIban('NL99ABNA0417164300')).toBe(false);
  });
});

describe('formatIban', () => {
  it('groups by four', () => {
    expect(formatIban('NL91ABNA0417164300')).toBe('NL91 ABNA 0417 1643 00');
    expect(formatIban('be68539007547034')).toBe('BE68 5390 0754 7034');
    expect(formatIban(' NL91 ABNA0417 164300')).toBe('NL91 ABNA 0417 1643 00');
    expect(formatIban('')).toBe('');
  });
});

describe('mod97', () => {
  it('converts letters to 10..35 and reduces mod 97', () => {
    expect(mod97('ABNA0417164300NL91')).toBe(1);
    expect(mod97('A')).toBe(10);
    expect(mod97('Z')).toBe(35);
    expect(mod97('z')).toBe(35);
  });

  it('refuses other characters', () => {
    expect(() => mod97('12-3')).toThrow(RangeError);
    expect(() => mod97('')).toThrow(RangeError);
  });
});
