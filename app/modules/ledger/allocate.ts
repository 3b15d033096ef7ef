/**
 * The one allocation rule for money reaching invoices (every ledger source uses it):
 * - which invoices: the ones chosen (by the debtor, finance or the caller), in the order chosen,
 *   each up to its optional cap; without a choice, every open invoice of the debtor, oldest due
 *   first, then by number (`oldestDueFirst`);
 * - within an invoice: collection costs first, then interest, then the principal (art. 6:44 BW);
 * - what no invoice takes is the rest: kept as debtor credit, or refused by the caller.
 * Pure: amounts in, lines out; integer cents, and the lines plus the rest always add up to the amount.
 */

export type AllocationInvoice = {
  invoiceId: string;
  /** Open principal, collection costs and interest still owed, in cents. */
  openCents: number;
  costsCents: number;
  interestCents: number;
  /** At most this much goes to this invoice (the chosen amount); absent = everything it owes. */
  capCents?: number;
};

export type AllocationLine = {
  invoiceId: string;
  /** Everything this line applies: costsCents + interestCents + principalCents. */
  amountCents: number;
  costsCents: number;
  interestCents: number;
  principalCents: number;
};

export type Allocation = {
  lines: AllocationLine[];
  /** What no invoice took. */
  restCents: number;
};

function checkCents(value: number, name: string, { positive = false } = {}) {
  if (!Number.isSafeInteger(value) || value < 0 || (positive && value === 0)) {
    throw new RangeError(`${name} must be ${positive ? 'a positive' : 'a non-negative'} whole number of cents`);
  }
}

/** The sum an invoice still owes: principal, costs and interest. */
export function owedOf(invoice: Pick<AllocationInvoice, 'openCents' | 'costsCents' | 'interestCents'>): number {
  return invoice.openCents + invoice.costsCents + invoice.interestCents;
}

/**
 * Splits `amountCents` over `invoices` in the order given. An invoice listed twice takes only
 * what it still owes after its first line (the lines are merged per invoice, in first-seen order).
 */
export function allocate(amountCents: number, invoices: readonly AllocationInvoice[]): Allocation {
  checkCents(amountCents, 'amountCents', { positive: true });
  const owed = new Map<string, { costs: number; interest: number; principal: number }>();
  const lines = new Map<string, AllocationLine>();
  let rest = amountCents;
  for (const invoice of invoices) {
    checkCents(invoice.openCents, 'openCents');
    checkCents(invoice.costsCents, 'costsCents');
    checkCents(invoice.interestCents, 'interestCents');
    if (invoice.capCents !== undefined) checkCents(invoice.capCents, 'capCents');
    if (rest === 0) continue;
    const left = owed.get(invoice.invoiceId) ?? {
      costs: invoice.costsCents,
      interest: invoice.interestCents,
      principal: invoice.openCents,
    };
    owed.set(invoice.invoiceId, left);
    let take = Math.min(rest, invoice.capCents ?? Number.MAX_SAFE_INTEGER, left.costs + left.interest + left.principal);
    if (take <= 0) continue;
    rest -= take;
    const costs = Math.min(take, left.costs);
    take -= costs;
    const interest = Math.min(take, left.interest);
    take -= interest;
    const principal = take;
    left.costs -= costs;
    left.interest -= interest;
    left.principal -= principal;
    const line = lines.get(invoice.invoiceId) ?? {
      invoiceId: invoice.invoiceId,
      amountCents: 0,
      costsCents: 0,
      interestCents: 0,
      principalCents: 0,
    };
    line.costsCents += costs;
    line.interestCents += interest;
    line.principalCents += principal;
    line.amountCents = line.costsCents + line.interestCents + line.principalCents;
    lines.set(invoice.invoiceId, line);
  }
  return { lines: [...lines.values()], restCents: rest };
}

/**
 * A correction of one invoice (a credit note that says the invoice was too high, e.g. a dispute's
 * credit): it lowers the principal, not the costs or interest (those are not paid by it, they are
 * computed again for the lower principal by the caller). What exceeds the open principal is the rest.
 */
export function allocateToPrincipal(amountCents: number, invoice: AllocationInvoice): Allocation {
  checkCents(amountCents, 'amountCents', { positive: true });
  checkCents(invoice.openCents, 'openCents');
  const principal = Math.min(amountCents, invoice.openCents);
  const lines =
    principal > 0
      ? [
          {
            invoiceId: invoice.invoiceId,
            amountCents: principal,
            costsCents: 0,
            interestCents: 0,
            principalCents: principal,
          },
        ]
      : [];
  return { lines, restCents: amountCents - principal };
}

/** The default order when nobody chose: oldest due date first, then invoice number. */
export function oldestDueFirst<T extends { dueDate: string; number: string }>(invoices: readonly T[]): T[] {
  return [...invoices].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number));
}

/**
 * Taking back (part of) what lines applied to one invoice, the reverse of 6:44: the principal
 * first, then interest, then costs (what was paid last comes back first).
 */
export function unallocate(
  amountCents: number,
  applied: Pick<AllocationLine, 'amountCents' | 'costsCents' | 'interestCents'>,
): Omit<AllocationLine, 'invoiceId'> {
  checkCents(amountCents, 'amountCents');
  const take = Math.min(amountCents, applied.amountCents);
  const appliedPrincipal = applied.amountCents - applied.costsCents - applied.interestCents;
  const principal = Math.min(take, appliedPrincipal);
  const interest = Math.min(take - principal, applied.interestCents);
  const costs = take - principal - interest;
  return { amountCents: take, costsCents: costs, interestCents: interest, principalCents: principal };
}
