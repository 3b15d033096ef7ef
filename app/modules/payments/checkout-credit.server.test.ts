/**
 * Debtor credit at checkout: it is offered on the pay page and spent first, through the ledger
 * (source debtor_credit), in the same transaction that opens the provider checkout for the rest.
 */
import { and, eq } from 'drizzle-orm';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { debtors, invoices, paymentAllocations, payments } from '~db/schema';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { withProvider } from '~test/factories-payments';
import { formRequest, getRequest, routeArgs, settle } from '~test/http';
import { stripeMock } from '~test/msw/stripe';
import { openPortal } from '~test/portal-session';
import { loader as payLoader, action as payAction } from '~/routes/portal.pay._index';
import { loader as returnLoader } from '~/routes/portal.pay.return';
import { amsterdamDate, addDays, systemClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { activePauses } from '~/modules/dunning/pauses.server';
import { getDebtorSession } from '~/modules/links/session.server';
import { startCheckout } from './checkout.server';

const stripe = stripeMock();
const server = setupServer(...stripe.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  stripe.calls.length = 0;
});
afterAll(() => server.close());

const db = () => getDb();
const today = amsterdamDate(systemClock.now());

/** A debtor with credit and overdue invoices (principal, costs, interest), paying through Stripe. */
async function withCredit(
  creditCents: number,
  owed: { openCents: number; costsCents?: number; interestCents?: number }[],
) {
  const org = await withProvider(await createOrganization(), 'stripe');
  const debtor = await createDebtor(org, { creditCents });
  const rows = [];
  for (const [n, o] of owed.entries()) {
    rows.push(
      await createInvoice(org, debtor, {
        totalCents: o.openCents,
        openCents: o.openCents,
        costsCents: o.costsCents ?? 0,
        interestCents: o.interestCents ?? 0,
        dueDate: addDays(today, -40 + n),
        dunningStage: 1,
      }),
    );
  }
  const { cookie } = await openPortal(debtor);
  return { org, debtor, invoices: rows, cookie };
}

async function post(cookie: string, fields: Record<string, string | string[]>) {
  const result = await settle(() => payAction(routeArgs(formRequest('/portal/pay', fields, { cookie }))));
  if (result instanceof Response) return { status: result.status, location: result.headers.get('Location') };
  const d = result as { data: unknown; init: { status: number } };
  return { status: d.init?.status ?? 200, location: null, data: d.data };
}

async function creditOf(debtorId: string) {
  const [row] = await db().select({ creditCents: debtors.creditCents }).from(debtors).where(eq(debtors.id, debtorId));
  return row.creditCents;
}

async function paymentsOf(debtorId: string) {
  return db().select().from(payments).where(eq(payments.debtorId, debtorId));
}

async function allocationsOf(paymentId: string) {
  return db()
    .select({
      invoiceId: paymentAllocations.invoiceId,
      amountCents: paymentAllocations.amountCents,
      costsCents: paymentAllocations.costsCents,
      interestCents: paymentAllocations.interestCents,
    })
    .from(paymentAllocations)
    .where(eq(paymentAllocations.paymentId, paymentId));
}

