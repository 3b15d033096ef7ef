import { index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { cents, createdAt, tstz, updatedAt } from './columns';
import { debtors, invoices } from './debtors';
import { paymentProvider, paymentStatus } from './enums';
import { organizations } from './organizations';
import { planInstallments } from './plans';

export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    debtorId: uuid('debtor_id')
      .notNull()
      .references(() => debtors.id, { onDelete: 'restrict' }),
    provider: paymentProvider('provider').notNull(),
    providerPaymentId: text('provider_payment_id'),
    /** A second provider id that later events name (Stripe: the PaymentIntent behind the Checkout Session). */
    providerReference: text('provider_reference'),
    /** The provider's own word for the status, as last seen (for support; our status is `status`). */
    providerStatus: text('provider_status'),
    method: text('method'),
    amountCents: cents('amount_cents').notNull(),
    refundedCents: cents('refunded_cents').notNull().default(0),
    chargedBackCents: cents('charged_back_cents').notNull().default(0),
    /** The part of the payment no invoice could take, kept as a credit on the debtor. */
    creditedCents: cents('credited_cents').notNull().default(0),
    currency: text('currency').notNull().default('EUR'),
    status: paymentStatus('status').notNull().default('open'),
    checkoutUrl: text('checkout_url'),
    /** The invoices the debtor chose and how much for each, before the money arrives. */
    intent: jsonb('intent').$type<{ invoiceId: string; amountCents: number }[]>(),
    installmentId: uuid('installment_id').references(() => planInstallments.id, { onDelete: 'set null' }),
    idempotencyKey: text('idempotency_key'),
    expiresAt: tstz('expires_at'),
    paidAt: tstz('paid_at'),
    /** Why the checkout could not be opened or the payment failed, in plain words for staff. */
    failureReason: text('failure_reason'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('payments_provider_payment_id_key').on(t.provider, t.providerPaymentId),
    uniqueIndex('payments_idempotency_key_key').on(t.idempotencyKey),
    index('payments_org_created_idx').on(t.organizationId, t.createdAt),
    index('payments_debtor_id_idx').on(t.debtorId),
    index('payments_installment_id_idx').on(t.installmentId),
    index('payments_provider_reference_idx').on(t.provider, t.providerReference),
  ],
);
export type Payment = typeof payments.$inferSelect;

/** Money applied to an invoice; negative rows reverse earlier ones (refund, chargeback). */
export const paymentAllocations = pgTable(
  'payment_allocations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id, { onDelete: 'restrict' }),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'restrict' }),
    installmentId: uuid('installment_id').references(() => planInstallments.id, { onDelete: 'set null' }),
    amountCents: cents('amount_cents').notNull(),
    /**
     * Of amount_cents, the parts that went to collection costs and to interest (art. 6:44 BW: costs
     * first, then interest, then the principal); the rest went to the invoice's open principal.
     */
    costsCents: cents('costs_cents').notNull().default(0),
    interestCents: cents('interest_cents').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    index('payment_allocations_payment_id_idx').on(t.paymentId),
    index('payment_allocations_invoice_id_idx').on(t.invoiceId),
    index('payment_allocations_installment_id_idx').on(t.installmentId),
    index('payment_allocations_organization_id_idx').on(t.organizationId),
  ],
);
export type PaymentAllocation = typeof paymentAllocations.$inferSelect;

/**
 * The demo provider's own ledger: what its hosted checkout page knows about a checkout, the
 * way Mollie or Stripe keep theirs. Only used outside production, when no real provider is set.
 */
export const demoCheckouts = pgTable(
  'demo_checkouts',
  {
    id: text('id').primaryKey(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id, { onDelete: 'cascade' }),
    amountCents: cents('amount_cents').notNull(),
    description: text('description').notNull(),
    status: text('status').$type<'open' | 'paid' | 'failed' | 'canceled' | 'expired'>().notNull().default('open'),
    returnUrl: text('return_url').notNull(),
    webhookUrl: text('webhook_url').notNull(),
    expiresAt: tstz('expires_at').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('demo_checkouts_payment_id_idx').on(t.paymentId),
    index('demo_checkouts_organization_id_idx').on(t.organizationId),
  ],
);
export type DemoCheckout = typeof demoCheckouts.$inferSelect;
