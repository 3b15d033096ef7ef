/**
 * Extrajudicial collection costs.
 *
 * Percentages are in basis points and computed with BigInt on integer cents, so the
 * only rounding is one explicit step at the end (documented per function).
 */

type Bracket = { widthCents: bigint | null; rateBp: bigint };

/** Besluit vergoeding voor buitengerechtelijke incassokosten (Stb. 2012, 141), art. 2. */
const WIK_BRACKETS: readonly Bracket[] = [
  { widthCents: 250_000n, rateBp: 1_500n },
  { widthCents: 250_000n, rateBp: 1_000n },
  { widthCents: 500_000n, rateBp: 500n },
  { widthCents: 19_000_000n, rateBp: 100n },
  { widthCents: null, rateBp: 50n },
];
const WIK_MINIMUM_CENTS = 4_000n;
const WIK_MAXIMUM_CENTS = 677_500n;

const BP_PER_UNIT = 10_000n;

/**
 * Dutch WIK/BIK staffel on the principal (not principal plus interest), with the
 * EUR 40 minimum and EUR 6,775 maximum. Rounded half up to the cent once, on the
 * total; only the last, partial bracket can produce a fraction of a cent.
 * A principal of 0 owes nothing, so costs are 0 (the minimum applies to a claim).
 */
export function bikCosts(principalCents: number): number {
  const principal = toNonNegativeBigInt(principalCents, 'principalCents');
  if (principal === 0n) return 0;
  const costs = roundHalfUp(staffelBasisPointCents(principal), BP_PER_UNIT);
  return Number(clamp(costs, WIK_MINIMUM_CENTS, WIK_MAXIMUM_CENTS));
}

function staffelBasisPointCents(principal: bigint): bigint {
  let remaining = principal;
  let total = 0n;
  for (const { widthCents, rateBp } of WIK_BRACKETS) {
    const inBracket = widthCents === null || remaining < widthCents ? remaining : widthCents;
    total += inBracket * rateBp;
    remaining -= inBracket;
    if (remaining === 0n) break;
  }
  return total;
}

const BE_SMALL_LIMIT_CENTS = 15_000n;
const BE_MIDDLE_LIMIT_CENTS = 50_000n;
const BE_SMALL_FLAT_CENTS = 2_000n;
const BE_MIDDLE_BASE_CENTS = 3_000n;
const BE_MIDDLE_RATE_BP = 1_000n;
const BE_LARGE_BASE_CENTS = 6_500n;
const BE_LARGE_RATE_BP = 500n;
const BE_MAXIMUM_CENTS = 200_000n;

/**
 * The most a Belgian creditor may charge a consumer as damages on an unpaid balance
 * (Code of Economic Law, Book XIX): up to EUR 150 -> 20; up to 500 -> 30 + 10% above
 * 150; above 500 -> 65 + 5% above 500, at most 2,000. A zero balance owes nothing.
 * Because this is a ceiling, fractions of a cent are rounded DOWN: rounding up would
 * charge up to half a cent more than the law allows.
 */
export function belgianConsumerDamagesCap(balanceCents: number): number {
  const balance = toNonNegativeBigInt(balanceCents, 'balanceCents');
  if (balance === 0n) return 0;
  if (balance <= BE_SMALL_LIMIT_CENTS) return Number(BE_SMALL_FLAT_CENTS);
  if (balance <= BE_MIDDLE_LIMIT_CENTS) {
    return Number(BE_MIDDLE_BASE_CENTS + ((balance - BE_SMALL_LIMIT_CENTS) * BE_MIDDLE_RATE_BP) / BP_PER_UNIT);
  }
  const large = BE_LARGE_BASE_CENTS + ((balance - BE_MIDDLE_LIMIT_CENTS) * BE_LARGE_RATE_BP) / BP_PER_UNIT;
  return Number(clamp(large, 0n, BE_MAXIMUM_CENTS));
}

function toNonNegativeBigInt(cents: number, name: string): bigint {
  if (!Number.isSafeInteger(cents) || cents < 0) {
    throw new RangeError(`${name} must be a non-negative integer number of cents, got ${cents}`);
  }
  return BigInt(cents);
}

/** numerator / denominator rounded half up; both non-negative. */
function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

function clamp(value: bigint, min: bigint, max: bigint): bigint {
  if (value < min) return min;
  return value > max ? max : value;
}
