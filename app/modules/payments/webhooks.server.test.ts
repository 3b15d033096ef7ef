import { eq, inArray, like } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  auditEvents,
  demoCheckouts,
  dunningPauses,
  invoices,
  organizations,
  paymentAllocations,
  payments,
  webhookEvents,
} from '~db/schema';
import { debtorWithOverdue, MOLLIE_TEST_KEY, STRIPE_WEBHOOK_SECRET, withProvider } from '~test/factories-payments';
import { formRequest, getRequest, routeArgs, settle } from '~test/http';
import { mollieMock, mollieWebhookRequest } from '~test/msw/mollie';
import { signedStripeRequest, stripeCharge, stripeDispute, stripeEvent, stripeMock } from '~test/msw/stripe';
import { openPortal } from '~test/portal-session';
import { action as demoCheckoutAction, loader as demoCheckoutLoader } from '~/routes/demo-checkout.$id';
import { action as payAction } from '~/routes/portal.pay._index';
import { loader as returnLoader, meta as returnMeta } from '~/routes/portal.pay.return';
import { action as demoWebhook } from '~/routes/webhooks.demo';
import { action as mollieWebhook } from '~/routes/webhooks.mollie';
import { action as stripeWebhook } from '~/routes/webhooks.stripe';
import { systemClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { resetEnv } from '~/utils/env.server';
import { activePauses } from '~/modules/dunning/pauses.server';
import { DEMO_SIGNATURE_HEADER, signDemoWebhook } from './demo.server';
import { handleMollieWebhook, MOLLIE_ACK } from './webhooks.server';

const stripe = stripeMock();
const mollie = mollieMock();
const server = setupServer(
  ...stripe.handlers,
  ...mollie.handlers,
  // The demo provider's hosted page delivers its webhook over HTTP to our own endpoint.
  http.post('http://voldaan.test/webhooks/demo', async ({ request }) => demoWebhook(routeArgs(request))),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  stripe.control.fail = null;
  mollie.control.fail = null;
  server.resetHandlers();
});
afterAll(() => server.close());

const db = () => getDb();

async function startVia(
  cookie: string,
  fields: Record<string, string | string[]> = { scope: 'overdue', method: 'ideal' },
) {
  const thrown = (await settle(() => payAction(routeArgs(formRequest('/portal/pay', fields, { cookie }))))) as Response;
  expect(thrown.status).toBe(302);
  return thrown.headers.get('Location')!;
}

async function paymentOf(debtorId: string) {
  const [row] = await db().select().from(payments).where(eq(payments.debtorId, debtorId));
  return row;
}

async function allocationCount(paymentId: string) {
  return (await db().select().from(paymentAllocations).where(eq(paymentAllocations.paymentId, paymentId))).length;
}

async function invoiceRows(ids: string[]) {
  return db().select().from(invoices).where(inArray(invoices.id, ids));
}

async function sendStripe(
  event: unknown,
  { secret = STRIPE_WEBHOOK_SECRET, url }: { secret?: string; url?: string } = {},
) {
  const response = (await stripeWebhook(routeArgs(signedStripeRequest(event, secret, url)))) as Response;
  return { status: response.status, body: await response.text() };
}

/** An organization on Stripe with its own account: its webhook endpoint is /webhooks/stripe?org=<id>. */
async function stripeDebtor(amounts: number[]) {
  const setup = await debtorWithOverdue(amounts);
  await withProvider(setup.org, 'stripe');
  const { cookie } = await openPortal(setup.debtor);
  await startVia(cookie);
  const payment = await paymentOf(setup.debtor.id);
  const url = `http://voldaan.test/webhooks/stripe?org=${setup.org.id}`;
  return { ...setup, cookie, payment, url };
}

