import { boolean, date, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { cents, createdAt, tstz, updatedAt } from './columns';
import { debtors, invoices } from './debtors';
import { installmentStatus, planFrequency, planStatus, promiseStatus } from './enums';
import { organizations } from './organizations';
import { staffUsers } from './staff';

export const paymentPlans = pgTable(
  'payment_plans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    debtorId: uuid('debtor_id')
      .notNull()
      .references(() => debtors.id, { onDelete: 'cascade' }),
    status: planStatus('status').notNull(),
    totalCents: cents('total_cents').notNull(),
    downPaymentCents: cents('down_payment_cents').notNull().default(0),
    installmentCount: integer('installment_count').notNull(),
    frequency: planFrequency('frequency').notNull(),
    firstDueDate: date('first_due_date', { mode: 'string' }).notNull(),
    reason: text('reason'),
    autoApproved: boolean('auto_approved').notNull().default(false),
    /** The proposal this plan counters, when finance made a counter-proposal. */
    counterOfId: uuid('counter_of_id'),
    decidedById: uuid('decided_by_id').references(() => staffUsers.id, { onDelete: 'set null' }),
    decidedAt: tstz('decided_at'),
    decisionNote: text('decision_note'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('payment_plans_org_status_idx').on(t.organizationId, t.status, t.createdAt),
    index('payment_plans_debtor_id_idx').on(t.debtorId),
    index('payment_plans_counter_of_id_idx').on(t.counterOfId),
    index('payment_plans_decided_by_id_idx').on(t.decidedById),
  ],
);
export type PaymentPlan = typeof paymentPlans.$inferSelect;

export const planInvoices = pgTable(
  'plan_invoices',
  {
    planId: uuid('plan_id')
      .notNull()
      .references(() => paymentPlans.id, { onDelete: 'cascade' }),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'cascade' }),
    amountCents: cents('amount_cents').notNull(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.invoiceId] }), index('plan_invoices_invoice_id_idx').on(t.invoiceId)],
);

export const planInstallments = pgTable(
  'plan_installments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => paymentPlans.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    amountCents: cents('amount_cents').notNull(),
    paidCents: cents('paid_cents').notNull().default(0),
    status: installmentStatus('status').notNull().default('pending'),
    paidAt: tstz('paid_at'),
    remindedAt: tstz('reminded_at'),
    missedNoticeAt: tstz('missed_notice_at'),
  },
  (t) => [
    uniqueIndex('plan_installments_plan_seq_key').on(t.planId, t.seq),
    index('plan_installments_org_due_idx').on(t.organizationId, t.status, t.dueDate),
  ],
);
export type PlanInstallment = typeof planInstallments.$inferSelect;

export const promisesToPay = pgTable(
  'promises_to_pay',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    debtorId: uuid('debtor_id')
      .notNull()
      .references(() => debtors.id, { onDelete: 'cascade' }),
    promisedDate: date('promised_date', { mode: 'string' }).notNull(),
    totalCents: cents('total_cents').notNull(),
    status: promiseStatus('status').notNull().default('active'),
    resolvedAt: tstz('resolved_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('promises_to_pay_debtor_id_idx').on(t.debtorId),
    index('promises_to_pay_org_status_idx').on(t.organizationId, t.status, t.promisedDate),
  ],
);
export type PromiseToPay = typeof promisesToPay.$inferSelect;

export const promiseInvoices = pgTable(
  'promise_invoices',
  {
    promiseId: uuid('promise_id')
      .notNull()
      .references(() => promisesToPay.id, { onDelete: 'cascade' }),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.promiseId, t.invoiceId] }),
    index('promise_invoices_invoice_id_idx').on(t.invoiceId),
  ],
);
