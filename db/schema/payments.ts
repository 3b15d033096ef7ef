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
    method: text('method'),
    amountCents: cents('amount_cents').notNull(),
    refundedCents: cents('refunded_cents').notNull().default(0),
    currency: text('currency').notNull().default('EUR'),
    status: paymentStatus('status').notNull().default('open'),
    checkoutUrl: text('checkout_url'),
    /** The invoices the debtor chose and how much for each, before the money arrives. */
    intent: jsonb('intent').$type<{ invoiceId: string; amountCents: number }[]>(),
    installmentId: uuid('installment_id').references(() => planInstallments.id, { onDelete: 'set null' }),
    idempotencyKey: text('idempotency_key'),
    expiresAt: tstz('expires_at'),
    paidAt: tstz('paid_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('payments_provider_payment_id_key').on(t.provider, t.providerPaymentId),
    uniqueIndex('payments_idempotency_key_key').on(t.idempotencyKey),
    index('payments_org_created_idx').on(t.organizationId, t.createdAt),
    index('payments_debtor_id_idx').on(t.debtorId),
    index('payments_installment_id_idx').on(t.installmentId),
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
