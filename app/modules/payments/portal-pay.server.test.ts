import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { invoices, organizations } from '~db/schema';
import { createDebtor, createInvoice } from '~test/factories';
import { debtorWithOverdue } from '~test/factories-payments';
import { getRequest, routeArgs, settle } from '~test/http';
import { openPortal } from '~test/portal-session';
import { loader as payLoader } from '~/routes/portal.pay._index';
import { loader as transferRoute } from '~/routes/portal.pay.transfer';
import { getDb } from '~/utils/db.server';
import { makeBetalingskenmerk, makeRfReference } from './payment-reference';
import { epcPayload } from './epc-qr';

/** The transfer page's loader data, with the status it answers with. */
async function transferLoader(args: Parameters<typeof transferRoute>[0]) {
  const answer = await transferRoute(args);
  return { ...answer.data, status: answer.init?.status ?? 200 };
}

describe('the pay page', () => {
  it('defaults to everything overdue, lists what is open, and offers online payment and bank transfer', async () => {
    const setup = await debtorWithOverdue([10_000, 2_500]);
    const notDue = await createInvoice(setup.org, setup.debtor, { totalCents: 4_000, dueDate: '2099-01-01' });
    await getDb().update(invoices).set({ costsCents: 4_000 }).where(eq(invoices.id, setup.invoices[0].id));
    const { cookie } = await openPortal(setup.debtor);
    const page = await payLoader(routeArgs(getRequest('/portal/pay', { cookie })));
    expect(page.mode).toBe('quick');
    expect(page.overdue).toEqual({ count: 2, cents: 16_500 });
    expect(page.all).toEqual({ count: 3, cents: 20_500 });
    expect(page.invoices.map((i) => i.id)).toContain(notDue.id);
    expect(page.online).toEqual({ provider: 'demo' });
    expect(page.bankTransfer).toBe(true);
    expect(page.minPartialCents).toBe(1_000);
  });

  it('opens one invoice for "Betaal deze factuur"; a foreign or paid invoice falls back to the plain page', async () => {
    const setup = await debtorWithOverdue([10_000]);
    const stranger = await createDebtor(setup.org);
    const theirs = await createInvoice(setup.org, stranger);
    const { cookie } = await openPortal(setup.debtor);
    const single = await payLoader(routeArgs(getRequest(`/portal/pay?invoice=${setup.invoices[0].id}`, { cookie })));
    expect(single).toMatchObject({ mode: 'single', single: { id: setup.invoices[0].id, owedCents: 10_000 } });
    for (const id of [theirs.id, 'x']) {
      const response = (await settle(() =>
        payLoader(routeArgs(getRequest(`/portal/pay?invoice=${id}`, { cookie }))),
      )) as Response;
      expect(response.status).toBe(302);
      expect(response.headers.get('Location')).toBe('/portal/pay');
    }
  });
});

