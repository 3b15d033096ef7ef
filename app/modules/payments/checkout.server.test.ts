import { eq, inArray } from 'drizzle-orm';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dunningPauses, invoices, paymentAllocations, payments } from '~db/schema';
import { createDebtor, createInvoice } from '~test/factories';
import { debtorWithOverdue, MOLLIE_TEST_KEY, STRIPE_TEST_KEY, withProvider } from '~test/factories-payments';
import { formRequest, routeArgs, settle } from '~test/http';
import { mollieMock } from '~test/msw/mollie';
import { stripeMock } from '~test/msw/stripe';
import { openPortal } from '~test/portal-session';
import { action as payAction } from '~/routes/portal.pay._index';
import { getDb } from '~/utils/db.server';
import { activePauses } from '~/modules/dunning/pauses.server';
import { getDebtorSession } from '~/modules/links/session.server';
import { startCheckout } from './checkout.server';
import { getPaymentOutcome } from '~/modules/portal/pay.server';

const stripe = stripeMock();
const mollie = mollieMock();
const server = setupServer(...stripe.handlers, ...mollie.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  stripe.control.fail = null;
  mollie.control.fail = null;
  stripe.calls.length = 0;
  mollie.calls.length = 0;
});
afterAll(() => server.close());

const db = () => getDb();

async function post(cookie: string, fields: Record<string, string | string[]>) {
  return (await settle(() => payAction(routeArgs(formRequest('/portal/pay', fields, { cookie }))))) as
    Response | { data: unknown; init: ResponseInit };
}

/** A redirect the action threw, or the data() it returned. */
function outcome(result: unknown) {
  if (result instanceof Response)
    return { status: result.status, location: result.headers.get('Location'), data: null };
  const d = result as { data: { errors: Record<string, string> }; init: { status: number } };
  return { status: d.init?.status ?? 200, location: null, data: d.data };
}

async function paymentsOf(debtorId: string) {
  return db().select().from(payments).where(eq(payments.debtorId, debtorId));
}

