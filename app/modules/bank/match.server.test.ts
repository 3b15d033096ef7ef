import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '~/utils/db.server';
import { makeBetalingskenmerk, makeOgm, makeRfReference } from '~/modules/payments/payment-reference';
import {
  amountSets,
  buildMatchContext,
  learnIban,
  matchLine,
  readNote,
  sqlNormalisers,
  suggestFor,
  systemNote,
  updateInvoiceFact,
  type InvoiceFact,
  type MatchLine,
} from './match.server';
import { invoiceNumberVariants, normaliseStructuredRef } from './references';

const DEBTOR_A = 'aaaaaaaa-0000-4000-8000-000000000001';
const DEBTOR_B = 'bbbbbbbb-0000-4000-8000-000000000002';
const IBAN_A = 'NL44RABO0123456789';

let seq = 0;
function invoice(overrides: Partial<InvoiceFact> = {}): InvoiceFact {
  seq += 1;
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    number: `2026-${String(seq).padStart(4, '0')}`,
    debtorId: DEBTOR_A,
    status: 'open',
    owedCents: 10_000,
    dueDate: `2026-01-${String(10 + (seq % 18)).padStart(2, '0')}`,
    paymentReference: makeBetalingskenmerk(seq),
    ...overrides,
  };
}

const line = (overrides: Partial<MatchLine> = {}): MatchLine => ({
  amountCents: 10_000,
  counterpartyName: null,
  counterpartyIban: null,
  structuredRef: null,
  remittance: null,
  ...overrides,
});

function world(invoices: InvoiceFact[], ibans: { iban: string; debtorId: string }[] = []) {
  return buildMatchContext({
    invoices,
    debtors: [
      { id: DEBTOR_A, name: 'Bakkerij De Korenschoof B.V.' },
      { id: DEBTOR_B, name: 'Jansen & Zonen' },
    ],
    ibans,
  });
}

describe('rule 1: structured references', () => {
  it('matches the one invoice whose payment reference the line carries, in any spelling and place', () => {
    const target = invoice({ paymentReference: makeBetalingskenmerk(4711) });
    const rf = invoice({ paymentReference: makeRfReference('F20260142') });
    const ogm = invoice({ paymentReference: makeOgm('3124013980') });
    const ctx = world([target, rf, ogm, invoice()]);
    const spaced = target.paymentReference!.replace(/(.{4})/g, '$1 ').trim();
    for (const l of [
      line({ structuredRef: target.paymentReference }),
      line({ structuredRef: spaced }),
      line({ remittance: `Betalingskenmerk ${spaced} dank u` }),
    ]) {
      expect(matchLine(ctx, l)).toMatchObject({
        kind: 'match',
        rule: 'reference',
        debtorId: DEBTOR_A,
        invoiceIds: [target.id],
      });
    }
    expect(matchLine(ctx, line({ remittance: `ref ${rf.paymentReference!.toLowerCase()}` }))).toMatchObject({
      kind: 'match',
      invoiceIds: [rf.id],
    });
    expect(matchLine(ctx, line({ structuredRef: '+++312/4013/98067+++' }))).toMatchObject({
      kind: 'match',
      invoiceIds: [ogm.id],
    });
  });

  it('matches one reference per invoice of one debtor, oldest due first', () => {
    const older = invoice({ dueDate: '2026-01-01' });
    const newer = invoice({ dueDate: '2026-02-01' });
    const ctx = world([newer, older]);
    expect(
      matchLine(
        ctx,
        line({
          structuredRef: newer.paymentReference,
          structuredRefs: [newer.paymentReference!, older.paymentReference!],
        }),
      ),
    ).toMatchObject({
      kind: 'match',
      rule: 'reference',
      debtorId: DEBTOR_A,
      invoiceIds: [older.id, newer.id],
    });
    expect(matchLine(ctx, line({ remittance: `${older.paymentReference} ${newer.paymentReference}` }))).toMatchObject({
      invoiceIds: [older.id, newer.id],
    });
  });

  it('matches a free-text payment reference the portal put in the transfer description', () => {
    const free = invoice({ paymentReference: 'KLANT-88123' });
    const ctx = world([free, invoice()]);
    expect(matchLine(ctx, line({ remittance: 'KLANT-88123' }))).toMatchObject({ kind: 'match', invoiceIds: [free.id] });
  });

  it('queues, never re-routes, a reference to an invoice that owes nothing any more', () => {
    const paid = invoice({ status: 'paid', owedCents: 0 });
    const other = invoice({ owedCents: 10_000 });
    const ctx = world([paid, other], [{ iban: IBAN_A, debtorId: DEBTOR_A }]);
    const decision = matchLine(ctx, line({ structuredRef: paid.paymentReference, counterpartyIban: IBAN_A }));
    expect(decision).toMatchObject({ kind: 'queue', code: 'invoice_settled', detail: paid.number });
  });

  it('queues references of two debtors, and a reference two invoices share', () => {
    const a = invoice();
    const b = invoice({ debtorId: DEBTOR_B });
    const twinA = invoice({ paymentReference: 'SAME-REF-1' });
    const twinB = invoice({ paymentReference: 'SAME-REF-1' });
    const ctx = world([a, b, twinA, twinB]);
    expect(matchLine(ctx, line({ remittance: `${a.paymentReference} ${b.paymentReference}` }))).toMatchObject({
      kind: 'queue',
      code: 'several_debtors',
    });
    expect(matchLine(ctx, line({ structuredRef: 'SAME-REF-1' }))).toMatchObject({
      kind: 'queue',
      code: 'ambiguous_reference',
    });
  });

  it('names an unknown structured reference when nothing else matches', () => {
    const ctx = world([invoice()]);
    const foreign = makeBetalingskenmerk(999_999);
    expect(matchLine(ctx, line({ structuredRef: foreign }))).toMatchObject({
      kind: 'queue',
      code: 'unknown_reference',
      detail: foreign,
    });
  });
});

