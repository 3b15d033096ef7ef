/**
 * IBAN checks (ISO 13616): country, length, and the mod 97 check digits. Lengths are
 * known for the countries listed below; any other country gets the generic 15-34.
 */

const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AT: 20,
  BE: 16,
  CH: 21,
  DE: 22,
  ES: 24,
  FR: 27,
  GB: 22,
  IE: 22,
  IT: 27,
  LU: 20,
  NL: 18,
  PT: 25,
};

/** Stricter shape checks for the countries Voldaan serves. */
const BBAN_PATTERNS: Readonly<Record<string, RegExp>> = {
  NL: /^[A-Z]{4}[0-9]{10}$/,
  BE: /^[0-9]{12}$/,
};

const GENERIC_MIN_LENGTH = 15;
const GENERIC_MAX_LENGTH = 34;

/** Electronic form: no spaces, upper case, without a leading "IBAN" label. */
export function normalizeIban(input: string): string {
  return input
    .replace(/\s+/g, '')
    .toUpperCase()
    .replace(/^IBAN:?/, '');
}

export function isValidIban(input: string): boolean {
  const iban = normalizeIban(input);
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]+$/.test(iban)) return false;
  const country = iban.slice(0, 2);
  if (!hasValidLength(iban, country)) return false;
  const bban = iban.slice(4);
  if (BBAN_PATTERNS[country] !== undefined && !BBAN_PATTERNS[country].test(bban)) return false;
  if (country === 'BE' && !hasValidBelgianAccountCheck(bban)) return false;
  const check = Number(iban.slice(2, 4));
  if (check < 2 || check > 98) return false;
  return mod97(`${bban}${iban.slice(0, 4)}`) === 1;
}

/** Print form: groups of four characters, e.g. "NL91 ABNA 0417 1643 00". */
export function formatIban(input: string): string {
  return normalizeIban(input).replace(/(.{4})(?=.)/g, '$1 ');
}

/** ISO 7064 mod 97-10 of a string of letters (A=10 .. Z=35) and digits. */
export function mod97(alphanumeric: string): number {
  if (!/^[A-Za-z0-9]+$/.test(alphanumeric)) {
    throw new RangeError(`mod97 needs letters and digits only, got "${alphanumeric}"`);
  }
  const digits = [...alphanumeric].map((char) => parseInt(char, 36)).join('');
  return Number(BigInt(digits) % 97n);
}

function hasValidLength(iban: string, country: string): boolean {
  const expected = IBAN_LENGTHS[country];
  if (expected !== undefined) return iban.length === expected;
  return iban.length >= GENERIC_MIN_LENGTH && iban.length <= GENERIC_MAX_LENGTH;
}

/** A Belgian account number carries its own check: last two digits = first ten mod 97 (0 -> 97). */
function hasValidBelgianAccountCheck(bban: string): boolean {
  const remainder = Number(BigInt(bban.slice(0, 10)) % 97n);
  return Number(bban.slice(10)) === (remainder === 0 ? 97 : remainder);
}
