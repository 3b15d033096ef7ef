import { mod97 } from './iban';

/**
 * Structured payment references a debtor's bank understands:
 * - Dutch betalingskenmerk (16 digits, Currence): check digit + 15 digits.
 * - ISO 11649 creditor reference ("RF" + 2 check digits + up to 21 alphanumerics).
 * - Belgian OGM/VCS (+++ddd/dddd/ddddd+++).
 * Validators accept what people paste: spaces are ignored, letters are case-folded.
 */

const BETALINGSKENMERK_WEIGHTS = [2, 4, 8, 5, 10, 9, 7, 3, 6, 1];

/** Pads `seed` (up to 15 digits) with leading zeros and puts the check digit in front. */
export function makeBetalingskenmerk(seed: number | string): string {
  const body = digitsOfSeed(seed, 15, 'seed');
  return `${betalingskenmerkCheckDigit(body)}${body}`;
}

export function isValidBetalingskenmerk(input: string): boolean {
  const reference = withoutSpaces(input);
  if (!/^[0-9]{16}$/.test(reference)) return false;
  return reference[0] === String(betalingskenmerkCheckDigit(reference.slice(1)));
}

function betalingskenmerkCheckDigit(fifteenDigits: string): number {
  const sum = [...fifteenDigits]
    .reverse()
    .reduce((total, digit, index) => total + Number(digit) * BETALINGSKENMERK_WEIGHTS[index % 10], 0);
  const check = 11 - (sum % 11);
  if (check === 10) return 1;
  return check === 11 ? 0 : check;
}

/** `base`: 1 to 21 letters and digits (spaces ignored, letters upper-cased). */
export function makeRfReference(base: string): string {
  const normalized = withoutSpaces(base).toUpperCase();
  if (!/^[A-Z0-9]{1,21}$/.test(normalized)) {
    throw new RangeError(`base must be 1 to 21 letters or digits, got "${base}"`);
  }
  const check = 98 - mod97(`${normalized}RF00`);
  return `RF${String(check).padStart(2, '0')}${normalized}`;
}

export function isValidRfReference(input: string): boolean {
  const reference = withoutSpaces(input).toUpperCase();
  const match = /^RF([0-9]{2})[A-Z0-9]{1,21}$/.exec(reference);
  if (match === null) return false;
  // 00, 01 and 99 can satisfy mod 97 = 1 but are never produced by the algorithm.
  const check = Number(match[1]);
  if (check < 2 || check > 98) return false;
  return mod97(`${reference.slice(4)}${reference.slice(0, 4)}`) === 1;
}

/** "+++ddd/dddd/ddddd+++" from a number of up to 10 digits (padded with zeros). */
export function makeOgm(tenDigits: number | string): string {
  const body = digitsOfSeed(tenDigits, 10, 'tenDigits');
  return formatOgm(`${body}${ogmCheck(body)}`);
}

/** Accepts "+++ddd/dddd/ddddd+++", the "***...***" variant, or the 12 bare digits. */
export function isValidOgm(input: string): boolean {
  const text = withoutSpaces(input);
  const match =
    /^\+\+\+([0-9]{3})\/([0-9]{4})\/([0-9]{5})\+\+\+$/.exec(text) ??
    /^\*\*\*([0-9]{3})\/([0-9]{4})\/([0-9]{5})\*\*\*$/.exec(text) ??
    /^([0-9]{3})([0-9]{4})([0-9]{5})$/.exec(text);
  if (match === null) return false;
  const digits = match.slice(1).join('');
  return digits.slice(10) === ogmCheck(digits.slice(0, 10));
}

function ogmCheck(tenDigits: string): string {
  const remainder = Number(BigInt(tenDigits) % 97n);
  return String(remainder === 0 ? 97 : remainder).padStart(2, '0');
}

function formatOgm(twelveDigits: string): string {
  return `+++${twelveDigits.slice(0, 3)}/${twelveDigits.slice(3, 7)}/${twelveDigits.slice(7)}+++`;
}

function digitsOfSeed(seed: number | string, length: number, name: string): string {
  const digits = typeof seed === 'number' ? numberToDigits(seed, name) : seed;
  if (!new RegExp(`^[0-9]{1,${length}}$`).test(digits)) {
    throw new RangeError(`${name} must be 1 to ${length} digits, got "${seed}"`);
  }
  return digits.padStart(length, '0');
}

function numberToDigits(seed: number, name: string): string {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${seed}`);
  }
  return String(seed);
}

function withoutSpaces(text: string): string {
  return text.replace(/\s+/g, '');
}
