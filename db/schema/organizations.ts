import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bytea } from './columns';
import { paymentProvider } from './enums';

/** Dunning stage as stored in an organization's policy. */
export type DunningStage = {
  key: string;
  offsetDays: number;
  template: 'friendly_reminder' | 'second_reminder' | 'final_notice' | 'collection_handover';
  addsCosts: boolean;
};
export type DunningPolicy = { consumer: DunningStage[]; business: DunningStage[] };

export type PlanPolicy = {
  maxInstallments: number;
  maxDurationDays: number;
  minInstallmentCents: number;
  maxTotalCents: number;
  consumersMayPropose: boolean;
  businessesMayPropose: boolean;
  minDownPaymentPercent: number;
  promiseMaxDays: number;
  graceDays: number;
  /** A debtor's proposed first payment may be at most this many days ahead (default 30). */
  firstPaymentMaxDays?: number;
};

export type PortalSettings = {
  linkTtlDays: number;
  minPartialPaymentCents: number;
  disputeResponseHours: number;
  disputeRejectGraceDays: number;
  /** Business days a debtor's "Ik heb het overgemaakt" pauses dunning (1-15; absent: 5). */
  transferNoticeDays?: number;
};

export const organizations = pgTable(
  'organizations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    legalName: text('legal_name').notNull(),
    kvkNumber: text('kvk_number'),
    vatNumber: text('vat_number'),
    iban: text('iban'),
    bic: text('bic'),
    email: text('email'),
    phone: text('phone'),
    website: text('website'),
    /** The creditor's postal address, printed on generated invoice PDFs and receipts (art. 35a Wet OB). */
    addressLine: text('address_line'),
    postalCode: text('postal_code'),
    city: text('city'),
    country: text('country').notNull().default('NL'),
    logoFileId: uuid('logo_file_id'),
    brandColor: text('brand_color').notNull().default('#0b5d4b'),
    defaultLocale: text('default_locale').notNull().default('nl'),
    senderName: text('sender_name'),
    replyTo: text('reply_to'),
    paymentProvider: paymentProvider('payment_provider'),
    /** AES-256-GCM sealed JSON of provider credentials (never plain text). */
    providerCredentials: text('provider_credentials'),
    dunningPolicy: jsonb('dunning_policy').$type<DunningPolicy>().notNull(),
    planPolicy: jsonb('plan_policy').$type<PlanPolicy>().notNull(),
    portalSettings: jsonb('portal_settings').$type<PortalSettings>().notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('organizations_slug_key').on(t.slug)],
);

export type Organization = typeof organizations.$inferSelect;
export type NewOrganization = typeof organizations.$inferInsert;

export const files = pgTable(
  'files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    data: bytea('data').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('files_organization_id_idx').on(t.organizationId)],
);

export type StoredFile = typeof files.$inferSelect;