describe('debtor credit at the next checkout', () => {
  it('the pay page says how much credit there is and that it is set off first', async () => {
    const d = await withCredit(2_500, [{ openCents: 10_000 }]);
    const page = await payLoader(routeArgs(getRequest('/portal/pay', { cookie: d.cookie })));
    expect(page.creditCents).toBe(2_500);
  });

  it('credit that covers everything: no provider checkout, the invoice is paid, costs and interest first, the rest stays credit', async () => {
    const d = await withCredit(20_000, [{ openCents: 10_000, costsCents: 1_500, interestCents: 600 }]);
    const result = await post(d.cookie, { scope: 'overdue', method: 'ideal' });
    expect(result.status).toBe(302);
    expect(result.location).toMatch(/^\/portal\/pay\/return\?payment=/);
    expect(stripe.calls).toHaveLength(0);
    const [credit] = await paymentsOf(d.debtor.id);
    expect(credit).toMatchObject({ provider: 'debtor_credit', status: 'paid', amountCents: 12_100 });
    expect(result.location).toBe(`/portal/pay/return?payment=${credit.id}`);
    expect(await allocationsOf(credit.id)).toEqual([
      { invoiceId: d.invoices[0].id, amountCents: 12_100, costsCents: 1_500, interestCents: 600 },
    ]);
    const [invoice] = await db().select().from(invoices).where(eq(invoices.id, d.invoices[0].id));
    expect(invoice).toMatchObject({
      status: 'paid',
      openCents: 0,
      costsCents: 0,
      interestCents: 0,
      nextActionAt: null,
    });
    expect(await creditOf(d.debtor.id)).toBe(7_900);
    expect((await activePauses(db(), [invoice.id])).size).toBe(0);

    // The return page says it was paid with the credit.
    const page = await returnLoader(routeArgs(getRequest(result.location!, { cookie: d.cookie })));
    expect(page.outcome).toMatchObject({
      status: 'paid',
      provider: 'debtor_credit',
      creditUsedCents: 12_100,
      remainingCents: 0,
    });

    // The same request again (a double click): the same result, nothing spent twice.
    const again = await post(d.cookie, { scope: 'overdue', method: 'ideal' });
    expect(again.location).toBe(result.location);
    expect(await paymentsOf(d.debtor.id)).toHaveLength(1);
    expect(await creditOf(d.debtor.id)).toBe(7_900);
  });

  it('credit that covers part: it goes to costs, interest and principal of the first invoice; the provider checkout is for the rest', async () => {
    const d = await withCredit(2_000, [
      { openCents: 5_000, costsCents: 1_200, interestCents: 300 },
      { openCents: 4_000 },
    ]);
    const result = await post(d.cookie, { scope: 'overdue', method: 'ideal' });
    expect(result.status).toBe(302);
    expect(result.location).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    const all = await paymentsOf(d.debtor.id);
    const credit = all.find((p) => p.provider === 'debtor_credit')!;
    const online = all.find((p) => p.provider === 'stripe')!;
    expect(credit).toMatchObject({ status: 'paid', amountCents: 2_000 });
    // 6:44 BW for the credit too: costs 12.00, interest 3.00, then 5.00 of the principal.
    expect(await allocationsOf(credit.id)).toEqual([
      { invoiceId: d.invoices[0].id, amountCents: 2_000, costsCents: 1_200, interestCents: 300 },
    ]);
    expect(online).toMatchObject({ status: 'open', amountCents: 8_500 });
    expect(online.intent).toEqual([
      { invoiceId: d.invoices[0].id, amountCents: 4_500 },
      { invoiceId: d.invoices[1].id, amountCents: 4_000 },
    ]);
    expect(stripe.calls).toHaveLength(1);
    expect(stripe.calls[0].body.line_items).toEqual([
      expect.objectContaining({ price_data: expect.objectContaining({ unit_amount: '4500' }) }),
      expect.objectContaining({ price_data: expect.objectContaining({ unit_amount: '4000' }) }),
    ]);
    expect(await creditOf(d.debtor.id)).toBe(0);
    const [first] = await db().select().from(invoices).where(eq(invoices.id, d.invoices[0].id));
    expect(first).toMatchObject({ status: 'open', openCents: 4_500, costsCents: 0, interestCents: 0 });
    // Both invoices wait for the online payment.
    const pauses = await activePauses(
      db(),
      d.invoices.map((i) => i.id),
    );
    expect([...pauses.values()]).toEqual([['payment_pending'], ['payment_pending']]);
  });

  it('a part payment of one invoice: the credit counts towards the amount typed', async () => {
    const d = await withCredit(1_500, [{ openCents: 50_000, costsCents: 1_000 }]);
    const result = await post(d.cookie, {
      scope: 'single',
      invoice: d.invoices[0].id,
      amountMode: 'part',
      amount: '100,00',
      method: 'creditcard',
    });
    expect(result.status).toBe(302);
    const online = (await paymentsOf(d.debtor.id)).find((p) => p.provider === 'stripe')!;
    expect(online.amountCents).toBe(8_500);
    const credit = (await paymentsOf(d.debtor.id)).find((p) => p.provider === 'debtor_credit')!;
    expect(await allocationsOf(credit.id)).toEqual([
      { invoiceId: d.invoices[0].id, amountCents: 1_500, costsCents: 1_000, interestCents: 0 },
    ]);
  });

  it('concurrent checkouts of different invoices never spend the same credit twice', async () => {
    const d = await withCredit(3_000, [{ openCents: 6_000 }, { openCents: 7_000 }, { openCents: 8_000 }]);
    const session = (await getDebtorSession(formRequest('/portal/pay', {}, { cookie: d.cookie })))!;
    const results = await Promise.all(
      d.invoices.map((invoice) =>
        startCheckout(session, { selection: { kind: 'single', invoiceId: invoice.id }, method: 'ideal' }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const all = await paymentsOf(d.debtor.id);
    const credits = all.filter((p) => p.provider === 'debtor_credit');
    expect(credits.reduce((s, p) => s + p.amountCents, 0)).toBe(3_000);
    expect(credits).toHaveLength(1);
    expect(await creditOf(d.debtor.id)).toBe(0);
    const online = all.filter((p) => p.provider === 'stripe');
    expect(online.reduce((s, p) => s + p.amountCents, 0)).toBe(6_000 + 7_000 + 8_000 - 3_000);
  });

  it('a double click with credit spends it once and opens one checkout', async () => {
    const d = await withCredit(1_000, [{ openCents: 6_000 }]);
    const [a, b] = await Promise.all([
      post(d.cookie, { scope: 'overdue', method: 'ideal' }),
      post(d.cookie, { scope: 'overdue', method: 'ideal' }),
    ]);
    expect(a.status).toBe(302);
    expect(b.location).toBe(a.location);
    const all = await paymentsOf(d.debtor.id);
    expect(all.map((p) => `${p.provider}:${p.amountCents}`).sort()).toEqual(['debtor_credit:1000', 'stripe:5000']);
    expect(stripe.calls).toHaveLength(1);
  });

  it('the provider is down: the credit stays applied (it is the debtor’s own money), the rest stays open and unpaused', async () => {
    const d = await withCredit(1_000, [{ openCents: 6_000 }]);
    stripe.control.fail = 'error';
    try {
      const result = await post(d.cookie, { scope: 'overdue', method: 'ideal' });
      expect(result.status).toBe(503);
    } finally {
      stripe.control.fail = null;
    }
    const all = await paymentsOf(d.debtor.id);
    expect(all.map((p) => `${p.provider}:${p.status}`).sort()).toEqual(['debtor_credit:paid', 'stripe:failed']);
    const [invoice] = await db()
      .select()
      .from(invoices)
      .where(and(eq(invoices.id, d.invoices[0].id), eq(invoices.status, 'open')));
    expect(invoice.openCents).toBe(5_000);
    expect((await activePauses(db(), [invoice.id])).size).toBe(0);
    // Trying again: a checkout for the 50.00 left, no credit left to spend.
    const retry = await post(d.cookie, { scope: 'overdue', method: 'ideal' });
    expect(retry.status).toBe(302);
    expect((await paymentsOf(d.debtor.id)).find((p) => p.status === 'open')).toMatchObject({ amountCents: 5_000 });
  });

  it('bank transfer: the credit is set off first and the transfer page asks for the rest', async () => {
    const d = await withCredit(2_500, [{ openCents: 6_000, costsCents: 500 }, { openCents: 3_000 }]);
    const result = await post(d.cookie, { scope: 'overdue', method: 'banktransfer' });
    expect(result.status).toBe(302);
    const url = new URL(result.location!, 'http://voldaan.test');
    expect(url.pathname).toBe('/portal/pay/transfer');
    expect(url.searchParams.getAll('invoice')).toEqual(d.invoices.map((i) => i.id));
    const [credit] = await paymentsOf(d.debtor.id);
    expect(await allocationsOf(credit.id)).toEqual([
      { invoiceId: d.invoices[0].id, amountCents: 2_500, costsCents: 500, interestCents: 0 },
    ]);
    expect(await creditOf(d.debtor.id)).toBe(0);
    const [first] = await db().select().from(invoices).where(eq(invoices.id, d.invoices[0].id));
    expect(first).toMatchObject({ openCents: 4_000, costsCents: 0 });
  });

  it('bank transfer of part of one invoice: the part left after the credit; all of it covered: the return page', async () => {
    const d = await withCredit(2_000, [{ openCents: 50_000 }, { openCents: 1_500 }]);
    const part = await post(d.cookie, {
      scope: 'single',
      invoice: d.invoices[0].id,
      amount: '100,00',
      method: 'banktransfer',
    });
    const url = new URL(part.location!, 'http://voldaan.test');
    expect(url.searchParams.get('amount')).toBe('8000');
    await db().update(debtors).set({ creditCents: 5_000 }).where(eq(debtors.id, d.debtor.id));
    const all = await post(d.cookie, { scope: 'single', invoice: d.invoices[1].id, method: 'banktransfer' });
    expect(all.location).toMatch(/^\/portal\/pay\/return\?payment=/);
    expect(await creditOf(d.debtor.id)).toBe(3_500);
  });
});
