/**
 * Forged webhooks, sent over HTTP to the built app: Stripe events without a signature, signed
 * with the wrong secret, replayed with an old timestamp, signed for another body, or sent to
 * another creditor's endpoint; Resend (svix) events unsigned or forged; the demo provider's
 * webhook (absent in production); Mollie, whose webhook carries only an id and is believed only
 * through what Mollie's API says. Each is refused or ignored and changes nothing; each has a
 * control: the genuine delivery is applied.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { setupServer } from 'msw/node';
import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { communications, debtors, invoices, paymentAllocations, payments, webhookEvents } from '~db/schema';
import { getDb } from '~/utils/db.server';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { queuedReminder } from '~test/factories-mail';
import { STRIPE_WEBHOOK_SECRET, withProvider } from '~test/factories-payments';
import { mollieMock } from '~test/msw/mollie';
import { resendEvent, signWebhook, TEST_WEBHOOK_SECRET } from '~test/msw/resend';
import { stripeEvent, stripeMock } from '~test/msw/stripe';
import { orgFootprint } from './held-footprint';
import { dayFromToday, portalCookie, postFields, startHeldApp } from './held-world';
import { MODES, showsStack, type RunningApp, appNowSeconds, SOME_PAST_MOMENT } from './harness';

const stripe = stripeMock();
const mollie = mollieMock();
const server = setupServer(...stripe.handlers, ...mollie.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
afterEach(() => {
  stripe.control.fail = null;
  mollie.control.fail = null;
});
afterAll(() => server.close());

describe.each(MODES)('forged webhooks in %s mode', (mode) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startHeldApp(mode, { RESEND_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET });
  });
  afterAll(async () => {
    await app?.stop();
  });

  const post = (path: string, body: string, headers: Record<string, string>) =>
    app.request(path, { method: 'POST', headers, body });

  /** A debtor of a creditor on `provider` who started paying two invoices in the portal. */
  async function startedPayment(provider: 'stripe' | 'mollie') {
    const org = await withProvider(await createOrganization(), provider);
    const debtor = await createDebtor(org);
    const due = dayFromToday(-20);
    const owed = [
      await createInvoice(org, debtor, { totalCents: 7_500, openCents: 7_500, dueDate: due, dunningStage: 1 }),
    ];
    owed.push(await createInvoice(org, debtor, { totalCents: 2_500, openCents: 2_500, dueDate: due, dunningStage: 1 }));
    const cookie = await portalCookie(app, debtor);
    const started = await postFields(app, '/portal/pay', cookie, [
      ['scope', 'overdue'],
      ['method', 'ideal'],
    ]);
    expect(started.status).toBe(302);
    const [payment] = await getDb().select().from(payments).where(eq(payments.debtorId, debtor.id));
    expect(payment.providerPaymentId).toBeTruthy();
    return { org, debtor, invoices: owed, payment };
  }

  async function paymentState(paymentId: string) {
    const [payment] = await getDb().select().from(payments).where(eq(payments.id, paymentId));
    const allocations = await getDb()
      .select()
      .from(paymentAllocations)
      .where(eq(paymentAllocations.paymentId, paymentId));
    return { status: payment.status, allocations: allocations.length };
  }

  describe('Stripe', () => {
    const signed = (payload: string, secret: string, timestamp?: number) =>
      Stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) });
    const send = (url: string, payload: string, signature?: string) =>
      post(url, payload, {
        'content-type': 'application/json',
        ...(signature === undefined ? {} : { 'stripe-signature': signature }),
      });

    it('refuses unsigned, wrongly signed, replayed and re-bodied events; the genuine one settles (the control)', async () => {
      const s = await startedPayment('stripe');
      const url = `/webhooks/stripe?org=${s.org.id}`;
      const session = stripe.pay(s.payment.providerPaymentId!);
      const event = stripeEvent('checkout.session.completed', session);
      const payload = JSON.stringify(event);
      const before = await orgFootprint(s.org.id);
      const forgedBody = JSON.stringify({ ...event, id: `evt_${randomUUID()}` });
      const attempts: [string, string, string | undefined][] = [
        ['no signature', payload, undefined],
        ['an empty signature', payload, ''],
        ['a garbled signature', payload, 't=abc,v1=zz'],
        ['another secret', payload, signed(payload, 'whsec_someoneelse0000000000000')],
        ['an old timestamp (replay)', payload, signed(payload, STRIPE_WEBHOOK_SECRET, appNowSeconds() - 3_600)],
        ['the signature of another body', forgedBody, signed(payload, STRIPE_WEBHOOK_SECRET)],
        ['a v0 (test-only) signature', payload, signed(payload, STRIPE_WEBHOOK_SECRET).replace('v1=', 'v0=')],
      ];
      for (const [what, body, signature] of attempts) {
        const answer = await send(url, body, signature);
        expect(answer.status, what).toBe(400);
        expect(showsStack(answer.body), what).toBe(false);
      }
      expect(
        await send(`/webhooks/stripe?org=not-a-uuid`, payload, signed(payload, STRIPE_WEBHOOK_SECRET)),
      ).toMatchObject({
        status: 400,
      });
      expect(await orgFootprint(s.org.id)).toEqual(before);
      expect(await getDb().select().from(webhookEvents).where(eq(webhookEvents.eventId, event.id))).toEqual([]);

      const genuine = await send(url, payload, signed(payload, STRIPE_WEBHOOK_SECRET));
      expect(genuine.status).toBe(200);
      expect(await paymentState(s.payment.id)).toEqual({ status: 'paid', allocations: 2 });
      // The same genuine delivery replayed within the tolerance: recorded once, booked once.
      const replayed = await send(url, payload, signed(payload, STRIPE_WEBHOOK_SECRET));
      expect(replayed.status).toBe(200);
      expect(await paymentState(s.payment.id)).toEqual({ status: 'paid', allocations: 2 });
      expect(await getDb().select().from(webhookEvents).where(eq(webhookEvents.eventId, event.id))).toHaveLength(1);
    });

    it("another creditor's endpoint and secret cannot settle this creditor's payment", async () => {
      const victim = await startedPayment('stripe');
      const attacker = await withProvider(await createOrganization(), 'stripe', {
        stripe: { secretKey: 'sk_test_attacker00000000000000', webhookSecret: 'whsec_attackersecret00000000' },
      });
      const payload = JSON.stringify(
        stripeEvent('checkout.session.completed', stripe.pay(victim.payment.providerPaymentId!)),
      );
      const before = await orgFootprint(victim.org.id);
      // The attacker's own endpoint, correctly signed with the attacker's own secret.
      const own = await send(
        `/webhooks/stripe?org=${attacker.id}`,
        payload,
        signed(payload, 'whsec_attackersecret00000000'),
      );
      expect(own.status).toBeLessThan(500);
      // The victim's endpoint, signed with the attacker's secret.
      const theirs = await send(
        `/webhooks/stripe?org=${victim.org.id}`,
        payload,
        signed(payload, 'whsec_attackersecret00000000'),
      );
      expect(theirs.status).toBe(400);
      // The deployment's endpoint (no org): no deployment secret is set here.
      const deployment = await send('/webhooks/stripe', payload, signed(payload, 'whsec_attackersecret00000000'));
      expect(deployment.status).toBe(400);
      expect(await orgFootprint(victim.org.id)).toEqual(before);
      expect(await paymentState(victim.payment.id)).toEqual({ status: 'open', allocations: 0 });
    });
  });

  describe('Resend (svix)', () => {
    it('refuses unsigned, forged and replayed events; the genuine one is applied (the control)', async () => {
      const { comm, debtor, org } = await queuedReminder();
      const emailId = randomUUID();
      await getDb()
        .update(communications)
        .set({ status: 'sent', providerMessageId: emailId, sentAt: SOME_PAST_MOMENT })
        .where(eq(communications.id, comm!.id));
      const payload = resendEvent('email.bounced', emailId, { bounce: { type: 'Permanent', message: 'gone' } });
      const now = appNowSeconds();
      const genuine = signWebhook(payload);
      const forgedKey = `whsec_${Buffer.from('an-attacker-chose-this-secret-32').toString('base64')}`;
      const json = { 'content-type': 'application/json' };
      const attempts: [string, Record<string, string>][] = [
        ['no headers', json],
        ['no signature', { ...json, 'svix-id': genuine['svix-id'], 'svix-timestamp': genuine['svix-timestamp'] }],
        ['another secret', { ...json, ...signWebhook(payload, { secret: forgedKey }) }],
        ['an old timestamp (replay)', { ...json, ...signWebhook(payload, { timestamp: now - 3_600 }) }],
        ['a future timestamp', { ...json, ...signWebhook(payload, { timestamp: now + 3_600 }) }],
        ['another message id under the signature', { ...json, ...genuine, 'svix-id': `msg_${randomUUID()}` }],
        [
          'a signature without its version',
          { ...json, ...genuine, 'svix-signature': genuine['svix-signature'].slice(3) },
        ],
        ['a garbled timestamp', { ...json, ...genuine, 'svix-timestamp': 'yesterday' }],
      ];
      const before = await orgFootprint(org.id);
      for (const [what, headers] of attempts) {
        const answer = await post('/webhooks/resend', payload, headers);
        expect(answer.status, what).toBeGreaterThanOrEqual(400);
        expect(answer.status, what).toBeLessThan(500);
      }
      // A body changed under a genuine signature.
      const changed = payload.replace('Permanent', 'Transient');
      expect((await post('/webhooks/resend', changed, { ...json, ...genuine })).status).toBeGreaterThanOrEqual(400);
      expect(await orgFootprint(org.id)).toEqual(before);

      const applied = await post('/webhooks/resend', payload, { ...json, ...genuine });
      expect(applied.status).toBe(200);
      const [row] = await getDb().select().from(debtors).where(eq(debtors.id, debtor.id));
      expect(row.emailBlockedAt).not.toBeNull();
    });
  });

  describe('the demo provider', () => {
    it(mode === 'production' ? 'has no webhook in production' : 'refuses unsigned and forged deliveries', async () => {
      const org = await createOrganization();
      const before = await orgFootprint(org.id);
      const body = JSON.stringify({ id: randomUUID() });
      const forged = createHmac('sha256', 'guessed-key').update(`${appNowSeconds()}.${body}`).digest('hex');
      const deliveries: Record<string, string>[] = [
        { 'content-type': 'application/json' },
        {
          'content-type': 'application/json',
          'voldaan-demo-signature': `t=${appNowSeconds()},v1=${forged}`,
        },
      ];
      for (const headers of deliveries) {
        const answer = await post('/webhooks/demo', body, headers);
        if (mode === 'production') expect(answer.status).toBe(404);
        else {
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
        }
      }
      expect(await orgFootprint(org.id)).toEqual(before);
    });
  });

  describe('Mollie', () => {
    it("believes only Mollie's API: a posted status or amount changes nothing; Mollie's own answer does (the control)", async () => {
      const s = await startedPayment('mollie');
      const id = s.payment.providerPaymentId!;
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const lies = [
        `id=${id}&status=paid`,
        `id=${id}&status=paid&amount%5Bvalue%5D=100.00&amount%5Bcurrency%5D=EUR&paidAt=2026-01-01T00%3A00%3A00Z`,
        JSON.stringify({ id, status: 'paid' }),
      ];
      for (const body of lies) {
        const answer = await post(
          '/webhooks/mollie',
          body,
          body.startsWith('{') ? { 'content-type': 'application/json' } : form,
        );
        expect(answer.status, body).toBeLessThan(500);
      }
      expect(await paymentState(s.payment.id)).toEqual({ status: 'open', allocations: 0 });
      const [first] = await getDb().select().from(invoices).where(eq(invoices.id, s.invoices[0].id));
      expect(first.openCents).toBe(7_500);

      // Only when Mollie's API says paid is it paid.
      mollie.setStatus(id, 'paid');
      const genuine = await post('/webhooks/mollie', `id=${id}`, form);
      expect(genuine.status).toBe(200);
      expect(await paymentState(s.payment.id)).toEqual({ status: 'paid', allocations: 2 });
    });
  });
});
