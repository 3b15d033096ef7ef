import { isValidBetalingskenmerk, isValidIban, isValidOgm, isValidRfReference } from '~/modules/payments/index';

/**
 * What a bank line's text can tell the matcher, found without guessing (pure):
 * - structured payment references (Dutch betalingskenmerk, ISO 11649 RF, Belgian OGM/VCS), each
 *   only when its check digits hold;
 * - invoice-number candidates in any common spelling ("factuur 2026-0003", "INV 2026 0003",
 *   "fact.nr. 20260003", "2026/0003"), normalised for comparison with our invoice numbers.
 * IBANs, dates and amounts in the text are taken out first, so they never become either.
 */

export type StructuredRefKind = 'betalingskenmerk' | 'rf' | 'ogm';
export type StructuredRef = { kind: StructuredRefKind; value: string };

/**
 * The form two references are compared in: no spaces, upper case; an OGM in any of its
 * spellings ("+++123/4567/89012+++", "***…***", "123/4567/89012") becomes its 12 digits.
 * Use it on both sides (the bank line and invoices.payment_reference).
 */
export function normaliseStructuredRef(input: string): string {
  const compact = input.replace(/\s+/g, '').toUpperCase();
  const ogm = /^(?:\+\+\+|\*\*\*)?([0-9]{3})\/([0-9]{4})\/([0-9]{5})(?:\+\+\+|\*\*\*)?$/.exec(compact);
  return ogm ? ogm.slice(1).join('') : compact;
}

/** The kind of a valid structured reference (check digits hold), in normalised form; null otherwise. */
export function classifyStructuredRef(input: string): StructuredRef | null {
  const value = normaliseStructuredRef(input);
  if (/^RF[0-9]{2}[A-Z0-9]{1,21}$/.test(value)) return isValidRfReference(value) ? { kind: 'rf', value } : null;
  if (/^[0-9]{16}$/.test(value)) return isValidBetalingskenmerk(value) ? { kind: 'betalingskenmerk', value } : null;
  if (/^[0-9]{12}$/.test(value)) return isValidOgm(value) ? { kind: 'ogm', value } : null;
  return null;
}

// Token boundaries: a reference or number must not be glued to letters or digits around it.
const B = '(?<![A-Za-z0-9])';
const E = '(?![A-Za-z0-9])';

// An IBAN, compact or printed in groups of four ("NL91 ABNA 0417 1643 00").
const IBAN_PATTERN = new RegExp(`${B}[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?${E}`, 'gi');
const OGM_PATTERN = new RegExp(
  `(?:\\+\\+\\+|\\*\\*\\*) ?[0-9]{3} ?/ ?[0-9]{4} ?/ ?[0-9]{5} ?(?:\\+\\+\\+|\\*\\*\\*)|${B}[0-9]{3}/[0-9]{4}/[0-9]{5}${E}|${B}[0-9]{12}${E}`,
  'g',
);
const BETALINGSKENMERK_PATTERN = new RegExp(`${B}(?:[0-9]{16}|[0-9]{4}(?: [0-9]{4}){3})${E}`, 'g');
// RF + 2 check digits + the rest, compact or in groups of four; the right length is found by the check.
const RF_PATTERN = new RegExp(`${B}RF[0-9]{2}(?: ?[A-Z0-9]{1,4}){1,6}`, 'gi');

/**
 * Valid IBANs in the text (electronic form), with where they are. A shorter candidate is tried
 * when the longest does not check out, so a word after a printed IBAN is not swallowed.
 */
function ibanSpans(text: string): { start: number; end: number; value: string }[] {
  const spans: { start: number; end: number; value: string }[] = [];
  for (const match of text.matchAll(IBAN_PATTERN)) {
    // "RF" is no country: an ISO 11649 reference has the same shape and the same mod-97 check.
    if (/^RF/i.test(match[0])) continue;
    const found = longestValid(match[0], (candidate) => isValidIban(candidate));
    if (found !== null)
      spans.push({ start: match.index, end: match.index + found.length, value: found.replace(/ /g, '').toUpperCase() });
  }
  return spans;
}

/** Drops trailing space-separated groups until `valid` holds; null when none does. */
function longestValid(candidate: string, valid: (s: string) => boolean): string | null {
  let current = candidate;
  for (;;) {
    if (valid(current)) return current;
    const cut = current.lastIndexOf(' ');
    if (cut <= 0) return null;
    current = current.slice(0, cut);
  }
}

function blank(text: string, spans: { start: number; end: number }[]): string {
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start < at) continue;
    out += text.slice(at, span.start) + ' '.repeat(span.end - span.start);
    at = span.end;
  }
  return out + text.slice(at);
}

/** IBANs found in free text (electronic form, check digits valid), in order, distinct. */
export function extractIbans(text: string): string[] {
  return [...new Set(ibanSpans(text).map((s) => s.value))];
}

