import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { cents, createdAt, tstz, updatedAt } from './columns';
import { debtors, invoices } from './debtors';
import { disputeOutcome, disputeReason, disputeStatus, messageAuthor } from './enums';
import { files, organizations } from './organizations';
import { staffUsers } from './staff';

export const disputes = pgTable(
  'disputes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    debtorId: uuid('debtor_id')
      .notNull()
      .references(() => debtors.id, { onDelete: 'cascade' }),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'cascade' }),
    /** 'dispute' pauses dunning and may end in a credit; 'question' is a thread that pauses nothing unless staff hold it. */
    kind: text('kind', { enum: ['dispute', 'question'] }).notNull().default('dispute'),
    reason: disputeReason('reason').notNull(),
    status: disputeStatus('status').notNull().default('open'),
    outcome: disputeOutcome('outcome'),
    disputedCents: cents('disputed_cents').notNull(),
    creditedCents: cents('credited_cents').notNull().default(0),
    assigneeId: uuid('assignee_id').references(() => staffUsers.id, { onDelete: 'set null' }),
    lastDebtorMessageAt: tstz('last_debtor_message_at'),
    lastStaffReplyAt: tstz('last_staff_reply_at'),
    resolutionNote: text('resolution_note'),
    resolvedAt: tstz('resolved_at'),
    /** After a part credit: the debtor may accept or reply until then; after it the dispute closes on its own. */
    answerDueAt: tstz('answer_due_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('disputes_one_open_per_invoice_and_kind')
      .on(t.invoiceId, t.kind)
      .where(sql`${t.status} not in ('resolved', 'withdrawn')`),
    check('disputes_kind_known', sql`${t.kind} in ('dispute', 'question')`),
    index('disputes_answer_due_idx').on(t.answerDueAt).where(sql`${t.answerDueAt} is not null`),
    index('disputes_org_status_idx').on(t.organizationId, t.status, t.createdAt),
    index('disputes_debtor_id_idx').on(t.debtorId),
    index('disputes_assignee_id_idx').on(t.assigneeId),
  ],
);
export type Dispute = typeof disputes.$inferSelect;

export const disputeMessages = pgTable(
  'dispute_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    disputeId: uuid('dispute_id')
      .notNull()
      .references(() => disputes.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    author: messageAuthor('author').notNull(),
    staffUserId: uuid('staff_user_id').references(() => staffUsers.id, { onDelete: 'set null' }),
    /** Plain text, always rendered as text. */
    body: text('body').notNull(),
    internal: boolean('internal').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    index('dispute_messages_dispute_id_idx').on(t.disputeId, t.createdAt),
    index('dispute_messages_staff_user_id_idx').on(t.staffUserId),
  ],
);

export const disputeAttachments = pgTable(
  'dispute_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => disputeMessages.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    fileId: uuid('file_id')
      .notNull()
      .references(() => files.id, { onDelete: 'cascade' }),
    position: integer('position').notNull().default(0),
  },
  (t) => [
    index('dispute_attachments_message_id_idx').on(t.messageId),
    index('dispute_attachments_file_id_idx').on(t.fileId),
  ],
);
