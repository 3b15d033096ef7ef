/**
 * A stand-in for Stripe's API (Checkout Sessions, PaymentIntents) for msw 2, answering with the
 * object shapes of Stripe's API reference, plus builders for the webhook events Stripe sends
 * (checkout.session.*, charge.refunded, charge.dispute.created), signed the way Stripe signs them.
 */
import { randomBytes } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import Stripe from 'stripe';

export const STRIPE_API = 'https://api.stripe.com/v1';

export type StripeSessionRecord = Record<string, unknown> & {
  id: string;
  object: 'checkout.session';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid' | 'no_payment_required';
  amount_total: number;
  payment_intent: string | null;
  metadata: Record<string, string>;
};

/** Stripe sends form-encoded bodies with bracketed keys (`a[b][0][c]=1`): back to an object. */
export function parseStripeForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((part, index) => {
      const last = index === path.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(path[index + 1]);
      const container = node as Record<string, unknown>;
      if (last) container[part] = value;
      else {
        container[part] ??= nextIsIndex ? [] : {};
        node = container[part] as Record<string, unknown>;
      }
    });
  }
  return root;
}

const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);

function stripeError(status: number, type: string, message: string, extra: Record<string, unknown> = {}) {
  return HttpResponse.json(
    { error: { type, message, ...extra } },
    { status, headers: { 'Request-Id': `req_${randomBytes(6).toString('hex')}` } },
  );
}

export type StripeCreateCall = {
  body: Record<string, unknown>;
  idempotencyKey: string | null;
  authorization: string | null;
};

