/**
 * Money on an invoice says what it was: a credit note is "Creditnota", a write-off "Afgeboekt",
 * a bank transfer "Overboeking", credit set off "Verrekend met tegoed", and only a payment is a
 * "Betaling". On the invoice page and in the money history alike.
 */
import { describe, expect, it } from 'vitest';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { getRequest, routeArgs } from '~test/http';
import { openPortal } from '~test/portal-session';
import { loader as historyLoader } from '~/routes/portal.history';
import { loader as invoiceLoader } from '~/routes/portal.invoices.$id';
import { getDb } from '~/utils/db.server';
import { translate, type MessageKey, type Params } from '~/utils/i18n';
import { moneyEntryText } from '~/ui/portal/money-entry-text';
import { recordLedgerEntry, type LedgerSource } from '~/modules/ledger/ledger.server';
import type { MoneyEntry } from './money-entries';

const t = (key: MessageKey, params?: Params) => translate('nl', key, params);
const text = (entry: MoneyEntry) => moneyEntryText(entry, t, 'nl').replace(/\u00a0/g, ' ');

async function book(
  org: { id: string },
  debtor: { id: string },
  source: LedgerSource,
  amountCents: number,
  invoiceId: string,
) {
  return getDb().transaction((tx) =>
    recordLedgerEntry(tx, {
      organizationId: org.id,
      debtorId: debtor.id,
      source,
      amountCents,
      targets: [{ invoiceId }],
      restAsCredit: false,
      key: `${source}-${invoiceId}`,
      actor: { type: 'system', id: 'test' },
    }),
  );
}

describe('money on an invoice, as the debtor reads it', () => {
  it('a credit note reads "Creditnota", a transfer "Overboeking", a write-off "Afgeboekt", credit "Verrekend met tegoed"', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org, { creditCents: 1_500 });
    const credited = await createInvoice(org, debtor, { totalCents: 10_000 });
    const mixed = await createInvoice(org, debtor, { totalCents: 20_000 });
    await book(org, debtor, 'credit_note', 10_000, credited.id);
    await book(org, debtor, 'bank_transfer', 12_000, mixed.id);
    await book(org, debtor, 'debtor_credit', 1_500, mixed.id);
    await book(org, debtor, 'write_off', 6_500, mixed.id);
    const { cookie } = await openPortal(debtor);

    const page = await invoiceLoader(
      routeArgs(getRequest(`/portal/invoices/${credited.id}`, { cookie }), { id: credited.id }),
    );
    const creditLines = page.history.flatMap((h) => (h.kind === 'money' ? [text(h.entry)] : []));
    expect(creditLines).toEqual(['Creditnota € 100,00']);

    const mixedPage = await invoiceLoader(
      routeArgs(getRequest(`/portal/invoices/${mixed.id}`, { cookie }), { id: mixed.id }),
    );
    expect(mixedPage.history.flatMap((h) => (h.kind === 'money' ? [text(h.entry)] : [])).sort()).toEqual([
      'Afgeboekt € 65,00',
      'Overboeking € 120,00 ontvangen',
      'Verrekend met tegoed € 15,00',
    ]);

    const history = await historyLoader(routeArgs(getRequest('/portal/history', { cookie })));
    const byNumber = new Map(history.invoices.map((i) => [i.number, i]));
    expect(byNumber.get(credited.number)).toMatchObject({ status: 'credited' });
    expect(byNumber.get(mixed.number)).toMatchObject({ status: 'written_off' });
    // Each entry says what it was: a credit note, a transfer, credit set off, a write-off; none is a "payment".
    const kinds = history.entries.map((e) => [e.kind, e.amountCents, e.invoices.map((i) => i.number)]);
    expect(kinds.sort()).toEqual(
      [
        ['credit_note', 10_000, [credited.number]],
        ['credit_used', 1_500, [mixed.number]],
        ['transfer', 12_000, [mixed.number]],
        ['write_off', 6_500, [mixed.number]],
      ].sort(),
    );
  });

  it('a provider payment is still "Betaling … (ontvangen)", a refund of it "Teruggeboekt"', () => {
    const paid: MoneyEntry = { kind: 'payment', at: '', amountCents: 4_200, provider: 'mollie', status: 'paid' };
    expect(text(paid)).toBe('Betaling € 42,00 (ontvangen)');
    expect(text({ ...paid, kind: 'reversal', status: 'refunded' })).toBe('Teruggeboekt € 42,00');
  });
});
