import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, uniqueIndex, uuid, date, integer } from 'drizzle-orm/pg-core';
import { cents, createdAt, tstz, updatedAt } from './columns';
import { debtorKind, invoiceStatus } from './enums';
import { files, organizations } from './organizations';

export const debtors = pgTable(
  'debtors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    externalRef: text('external_ref'),
    kind: debtorKind('kind').notNull(),
    name: text('name').notNull(),
    contactName: text('contact_name'),
    email: text('email').notNull(),
    phone: text('phone'),
    locale: text('locale').notNull().default('nl'),
    addressLine: text('address_line'),
    postalCode: text('postal_code'),
    city: text('city'),
    country: text('country').notNull().default('NL'),
    vatNumber: text('vat_number'),
    /** Overpayments kept for the debtor, in cents. */
    creditCents: cents('credit_cents').notNull().default(0),
    /** Set when email to this address must stop (bounce, complaint). */
    emailBlockedAt: tstz('email_blocked_at'),
    flaggedAt: tstz('flagged_at'),
    flaggedReason: text('flagged_reason'),
    active: boolean('active').notNull().default(true),
    deletedAt: tstz('deleted_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('debtors_org_external_ref_key').on(t.organizationId, t.externalRef),
    index('debtors_org_email_idx').on(t.organizationId, sql`lower(${t.email})`),
    index('debtors_org_name_idx').on(t.organizationId, t.name),
  ],
);
export type Debtor = typeof debtors.$inferSelect;
export type NewDebtor = typeof debtors.$inferInsert;

export type InvoiceLine = {
  description: string;
  quantity: number;
  unitPriceCents: number;
  vatRatePercent: number;
  amountCents: number;
};

export const invoices = pgTable(
  'invoices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    debtorId: uuid('debtor_id')
      .notNull()
      .references(() => debtors.id, { onDelete: 'restrict' }),
    number: text('number').notNull(),
    externalRef: text('external_ref'),
    description: text('description'),
    issueDate: date('issue_date', { mode: 'string' }).notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    currency: text('currency').notNull().default('EUR'),
    totalCents: cents('total_cents').notNull(),
    openCents: cents('open_cents').notNull(),
    status: invoiceStatus('status').notNull().default('open'),
    paymentReference: text('payment_reference'),
    lines: jsonb('lines').$type<InvoiceLine[]>(),
    pdfFileId: uuid('pdf_file_id').references(() => files.id, { onDelete: 'set null' }),
    /** Number of dunning stages already carried out (0 = none yet). */
    dunningStage: integer('dunning_stage').notNull().default(0),
    /** When the dunning engine should look at this invoice next; null = nothing scheduled. */
    nextActionAt: tstz('next_action_at'),
    costsCents: cents('costs_cents').notNull().default(0),
    interestCents: cents('interest_cents').notNull().default(0),
    /** Final-notice delivery day, from which the 14-day term is counted. */
    finalNoticeAt: tstz('final_notice_at'),
    collectionAt: tstz('collection_at'),
    settledAt: tstz('settled_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('invoices_org_number_key').on(t.organizationId, t.number),
    index('invoices_debtor_id_idx').on(t.debtorId, t.status),
    index('invoices_org_status_due_idx').on(t.organizationId, t.status, t.dueDate),
    index('invoices_pdf_file_id_idx').on(t.pdfFileId),
    index('invoices_next_action_idx')
      .on(t.nextActionAt)
      .where(sql`${t.status} = 'open' and ${t.nextActionAt} is not null`),
  ],
);
export type Invoice = typeof invoices.$inferSelect;
export type NewInvoice = typeof invoices.$inferInsert;
