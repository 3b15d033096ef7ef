/**
 * Money is integer cents (a `number` that is a safe integer). Every helper here
 * refuses fractional or unsafe values instead of rounding them silently; only
 * formatMoney, which pages call on stored data, shows a marker instead of refusing.
 */
import type { Locale } from './i18n';
import { MAX_AMOUNT_CENTS, MAX_AMOUNT_TEXT } from './limits';

/** The locales amounts are written in: the app's own. */
export type MoneyLocale = Locale;

/**
 * `tooLarge`: above MAX_AMOUNT_CENTS, so forms can name the limit; `signed`: written with a sign,
 * so forms can say amounts have none; other refusals carry only a reason.
 */
export type ParseAmountResult =
  { ok: true; cents: number } | { ok: false; reason: string; code?: 'tooLarge' | 'signed'; max?: string };

const INTL_LOCALES: Record<MoneyLocale, string> = { nl: 'nl-NL', en: 'en-GB' };

export function assertCents(value: number, name = 'cents'): void {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${name} must be a safe integer number of cents, got ${value}`);
  }
}

const formatters = new Map<string, Intl.NumberFormat>();
/** Intl formatters are costly to build and safe to share: one per locale and currency. */
function currencyFormatter(locale: MoneyLocale, currency: string) {
  const key = `${locale}:${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(INTL_LOCALES[locale], { style: 'currency', currency });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** Shown instead of an amount that cannot be displayed exactly (see formatMoney). */
export const AMOUNT_OUT_OF_RANGE: Record<MoneyLocale, string> = {
  nl: 'bedrag buiten bereik',
  en: 'amount out of range',
};

/** For |cents| below 2^52 the nearest double to cents/100 rounds back to the exact two-decimal value. */
const EXACT_DISPLAY_LIMIT = 2 ** 52;

export function isDisplayableCents(cents: number): boolean {
  return Number.isSafeInteger(cents) && Math.abs(cents) < EXACT_DISPLAY_LIMIT;
}

/**
 * An amount for people to read. Inputs are bounded (MAX_AMOUNT_CENTS in limits.ts), but a
 * page must never fail on a stored amount that is somehow out of range, or on a sum of such
 * amounts: anything that is not a safe integer, or too large to display exactly, renders as
 * a visible marker ("bedrag buiten bereik") instead of a wrong figure or an error.
 */
export function formatMoney(cents: number, currency = 'EUR', locale: MoneyLocale = 'nl'): string {
  const formatter = currencyFormatter(locale, currency);
  if (formatter.resolvedOptions().maximumFractionDigits !== 2) {
    throw new RangeError(`${currency} does not have 2 minor units; cents cannot represent it`);
  }
  if (!isDisplayableCents(cents)) return AMOUNT_OUT_OF_RANGE[locale] ?? AMOUNT_OUT_OF_RANGE.nl;
  return formatter.format(cents / 100);
}

/**
 * Digits written by hand, not by Intl: the same text on the server and in every browser. Node's
 * ICU and Chromium's disagree on some options (compact notation with `maximumFractionDigits`:
 * "€ 25,0K" on the server, "€ 25K" in the browser), and a page whose text differs between the
 * two fails to hydrate. Everything rendered from these helpers is the same in both.
 */
const SEPARATORS: Record<MoneyLocale, { group: string; decimal: string }> = {
  nl: { group: '.', decimal: ',' },
  en: { group: ',', decimal: '.' },
};

/** A non-negative whole number with thousands groups: "1.234.567" / "1,234,567". */
function groupDigits(whole: number, locale: MoneyLocale): string {
  return String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, SEPARATORS[locale].group);
}

/**
 * A number with exactly `fractionDigits` decimals (rounded half away from zero), grouped:
 * `formatFixed(12.345, 'nl', 1)` is "12,3". For measures such as days; amounts use formatMoney.
 */
export function formatFixed(value: number, locale: MoneyLocale, fractionDigits = 0): string {
  if (!Number.isFinite(value)) return '—';
  if (!Number.isInteger(fractionDigits) || fractionDigits < 0 || fractionDigits > 6) {
    throw new RangeError(`fractionDigits must be 0 to 6, got ${fractionDigits}`);
  }
  const factor = 10 ** fractionDigits;
  // toFixed first: 1.005 * 100 is 100.49999…, its shortest decimal form rounds as written.
  const scaled = Math.round(Number((Math.abs(value) * factor).toFixed(6)));
  const whole = Math.floor(scaled / factor);
  const fraction = scaled - whole * factor;
  const sign = value < 0 && scaled !== 0 ? '-' : '';
  const digits = groupDigits(whole, locale);
  return fractionDigits === 0
    ? `${sign}${digits}`
    : `${sign}${digits}${SEPARATORS[locale].decimal}${String(fraction).padStart(fractionDigits, '0')}`;
}

/** Units of the short amounts, smallest first: Dutch "K", "mln.", "mld."; British "k", "m", "bn". */
const COMPACT_UNITS: Record<MoneyLocale, { euros: number; suffix: string }[]> = {
  nl: [
    { euros: 1, suffix: '' },
    { euros: 1e3, suffix: 'K' },
    { euros: 1e6, suffix: '\u00a0mln.' },
    { euros: 1e9, suffix: '\u00a0mld.' },
  ],
  en: [
    { euros: 1, suffix: '' },
    { euros: 1e3, suffix: 'k' },
    { euros: 1e6, suffix: 'm' },
    { euros: 1e9, suffix: 'bn' },
  ],
};

/**
 * A euro amount shortened for a chart axis or a tight label, with at most one decimal and none
 * when it is zero: "€ 25K", "€ 2,5K", "€ 1,5 mln.", "€ 0" (Dutch, as formatMoney writes "€ -5,00":
 * "€ -2,5K"); "€25k", "€2.5k", "€1.5m", "-€2.5k" (British). Deterministic (see SEPARATORS above).
 */
export function formatCompactMoney(cents: number, locale: MoneyLocale = 'nl'): string {
  if (!isDisplayableCents(cents)) return AMOUNT_OUT_OF_RANGE[locale] ?? AMOUNT_OUT_OF_RANGE.nl;
  const units = COMPACT_UNITS[locale];
  const abs = Math.abs(cents);
  let index = 0;
  while (index + 1 < units.length && abs >= units[index + 1]!.euros * 100) index += 1;
  // Tenths of the unit; a rounding that reaches a thousand moves up a unit ("€ 1 mln.", not "€ 1000K").
  let tenths = Math.round(abs / (units[index]!.euros * 10));
  if (tenths >= 10_000 && index + 1 < units.length) {
    index += 1;
    tenths = Math.round(abs / (units[index]!.euros * 10));
  }
  const whole = Math.floor(tenths / 10);
  const fraction = tenths % 10;
  const number = `${groupDigits(whole, locale)}${fraction ? `${SEPARATORS[locale].decimal}${fraction}` : ''}`;
  const negative = cents < 0 && tenths > 0;
  const suffix = units[index]!.suffix;
  return locale === 'en'
    ? `${negative ? '-' : ''}€${number}${suffix}`
    : `€\u00a0${negative ? '-' : ''}${number}${suffix}`;
}

/** "1234.5" style for APIs and the EPC QR payload: a dot, always two decimals. */
export function centsToDecimalString(cents: number): string {
  assertCents(cents);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const fraction = abs % 100;
  const whole = (abs - fraction) / 100;
  return `${sign}${whole}.${String(fraction).padStart(2, '0')}`;
}

const CURRENCY_PREFIX = /^(?:€|EUR)\s*/i;
const CURRENCY_SUFFIX = /\s*(?:€|EUR)$/i;

/**
 * Reads an amount typed by a person, in Dutch ("1.234,56") or English ("1,234.56")
 * notation. A single "." or "," followed by exactly three digits ("1.234") is
 * refused: it could be a thousands separator or a decimal one, and guessing wrong
 * changes the amount a thousandfold. Signs, spaces inside the number and more than
 * two decimals are refused too.
 */
export function parseAmountToCents(input: string): ParseAmountResult {
  const text = stripCurrency(input.trim());
  if (text === '') return fail('enter an amount');
  if (/^[-+]/.test(text)) return { ok: false, reason: 'enter the amount without a sign', code: 'signed' };
  if (!/^[0-9.,]+$/.test(text)) return fail('use only digits, "." and ","');
  if (!/^[0-9]/.test(text) || !/[0-9]$/.test(text)) {
    return fail('the amount must start and end with a digit');
  }

  const split = splitWholeAndFraction(text);
  if (!split.ok) return split;
  return toCents(split.whole, split.fraction);
}

function stripCurrency(text: string): string {
  const withoutPrefix = text.replace(CURRENCY_PREFIX, '');
  if (withoutPrefix !== text) return withoutPrefix;
  return text.replace(CURRENCY_SUFFIX, '');
}

type WholeAndFraction = { ok: true; whole: string; fraction: string } | { ok: false; reason: string };

function splitWholeAndFraction(text: string): WholeAndFraction {
  const dots = count(text, '.');
  const commas = count(text, ',');
  if (dots === 0 && commas === 0) return { ok: true, whole: text, fraction: '' };

  if (dots > 0 && commas > 0) {
    const decimal = text.lastIndexOf('.') > text.lastIndexOf(',') ? '.' : ',';
    const thousands = decimal === '.' ? ',' : '.';
    if (count(text, decimal) > 1) return fail(`"${decimal}" appears more than once`);
    const [grouped, fraction] = text.split(decimal);
    if (!isThousandsGrouped(grouped, thousands)) return fail('the thousands groups are malformed');
    return decimalFraction(grouped.split(thousands).join(''), fraction);
  }

  const separator = dots > 0 ? '.' : ',';
  if (count(text, separator) > 1) {
    if (!isThousandsGrouped(text, separator)) return fail('the thousands groups are malformed');
    return { ok: true, whole: text.split(separator).join(''), fraction: '' };
  }

  const [whole, fraction] = text.split(separator);
  if (fraction.length === 3 && isThousandsGrouped(text, separator)) {
    return fail(`ambiguous: "${text}" could mean thousands or decimals; write it with two decimals`);
  }
  return decimalFraction(whole, fraction);
}

function decimalFraction(whole: string, fraction: string): WholeAndFraction {
  if (fraction.length > 2) return fail('use at most two decimals');
  return { ok: true, whole, fraction };
}

function isThousandsGrouped(text: string, separator: string): boolean {
  const [first, ...rest] = text.split(separator);
  return /^[1-9][0-9]{0,2}$/.test(first) && rest.every((group) => /^[0-9]{3}$/.test(group));
}

/**
 * The one conversion of a written decimal to cents, exactly: `whole` and `fraction` are the
 * digits before and after the separator (trailing zeros of the fraction do not count). Null when
 * the fraction has more than two significant digits, or the cents are not a safe integer. Each
 * reader checks its own notation first (a person's "1.234,56", a provider's "12.34", a bank's
 * "12,3", UBL's "-12.340") and its own bounds after.
 */
export function decimalDigitsToCents(whole: string, fraction = ''): number | null {
  if (!/^[0-9]*$/.test(whole) || !/^[0-9]*$/.test(fraction)) return null;
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > 2) return null;
  const cents = BigInt(whole || '0') * 100n + BigInt(significant.padEnd(2, '0'));
  return cents <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(cents) : null;
}

