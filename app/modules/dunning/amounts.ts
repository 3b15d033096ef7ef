/**
 * What a dunning step claims, in integer cents. Pure: the pass and the send-time re-check
 * compute with the same functions, so a re-rendered message states the same amounts.
 */
import { addDays } from '~/utils/clock';
import { bikCosts } from './collection-costs';
import { STATUTORY_RATES, statutoryInterest, type StatutoryRate } from './statutory-interest';

/**
 * Splits `total` over parts in proportion to `weights` (largest remainder), so the parts sum
 * exactly to the total. Zero weights everywhere split evenly.
 */
export function allocateProportionally(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`total must be non-negative cents, got ${total}`);
  if (weights.length === 0) return [];
  const even = weights.every((w) => w === 0);
  const w = weights.map((x) => {
    if (!Number.isSafeInteger(x) || x < 0) throw new RangeError(`weights must be non-negative integers, got ${x}`);
    return BigInt(even ? 1 : x);
  });
  const sum = w.reduce((a, b) => a + b, 0n);
  const big = BigInt(total);
  const floors = w.map((x) => (big * x) / sum);
  const remainders = w.map((x, i) => ({ i, r: (big * x) % sum }));
  let left = Number(big - floors.reduce((a, b) => a + b, 0n));
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  const parts = floors.map(Number);
  for (const { i } of remainders) {
    if (left === 0) break;
    parts[i] += 1;
    left -= 1;
  }
  return parts;
}

/**
 * A consumer's final notice (the 14-day letter) over several invoices states one amount of
 * collection costs: the WIK staffel on the sum of the principals (invoices claimed together
 * are one claim: the minimum and the brackets apply once), spread over the invoices in
 * proportion to their principal so each invoice can carry its share.
 */
export function consumerLetterCosts(openCents: readonly number[]): { totalCents: number; sharesCents: number[] } {
  const principal = openCents.reduce((a, b) => a + b, 0);
  const totalCents = bikCosts(principal);
  return { totalCents, sharesCents: allocateProportionally(totalCents, openCents) };
}

export type BusinessClaim = {
  /** Compensation for collection costs: at least EUR 40 (art. 6:96 lid 4 BW), the staffel above that. */
  compensationCents: number;
  /** Statutory commercial interest (art. 6:119a BW) from the day after the due date up to asOf inclusive. */
  interestCents: number;
  /** The first day interest is counted (later than the day after the due date only when the rate table starts later). */
  interestFrom: string | null;
};

/**
 * What a business final notice claims for one invoice as of a day. The WIK staffel already has
 * the EUR 40 minimum, so the compensation is max(EUR 40, staffel) per invoice (the directive's
 * fixed sum is per late payment). Interest starts the day after the due date; days before the
 * first row of the rate table are not claimed (we never guess a rate).
 */
export function businessClaim(input: {
  openCents: number;
  dueDate: string;
  asOf: string;
  table?: readonly StatutoryRate[];
}): BusinessClaim {
  const table = input.table ?? STATUTORY_RATES;
  const compensationCents = bikCosts(input.openCents);
  const dayAfterDue = addDays(input.dueDate, 1);
  const from = table.length > 0 && dayAfterDue < table[0].from ? table[0].from : dayAfterDue;
  if (from > input.asOf || input.openCents === 0) return { compensationCents, interestCents: 0, interestFrom: null };
  const interest = statutoryInterest({
    principalCents: input.openCents,
    from,
    to: input.asOf,
    kind: 'commercial',
    table,
  });
  return { compensationCents, interestCents: interest.totalCents, interestFrom: from };
}

/** A part of the claim on an invoice: what it owes now and what was already paid towards it. */
export type ClaimPart = { owedCents: number; paidCents: number };

/**
 * What an invoice owes in collection costs and interest after a correction lowered its principal
 * (a dispute's part credit: the invoice was too high from the start), by the same rules the engine
 * charged them with, computed again for the lower principal:
 * - costs: the WIK staffel on the new principal (`bikCosts`, with its EUR 40 minimum: the consumer
 *   letter's costs and the business compensation alike), if costs were charged at all;
 * - interest: statutory commercial interest on the new principal over the period it was charged
 *   for (`interestPeriod`, from the step that charged it); without a period on record, the interest
 *   charged in proportion to the principal (rounded down).
 * Never more than was charged; what was already paid towards costs or interest counts against the
 * new amount, and the result never exceeds what is owed now (a correction charges nothing new).
 * No principal left: nothing is owed.
 */
export function claimAfterCorrection(input: {
  principalBeforeCents: number;
  principalAfterCents: number;
  costs: ClaimPart;
  interest: ClaimPart;
  interestPeriod: { from: string; to: string } | null;
  table?: readonly StatutoryRate[];
}): { costsCents: number; interestCents: number } {
  const { principalBeforeCents: before, principalAfterCents: after } = input;
  if (!Number.isSafeInteger(after) || after < 0 || !Number.isSafeInteger(before) || after > before) {
    throw new RangeError(`a correction lowers the principal: ${before} -> ${after}`);
  }
  if (after === 0) return { costsCents: 0, interestCents: 0 };
  const owedOf = (part: ClaimPart, recomputed: (charged: number) => number) => {
    const charged = part.owedCents + part.paidCents;
    if (charged <= 0) return 0;
    const entitled = Math.min(charged, recomputed(charged));
    return Math.min(part.owedCents, Math.max(0, entitled - part.paidCents));
  };
  const period = input.interestPeriod;
  return {
    costsCents: owedOf(input.costs, () => bikCosts(after)),
    interestCents: owedOf(input.interest, (charged) =>
      period
        ? statutoryInterest({
            principalCents: after,
            from: period.from,
            to: period.to,
            kind: 'commercial',
            table: input.table ?? STATUTORY_RATES,
          }).totalCents
        : before === 0
          ? 0
          : Number((BigInt(charged) * BigInt(after)) / BigInt(before)),
    ),
  };
}
