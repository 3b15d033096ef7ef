import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, tstz } from './columns';
import { debtors, invoices } from './debtors';
import { communicationStatus, linkPurpose, pauseReason } from './enums';
import { organizations } from './organizations';
import { staffInvitations } from './staff';

/** An invoice is paused while any of its pauses has lifted_at null and until in the future (or null). */
export const dunningPauses = pgTable(
  'dunning_pauses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'cascade' }),
    reason: pauseReason('reason').notNull(),
    /** The payment, plan, promise or dispute that caused the pause. */
    sourceId: uuid('source_id'),
    startedAt: tstz('started_at').notNull().defaultNow(),
    until: tstz('until'),
    liftedAt: tstz('lifted_at'),
    liftedReason: text('lifted_reason'),
    createdAt: createdAt(),
  },
  (t) => [
    index('dunning_pauses_active_idx')
      .on(t.invoiceId)
      .where(sql`${t.liftedAt} is null`),
    index('dunning_pauses_source_id_idx').on(t.sourceId),
    index('dunning_pauses_org_idx').on(t.organizationId, t.reason),
  ],
);
export type DunningPause = typeof dunningPauses.$inferSelect;

export const communications = pgTable(
  'communications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** The debtor the message is to or about; null only for mail to a staff invitee (no debtor involved). */
    debtorId: uuid('debtor_id').references(() => debtors.id, { onDelete: 'cascade' }),
    /** Set for an invitation to join the organization's staff: the outbox sends it to the invitee. */
    staffInvitationId: uuid('staff_invitation_id').references(() => staffInvitations.id, { onDelete: 'cascade' }),
    template: text('template').notNull(),
    stage: integer('stage'),
    /** Guards against writing the same message twice (e.g. dunning:<debtor>:<stage>:<day>). */
    dedupeKey: text('dedupe_key'),
    invoiceIds: uuid('invoice_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    toAddress: text('to_address').notNull(),
    locale: text('locale').notNull().default('nl'),
    subject: text('subject'),
    html: text('html'),
    textBody: text('text_body'),
    props: jsonb('props').$type<Record<string, unknown>>(),
    linkJti: text('link_jti'),
    providerMessageId: text('provider_message_id'),
    status: communicationStatus('status').notNull().default('queued'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    sentAt: tstz('sent_at'),
    deliveredAt: tstz('delivered_at'),
    openedAt: tstz('opened_at'),
    failedAt: tstz('failed_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('communications_dedupe_key_key').on(t.organizationId, t.dedupeKey),
    check('communications_recipient_known', sql`${t.debtorId} is not null or ${t.staffInvitationId} is not null`),
    index('communications_staff_invitation_id_idx').on(t.staffInvitationId),
    index('communications_debtor_id_idx').on(t.debtorId, t.createdAt),
    index('communications_provider_message_id_idx').on(t.providerMessageId),
    index('communications_status_idx').on(t.organizationId, t.status),
  ],
);
export type Communication = typeof communications.$inferSelect;

export const portalLinks = pgTable(
  'portal_links',
  {
    jti: text('jti').primaryKey(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    debtorId: uuid('debtor_id')
      .notNull()
      .references(() => debtors.id, { onDelete: 'cascade' }),
    purpose: linkPurpose('purpose').notNull(),
    /** Where the link lands after sign-in (a portal path). */
    target: text('target'),
    communicationId: uuid('communication_id'),
    issuedAt: tstz('issued_at').notNull().defaultNow(),
    expiresAt: tstz('expires_at').notNull(),
    revokedAt: tstz('revoked_at'),
    firstUsedAt: tstz('first_used_at'),
    lastUsedAt: tstz('last_used_at'),
    useCount: integer('use_count').notNull().default(0),
  },
  (t) => [index('portal_links_debtor_id_idx').on(t.debtorId), index('portal_links_org_idx').on(t.organizationId)],
);
export type PortalLink = typeof portalLinks.$inferSelect;

export const debtorSessions = pgTable(
  'debtor_sessions',
  {
    /** sha256 of the cookie token. */
    id: text('id').primaryKey(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    debtorId: uuid('debtor_id')
      .notNull()
      .references(() => debtors.id, { onDelete: 'cascade' }),
    linkJti: text('link_jti').references(() => portalLinks.jti, { onDelete: 'set null' }),
    createdAt: createdAt(),
    lastSeenAt: tstz('last_seen_at').notNull().defaultNow(),
    expiresAt: tstz('expires_at').notNull(),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [index('debtor_sessions_debtor_id_idx').on(t.debtorId), index('debtor_sessions_link_jti_idx').on(t.linkJti)],
);
