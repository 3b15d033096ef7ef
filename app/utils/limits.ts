/**
 * The bounds every input must stay within, whatever door it comes through (API, CSV, UBL,
 * forms). One definition each, so the doors cannot drift apart. Pure and browser-safe.
 */

/**
 * The largest amount Voldaan accepts anywhere: an invoice total, an invoice line, a payment,
 * a settlement, a credit, a plan or a promise. EUR 100,000,000.00 is far above any invoice a
 * debtor portal sees, and it keeps sums far inside Number.MAX_SAFE_INTEGER (about 9.0e15
 * cents): some 900,000 invoices at the maximum would still add up exactly, so totals per
 * debtor, per organisation and per dashboard stay exact in JavaScript and in bigint columns.
 */
export const MAX_AMOUNT_CENTS = 10_000_000_000;

/** The same limit as people read it: "100000000.00" (API messages name the field and this). */
export const MAX_AMOUNT_TEXT = '100000000.00';

export function isAmountWithinLimit(cents: number): boolean {
  return Number.isSafeInteger(cents) && Math.abs(cents) <= MAX_AMOUNT_CENTS;
}

/**
 * Dates from outside (issue and due dates, plan and promise dates, hold ends) lie within
 * these, inclusive, as YYYY-MM-DD. Nothing Voldaan collects is older than 1990, and 2100 is
 * far enough ahead for any term while keeping date arithmetic and PostgreSQL's date type
 * away from their edges (year 0, year 9999).
 */
export const MIN_DATE = '1990-01-01';
export const MAX_DATE = '2100-12-31';

/** For YYYY-MM-DD strings: they compare in calendar order. */
export function isDateWithinLimits(isoDate: string): boolean {
  return isoDate >= MIN_DATE && isoDate <= MAX_DATE;
}

/**
 * The rule for control characters in text, in one place: every Unicode control character
 * (category Cc: U+0000–U+001F, U+007F–U+009F) is refused, never stripped, because a NUL or
 * an escape sequence in a name or reference is a broken or hostile input, not a typo, and
 * PostgreSQL cannot store NUL at all. Multi-line text (messages, notes, reasons,
 * descriptions) may also hold tab, line feed and carriage return.
 */
export type TextKind = 'line' | 'multiline';

const CONTROL_LINE = /\p{Cc}/u;
const CONTROL_MULTILINE = /[^\P{Cc}\t\n\r]/u;

export function hasForbiddenControlChars(value: string, kind: TextKind = 'line'): boolean {
  return (kind === 'line' ? CONTROL_LINE : CONTROL_MULTILINE).test(value);
}