describe('Stripe webhooks', () => {
  it('checkout.session.completed (paid) settles the invoices; the same event five times at once allocates once', async () => {
    const s = await stripeDebtor([10_000, 2_500]);
    const session = stripe.pay(s.payment.providerPaymentId!);
    const event = stripeEvent('checkout.session.completed', session);
    const results = await Promise.all(Array.from({ length: 5 }, () => sendStripe(event, { url: s.url })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(results.filter((r) => r.body === 'processed')).toHaveLength(1);
    expect(results.filter((r) => r.body === 'duplicate')).toHaveLength(4);
    expect(await allocationCount(s.payment.id)).toBe(2);
    const rows = await invoiceRows(s.invoices.map((i) => i.id));
    expect(rows.every((r) => r.status === 'paid' && r.openCents === 0 && r.nextActionAt === null)).toBe(true);
    expect(await paymentOf(s.debtor.id)).toMatchObject({ status: 'paid', providerReference: session.payment_intent });
    expect(await db().select().from(webhookEvents).where(eq(webhookEvents.eventId, event.id))).toHaveLength(1);
    // Settling from the event needs no call back to Stripe.
    expect(stripe.control.retrievals).toBe(0);
  });

  it('a bad signature answers 400 and changes nothing', async () => {
    const s = await stripeDebtor([3_000]);
    const event = stripeEvent('checkout.session.completed', stripe.pay(s.payment.providerPaymentId!));
    expect((await sendStripe(event, { url: s.url, secret: 'whsec_someoneelse000000000' })).status).toBe(400);
    const tampered = signedStripeRequest(event, STRIPE_WEBHOOK_SECRET, s.url);
    const forged = new Request(s.url, {
      method: 'POST',
      body: JSON.stringify({ ...event, id: 'evt_forged' }),
      headers: tampered.headers,
    });
    expect(((await stripeWebhook(routeArgs(forged))) as Response).status).toBe(400);
    const unsigned = new Request(s.url, { method: 'POST', body: JSON.stringify(event) });
    expect(((await stripeWebhook(routeArgs(unsigned))) as Response).status).toBe(400);
    expect(await paymentOf(s.debtor.id)).toMatchObject({ status: 'open' });
    expect(await allocationCount(s.payment.id)).toBe(0);
    expect(await db().select().from(webhookEvents).where(eq(webhookEvents.eventId, event.id))).toHaveLength(0);
  });

  it.each([
    ['completed first', ['completed', 'expired']],
    ['expired first', ['expired', 'completed']],
  ])('completed and expired out of order (%s): paid once, never un-paid', async (_label, order) => {
    const s = await stripeDebtor([5_500]);
    const session = stripe.pay(s.payment.providerPaymentId!);
    const completed = stripeEvent('checkout.session.completed', { ...session });
    const expired = stripeEvent('checkout.session.expired', {
      ...session,
      status: 'expired',
      payment_status: 'unpaid',
    });
    for (const which of order)
      expect((await sendStripe(which === 'completed' ? completed : expired, { url: s.url })).status).toBe(200);
    expect(await paymentOf(s.debtor.id)).toMatchObject({ status: 'paid' });
    expect(await allocationCount(s.payment.id)).toBe(1);
    const [row] = await invoiceRows([s.invoices[0].id]);
    expect(row.status).toBe('paid');
  });

  it('completed but unpaid waits; async_payment_succeeded settles; async_payment_failed on another lifts the pause', async () => {
    const s = await stripeDebtor([4_000]);
    const pending = stripe.pay(s.payment.providerPaymentId!, { paymentStatus: 'unpaid' });
    await sendStripe(stripeEvent('checkout.session.completed', { ...pending }), { url: s.url });
    expect(await paymentOf(s.debtor.id)).toMatchObject({ status: 'pending' });
    expect((await activePauses(db(), [s.invoices[0].id])).size).toBe(1);
    await sendStripe(stripeEvent('checkout.session.async_payment_succeeded', { ...pending, payment_status: 'paid' }), {
      url: s.url,
    });
    expect(await paymentOf(s.debtor.id)).toMatchObject({ status: 'paid' });

    const t = await stripeDebtor([4_000]);
    const other = stripe.pay(t.payment.providerPaymentId!, { paymentStatus: 'unpaid' });
    await sendStripe(stripeEvent('checkout.session.async_payment_failed', { ...other }), { url: t.url });
    expect(await paymentOf(t.debtor.id)).toMatchObject({ status: 'failed' });
    expect((await activePauses(db(), [t.invoices[0].id])).size).toBe(0);
    const [row] = await invoiceRows([t.invoices[0].id]);
    expect(row).toMatchObject({ status: 'open', openCents: 4_000 });
  });

  it('charge.refunded re-opens the amount and resumes dunning; charge.dispute.created charges back', async () => {
    const s = await stripeDebtor([6_000, 4_000]);
    const session = stripe.pay(s.payment.providerPaymentId!);
    await sendStripe(stripeEvent('checkout.session.completed', session), { url: s.url });
    // The charge names only the PaymentIntent: found through the id stored at completion.
    await sendStripe(stripeEvent('charge.refunded', stripeCharge(session.payment_intent!, 10_000, 4_000)), {
      url: s.url,
    });
    expect(await paymentOf(s.debtor.id)).toMatchObject({ status: 'paid', refundedCents: 4_000 });
    const [, second] = s.invoices;
    const [reopened] = await invoiceRows([second.id]);
    expect(reopened).toMatchObject({ status: 'open', openCents: 4_000, settledAt: null });
    expect(reopened.nextActionAt).not.toBeNull();

    await sendStripe(stripeEvent('charge.dispute.created', stripeDispute(session.payment_intent!, 6_000)), {
      url: s.url,
    });
    expect(await paymentOf(s.debtor.id)).toMatchObject({ status: 'charged_back', chargedBackCents: 6_000 });
    const rows = await invoiceRows(s.invoices.map((i) => i.id));
    expect(rows.every((r) => r.status === 'open' && r.openCents === r.totalCents)).toBe(true);
    const actions = (await db().select().from(auditEvents).where(eq(auditEvents.entityId, s.payment.id))).map(
      (e) => e.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['payment.paid', 'payment.refunded', 'payment.charged_back']));
  });

  it('a refund arriving before completion (unordered delivery) asks Stripe for the payment and settles, then refunds', async () => {
    const s = await stripeDebtor([3_000]);
    const session = stripe.pay(s.payment.providerPaymentId!);
    await sendStripe(stripeEvent('charge.refunded', stripeCharge(session.payment_intent!, 3_000, 3_000)), {
      url: s.url,
    });
    expect(await paymentOf(s.debtor.id)).toMatchObject({ status: 'refunded', refundedCents: 3_000 });
    await sendStripe(stripeEvent('checkout.session.completed', session), { url: s.url });
    expect(await paymentOf(s.debtor.id)).toMatchObject({ status: 'refunded' });
    const [row] = await invoiceRows([s.invoices[0].id]);
    expect(row).toMatchObject({ status: 'open', openCents: 3_000 });
  });

  it("one organization's secret cannot settle another organization's payment", async () => {
    const victim = await stripeDebtor([8_000]);
    const attacker = await debtorWithOverdue([100]);
    await withProvider(attacker.org, 'stripe', {
      stripe: { secretKey: 'sk_test_attacker000000000000', webhookSecret: 'whsec_attackersecret000000' },
    });
    const session = stripe.pay(victim.payment.providerPaymentId!);
    const result = await sendStripe(stripeEvent('checkout.session.completed', session), {
      url: `http://voldaan.test/webhooks/stripe?org=${attacker.org.id}`,
      secret: 'whsec_attackersecret000000',
    });
    expect(result.status).toBe(200);
    expect(await paymentOf(victim.debtor.id)).toMatchObject({ status: 'open' });
  });

  it('the deployment endpoint verifies with STRIPE_WEBHOOK_SECRET from the environment', async () => {
    process.env.STRIPE_SECRET_KEY = 'sk_test_envkey0000000000000';
    process.env.STRIPE_WEBHOOK_SECRET = 'whsec_envsecret0000000000000';
    resetEnv();
    try {
      const setup = await debtorWithOverdue([2_000]);
      const { cookie } = await openPortal(setup.debtor);
      await startVia(cookie);
      const payment = await paymentOf(setup.debtor.id);
      expect(payment.provider).toBe('stripe');
      const session = stripe.pay(payment.providerPaymentId!);
      expect(
        (
          await sendStripe(stripeEvent('checkout.session.completed', session), {
            secret: 'whsec_envsecret0000000000000',
          })
        ).status,
      ).toBe(200);
      expect(await paymentOf(setup.debtor.id)).toMatchObject({ status: 'paid' });
    } finally {
      delete process.env.STRIPE_SECRET_KEY;
      delete process.env.STRIPE_WEBHOOK_SECRET;
      resetEnv();
    }
  });
});

describe('Mollie webhooks', () => {
  async function mollieDebtor(amounts: number[]) {
    const setup = await debtorWithOverdue(amounts);
    await withProvider(setup.org, 'mollie');
    const { cookie } = await openPortal(setup.debtor);
    await startVia(cookie);
    return { ...setup, cookie, payment: await paymentOf(setup.debtor.id) };
  }
  const deliver = async (id: string) => {
    const response = (await mollieWebhook(routeArgs(mollieWebhookRequest(id)))) as Response;
    return { status: response.status, body: await response.text() };
  };
  /** The module's own account of a delivery: the answer plus the case it logs for the operator. */
  const handle = (id: string) => handleMollieWebhook(mollieWebhookRequest(id));

  it('fetches the payment by id and settles on "paid"; repeats are duplicates', async () => {
    const m = await mollieDebtor([7_000, 3_000]);
    mollie.setStatus(m.payment.providerPaymentId!, 'paid');
    const results = await Promise.all(Array.from({ length: 5 }, () => handle(m.payment.providerPaymentId!)));
    expect(results.every((r) => r.status === 200 && r.body === MOLLIE_ACK.body)).toBe(true);
    expect(results.filter((r) => r.case === 'processed')).toHaveLength(1);
    expect(results.filter((r) => r.case === 'duplicate')).toHaveLength(4);
    expect(await paymentOf(m.debtor.id)).toMatchObject({ status: 'paid', method: 'ideal' });
    expect(await allocationCount(m.payment.id)).toBe(2);
  });

  it('believes only Mollie: a webhook for an open payment changes nothing, "expired" lifts the pause', async () => {
    const m = await mollieDebtor([2_000]);
    expect((await deliver(m.payment.providerPaymentId!)).status).toBe(200);
    expect(await paymentOf(m.debtor.id)).toMatchObject({ status: 'open' });
    expect((await activePauses(db(), [m.invoices[0].id])).size).toBe(1);
    mollie.setStatus(m.payment.providerPaymentId!, 'expired');
    await deliver(m.payment.providerPaymentId!);
    expect(await paymentOf(m.debtor.id)).toMatchObject({ status: 'expired' });
    expect((await activePauses(db(), [m.invoices[0].id])).size).toBe(0);
  });

  it('answers an id Mollie does not know, one we do not know and one without credentials alike: 200, nothing changed, a log line', async () => {
    const m = await mollieDebtor([2_000]);
    const other = await mollieDebtor([3_000]);
    await getDb()
      .update(organizations)
      .set({ providerCredentials: null, paymentProvider: null })
      .where(eq(organizations.id, other.org.id));
    mollie.payments.delete(m.payment.providerPaymentId!);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const before = await Promise.all([
        paymentOf(m.debtor.id),
        paymentOf(other.debtor.id),
        db().select().from(webhookEvents),
      ]);
      const answers = [
        await handle(m.payment.providerPaymentId!),
        await handle('tr_unknown123'),
        await handle(other.payment.providerPaymentId!),
      ];
      expect(answers.map((a) => a.case)).toEqual(['unknown_at_mollie', 'unknown_payment', 'no_credentials']);
      for (const answer of answers) expect({ status: answer.status, body: answer.body }).toEqual(MOLLIE_ACK);
      const routed = await Promise.all(
        [m.payment.providerPaymentId!, 'tr_unknown123', other.payment.providerPaymentId!].map(async (id) => {
          const response = (await mollieWebhook(routeArgs(mollieWebhookRequest(id)))) as Response;
          return { status: response.status, headers: [...response.headers], body: await response.text() };
        }),
      );
      expect(routed[1]).toEqual(routed[0]);
      expect(routed[2]).toEqual(routed[0]);
      expect(routed[0]).toEqual({ status: 200, headers: [['content-type', 'text/plain; charset=utf-8']], body: 'ok' });
      expect(
        await Promise.all([paymentOf(m.debtor.id), paymentOf(other.debtor.id), db().select().from(webhookEvents)]),
      ).toEqual(before);
      // One line per delivery for the operator, naming the case; no key, nothing of the credentials.
      const lines = warn.mock.calls.map((c) => String(c[0]));
      expect(lines).toHaveLength(6);
      expect(lines[0]).toBe(
        `mollie webhook ${m.payment.providerPaymentId}: unknown_at_mollie (payment ${m.payment.id}, organization ${m.org.id}); answered 200, nothing changed`,
      );
      expect(lines[1]).toBe('mollie webhook tr_unknown123: unknown_payment; answered 200, nothing changed');
      expect(lines[2]).toMatch(/: no_credentials \(payment /);
      expect(lines.join('\n')).not.toContain(MOLLIE_TEST_KEY);
    } finally {
      warn.mockRestore();
    }
    const bad = new Request('http://voldaan.test/webhooks/mollie', {
      method: 'POST',
      body: 'id=%27%20or%201%3D1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(((await mollieWebhook(routeArgs(bad))) as Response).status).toBe(400);
    expect(await paymentOf(m.debtor.id)).toMatchObject({ status: 'open' });
  });

  it('a refund and a chargeback reported on the paid payment re-open the amounts', async () => {
    const m = await mollieDebtor([5_000]);
    mollie.setStatus(m.payment.providerPaymentId!, 'paid');
    await deliver(m.payment.providerPaymentId!);
    mollie.setStatus(m.payment.providerPaymentId!, 'paid', { amountRefunded: { value: '20.00', currency: 'EUR' } });
    expect((await handle(m.payment.providerPaymentId!)).case).toBe('processed');
    expect(await paymentOf(m.debtor.id)).toMatchObject({ status: 'paid', refundedCents: 2_000 });
    mollie.setStatus(m.payment.providerPaymentId!, 'paid', { amountChargedBack: { value: '30.00', currency: 'EUR' } });
    await deliver(m.payment.providerPaymentId!);
    expect(await paymentOf(m.debtor.id)).toMatchObject({ status: 'charged_back', chargedBackCents: 3_000 });
    const [row] = await invoiceRows([m.invoices[0].id]);
    expect(row).toMatchObject({ status: 'open', openCents: 5_000 });
  });

  it('Mollie being down answers 503 so Mollie retries; nothing recorded', async () => {
    const m = await mollieDebtor([2_000]);
    server.use(http.get('https://api.mollie.com/v2/payments/:id', () => HttpResponse.error()));
    expect((await deliver(m.payment.providerPaymentId!)).status).toBe(503);
    expect(
      await db()
        .select()
        .from(webhookEvents)
        .where(like(webhookEvents.eventId, `${m.payment.providerPaymentId}:%`)),
    ).toHaveLength(0);
    expect(await paymentOf(m.debtor.id)).toMatchObject({ status: 'open' });
  });
});

describe('the return page asks the provider', () => {
  it('shows pending (refreshing itself) until Stripe says paid, then the result, without any webhook', async () => {
    const s = await stripeDebtor([9_000]);
    const url = `/portal/pay/return?payment=${s.payment.id}&status=paid&session_id=cs_fake`;
    const pending = await returnLoader(routeArgs(getRequest(url, { cookie: s.cookie })));
    expect(pending.outcome).toMatchObject({ status: 'open', final: false });
    expect(returnMeta({ data: pending } as never)).toContainEqual({ httpEquiv: 'refresh', content: '3' });
    stripe.pay(s.payment.providerPaymentId!);
    const paid = await returnLoader(routeArgs(getRequest(url, { cookie: s.cookie })));
    expect(paid.outcome).toMatchObject({ status: 'paid', final: true, remainingCents: 0 });
    expect(paid.outcome.invoices).toEqual([
      expect.objectContaining({ id: s.invoices[0].id, allocatedCents: 9_000, status: 'paid' }),
    ]);
    expect(returnMeta({ data: paid } as never)).not.toContainEqual({ httpEquiv: 'refresh', content: '3' });
  });

  it("answers 404 for another debtor's payment, and for junk ids", async () => {
    const s = await stripeDebtor([1_000]);
    const other = await debtorWithOverdue([1_000], { org: s.org });
    const { cookie } = await openPortal(other.debtor);
    for (const id of [s.payment.id, 'nope', '']) {
      const response = (await settle(() =>
        returnLoader(routeArgs(getRequest(`/portal/pay/return?payment=${id}`, { cookie }))),
      )) as Response;
      expect(response.status).toBe(404);
    }
    expect(await paymentOf(s.debtor.id)).toMatchObject({ status: 'open' });
  });
});

describe('the demo provider', () => {
  async function demoDebtor(amounts: number[]) {
    const setup = await debtorWithOverdue(amounts);
    const { cookie } = await openPortal(setup.debtor);
    const location = await startVia(cookie);
    return { ...setup, cookie, location, payment: await paymentOf(setup.debtor.id) };
  }

  it('without a provider: hosted demo page, outcome "paid" delivers a signed webhook that settles like a real one', async () => {
    const d = await demoDebtor([4_200, 800]);
    expect(d.payment.provider).toBe('demo');
    expect(d.location).toMatch(/^http:\/\/voldaan\.test\/demo-checkout\/demo_/);
    const id = d.location.split('/').pop()!;
    const page = await demoCheckoutLoader(routeArgs(getRequest(`/demo-checkout/${id}`), { id }));
    expect(page).toMatchObject({ amountCents: 5_000, status: 'open' });
    const redirect = (await settle(() =>
      demoCheckoutAction(routeArgs(formRequest(`/demo-checkout/${id}`, { outcome: 'paid' }), { id })),
    )) as Response;
    expect(redirect.headers.get('Location')).toBe(`/portal/pay/return?payment=${d.payment.id}`);
    expect(await paymentOf(d.debtor.id)).toMatchObject({ status: 'paid' });
    expect(
      await db()
        .select()
        .from(webhookEvents)
        .where(eq(webhookEvents.eventId, `${id}:paid`)),
    ).toHaveLength(1);
    const rows = await invoiceRows(d.invoices.map((i) => i.id));
    expect(rows.every((r) => r.status === 'paid' && r.nextActionAt === null)).toBe(true);
    // A second click on the (now finished) page changes nothing.
    await settle(() =>
      demoCheckoutAction(routeArgs(formRequest(`/demo-checkout/${id}`, { outcome: 'failed' }), { id })),
    );
    expect(await paymentOf(d.debtor.id)).toMatchObject({ status: 'paid' });
  });

  it('outcome "failed" leaves the invoices unpaid and unpaused', async () => {
    const d = await demoDebtor([4_200]);
    const id = d.location.split('/').pop()!;
    await settle(() =>
      demoCheckoutAction(routeArgs(formRequest(`/demo-checkout/${id}`, { outcome: 'failed' }), { id })),
    );
    expect(await paymentOf(d.debtor.id)).toMatchObject({ status: 'failed' });
    expect((await activePauses(db(), [d.invoices[0].id])).size).toBe(0);
    const [row] = await invoiceRows([d.invoices[0].id]);
    expect(row).toMatchObject({ status: 'open', openCents: 4_200 });
  });

  it('a forged or replayed-late demo webhook is refused', async () => {
    const d = await demoDebtor([1_500]);
    const id = d.location.split('/').pop()!;
    await db().update(demoCheckouts).set({ status: 'paid' }).where(eq(demoCheckouts.id, id));
    const body = JSON.stringify({ id });
    const send = async (signature: string) =>
      (
        (await demoWebhook(
          routeArgs(
            new Request('http://voldaan.test/webhooks/demo', {
              method: 'POST',
              body,
              headers: { [DEMO_SIGNATURE_HEADER]: signature },
            }),
          ),
        )) as Response
      ).status;
    expect(await send('t=1,v1=' + 'a'.repeat(64))).toBe(400);
    // An hour old by the clock the route reads (the system's), far outside the replay window.
    expect(await send(signDemoWebhook(body, new Date(systemClock.now().getTime() - 3_600_000)))).toBe(400);
    expect(await send(signDemoWebhook(JSON.stringify({ id: 'demo_other' })))).toBe(400);
    expect(await paymentOf(d.debtor.id)).toMatchObject({ status: 'open' });
    expect(await send(signDemoWebhook(body))).toBe(200);
    expect(await paymentOf(d.debtor.id)).toMatchObject({ status: 'paid' });
  });

  it('is never used in production', async () => {
    const d = await demoDebtor([1_000]);
    const saved = { ...process.env };
    Object.assign(process.env, {
      NODE_ENV: 'production',
      SESSION_SECRET: 'production-secret-0123456789-abcdefghijklmnop',
      APP_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
      PORTAL_SIGNING_KEYS: '{"keys":[]}',
    });
    resetEnv();
    try {
      const { resolveProviderConfig } = await import('./providers.server');
      expect(await resolveProviderConfig(d.org.id)).toBeNull();
      const id = d.location.split('/').pop()!;
      const response = (await settle(() =>
        demoCheckoutLoader(routeArgs(getRequest(`/demo-checkout/${id}`), { id })),
      )) as Response;
      expect(response.status).toBe(404);
      const webhook = (await demoWebhook(
        routeArgs(new Request('http://voldaan.test/webhooks/demo', { method: 'POST', body: '{}' })),
      )) as Response;
      expect(webhook.status).toBe(404);
    } finally {
      for (const key of ['NODE_ENV', 'SESSION_SECRET', 'APP_ENCRYPTION_KEY', 'PORTAL_SIGNING_KEYS']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
      resetEnv();
    }
    const [org] = await db().select().from(organizations).where(eq(organizations.id, d.org.id));
    expect(org.paymentProvider).toBeNull();
    expect(await db().select().from(dunningPauses).where(eq(dunningPauses.sourceId, d.payment.id))).toHaveLength(1);
  });
});
