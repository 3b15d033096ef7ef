import {
  createMollieClient,
  Locale,
  MollieApiError,
  PaymentMethod,
  type MollieClient,
  type Payment as MolliePayment,
} from '@mollie/api-client';
import { centsToDecimalString } from '~/utils/money';
import type {
  CheckoutInput,
  CheckoutResult,
  ParsedWebhook,
  PaymentProviderAdapter,
  ProviderPaymentStatus,
  ProviderSnapshot,
} from './provider';
import { decimalToCents, ProviderUnavailableError } from './provider';

export type MollieCredentials = { apiKey: string };

const clients = new Map<string, MollieClient>();

function client(apiKey: string): MollieClient {
  let found = clients.get(apiKey);
  if (!found) {
    found = createMollieClient({ apiKey });
    clients.set(apiKey, found);
  }
  return found;
}

const STATUS: Record<string, ProviderPaymentStatus> = {
  open: 'open',
  pending: 'pending',
  authorized: 'pending',
  paid: 'paid',
  failed: 'failed',
  canceled: 'canceled',
  expired: 'expired',
};

export function mollieSnapshot(
  payment: Pick<MolliePayment, 'id' | 'status' | 'amount' | 'amountRefunded' | 'amountChargedBack' | 'method'>,
): ProviderSnapshot {
  const status = STATUS[payment.status] ?? 'pending';
  const amount = decimalToCents(payment.amount?.value);
  return {
    status,
    providerStatus: payment.status,
    providerPaymentId: payment.id,
    amountCents: status === 'paid' && amount !== null ? amount : undefined,
    refundedCents: decimalToCents(payment.amountRefunded?.value) ?? 0,
    chargedBackCents: decimalToCents(payment.amountChargedBack?.value) ?? 0,
    method: payment.method ?? null,
  };
}

/** The payment id of a classic Mollie webhook (a form post with only `id=tr_...`), or null. */
export function mollieWebhookId(rawBody: string): string | null {
  const id = new URLSearchParams(rawBody).get('id');
  return id && /^tr_[A-Za-z0-9]{4,64}$/.test(id) ? id : null;
}

function isNotFound(error: unknown) {
  return error instanceof MollieApiError && (error.statusCode === 404 || error.statusCode === 410);
}

export function createMollieAdapter(credentials: MollieCredentials): PaymentProviderAdapter {
  const mollie = client(credentials.apiKey);
  const adapter: PaymentProviderAdapter = {
    name: 'mollie',

    async createCheckout(input: CheckoutInput): Promise<CheckoutResult> {
      try {
        const payment = await mollie.payments.create({
          amount: { currency: 'EUR', value: centsToDecimalString(input.amountCents) },
          description: input.description.slice(0, 255),
          redirectUrl: input.returnUrl,
          cancelUrl: input.cancelUrl,
          webhookUrl: input.webhookUrl,
          metadata: { paymentId: input.paymentId, organizationId: input.organizationId, debtorId: input.debtorId },
          method: [PaymentMethod.ideal, PaymentMethod.creditcard],
          locale: input.locale === 'en' ? Locale.en_US : Locale.nl_NL,
          idempotencyKey: input.idempotencyKey,
        });
        const checkoutUrl = payment.getCheckoutUrl();
        if (!checkoutUrl) throw new Error('the payment has no checkout link');
        return {
          providerPaymentId: payment.id,
          checkoutUrl,
          expiresAt: payment.expiresAt ? new Date(payment.expiresAt) : null,
        };
      } catch (error) {
        throw new ProviderUnavailableError('mollie', error instanceof Error ? error.message : 'create failed', error);
      }
    },

    async fetchStatus(id: string): Promise<ProviderSnapshot | null> {
      try {
        return mollieSnapshot(await mollie.payments.get(id));
      } catch (error) {
        if (isNotFound(error)) return null;
        throw new ProviderUnavailableError('mollie', error instanceof Error ? error.message : 'get failed', error);
      }
    },

    /** Classic webhooks are unsigned: take only the id, ask Mollie, and believe only Mollie's answer. */
    async parseWebhook({ rawBody }): Promise<ParsedWebhook> {
      const id = mollieWebhookId(rawBody);
      if (!id) return { kind: 'rejected', reason: 'no Mollie payment id in the body' };
      const snapshot = await adapter.fetchStatus(id);
      if (!snapshot) return { kind: 'ignored', reason: `Mollie does not know ${id}` };
      // Refunds and chargebacks call the same webhook while the status stays "paid": they are part of the key.
      const eventKey = `${id}:${snapshot.providerStatus}:r${snapshot.refundedCents ?? 0}:c${snapshot.chargedBackCents ?? 0}`;
      return {
        kind: 'event',
        eventKey,
        type: `payment.${snapshot.providerStatus}`,
        target: { providerPaymentId: id },
        snapshot,
      };
    },
  };
  return adapter;
}