function toCents(whole: string, fraction: string): ParseAmountResult {
  const cents = decimalDigitsToCents(whole, fraction);
  if (cents === null || cents > MAX_AMOUNT_CENTS) {
    return {
      ok: false,
      reason: `the amount is too large (at most ${MAX_AMOUNT_TEXT})`,
      code: 'tooLarge',
      max: MAX_AMOUNT_TEXT,
    };
  }
  return { ok: true, cents };
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/**
 * Splits `total` into `parts` integer amounts that sum exactly to `total`. All parts
 * get the same base amount; the whole remainder (at most parts - 1 cents) goes onto
 * one part, the first or the last, so an installment plan reads as equal amounts
 * with one visibly different.
 */
export function splitCents(total: number, parts: number, remainderOn: 'first' | 'last'): number[] {
  assertCents(total, 'total');
  if (!Number.isSafeInteger(parts) || parts < 1) {
    throw new RangeError(`parts must be an integer of at least 1, got ${parts}`);
  }
  if (total < parts) {
    throw new RangeError(`total (${total}) must be at least parts (${parts}): every part needs a cent`);
  }
  const remainder = total % parts;
  const base = (total - remainder) / parts;
  const amounts = Array.from({ length: parts }, () => base);
  amounts[remainderOn === 'first' ? 0 : parts - 1] += remainder;
  return amounts;
}