type Span = { start: number; end: number; ref: StructuredRef };

function structuredRefSpans(text: string): Span[] {
  const withoutIbans = blank(text, ibanSpans(text));
  const spans: Span[] = [];
  const taken = (start: number, end: number) => spans.some((s) => start < s.end && end > s.start);
  for (const match of withoutIbans.matchAll(RF_PATTERN)) {
    const found = longestValid(match[0], (candidate) => classifyStructuredRef(candidate)?.kind === 'rf');
    if (found !== null) {
      spans.push({ start: match.index, end: match.index + found.length, ref: classifyStructuredRef(found)! });
    }
  }
  for (const pattern of [OGM_PATTERN, BETALINGSKENMERK_PATTERN]) {
    for (const match of withoutIbans.matchAll(pattern)) {
      const end = match.index + match[0].length;
      if (taken(match.index, end)) continue;
      const ref = classifyStructuredRef(match[0]);
      if (ref !== null) spans.push({ start: match.index, end, ref });
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

/**
 * Structured references in free text (remittance, MT940 :86:), normalised, in order of
 * appearance, without repeats. Only references whose check digits hold count; an IBAN is
 * never read as one (a Belgian account number carries the same mod-97 check as an OGM).
 */
export function extractStructuredRefs(text: string | null | undefined): string[] {
  if (!text) return [];
  return [...new Set(structuredRefSpans(text).map((s) => s.ref.value))];
}

/** Same as extractStructuredRefs, with the kind of each reference. */
export function extractStructuredRefsDetailed(text: string | null | undefined): StructuredRef[] {
  if (!text) return [];
  const seen = new Set<string>();
  return structuredRefSpans(text)
    .map((s) => s.ref)
    .filter((ref) => (seen.has(ref.value) ? false : (seen.add(ref.value), true)));
}

// --- invoice numbers ------------------------------------------------------------------------

/** Upper case, without spaces, dashes, slashes, dots, underscores and '#': "inv 2026/0003" -> "INV20260003". */
export function normaliseInvoiceNumber(input: string): string {
  return input.toUpperCase().replace(/[\s\-/._#]+/g, '');
}

/**
 * The forms an invoice number is compared in: the normalised form, and the same with the
 * leading zeros of each group of digits dropped ("2026-0003" -> "20260003" and "20263").
 */
export function invoiceNumberVariants(input: string): string[] {
  const normalised = normaliseInvoiceNumber(input);
  const groups = input.toUpperCase().match(/[A-Z]+|[0-9]+/g) ?? [];
  const withoutZeros = groups.map((g) => (/^[0-9]+$/.test(g) ? g.replace(/^0+(?=[0-9])/, '') : g)).join('');
  return withoutZeros === normalised || withoutZeros === '' ? [normalised] : [normalised, withoutZeros];
}

// Short words that introduce a number (or a date) but are never part of an invoice number.
const NOT_PREFIXES = new Set([
  'NR',
  'NRS',
  'NO',
  'NUM',
  'REF',
  'FACT',
  'BETR',
  'DD',
  'EN',
  'AND',
  'ET',
  'UND',
  'OF',
  'OR',
  'VAN',
  'VOOR',
  'DE',
  'HET',
  'OP',
  'TOT',
  'PER',
  'JAN',
  'FEB',
  'MRT',
  'MAA',
  'MAR',
  'APR',
  'MEI',
  'MAY',
  'JUN',
  'JUNI',
  'JUL',
  'JULI',
  'AUG',
  'SEP',
  'SEPT',
  'OKT',
  'OCT',
  'NOV',
  'DEC',
  'WEEK',
  'WK',
  'KW',
  'Q',
]);

const MONTH = '(?:0?[1-9]|1[0-2])';
const DAY = '(?:0?[1-9]|[12][0-9]|3[01])';
const DATE_PATTERNS = [
  // 2026-03-01, 2026/3/1, 2026.03.01, optionally with a time
  new RegExp(
    `${B}(?:19|20)[0-9]{2}([-/.])${MONTH}\\1${DAY}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?${E}`,
    'g',
  ),
  // 01-03-2026, 1/3/26, 01.03.2026
  new RegExp(`${B}${DAY}([-/.])${MONTH}\\1(?:(?:19|20)[0-9]{2}|[0-9]{2})${E}`, 'g'),
  // times 10:00, 10:00:59
  new RegExp(`${B}[0-2]?[0-9]:[0-5][0-9](?::[0-5][0-9])?${E}`, 'g'),
];
const CURRENCY = '(?:EUR|EURO|EUROS|€)';
const AMOUNT_PATTERNS = [
  // 1.234,56 / 1234,56 / 12,5 (Dutch decimal comma), 1,234.56 (English thousands)
  new RegExp(`${B}[0-9]{1,3}(?:\\.[0-9]{3})+,[0-9]{1,2}${E}`, 'g'),
  new RegExp(`${B}[0-9]{1,3}(?:,[0-9]{3})+\\.[0-9]{1,2}${E}`, 'g'),
  new RegExp(`${B}[0-9]+,[0-9]{1,2}${E}`, 'g'),
  // anything numeric next to a currency: "EUR 1500", "€12.50", "100 euro"
  new RegExp(`${CURRENCY} ?-?[0-9][0-9.,]*`, 'gi'),
  new RegExp(`${B}[0-9][0-9.,]*[.,-]? ?${CURRENCY}${E}`, 'gi'),
];

/** The text with IBANs, structured references, dates, times and amounts blanked out. */
function withoutNonInvoiceTokens(text: string): string {
  const upper = text.toUpperCase();
  let out = blank(upper, ibanSpans(upper));
  out = blank(out, structuredRefSpans(out));
  for (const pattern of [...DATE_PATTERNS, ...AMOUNT_PATTERNS]) out = out.replace(pattern, (m) => ' '.repeat(m.length));
  return out;
}

const MAX_WINDOW = 4;
const MIN_LENGTH = 4;
const MAX_LENGTH = 40;

/**
 * Invoice-number candidates in free text, normalised (see normaliseInvoiceNumber) and, where
 * it differs, also without leading zeros per group of digits; in order, distinct.
 *
 * A "part" is a run of letters and digits joined by single '-', '/', '.', '_' ("2026-0003",
 * "F2026/0142"); neighbouring parts separated only by spaces are also tried together, up to four
 * ("INV 2026 0003" -> "INV20260003", "20260003"). Only the first part of such a group may be
 * letters only, and only a short prefix-like word ("INV", "F"; not "nr", "fact", a month). A
 * candidate has a digit and at least four characters; a lone year (1990-2100) or a lone number
 * with a leading zero is not one.
 * `knownPrefixes` (the creditor's invoice-number prefixes, e.g. "F" or "INV-") are also put in
 * front of a candidate that lacks them ("2026-0142" -> "F20260142").
 */
export function extractInvoiceNumberCandidates(
  text: string | null | undefined,
  knownPrefixes: readonly string[] = [],
): string[] {
  if (!text) return [];
  const cleaned = withoutNonInvoiceTokens(text);
  const prefixes = [...new Set(knownPrefixes.map(normaliseInvoiceNumber).filter((p) => p !== ''))];
  const out = new Set<string>();
  const add = (raw: string) => {
    const candidate = normaliseInvoiceNumber(raw);
    for (const form of [raw, ...prefixes.filter((p) => !candidate.startsWith(p)).map((p) => `${p} ${raw}`)]) {
      for (const variant of invoiceNumberVariants(form)) {
        if (variant.length >= MIN_LENGTH && variant.length <= MAX_LENGTH) out.add(variant);
      }
    }
  };
  // Runs of parts separated by nothing but spaces; any other character breaks a run.
  for (const run of cleaned.split(/[^A-Z0-9\-/._ \t]+|\s{3,}/)) {
    const parts = run
      .split(/[ \t]+/)
      .map((p) => p.replace(/^[-/._]+|[-/._]+$/g, ''))
      .filter((p) => p !== '');
    for (let i = 0; i < parts.length; i++) {
      for (let j = i; j < Math.min(parts.length, i + MAX_WINDOW); j++) {
        const window = parts.slice(i, j + 1);
        // Only the first part may be letters only, and only a short prefix-like word ("INV", "F").
        if (window.slice(1).some((p) => !/[0-9]/.test(p))) break;
        if (!/[0-9]/.test(window[0])) {
          if (!isPrefixWord(window[0])) break;
          if (window.length === 1) continue;
        }
        if (!isPlausiblePart(window)) continue;
        add(window.join(' '));
      }
    }
  }
  return [...out];
}

/** A letters-only word that can stand in front of the digits of an invoice number. */
function isPrefixWord(part: string): boolean {
  const word = normaliseInvoiceNumber(part);
  return /^[A-Z]{1,4}$/.test(word) && !NOT_PREFIXES.has(word);
}

function isPlausiblePart(window: string[]): boolean {
  // A part is letters and digits with single joiners only ("--" or "./" break the shape).
  if (window.some((p) => !/^[A-Z0-9]+(?:[-/._][A-Z0-9]+)*$/.test(p))) return false;
  if (window.length === 1) {
    const only = window[0];
    if (/^[0-9]+$/.test(only)) {
      if (only.startsWith('0')) return false;
      const value = Number(only);
      if (only.length === 4 && value >= 1990 && value <= 2100) return false;
    }
  }
  return true;
}
