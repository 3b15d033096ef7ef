import { describe, expect, it } from 'vitest';
import { allocate, oldestDueFirst, owedOf, unallocate, type AllocationInvoice } from './allocate';

const inv = (invoiceId: string, openCents: number, costsCents = 0, interestCents = 0, capCents?: number) =>
  ({
    invoiceId,
    openCents,
    costsCents,
    interestCents,
    ...(capCents !== undefined ? { capCents } : {}),
  }) as AllocationInvoice;

/** [id, amount, costs, interest, principal] per line, and the rest. */
type Expected = { lines: [string, number, number, number, number][]; rest: number };

const cases: { name: string; amount: number; invoices: AllocationInvoice[]; expected: Expected }[] = [
  {
    name: 'exactly what one invoice owes: costs, interest, principal all paid',
    amount: 11_700,
    invoices: [inv('A', 10_000, 1_500, 200)],
    expected: { lines: [['A', 11_700, 1_500, 200, 10_000]], rest: 0 },
  },
  {
    name: 'less than the costs: everything goes to the costs',
    amount: 1_000,
    invoices: [inv('A', 10_000, 1_500, 200)],
    expected: { lines: [['A', 1_000, 1_000, 0, 0]], rest: 0 },
  },
  {
    name: 'the costs and part of the interest',
    amount: 1_600,
    invoices: [inv('A', 10_000, 1_500, 200)],
    expected: { lines: [['A', 1_600, 1_500, 100, 0]], rest: 0 },
  },
  {
    name: 'costs, interest, then part of the principal',
    amount: 2_000,
    invoices: [inv('A', 10_000, 1_500, 200)],
    expected: { lines: [['A', 2_000, 1_500, 200, 300]], rest: 0 },
  },
  {
    name: 'interest without costs',
    amount: 250,
    invoices: [inv('A', 10_000, 0, 200)],
    expected: { lines: [['A', 250, 0, 200, 50]], rest: 0 },
  },
  {
    name: 'more than owed: the rest is reported',
    amount: 12_000,
    invoices: [inv('A', 10_000, 1_500, 200)],
    expected: { lines: [['A', 11_700, 1_500, 200, 10_000]], rest: 300 },
  },
  {
    name: 'several invoices in the order given, each settled by 6:44 before the next',
    amount: 7_000,
    invoices: [inv('A', 3_000, 500, 100), inv('B', 5_000, 400, 0)],
    expected: {
      lines: [
        ['A', 3_600, 500, 100, 3_000],
        ['B', 3_400, 400, 0, 3_000],
      ],
      rest: 0,
    },
  },
  {
    name: 'a cap limits what an invoice takes; the next one gets the rest',
    amount: 5_000,
    invoices: [inv('A', 10_000, 1_000, 0, 1_500), inv('B', 2_000)],
    expected: {
      lines: [
        ['A', 1_500, 1_000, 0, 500],
        ['B', 2_000, 0, 0, 2_000],
      ],
      rest: 1_500,
    },
  },
  {
    name: 'an invoice that owes nothing is skipped',
    amount: 1_000,
    invoices: [inv('A', 0), inv('B', 2_000)],
    expected: { lines: [['B', 1_000, 0, 0, 1_000]], rest: 0 },
  },
  {
    name: 'no invoices: everything is rest',
    amount: 4_200,
    invoices: [],
    expected: { lines: [], rest: 4_200 },
  },
  {
    name: 'an invoice chosen twice takes only what it still owes, as one line',
    amount: 5_000,
    invoices: [inv('A', 2_000, 300, 0, 1_000), inv('A', 2_000, 300, 0)],
    expected: { lines: [['A', 2_300, 300, 0, 2_000]], rest: 2_700 },
  },
  {
    name: 'a cap of zero takes nothing',
    amount: 100,
    invoices: [inv('A', 2_000, 0, 0, 0), inv('B', 50)],
    expected: { lines: [['B', 50, 0, 0, 50]], rest: 50 },
  },
  {
    name: 'one cent',
    amount: 1,
    invoices: [inv('A', 1, 1, 1)],
    expected: { lines: [['A', 1, 1, 0, 0]], rest: 0 },
  },
];