describe('the bank-transfer page', () => {
  it('shows the IBAN in groups, the beneficiary, the amount, the reference and an EPC QR code per invoice', async () => {
    const setup = await debtorWithOverdue([12_100, 3_000]);
    const kenmerk = makeBetalingskenmerk('202600042');
    const rf = makeRfReference('VK20260043');
    await getDb().update(invoices).set({ paymentReference: kenmerk }).where(eq(invoices.id, setup.invoices[0].id));
    await getDb().update(invoices).set({ paymentReference: rf }).where(eq(invoices.id, setup.invoices[1].id));
    const { cookie } = await openPortal(setup.debtor);
    const query = setup.invoices.map((i) => `invoice=${i.id}`).join('&');
    const { details } = await transferLoader(routeArgs(getRequest(`/portal/pay/transfer?${query}`, { cookie })));
    expect(details).toMatchObject({
      iban: 'NL91ABNA0417164300',
      ibanDisplay: 'NL91 ABNA 0417 1643 00',
      beneficiary: setup.org.legalName,
      bic: 'ABNANL2A',
    });
    const [first, second] = details!.transfers;
    expect(first).toMatchObject({ amountCents: 12_100, reference: kenmerk, structured: true });
    expect(second).toMatchObject({ amountCents: 3_000, reference: rf });
    for (const transfer of [first, second]) {
      expect(transfer.qrSvg.startsWith('<svg')).toBe(true);
      expect(transfer.qrSvg).not.toMatch(/<script|on\w+=/i);
    }
    // The payloads behind the codes: a betalingskenmerk as remittance text, an RF reference as structured reference.
    expect(
      epcPayload({
        bic: 'ABNANL2A',
        name: setup.org.legalName,
        iban: 'NL91ABNA0417164300',
        amountCents: 12_100,
        text: kenmerk,
      }),
    ).toContain(`\n\n\n${kenmerk}`);
  });

  it('pays part of one invoice when asked, by the checkout’s rule, and only the debtor’s own invoices', async () => {
    const setup = await debtorWithOverdue([5_000]);
    const stranger = await createDebtor(setup.org);
    const theirs = await createInvoice(setup.org, stranger);
    const { cookie } = await openPortal(setup.debtor);
    const transfer = (query: string) =>
      transferLoader(routeArgs(getRequest(`/portal/pay/transfer?invoice=${setup.invoices[0].id}${query}`, { cookie })));
    const part = await transfer('&amount=2000');
    expect(part.details!.transfers).toEqual([expect.objectContaining({ amountCents: 2_000 })]);
    expect(part.details!.refusal).toBeNull();
    expect(part.status).toBe(200);
    // The minimum itself, and the whole amount, are fine.
    expect((await transfer('&amount=1000')).details!.transfers[0].amountCents).toBe(1_000);
    expect((await transfer('&amount=5000')).details!.transfers[0].amountCents).toBe(5_000);
    const foreign = await transferLoader(
      routeArgs(getRequest(`/portal/pay/transfer?invoice=${theirs.id}`, { cookie })),
    );
    expect(foreign.details!.transfers).toEqual([]);
  });

  it('refuses an amount below the creditor’s minimum, above what is owed, or not a number: no QR code, the reason and the bounds', async () => {
    const setup = await debtorWithOverdue([5_000]);
    const { cookie } = await openPortal(setup.debtor);
    const invoiceId = setup.invoices[0].id;
    const transfer = (amount: string) =>
      transferLoader(
        routeArgs(
          getRequest(`/portal/pay/transfer?invoice=${invoiceId}&amount=${encodeURIComponent(amount)}`, { cookie }),
        ),
      );
    const cases: [string, string][] = [
      ['1', 'amount_below_minimum'],
      ['999', 'amount_below_minimum'],
      ['0', 'amount_below_minimum'],
      ['5001', 'amount_above_open'],
      ['999999999999', 'amount_above_open'],
      ['-5', 'amount_invalid'],
      ['1e9', 'amount_invalid'],
      ['abc', 'amount_invalid'],
      ['12.50', 'amount_invalid'],
      ['1000\r\n', 'amount_invalid'],
      ['', 'amount_invalid'],
      ['9'.repeat(400), 'amount_invalid'],
    ];
    for (const [amount, error] of cases) {
      const { details, status } = await transfer(amount);
      expect({ amount, status, transfers: details!.transfers, refusal: details!.refusal }).toEqual({
        amount,
        status: 400,
        transfers: [],
        refusal: { error, invoiceId, minCents: 1_000, maxCents: 5_000 },
      });
    }
    // The creditor's own minimum decides, not a constant.
    await getDb()
      .update(organizations)
      .set({ portalSettings: { ...setup.org.portalSettings, minPartialPaymentCents: 2_500 } })
      .where(eq(organizations.id, setup.org.id));
    const { cookie: again } = await openPortal(setup.debtor);
    const below = await transferLoader(
      routeArgs(getRequest(`/portal/pay/transfer?invoice=${invoiceId}&amount=2000`, { cookie: again })),
    );
    expect(below.details!.refusal).toMatchObject({ error: 'amount_below_minimum', minCents: 2_500 });
    // An amount for several invoices at once means nothing: refused, not applied to one of them.
    const two = await debtorWithOverdue([3_000, 4_000]);
    const { cookie: theirCookie } = await openPortal(two.debtor);
    const both = await transferLoader(
      routeArgs(
        getRequest(`/portal/pay/transfer?${two.invoices.map((i) => `invoice=${i.id}`).join('&')}&amount=3000`, {
          cookie: theirCookie,
        }),
      ),
    );
    expect(both.details).toMatchObject({ transfers: [], refusal: { error: 'amount_invalid', invoiceId: null } });
  });

  it('says so when the creditor has no valid IBAN', async () => {
    const setup = await debtorWithOverdue([5_000]);
    await getDb().update(organizations).set({ iban: 'NL00BANK0000000000' }).where(eq(organizations.id, setup.org.id));
    const { cookie } = await openPortal(setup.debtor);
    const page = await transferLoader(routeArgs(getRequest('/portal/pay/transfer', { cookie })));
    expect(page.details).toBeNull();
    const pay = await payLoader(routeArgs(getRequest('/portal/pay', { cookie })));
    expect(pay.bankTransfer).toBe(false);
  });
});
