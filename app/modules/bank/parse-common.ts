import { isDateWithinLimits } from '~/utils/limits';
import { decimalDigitsToCents } from '~/utils/money';
import { isValidIban, normalizeIban } from '~/modules/payments/index';
import { StatementParseError, type StatementParseErrorCode } from './statement-types';

/** What both statement parsers share: exact amounts, checked dates, clean text, one error shape. */

/** EUR 999,999,999.99: the largest amount a SEPA credit transfer can carry. */
export const MAX_LINE_CENTS = 99_999_999_999;
export const MAX_REMITTANCE_CHARS = 1_000;
export const MAX_NAME_CHARS = 140;
export const MAX_REF_CHARS = 140;

export function fail(code: StatementParseErrorCode, message: string, detail: string): never {
  throw new StatementParseError(code, `${message} (${detail})`, detail);
}

export function quote(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return JSON.stringify(shown);
}

/**
 * A decimal amount as integer cents, without floating point: "1234.5" -> 123450. `separator` is
 * '.' (camt) or ',' (MT940). Trailing zeros beyond two decimals are exact and allowed ("12.500");
 * anything finer, a sign, an exponent or more than EUR 999,999,999.99 is refused naming `where`.
 */
export function decimalToCents(raw: string, separator: '.' | ',', where: string): number {
  const text = raw.trim();
  const pattern = separator === '.' ? /^([0-9]+)(?:\.([0-9]*))?$/ : /^([0-9]+)(?:,([0-9]*))?$/;
  const match = pattern.exec(text);
  if (match === null) return fail('invalid_value', 'Amount is not a positive decimal number', `${where} ${quote(raw)}`);
  const whole = match[1].replace(/^0+(?=[0-9])/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > 2) {
    return fail('invalid_value', 'Amount has more than two decimals', `${where} ${quote(raw)}`);
  }
  if (whole.length > 9) return fail('invalid_value', 'Amount is above 999,999,999.99', `${where} ${quote(raw)}`);
  const cents = decimalDigitsToCents(whole, fraction);
  if (cents === null || cents > MAX_LINE_CENTS)
    return fail('invalid_value', 'Amount is above 999,999,999.99', `${where} ${quote(raw)}`);
  return cents;
}

/** "2026-03-02", or the date part of "2026-03-02T10:00:00+01:00" (the bank's own calendar day). */
export function isoDateOf(raw: string, where: string): string {
  const text = raw.trim();
  const match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:$|T)/.exec(text);
  if (match === null) return fail('invalid_value', 'Date is not YYYY-MM-DD', `${where} ${quote(raw)}`);
  return checkedDate(Number(match[1]), Number(match[2]), Number(match[3]), raw, where);
}

export function checkedDate(year: number, month: number, day: number, raw: string, where: string): string {
  const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const date = new Date(Date.UTC(year, month - 1, day));
  const real = month >= 1 && month <= 12 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!real) return fail('invalid_value', 'Date does not exist', `${where} ${quote(raw)}`);
  if (!isDateWithinLimits(text)) return fail('invalid_value', 'Date is out of range', `${where} ${quote(raw)}`);
  return text;
}

const CONTROL = /[^\P{Cc}\t\n\r]/u;

/**
 * Text from the bank for people to read: whitespace (line breaks included) collapsed, trimmed,
 * cut at `max` characters; null when empty. Control characters other than whitespace are refused
 * (the house rule: never stripped, a NUL cannot even be stored).
 */
export function cleanText(raw: string | null | undefined, max: number, where: string): string | null {
  if (raw === null || raw === undefined) return null;
  if (CONTROL.test(raw)) return fail('invalid_value', 'Text holds control characters', where);
  const text = raw.replace(/\s+/g, ' ').trim();
  if (text === '') return null;
  return text.length > max ? text.slice(0, max).trimEnd() : text;
}

/** A reference used for de-duplication: kept exactly (no cutting), bounded. */
export function cleanRef(raw: string | null | undefined, where: string): string | null {
  const text = cleanText(raw, Number.MAX_SAFE_INTEGER, where);
  if (text !== null && text.length > MAX_REF_CHARS) {
    return fail('invalid_value', `Reference is longer than ${MAX_REF_CHARS} characters`, `${where} ${quote(text)}`);
  }
  return text;
}

// A statement repeats the same few IBANs many times; the mod-97 check is worth remembering.
const IBAN_CACHE = new Map<string, string | null>();
const IBAN_CACHE_MAX = 20_000;

/** The electronic form of a valid IBAN, or null. */
export function ibanOrNull(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const known = IBAN_CACHE.get(raw);
  if (known !== undefined) return known;
  const iban = normalizeIban(raw);
  const result = isValidIban(iban) ? iban : null;
  if (IBAN_CACHE.size >= IBAN_CACHE_MAX) IBAN_CACHE.clear();
  IBAN_CACHE.set(raw, result);
  return result;
}

/** Decodes a byte upload: UTF-8 (with or without BOM), else Windows-1252 (older MT940 exports). */
export function decodeStatementBytes(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('windows-1252').decode(bytes);
  }
  return text.replace(/^\uFEFF/, '');
}