describe('starting a checkout with Stripe', () => {
  it('creates one Checkout Session line per invoice, with metadata, expiry and an idempotency key, and pauses dunning', async () => {
    const setup = await debtorWithOverdue([12_100, 4_950]);
    const org = await withProvider(setup.org, 'stripe');
    const { cookie } = await openPortal(setup.debtor);
    const result = outcome(await post(cookie, { scope: 'overdue', method: 'ideal' }));
    expect(result.status).toBe(302);
    expect(result.location).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);

    const [payment] = await paymentsOf(setup.debtor.id);
    expect(payment).toMatchObject({
      provider: 'stripe',
      status: 'open',
      amountCents: 17_050,
      method: 'ideal',
      checkoutUrl: result.location,
    });
    expect(payment.intent).toEqual(setup.invoices.map((i) => ({ invoiceId: i.id, amountCents: i.openCents })));
    expect(payment.providerPaymentId).toMatch(/^cs_test_/);

    expect(stripe.calls).toHaveLength(1);
    const { body, idempotencyKey, authorization } = stripe.calls[0];
    expect(authorization).toBe(`Bearer ${STRIPE_TEST_KEY}`);
    expect(idempotencyKey).toBe(`voldaan-${payment.id}`);
    expect(body).toMatchObject({
      mode: 'payment',
      currency: 'eur',
      allowed_payment_method_types: ['card', 'ideal'],
      client_reference_id: payment.id,
      metadata: { paymentId: payment.id, organizationId: org.id, debtorId: setup.debtor.id },
      payment_intent_data: { metadata: { paymentId: payment.id, organizationId: org.id, debtorId: setup.debtor.id } },
      locale: 'nl',
      customer_email: setup.debtor.email,
      cancel_url: `http://voldaan.test/portal/pay/return?payment=${payment.id}`,
    });
    expect(body.success_url).toBe(
      `http://voldaan.test/portal/pay/return?payment=${payment.id}&session_id={CHECKOUT_SESSION_ID}`,
    );
    expect(body.line_items).toEqual(
      setup.invoices.map((i) => ({
        quantity: '1',
        price_data: {
          currency: 'eur',
          unit_amount: String(i.openCents),
          product_data: { name: `Factuur ${i.number}` },
        },
      })),
    );
    // Thirty minutes from the moment the checkout was started (the payment's creation), in whole seconds.
    const expiresAt = Number(body.expires_at) * 1000;
    expect(expiresAt).toBeGreaterThan(payment.createdAt.getTime() + 30 * 60_000 - 1_000);
    expect(expiresAt).toBeLessThanOrEqual(payment.createdAt.getTime() + 30 * 60_000 + 1_000);

    const pauses = await db().select().from(dunningPauses).where(eq(dunningPauses.sourceId, payment.id));
    expect(pauses).toHaveLength(2);
    for (const pause of pauses) {
      expect(pause.reason).toBe('payment_pending');
      expect(pause.until!.getTime()).toBe(payment.expiresAt!.getTime() + 15 * 60_000);
    }
    const rows = await db()
      .select()
      .from(invoices)
      .where(
        inArray(
          invoices.id,
          setup.invoices.map((i) => i.id),
        ),
      );
    expect(rows.every((r) => r.status === 'open' && r.openCents > 0)).toBe(true);
  });

  it('a double click opens one payment and one session, and both clicks go to it', async () => {
    const setup = await debtorWithOverdue([8_000]);
    await withProvider(setup.org, 'stripe');
    const { cookie } = await openPortal(setup.debtor);
    const [first, second] = (
      await Promise.all([
        post(cookie, { scope: 'overdue', method: 'ideal' }),
        post(cookie, { scope: 'overdue', method: 'ideal' }),
      ])
    ).map(outcome);
    expect(first.status).toBe(302);
    expect(second.location).toBe(first.location);
    expect(await paymentsOf(setup.debtor.id)).toHaveLength(1);
    expect(stripe.calls).toHaveLength(1);
  });

  it('provider down: a clear message, the payment failed, nothing paused, nothing paid; trying again later works', async () => {
    const setup = await debtorWithOverdue([6_600]);
    await withProvider(setup.org, 'stripe');
    const { cookie } = await openPortal(setup.debtor);
    stripe.control.fail = 'error';
    const failed = outcome(await post(cookie, { scope: 'overdue', method: 'creditcard' }));
    expect(failed.status).toBe(503);
    expect(failed.data).toMatchObject({ errors: { form: 'provider_unavailable' } });
    const [payment] = await paymentsOf(setup.debtor.id);
    expect(payment).toMatchObject({ status: 'failed' });
    expect(payment.failureReason).toMatch(/stripe/);
    expect((await activePauses(db(), [setup.invoices[0].id])).size).toBe(0);
    expect(
      await db().select().from(paymentAllocations).where(eq(paymentAllocations.paymentId, payment.id)),
    ).toHaveLength(0);
    const [invoice] = await db().select().from(invoices).where(eq(invoices.id, setup.invoices[0].id));
    expect(invoice).toMatchObject({ status: 'open', openCents: 6_600 });

    stripe.control.fail = null;
    const retried = outcome(await post(cookie, { scope: 'overdue', method: 'creditcard' }));
    expect(retried.status).toBe(302);
    const all = await paymentsOf(setup.debtor.id);
    expect(all.map((p) => p.status).sort()).toEqual(['failed', 'open']);
  });

  it('a provider that does not answer in time is treated the same way', async () => {
    const setup = await debtorWithOverdue([2_500]);
    await withProvider(setup.org, 'stripe');
    const { cookie } = await openPortal(setup.debtor);
    const session = (await getDebtorSession(formRequest('/portal/pay', {}, { cookie })))!;
    stripe.control.fail = 'hang';
    const started = performance.now();
    const result = await startCheckout(
      session,
      { selection: { kind: 'overdue' }, method: 'ideal' },
      { timeoutMs: 300 },
    );
    expect(result).toMatchObject({ ok: false, error: 'provider_unavailable' });
    expect(performance.now() - started).toBeLessThan(5_000);
    const [payment] = await paymentsOf(setup.debtor.id);
    expect(payment.status).toBe('failed');
    expect((await activePauses(db(), [setup.invoices[0].id])).size).toBe(0);
  });
});

