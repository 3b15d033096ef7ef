/**
 * The one rule for how much of one invoice a debtor may pay at once, used by the online checkout
 * (checkout.server.ts linesFor) and by the bank-transfer page, whose QR code carries the amount:
 * the whole amount owed, or a part of at least the creditor's minimum (portal settings,
 * minPartialPaymentCents); never more than is owed, never zero or less.
 */
import { parseAmountToCents } from '~/utils/money';

export type PartialAmountError = 'amount_below_minimum' | 'amount_above_open';

export function checkPartialAmount(
  owedCents: number,
  requestedCents: number | undefined,
  minPartialCents: number,
): { ok: true; amountCents: number } | { ok: false; error: PartialAmountError } {
  const amount = requestedCents ?? owedCents;
  if (!Number.isSafeInteger(amount)) return { ok: false, error: 'amount_above_open' };
  if (amount > owedCents) return { ok: false, error: 'amount_above_open' };
  if (amount <= 0) return { ok: false, error: 'amount_below_minimum' };
  if (amount < owedCents && amount < minPartialCents) return { ok: false, error: 'amount_below_minimum' };
  return { ok: true, amountCents: amount };
}

/**
 * An amount in cents as the transfer page's query string carries it (`?amount=2500`): digits
 * only, at most 12 of them. Absent is undefined (the whole amount); anything else is invalid.
 */
export function parseCentsParam(raw: string | null | undefined): { ok: true; cents?: number } | { ok: false } {
  if (raw === null || raw === undefined) return { ok: true };
  if (!/^[0-9]{1,12}$/.test(raw)) return { ok: false };
  return { ok: true, cents: Number(raw) };
}

export type RequestedAmount =
  | { kind: 'full' }
  | { kind: 'part'; cents: number }
  | { kind: 'invalid'; error: 'amount_invalid' | 'amount_too_large' };

/**
 * What a one-invoice payment form asks for (`amountMode` full | part, `amount` as typed). What
 * the debtor types is what is charged: a filled amount field is the part amount, whichever
 * choice is marked (without JavaScript nothing keeps the two in step); "part" with an empty
 * field is an error; otherwise the whole amount. The server (pay-form.server.ts) and the page's
 * summary (with JavaScript) read the form with this one function. Bounds are checkPartialAmount's.
 */
export function requestedAmount(input: { amountMode?: string | null; amount?: string | null }): RequestedAmount {
  const typed = (input.amount ?? '').trim();
  if (typed === '')
    return input.amountMode === 'part' ? { kind: 'invalid', error: 'amount_invalid' } : { kind: 'full' };
  const cents = parseAmountToCents(typed);
  if (!cents.ok) return { kind: 'invalid', error: cents.code === 'tooLarge' ? 'amount_too_large' : 'amount_invalid' };
  if (cents.cents <= 0) return { kind: 'invalid', error: 'amount_invalid' };
  return { kind: 'part', cents: cents.cents };
}
