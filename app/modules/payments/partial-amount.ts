/**
 * The one rule for how much of one invoice a debtor may pay at once, used by the online checkout
 * (checkout.server.ts linesFor) and by the bank-transfer page, whose QR code carries the amount:
 * the whole amount owed, or a part of at least the creditor's minimum (portal settings,
 * minPartialPaymentCents); never more than is owed, never zero or less.
 */
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