describe('starting a checkout with Mollie', () => {
  it('creates the payment with the amount as a decimal string, both methods, locale, URLs and an idempotency key', async () => {
    const setup = await debtorWithOverdue([12_345, 100]);
    await withProvider(setup.org, 'mollie');
    const { cookie } = await openPortal(setup.debtor);
    const result = outcome(await post(cookie, { scope: 'overdue', method: 'ideal' }));
    expect(result.status).toBe(302);
    expect(result.location).toMatch(/^https:\/\/www\.mollie\.com\/checkout\/select-method\//);
    const [payment] = await paymentsOf(setup.debtor.id);
    expect(payment.providerPaymentId).toMatch(/^tr_/);
    const { body, idempotencyKey, authorization } = mollie.calls[0];
    expect(authorization).toBe(`Bearer ${MOLLIE_TEST_KEY}`);
    expect(idempotencyKey).toBe(`voldaan-${payment.id}`);
    expect(body).toMatchObject({
      amount: { currency: 'EUR', value: '124.45' },
      method: ['ideal', 'creditcard'],
      locale: 'nl_NL',
      redirectUrl: `http://voldaan.test/portal/pay/return?payment=${payment.id}`,
      webhookUrl: `http://voldaan.test/webhooks/mollie?payment=${payment.id}`,
      metadata: { paymentId: payment.id },
    });
    expect(String(body.description)).toContain(setup.invoices[0].number);
    // Mollie's own expiry (15 minutes for this mock) shortens the pause.
    const [pause] = await db().select().from(dunningPauses).where(eq(dunningPauses.sourceId, payment.id));
    expect(pause.until!.getTime()).toBe(payment.expiresAt!.getTime() + 15 * 60_000);
    expect(payment.expiresAt!.getTime()).toBeLessThan(payment.createdAt.getTime() + 16 * 60_000);
  });

  it('a network failure at Mollie leaves nothing paused and nothing paid', async () => {
    const setup = await debtorWithOverdue([3_000]);
    await withProvider(setup.org, 'mollie');
    const { cookie } = await openPortal(setup.debtor);
    mollie.control.fail = 'network';
    const result = outcome(await post(cookie, { scope: 'overdue', method: 'ideal' }));
    expect(result.status).toBe(503);
    const [payment] = await paymentsOf(setup.debtor.id);
    expect(payment.status).toBe('failed');
    expect((await activePauses(db(), [setup.invoices[0].id])).size).toBe(0);
  });
});

describe('what is charged comes from the database', () => {
  it('a part payment of one invoice: at least the minimum, never more than open', async () => {
    const setup = await debtorWithOverdue([20_000]);
    await withProvider(setup.org, 'stripe');
    const { cookie } = await openPortal(setup.debtor);
    const [invoice] = setup.invoices;
    const low = outcome(
      await post(cookie, { scope: 'single', invoice: invoice.id, amountMode: 'part', amount: '5,00', method: 'ideal' }),
    );
    expect(low).toMatchObject({ status: 400, data: { errors: { amount: 'amount_below_minimum' } } });
    const high = outcome(
      await post(cookie, {
        scope: 'single',
        invoice: invoice.id,
        amountMode: 'part',
        amount: '200,01',
        method: 'ideal',
      }),
    );
    expect(high).toMatchObject({ status: 400, data: { errors: { amount: 'amount_above_open' } } });
    const junk = outcome(
      await post(cookie, {
        scope: 'single',
        invoice: invoice.id,
        amountMode: 'part',
        amount: '1.234',
        method: 'ideal',
      }),
    );
    expect(junk).toMatchObject({ status: 400, data: { errors: { amount: 'amount_invalid' } } });
    expect(await paymentsOf(setup.debtor.id)).toHaveLength(0);

    const ok = outcome(
      await post(cookie, {
        scope: 'single',
        invoice: invoice.id,
        amountMode: 'part',
        amount: '75,50',
        method: 'ideal',
      }),
    );
    expect(ok.status).toBe(302);
    const [payment] = await paymentsOf(setup.debtor.id);
    expect(payment.intent).toEqual([{ invoiceId: invoice.id, amountCents: 7_550 }]);
    expect(stripe.calls[0].body.line_items).toEqual([
      {
        quantity: '1',
        price_data: {
          currency: 'eur',
          unit_amount: '7550',
          product_data: { name: `Factuur ${invoice.number} (deelbetaling)` },
        },
      },
    ]);
  });

  it('one invoice, "Het hele bedrag" marked but 50 typed (no JavaScript): 50 is charged, not the whole amount', async () => {
    const setup = await debtorWithOverdue([163_273]);
    await withProvider(setup.org, 'stripe');
    const { cookie } = await openPortal(setup.debtor);
    const [invoice] = setup.invoices;
    const typed: Record<string, string>[] = [{ amountMode: 'full', amount: '50' }, { amount: '60,00' }];
    for (const [n, fields] of typed.entries()) {
      const result = outcome(await post(cookie, { scope: 'single', invoice: invoice.id, method: 'ideal', ...fields }));
      expect(result.status).toBe(302);
      expect(stripe.calls[n].body.line_items).toEqual([
        expect.objectContaining({ price_data: expect.objectContaining({ unit_amount: ['5000', '6000'][n] }) }),
      ]);
    }
    const all = await paymentsOf(setup.debtor.id);
    expect(all.map((p) => p.amountCents).sort((a, b) => a - b)).toEqual([5_000, 6_000]);
    // Empty field with "full" marked: the whole amount.
    const whole = outcome(
      await post(cookie, { scope: 'single', invoice: invoice.id, method: 'ideal', amountMode: 'full', amount: '' }),
    );
    expect(whole.status).toBe(302);
    expect((await paymentsOf(setup.debtor.id)).map((p) => p.amountCents).sort((a, b) => a - b)).toEqual([
      5_000, 6_000, 163_273,
    ]);
    // A typed amount goes through the same bounds whichever choice is marked.
    const low = outcome(
      await post(cookie, { scope: 'single', invoice: invoice.id, method: 'ideal', amountMode: 'full', amount: '5' }),
    );
    expect(low).toMatchObject({ status: 400, data: { errors: { amount: 'amount_below_minimum' } } });
    const transfer = outcome(
      await post(cookie, {
        scope: 'single',
        invoice: invoice.id,
        method: 'banktransfer',
        amountMode: 'full',
        amount: '50',
      }),
    );
    expect(new URL(transfer.location!, 'http://voldaan.test').searchParams.get('amount')).toBe('5000');
  });

  it('ignores any amount or status the client sends along with a selection', async () => {
    const setup = await debtorWithOverdue([9_000, 1_000]);
    await withProvider(setup.org, 'stripe');
    const { cookie } = await openPortal(setup.debtor);
    const result = outcome(
      await post(cookie, {
        scope: 'invoices',
        invoice: setup.invoices.map((i) => i.id),
        method: 'ideal',
        amount: '1,00',
        amountCents: '1',
        status: 'paid',
      }),
    );
    expect(result.status).toBe(302);
    const [payment] = await paymentsOf(setup.debtor.id);
    expect(payment).toMatchObject({ amountCents: 10_000, status: 'open' });
  });

  it("debtor A cannot pay debtor B's invoice: refused, nothing stored, nothing paused", async () => {
    const a = await debtorWithOverdue([5_000]);
    await withProvider(a.org, 'stripe');
    const b = await createDebtor(a.org);
    const theirs = await createInvoice(a.org, b, { totalCents: 7_000, dueDate: '2026-09-01' });
    const { cookie } = await openPortal(a.debtor);
    for (const fields of [
      { scope: 'invoices', invoice: [theirs.id], method: 'ideal' },
      { scope: 'invoices', invoice: [a.invoices[0].id, theirs.id], method: 'ideal' },
      { scope: 'single', invoice: theirs.id, method: 'creditcard' },
      { scope: 'single', invoice: 'not-a-uuid', method: 'creditcard' },
    ]) {
      const result = outcome(await post(cookie, fields));
      expect(result.status).toBe(400);
      expect(result.data).toMatchObject({
        errors: { invoice: expect.stringMatching(/invoice_not_found|nothing_due/) },
      });
    }
    expect(await paymentsOf(a.debtor.id)).toHaveLength(0);
    expect(await paymentsOf(b.id)).toHaveLength(0);
    expect((await activePauses(db(), [theirs.id])).size).toBe(0);
    expect(stripe.calls).toHaveLength(0);
  });

  it('bank transfer opens no payment: it goes to the transfer page for the chosen invoices', async () => {
    const setup = await debtorWithOverdue([4_000, 2_000]);
    await withProvider(setup.org, 'stripe');
    const { cookie } = await openPortal(setup.debtor);
    const result = outcome(await post(cookie, { scope: 'overdue', method: 'banktransfer' }));
    expect(result.status).toBe(302);
    const url = new URL(result.location!, 'http://voldaan.test');
    expect(url.pathname).toBe('/portal/pay/transfer');
    expect(url.searchParams.getAll('invoice').sort()).toEqual(setup.invoices.map((i) => i.id).sort());
    expect(await paymentsOf(setup.debtor.id)).toHaveLength(0);
    expect(stripe.calls).toHaveLength(0);
  });

  it('bank transfer of a part: the same minimum and maximum as online, refused on the form', async () => {
    const setup = await debtorWithOverdue([20_000]);
    const { cookie } = await openPortal(setup.debtor);
    const invoice = setup.invoices[0].id;
    const part = (amount: string) =>
      post(cookie, { scope: 'single', invoice, amountMode: 'part', amount, method: 'banktransfer' });
    expect(outcome(await part('0,01'))).toMatchObject({
      status: 400,
      data: { errors: { amount: 'amount_below_minimum' } },
    });
    expect(outcome(await part('200,01'))).toMatchObject({
      status: 400,
      data: { errors: { amount: 'amount_above_open' } },
    });
    const ok = outcome(await part('50,00'));
    expect(ok.status).toBe(302);
    expect(new URL(ok.location!, 'http://voldaan.test').searchParams.get('amount')).toBe('5000');
  });
});

describe('trying again after a payment that did not go through', () => {
  it('Mollie: cancelled on Mollie and seen on the return page, a new checkout for the same invoices opens at once', async () => {
    const setup = await debtorWithOverdue([163_273]);
    await withProvider(setup.org, 'mollie');
    const { cookie } = await openPortal(setup.debtor);
    const session = (await getDebtorSession(formRequest('/portal/pay', {}, { cookie })))!;
    const first = outcome(await post(cookie, { scope: 'overdue', method: 'ideal' }));
    expect(first.status).toBe(302);
    const [started] = await paymentsOf(setup.debtor.id);
    mollie.setStatus(started.providerPaymentId!, 'canceled');
    // The debtor comes back from Mollie: the return page asks Mollie and the ledger records it.
    expect(await getPaymentOutcome(session, started.id)).toMatchObject({ status: 'canceled', final: true });

    const again = outcome(await post(cookie, { scope: 'overdue', method: 'ideal' }));
    expect(again.status).toBe(302);
    expect(again.location).not.toBe(first.location);
    expect(mollie.calls).toHaveLength(2);
    const all = await paymentsOf(setup.debtor.id);
    expect(all.map((p) => p.status).sort()).toEqual(['canceled', 'open']);
    const fresh = all.find((p) => p.status === 'open')!;
    expect(fresh.providerPaymentId).not.toBe(started.providerPaymentId);
    expect(mollie.calls[1].idempotencyKey).toBe(`voldaan-${fresh.id}`);
    const pauses = await activePauses(db(), [setup.invoices[0].id]);
    expect(pauses.get(setup.invoices[0].id)).toEqual(['payment_pending']);
  });

  it('Mollie: cancelled on Mollie but not yet known here (no webhook, no return page): a new checkout still opens', async () => {
    const setup = await debtorWithOverdue([4_200]);
    await withProvider(setup.org, 'mollie');
    const { cookie } = await openPortal(setup.debtor);
    expect(outcome(await post(cookie, { scope: 'overdue', method: 'ideal' })).status).toBe(302);
    const [started] = await paymentsOf(setup.debtor.id);
    mollie.setStatus(started.providerPaymentId!, 'failed');
    const again = outcome(await post(cookie, { scope: 'overdue', method: 'ideal' }));
    expect(again.status).toBe(302);
    const all = await paymentsOf(setup.debtor.id);
    expect(all.map((p) => p.status).sort()).toEqual(['failed', 'open']);
    expect(mollie.calls).toHaveLength(2);
  });

  it('Stripe: an expired session, then a failed retry at the provider, then a third try: each opens its own session', async () => {
    const setup = await debtorWithOverdue([9_900]);
    await withProvider(setup.org, 'stripe');
    const { cookie } = await openPortal(setup.debtor);
    const session = (await getDebtorSession(formRequest('/portal/pay', {}, { cookie })))!;
    expect(outcome(await post(cookie, { scope: 'overdue', method: 'creditcard' })).status).toBe(302);
    const [started] = await paymentsOf(setup.debtor.id);
    stripe.expire(started.providerPaymentId!);
    expect(await getPaymentOutcome(session, started.id)).toMatchObject({ status: 'expired' });

    stripe.control.fail = 'error';
    expect(outcome(await post(cookie, { scope: 'overdue', method: 'creditcard' })).status).toBe(503);
    stripe.control.fail = null;
    const third = outcome(await post(cookie, { scope: 'overdue', method: 'creditcard' }));
    expect(third.status).toBe(302);
    const all = await paymentsOf(setup.debtor.id);
    expect(all.map((p) => p.status).sort()).toEqual(['expired', 'failed', 'open']);
    expect(new Set(stripe.calls.map((c) => c.idempotencyKey)).size).toBe(3);
  });

  it('a double click after a failed payment still opens only one new checkout', async () => {
    const setup = await debtorWithOverdue([5_500]);
    await withProvider(setup.org, 'mollie');
    const { cookie } = await openPortal(setup.debtor);
    const session = (await getDebtorSession(formRequest('/portal/pay', {}, { cookie })))!;
    expect(outcome(await post(cookie, { scope: 'overdue', method: 'ideal' })).status).toBe(302);
    const [started] = await paymentsOf(setup.debtor.id);
    mollie.setStatus(started.providerPaymentId!, 'canceled');
    await getPaymentOutcome(session, started.id);
    const [a, b] = (
      await Promise.all([
        post(cookie, { scope: 'overdue', method: 'ideal' }),
        post(cookie, { scope: 'overdue', method: 'ideal' }),
      ])
    ).map(outcome);
    expect(a.status).toBe(302);
    expect(b.location).toBe(a.location);
    expect((await paymentsOf(setup.debtor.id)).map((p) => p.status).sort()).toEqual(['canceled', 'open']);
    expect(mollie.calls).toHaveLength(2);
  });
});