describe('rule 2: invoice numbers in the text', () => {
  it('finds numbers in common spellings, one or several of one debtor', () => {
    const one = invoice({ number: '2026-0003', paymentReference: null });
    const two = invoice({ number: '2026-0004', paymentReference: null, dueDate: '2026-03-01' });
    const prefixed = invoice({ number: 'F2026-0142', paymentReference: null });
    const ctx = world([one, two, prefixed]);
    for (const text of [
      'factuur 2026-0003',
      'Fact.nr. 20260003',
      'INV 2026 0003',
      '2026/0003 betaald',
      'factuur 2026-3',
    ]) {
      expect(matchLine(ctx, line({ remittance: text })), text).toMatchObject({
        kind: 'match',
        rule: 'invoice_number',
        invoiceIds: [one.id],
      });
    }
    expect(matchLine(ctx, line({ remittance: 'facturen 2026-0004 en 2026-0003' }))).toMatchObject({
      kind: 'match',
      invoiceIds: [one.id, two.id],
    });
    expect(matchLine(ctx, line({ remittance: 'betaling 2026-0142' }))).toMatchObject({ invoiceIds: [prefixed.id] });
  });

  it('queues numbers of two debtors and a number of a settled invoice', () => {
    const a = invoice({ number: '2026-0101', paymentReference: null });
    const b = invoice({ number: '2026-0102', paymentReference: null, debtorId: DEBTOR_B });
    const settled = invoice({ number: '2026-0103', paymentReference: null, status: 'credited', owedCents: 0 });
    const ctx = world([a, b, settled]);
    expect(matchLine(ctx, line({ remittance: '2026-0101 2026-0102' }))).toMatchObject({
      kind: 'queue',
      code: 'several_debtors',
    });
    expect(matchLine(ctx, line({ remittance: 'factuur 2026-0103' }))).toMatchObject({
      kind: 'queue',
      code: 'invoice_settled',
      detail: '2026-0103',
    });
  });

  it('does not read dates, amounts or IBANs as invoice numbers', () => {
    const ctx = world([
      invoice({ number: '20260302', paymentReference: null }),
      invoice({ number: '1250', paymentReference: null }),
    ]);
    expect(
      matchLine(ctx, line({ remittance: 'betaald op 2026-03-02 EUR 1250,00 van NL44RABO0123456789' })),
    ).toMatchObject({
      kind: 'queue',
      code: 'no_match',
    });
  });
});

