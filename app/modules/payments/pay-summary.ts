/**
 * What a checkout of `totalCents` costs the debtor at the provider once their credit is set off
 * first (the checkout spends min(credit, total) through the ledger before it opens a provider
 * checkout for the rest). Pure and browser-safe: the pay page's summary and the server agree.
 */
export function chargeSummary(totalCents: number, creditCents: number) {
  const fromCredit = Math.max(0, Math.min(creditCents, totalCents));
  return { totalCents, fromCreditCents: fromCredit, providerCents: totalCents - fromCredit };
}
