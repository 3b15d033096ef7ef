/** What a payment provider reports about one payment, as the ledger applies it (applyProviderSnapshot). */

/** The statuses a provider can report, in our words. */
export type ProviderPaymentStatus = 'open' | 'pending' | 'paid' | 'failed' | 'canceled' | 'expired';

/** What the provider says about one payment. Amounts are integer cents; refund and chargeback totals are cumulative. */
export type ProviderSnapshot = {
  status: ProviderPaymentStatus;
  /** The provider's own status word(s), kept for support. */
  providerStatus: string;
  providerPaymentId?: string;
  /** A second id later events may name (Stripe: the PaymentIntent). */
  providerReference?: string;
  /** Amount received, when paid. */
  amountCents?: number;
  refundedCents?: number;
  chargedBackCents?: number;
  method?: string | null;
};