describe('rule 3: a learned IBAN and an exact amount', () => {
  const setUp = () => {
    const first = invoice({ owedCents: 12_100, dueDate: '2026-01-01', paymentReference: null });
    const second = invoice({ owedCents: 5_000, dueDate: '2026-01-15', paymentReference: null });
    const third = invoice({ owedCents: 7_500, dueDate: '2026-02-01', paymentReference: null });
    return { first, second, third, ctx: world([third, second, first], [{ iban: IBAN_A, debtorId: DEBTOR_A }]) };
  };

  it('settles one invoice, the oldest k, or all of them', () => {
    const { first, second, third, ctx } = setUp();
    const at = (amountCents: number) => matchLine(ctx, line({ amountCents, counterpartyIban: IBAN_A }));
    expect(at(7_500)).toMatchObject({ kind: 'match', rule: 'iban_amount', debtorId: DEBTOR_A, invoiceIds: [third.id] });
    expect(at(12_100)).toMatchObject({ invoiceIds: [first.id] });
    expect(at(17_100)).toMatchObject({ invoiceIds: [first.id, second.id] });
    expect(at(24_600)).toMatchObject({ invoiceIds: [first.id, second.id, third.id] });
  });

  it('queues an amount that fits nothing, a fit two ways, and an IBAN of two debtors', () => {
    const { ctx } = setUp();
    expect(matchLine(ctx, line({ amountCents: 9_999, counterpartyIban: IBAN_A }))).toMatchObject({
      kind: 'queue',
      code: 'amount_differs',
    });
    learnIban(ctx, IBAN_A, DEBTOR_B);
    expect(matchLine(ctx, line({ amountCents: 7_500, counterpartyIban: IBAN_A }))).toMatchObject({
      kind: 'queue',
      code: 'iban_several_debtors',
    });
  });

  it('picks the oldest of equal amounts (art. 6:43 BW) but never chooses between a set and another invoice', () => {
    const a = invoice({ owedCents: 3_000, dueDate: '2026-01-01' });
    const b = invoice({ owedCents: 2_000, dueDate: '2026-01-02' });
    const c = invoice({ owedCents: 5_000, dueDate: '2026-01-03' });
    const d = invoice({ owedCents: 5_000, dueDate: '2026-01-04' });
    expect(amountSets([a, b, c, d], 5_000)).toEqual({ kind: 'several' });
    expect(amountSets([c, d], 5_000)).toEqual({ kind: 'one', invoices: [c] });
    expect(amountSets([a, b], 4_000)).toEqual({ kind: 'none' });
  });

  it('never matches a line of an unknown account by amount alone', () => {
    const { ctx } = setUp();
    expect(matchLine(ctx, line({ amountCents: 7_500, counterpartyIban: 'NL36INGB0007654321' }))).toMatchObject({
      kind: 'queue',
      code: 'no_match',
    });
  });
});

describe('suggestions for the queue', () => {
  it('ranks what the line points at, the same name and the exact amount', () => {
    const own = invoice({ owedCents: 4_200, paymentReference: null, debtorId: DEBTOR_B });
    const sameAmount = invoice({ owedCents: 4_200, paymentReference: null });
    const ctx = world([own, sameAmount]);
    const suggestions = suggestFor(ctx, line({ amountCents: 4_200, counterpartyName: 'JANSEN EN ZONEN' }));
    expect(suggestions[0]).toMatchObject({ invoiceIds: [own.id], rule: 'name' });
    expect(suggestions.map((s) => s.invoiceIds)).toContainEqual([sameAmount.id]);
    expect(suggestions.length).toBeLessThanOrEqual(5);
  });

  it('leaves invoices that owe nothing out, and follows updates', () => {
    const target = invoice({ owedCents: 1_000 });
    const ctx = world([target]);
    expect(suggestFor(ctx, line({ amountCents: 1_000 }))).toHaveLength(1);
    updateInvoiceFact(ctx, target.id, { owedCents: 0, status: 'paid' });
    expect(suggestFor(ctx, line({ amountCents: 1_000 }))).toEqual([]);
  });
});

describe('notes', () => {
  it('tell the importer’s coded notes from a staff member’s words', () => {
    expect(readNote(systemNote('invoice_settled', '2026-0003'))).toEqual({
      code: 'invoice_settled',
      detail: '2026-0003',
      text: null,
    });
    expect(readNote(systemNote('no_match'))).toEqual({ code: 'no_match', detail: null, text: null });
    expect(readNote('[huur] van de buren')).toEqual({ code: null, detail: null, text: '[huur] van de buren' });
    expect(readNote(null)).toEqual({ code: null, detail: null, text: null });
  });
});

describe('the SQL forms of the normalisers', () => {
  it('agree with the TypeScript ones', async () => {
    const references = [
      '7000 2026 0000 0001',
      'rf18 5390 0754 7034',
      '+++312/4013/98067+++',
      '***312/4013/98067***',
      'KLANT-88123',
    ];
    const numbers = ['2026-0003', 'F2026/0142', 'inv 2026.0003', 'A-007_B', '0012'];
    for (const reference of references) {
      const [row] = await getDb().execute<{ v: string }>(
        sql`select ${sqlNormalisers.reference} as v from (select ${reference}::text as payment_reference) t`,
      );
      expect(row.v, reference).toBe(normaliseStructuredRef(reference));
    }
    for (const number of numbers) {
      const [row] = await getDb().execute<{ a: string; b: string }>(
        sql`select ${sqlNormalisers.number} as a, ${sqlNormalisers.numberWithoutZeros} as b from (select ${number}::text as number) t`,
      );
      const variants = invoiceNumberVariants(number);
      expect(row.a, number).toBe(variants[0]);
      expect(row.b, number).toBe(variants[1] ?? variants[0]);
    }
  });
});