describe('allocate (art. 6:44 BW: costs, then interest, then principal)', () => {
  it.each(cases)('$name', ({ amount, invoices, expected }) => {
    const result = allocate(amount, invoices);
    expect(
      result.lines.map((l) => [l.invoiceId, l.amountCents, l.costsCents, l.interestCents, l.principalCents]),
    ).toEqual(expected.lines);
    expect(result.restCents).toBe(expected.rest);
    // Exact: the lines and the rest add up to the amount, each line to its parts.
    expect(result.lines.reduce((s, l) => s + l.amountCents, 0) + result.restCents).toBe(amount);
    for (const l of result.lines) expect(l.costsCents + l.interestCents + l.principalCents).toBe(l.amountCents);
  });

  it('never takes more from an invoice than it owes, for many amounts', () => {
    const invoices = [inv('A', 1_234, 567, 89), inv('B', 4_321, 0, 12), inv('C', 999, 250, 0)];
    const owed = invoices.reduce((s, i) => s + owedOf(i), 0);
    for (let amount = 1; amount <= owed + 500; amount += 37) {
      const { lines, restCents } = allocate(amount, invoices);
      expect(restCents).toBe(Math.max(0, amount - owed));
      for (const line of lines) {
        const invoice = invoices.find((i) => i.invoiceId === line.invoiceId)!;
        expect(line.costsCents).toBeLessThanOrEqual(invoice.costsCents);
        expect(line.interestCents).toBeLessThanOrEqual(invoice.interestCents);
        expect(line.principalCents).toBeLessThanOrEqual(invoice.openCents);
        // Principal only once costs and interest are paid.
        if (line.principalCents > 0) {
          expect(line.costsCents).toBe(invoice.costsCents);
          expect(line.interestCents).toBe(invoice.interestCents);
        }
      }
    }
  });

  it.each([0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2])('refuses the amount %s', (amount) => {
    expect(() => allocate(amount, [inv('A', 100)])).toThrow(RangeError);
  });

  it('refuses negative or fractional invoice amounts and caps', () => {
    expect(() => allocate(100, [inv('A', -1)])).toThrow(RangeError);
    expect(() => allocate(100, [inv('A', 100, 0.5)])).toThrow(RangeError);
    expect(() => allocate(100, [inv('A', 100, 0, 0, -5)])).toThrow(RangeError);
  });
});

describe('oldestDueFirst', () => {
  it('orders by due date, then invoice number', () => {
    const rows = [
      { id: 1, dueDate: '2026-03-01', number: 'F-3' },
      { id: 2, dueDate: '2026-01-15', number: 'F-9' },
      { id: 3, dueDate: '2026-03-01', number: 'F-10' },
      { id: 4, dueDate: '2026-01-15', number: 'F-1' },
    ];
    expect(oldestDueFirst(rows).map((r) => r.id)).toEqual([4, 2, 3, 1]);
    // Pure: the input keeps its order.
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4]);
  });
});

describe('unallocate (the reverse of 6:44: principal, then interest, then costs)', () => {
  it.each([
    { amount: 300, applied: { amountCents: 2_000, costsCents: 1_500, interestCents: 200 }, back: [300, 0, 0, 300] },
    { amount: 400, applied: { amountCents: 2_000, costsCents: 1_500, interestCents: 200 }, back: [400, 100, 0, 300] },
    { amount: 600, applied: { amountCents: 2_000, costsCents: 1_500, interestCents: 200 }, back: [600, 200, 100, 300] },
    {
      amount: 5_000,
      applied: { amountCents: 2_000, costsCents: 1_500, interestCents: 200 },
      back: [2_000, 200, 1_500, 300],
    },
  ])('takes $amount back of $applied.amountCents', ({ amount, applied, back }) => {
    const result = unallocate(amount, applied);
    expect([result.amountCents, result.interestCents, result.costsCents, result.principalCents]).toEqual(back);
  });
});