export function stripeMock() {
  const sessions = new Map<string, StripeSessionRecord>();
  const intents = new Map<string, { id: string; metadata: Record<string, string>; amount: number }>();
  const byIdempotencyKey = new Map<string, string>();
  const calls: StripeCreateCall[] = [];
  const control = { fail: null as null | 'error' | 'hang', retrievals: 0 };

  const handlers = [
    http.post(`${STRIPE_API}/checkout/sessions`, async ({ request }) => {
      const body = parseStripeForm(await request.text());
      const idempotencyKey = request.headers.get('idempotency-key');
      calls.push({ body, idempotencyKey, authorization: request.headers.get('authorization') });
      if (control.fail === 'hang') await new Promise(() => {});
      if (control.fail === 'error') return stripeError(500, 'api_error', 'Something went wrong on our end.');
      if (idempotencyKey && byIdempotencyKey.has(idempotencyKey))
        return HttpResponse.json(sessions.get(byIdempotencyKey.get(idempotencyKey)!));
      const lines = (body.line_items as { price_data: { unit_amount: string }; quantity: string }[]) ?? [];
      const amount = lines.reduce((s, l) => s + Number(l.price_data.unit_amount) * Number(l.quantity), 0);
      const sessionId = id('cs');
      const session: StripeSessionRecord = {
        id: sessionId,
        object: 'checkout.session',
        after_expiration: null,
        allow_promotion_codes: null,
        amount_subtotal: amount,
        amount_total: amount,
        automatic_tax: { enabled: false, liability: null, status: null },
        billing_address_collection: null,
        cancel_url: body.cancel_url ?? null,
        client_reference_id: body.client_reference_id ?? null,
        consent: null,
        consent_collection: null,
        created: now(),
        currency: body.currency ?? 'eur',
        custom_fields: [],
        customer: null,
        customer_creation: 'if_required',
        customer_details: null,
        customer_email: body.customer_email ?? null,
        expires_at: Number(body.expires_at ?? now() + 86_400),
        invoice: null,
        livemode: false,
        locale: body.locale ?? null,
        metadata: (body.metadata as Record<string, string>) ?? {},
        mode: body.mode ?? 'payment',
        payment_intent: null,
        payment_link: null,
        payment_method_collection: 'if_required',
        payment_method_options: {},
        payment_method_types: (body.allowed_payment_method_types as string[]) ?? ['card'],
        allowed_payment_method_types: (body.allowed_payment_method_types as string[]) ?? null,
        payment_status: 'unpaid',
        phone_number_collection: { enabled: false },
        recovered_from: null,
        setup_intent: null,
        shipping_address_collection: null,
        shipping_cost: null,
        shipping_options: [],
        status: 'open',
        submit_type: null,
        subscription: null,
        success_url: body.success_url ?? null,
        total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
        ui_mode: 'hosted',
        url: `https://checkout.stripe.com/c/pay/${sessionId}`,
      };
      sessions.set(sessionId, session);
      if (idempotencyKey) byIdempotencyKey.set(idempotencyKey, sessionId);
      const intentMetadata =
        ((body.payment_intent_data as Record<string, unknown>)?.metadata as Record<string, string>) ?? {};
      intents.set(`pending:${sessionId}`, { id: '', metadata: intentMetadata, amount });
      return HttpResponse.json(session);
    }),
    http.get(`${STRIPE_API}/checkout/sessions/:id`, ({ params }) => {
      control.retrievals += 1;
      if (control.fail === 'error') return stripeError(500, 'api_error', 'Something went wrong on our end.');
      const session = sessions.get(String(params.id));
      if (!session) {
        return stripeError(404, 'invalid_request_error', `No such checkout.session: '${String(params.id)}'`, {
          code: 'resource_missing',
          param: 'session',
        });
      }
      return HttpResponse.json(session);
    }),
    http.get(`${STRIPE_API}/payment_intents/:id`, ({ params }) => {
      const intent = intents.get(String(params.id));
      if (!intent)
        return stripeError(404, 'invalid_request_error', `No such payment_intent: '${String(params.id)}'`, {
          code: 'resource_missing',
          param: 'intent',
        });
      return HttpResponse.json({
        id: intent.id,
        object: 'payment_intent',
        amount: intent.amount,
        amount_received: intent.amount,
        currency: 'eur',
        livemode: false,
        metadata: intent.metadata,
        status: 'succeeded',
      });
    }),
  ];

  /** The debtor pays on Stripe's page: the session completes with a PaymentIntent. */
  function pay(sessionId: string, { paymentStatus = 'paid' }: { paymentStatus?: 'paid' | 'unpaid' } = {}) {
    const session = sessions.get(sessionId);
    if (!session) throw new Error(`no session ${sessionId}`);
    const pending = intents.get(`pending:${sessionId}`);
    const intentId = session.payment_intent ?? id('pi');
    intents.set(intentId, { id: intentId, metadata: pending?.metadata ?? {}, amount: session.amount_total });
    Object.assign(session, { status: 'complete', payment_status: paymentStatus, payment_intent: intentId });
    return session;
  }

  function expire(sessionId: string) {
    const session = sessions.get(sessionId);
    if (!session) throw new Error(`no session ${sessionId}`);
    Object.assign(session, { status: 'expired' });
    return session;
  }

  return { handlers, sessions, intents, calls, control, pay, expire };
}

/** A webhook event as Stripe sends it (API reference: the Event object). */
export function stripeEvent(type: string, object: Record<string, unknown>, eventId = id('evt')) {
  return {
    id: eventId,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: now(),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

/** A Charge (API reference), e.g. for charge.refunded. Charges do not copy the PaymentIntent's metadata. */
export function stripeCharge(paymentIntent: string, amount: number, amountRefunded: number) {
  return {
    id: id('ch'),
    object: 'charge',
    amount,
    amount_captured: amount,
    amount_refunded: amountRefunded,
    captured: true,
    currency: 'eur',
    disputed: false,
    livemode: false,
    metadata: {},
    paid: true,
    payment_intent: paymentIntent,
    refunded: amountRefunded >= amount,
    status: 'succeeded',
  };
}

/** A Dispute (API reference), for charge.dispute.created. */
export function stripeDispute(paymentIntent: string, amount: number) {
  return {
    id: id('dp'),
    object: 'dispute',
    amount,
    charge: id('ch'),
    currency: 'eur',
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: paymentIntent,
    reason: 'fraudulent',
    status: 'needs_response',
  };
}

/** A webhook delivery to our endpoint, signed with `secret` the way Stripe signs. */
export function signedStripeRequest(event: unknown, secret: string, url = 'http://voldaan.test/webhooks/stripe') {
  const payload = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
  return new Request(url, {
    method: 'POST',
    body: payload,
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
  });
}
