/**
 * One interface for every payment provider (Mollie, Stripe, the local demo). Adapters turn our
 * checkout into the provider's call, read a payment back from the provider, and turn a
 * webhook delivery into a verified snapshot of the payment. Everything else (what is owed,
 * what a status means for the ledger, pausing dunning) is provider-independent.
 */
import type { Locale } from '~/utils/i18n';
import { decimalDigitsToCents } from '~/utils/money';
// What a provider reports is what the ledger applies: the two types live with the ledger.
import type { ProviderPaymentStatus, ProviderSnapshot } from '~/modules/ledger/index';

export type ProviderName = 'mollie' | 'stripe' | 'demo';
export type OnlineMethod = 'ideal' | 'creditcard';

export type { ProviderPaymentStatus, ProviderSnapshot };

export type CheckoutLine = {
  invoiceId: string;
  /** Shown on the provider's page, e.g. "Factuur VK-2026-0001". */
  label: string;
  amountCents: number;
};

export type CheckoutInput = {
  paymentId: string;
  organizationId: string;
  debtorId: string;
  amountCents: number;
  description: string;
  lines: CheckoutLine[];
  method: OnlineMethod;
  locale: Locale;
  customerEmail?: string;
  /** Where the provider sends the debtor back: our return page for this payment. */
  returnUrl: string;
  cancelUrl: string;
  webhookUrl: string;
  expiresAt: Date;
  idempotencyKey: string;
};

export type CheckoutResult = { providerPaymentId: string; checkoutUrl: string; expiresAt: Date | null };

/** How a webhook names the payment it is about (any of these, most specific first). */
export type WebhookTarget = { paymentId?: string; providerPaymentId?: string; providerReference?: string };

export type ParsedWebhook =
  /** Not from the provider (bad signature, malformed): answer 400, change nothing. */
  | { kind: 'rejected'; reason: string }
  /** Authentic but nothing for us (unknown payment, an event type we do not handle): answer 200. */
  | { kind: 'ignored'; reason: string; eventKey?: string; type?: string }
  | { kind: 'event'; eventKey: string; type: string; target: WebhookTarget; snapshot: ProviderSnapshot };

export interface PaymentProviderAdapter {
  readonly name: ProviderName;
  createCheckout(input: CheckoutInput): Promise<CheckoutResult>;
  /** The payment as the provider knows it now, or null when the provider does not know the id. */
  fetchStatus(providerPaymentId: string): Promise<ProviderSnapshot | null>;
  /** Verifies and reads one delivery (the raw body, as received). */
  parseWebhook(input: { rawBody: string; headers: Headers }): Promise<ParsedWebhook>;
  /** For events that name only a secondary id we have not stored yet: our payment id, from the provider. */
  lookupPaymentId?(providerReference: string): Promise<string | null>;
}

export class ProviderUnavailableError extends Error {
  constructor(
    readonly provider: ProviderName,
    message: string,
    readonly cause?: unknown,
  ) {
    super(`${provider}: ${message}`);
    this.name = 'ProviderUnavailableError';
  }
}

/** Rejects after `ms` so a slow provider cannot hold a debtor's request (or a database transaction) hostage. */
export async function withTimeout<T>(work: Promise<T>, ms: number, provider: ProviderName): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProviderUnavailableError(provider, `no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** "12.34" (a provider's decimal amount) to 1234 cents, exactly; null for anything else. */
export function decimalToCents(value: string | undefined | null): number | null {
  if (typeof value !== 'string' || !/^\d{1,13}\.\d{2}$/.test(value)) return null;
  const [whole, fraction] = value.split('.');
  return decimalDigitsToCents(whole, fraction);
}

/** Final statuses: a payment that reached one of these never goes back to open or pending. */
export const FINAL_STATUSES: ReadonlySet<ProviderPaymentStatus> = new Set(['paid', 'failed', 'canceled', 'expired']);
