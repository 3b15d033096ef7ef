import Stripe from 'stripe';
import type {
  CheckoutInput,
  CheckoutResult,
  ParsedWebhook,
  PaymentProviderAdapter,
  ProviderPaymentStatus,
  ProviderSnapshot,
  WebhookTarget,
} from './provider';
import { ProviderUnavailableError } from './provider';

export type StripeCredentials = { secretKey: string; webhookSecret: string | null };

/** One client per key: the SDK keeps its agent and settings; creating one per request would waste both. */
const clients = new Map<string, Stripe>();

/** Requests to Stripe give up after this; checkout creation adds its own, shorter overall limit. */
export const STRIPE_TIMEOUT_MS = 10_000;

function client(secretKey: string): Stripe {
  let found = clients.get(secretKey);
  if (!found) {
    // One retry, with the same idempotency key, for a dropped connection; anything longer is the caller's timeout.
    found = new Stripe(secretKey, { timeout: STRIPE_TIMEOUT_MS, maxNetworkRetries: 1 });
    clients.set(secretKey, found);
  }
  return found;
}

/** Stripe's Checkout Session, as our status. `complete` + `unpaid` is a delayed method still on its way. */
export function sessionStatus(
  session: Pick<Stripe.Checkout.Session, 'status' | 'payment_status'>,
): ProviderPaymentStatus {
  if (session.payment_status === 'paid' || session.payment_status === 'no_payment_required') return 'paid';
  if (session.status === 'expired') return 'expired';
  if (session.status === 'complete') return 'pending';
  return 'open';
}

function idOf(value: string | { id: string } | null | undefined): string | undefined {
  if (!value) return undefined;
  return typeof value === 'string' ? value : value.id;
}

function sessionSnapshot(session: Stripe.Checkout.Session, status = sessionStatus(session)): ProviderSnapshot {
  return {
    status,
    providerStatus: `${session.status ?? 'unknown'}/${session.payment_status}`,
    providerPaymentId: session.id,
    providerReference: idOf(session.payment_intent),
    amountCents: status === 'paid' && typeof session.amount_total === 'number' ? session.amount_total : undefined,
  };
}

function sessionTarget(session: Stripe.Checkout.Session): WebhookTarget {
  return {
    paymentId: session.metadata?.paymentId ?? session.client_reference_id ?? undefined,
    providerPaymentId: session.id,
    providerReference: idOf(session.payment_intent),
  };
}

/** Reads a verified event into what the ledger needs; the event carries everything, so no call to Stripe here. */
export function readStripeEvent(event: Stripe.Event): ParsedWebhook {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const session = event.data.object;
      return {
        kind: 'event',
        eventKey: event.id,
        type: event.type,
        target: sessionTarget(session),
        snapshot: sessionSnapshot(session),
      };
    }
    case 'checkout.session.async_payment_failed': {
      const session = event.data.object;
      return {
        kind: 'event',
        eventKey: event.id,
        type: event.type,
        target: sessionTarget(session),
        snapshot: sessionSnapshot(session, 'failed'),
      };
    }
    case 'checkout.session.expired': {
      const session = event.data.object;
      return {
        kind: 'event',
        eventKey: event.id,
        type: event.type,
        target: sessionTarget(session),
        snapshot: sessionSnapshot(session, 'expired'),
      };
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      return {
        kind: 'event',
        eventKey: event.id,
        type: event.type,
        target: { paymentId: charge.metadata?.paymentId, providerReference: idOf(charge.payment_intent) },
        snapshot: {
          status: 'paid',
          providerStatus: `charge ${charge.status}, refunded ${charge.amount_refunded}`,
          providerReference: idOf(charge.payment_intent),
          amountCents: charge.amount_captured || charge.amount,
          refundedCents: charge.amount_refunded,
        },
      };
    }
    case 'charge.dispute.created': {
      const dispute = event.data.object;
      return {
        kind: 'event',
        eventKey: event.id,
        type: event.type,
        target: { paymentId: dispute.metadata?.paymentId, providerReference: idOf(dispute.payment_intent) },
        snapshot: {
          status: 'paid',
          providerStatus: `dispute ${dispute.status} (${dispute.reason})`,
          providerReference: idOf(dispute.payment_intent),
          chargedBackCents: dispute.amount,
        },
      };
    }
    default:
      return {
        kind: 'ignored',
        reason: `event type ${event.type} is not handled`,
        eventKey: event.id,
        type: event.type,
      };
  }
}

export function createStripeAdapter(credentials: StripeCredentials): PaymentProviderAdapter {
  const stripe = client(credentials.secretKey);
  return {
    name: 'stripe',

    async createCheckout(input: CheckoutInput): Promise<CheckoutResult> {
      const metadata = { paymentId: input.paymentId, organizationId: input.organizationId, debtorId: input.debtorId };
      try {
        const session = await stripe.checkout.sessions.create(
          {
            mode: 'payment',
            currency: 'eur',
            line_items: input.lines.map((line) => ({
              quantity: 1,
              price_data: { currency: 'eur', unit_amount: line.amountCents, product_data: { name: line.label } },
            })),
            allowed_payment_method_types: ['card', 'ideal'],
            client_reference_id: input.paymentId,
            metadata,
            payment_intent_data: { metadata, description: input.description },
            success_url: `${input.returnUrl}&session_id={CHECKOUT_SESSION_ID}`,
            cancel_url: input.cancelUrl,
            expires_at: Math.floor(input.expiresAt.getTime() / 1000),
            locale: input.locale,
            ...(input.customerEmail ? { customer_email: input.customerEmail } : {}),
          },
          { idempotencyKey: input.idempotencyKey },
        );
        if (!session.url) throw new Error('the session has no url');
        return {
          providerPaymentId: session.id,
          checkoutUrl: session.url,
          expiresAt: new Date(session.expires_at * 1000),
        };
      } catch (error) {
        throw new ProviderUnavailableError('stripe', error instanceof Error ? error.message : 'create failed', error);
      }
    },

    async fetchStatus(sessionId: string): Promise<ProviderSnapshot | null> {
      try {
        return sessionSnapshot(await stripe.checkout.sessions.retrieve(sessionId));
      } catch (error) {
        if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) return null;
        throw new ProviderUnavailableError('stripe', error instanceof Error ? error.message : 'retrieve failed', error);
      }
    },

    async parseWebhook({ rawBody, headers }): Promise<ParsedWebhook> {
      const signature = headers.get('stripe-signature');
      if (!credentials.webhookSecret) return { kind: 'rejected', reason: 'no webhook secret is configured' };
      if (!signature) return { kind: 'rejected', reason: 'no Stripe-Signature header' };
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, signature, credentials.webhookSecret);
      } catch (error) {
        return { kind: 'rejected', reason: error instanceof Error ? error.message : 'signature check failed' };
      }
      return readStripeEvent(event);
    },

    async lookupPaymentId(paymentIntentId: string): Promise<string | null> {
      try {
        const intent = await stripe.paymentIntents.retrieve(paymentIntentId);
        return intent.metadata?.paymentId ?? null;
      } catch (error) {
        if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) return null;
        throw new ProviderUnavailableError('stripe', error instanceof Error ? error.message : 'retrieve failed', error);
      }
    },
  };
}
