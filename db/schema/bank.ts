import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { cents, createdAt, tstz, updatedAt } from './columns';
import { debtors } from './debtors';
import { organizations } from './organizations';
import { payments } from './payments';

/** The creditor's own bank accounts: a statement is only read for one of these. */
export const bankAccounts = pgTable(
  'bank_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** Electronic form: upper case, no spaces. */
    iban: text('iban').notNull(),
    label: text('label'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('bank_accounts_org_iban_key').on(t.organizationId, t.iban)],
);
export type BankAccount = typeof bankAccounts.$inferSelect;

/** One uploaded or posted statement file (it may hold several `Stmt` of several of the creditor's accounts). */
export const bankStatements = pgTable(
  'bank_statements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** e.g. camt.053.001.02, camt.053.001.08, camt.054.001.02, mt940 */
    format: text('format').notNull(),
    filename: text('filename'),
    sha256: text('sha256').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    /** The statements' own ids (Stmt/Id, :20:/:28C:), for people. */
    statementRefs: text('statement_refs')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    fromDate: date('from_date'),
    toDate: date('to_date'),
    /** Counts for the outcome: every entry, money in, matched, queued, ignored, already booked. */
    entries: integer('entries').notNull().default(0),
    credits: integer('credits').notNull().default(0),
    matched: integer('matched').notNull().default(0),
    queued: integer('queued').notNull().default(0),
    ignored: integer('ignored').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    /** 'staff' | 'api' and the staff user or api key id. */
    uploadedByType: text('uploaded_by_type').notNull(),
    uploadedById: text('uploaded_by_id'),
    createdAt: createdAt(),
  },
  (t) => [index('bank_statements_org_created_idx').on(t.organizationId, t.createdAt)],
);
export type BankStatement = typeof bankStatements.$inferSelect;

export type BankEntryStatus = 'matched' | 'queued' | 'ignored' | 'debit' | 'reversal';
export type BankMatchRule = 'reference' | 'invoice_number' | 'iban_amount' | 'manual';
export type BankSuggestion = { invoiceIds: string[]; rule: BankMatchRule | 'name' | 'amount'; score: number };

/**
 * One booked transaction line of a statement (an `Ntry`, or one `TxDtls` of a batch entry). The
 * dedupe key (account, entry reference, booking date, amount, direction) makes the same line in
 * a second file or an overlapping statement book nothing.
 */
export const bankEntries = pgTable(
  'bank_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    statementId: uuid('statement_id')
      .notNull()
      .references(() => bankStatements.id, { onDelete: 'cascade' }),
    bankAccountId: uuid('bank_account_id')
      .notNull()
      .references(() => bankAccounts.id, { onDelete: 'restrict' }),
    dedupeKey: text('dedupe_key').notNull(),
    entryRef: text('entry_ref'),
    bookingDate: date('booking_date').notNull(),
    valueDate: date('value_date'),
    amountCents: cents('amount_cents').notNull(),
    currency: text('currency').notNull().default('EUR'),
    direction: text('direction').$type<'credit' | 'debit'>().notNull(),
    reversal: boolean('reversal').notNull().default(false),
    counterpartyName: text('counterparty_name'),
    counterpartyIban: text('counterparty_iban'),
    structuredRef: text('structured_ref'),
    remittance: text('remittance'),
    endToEndId: text('end_to_end_id'),
    status: text('status').$type<BankEntryStatus>().notNull(),
    matchRule: text('match_rule').$type<BankMatchRule>(),
    debtorId: uuid('debtor_id').references(() => debtors.id, { onDelete: 'set null' }),
    /** The ledger entry this line became (a payment with provider bank_transfer). */
    paymentId: uuid('payment_id').references(() => payments.id, { onDelete: 'set null' }),
    suggestions: jsonb('suggestions').$type<BankSuggestion[]>(),
    /** Why it waits in the queue or was ignored, in plain words for staff. */
    note: text('note'),
    resolvedAt: tstz('resolved_at'),
    resolvedBy: text('resolved_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('bank_entries_dedupe_key').on(t.organizationId, t.bankAccountId, t.dedupeKey),
    index('bank_entries_statement_idx').on(t.statementId),
    index('bank_entries_queue_idx')
      .on(t.organizationId, t.bookingDate)
      .where(sql`${t.status} = 'queued'`),
    index('bank_entries_payment_idx').on(t.paymentId),
  ],
);
export type BankEntry = typeof bankEntries.$inferSelect;

/** A debtor's account, learned from a line that was matched to that debtor (rule 3 of matching). */
export const debtorIbans = pgTable(
  'debtor_ibans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    debtorId: uuid('debtor_id')
      .notNull()
      .references(() => debtors.id, { onDelete: 'cascade' }),
    iban: text('iban').notNull(),
    learnedFromEntryId: uuid('learned_from_entry_id').references(() => bankEntries.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('debtor_ibans_org_iban_debtor_key').on(t.organizationId, t.iban, t.debtorId),
    index('debtor_ibans_debtor_idx').on(t.debtorId),
  ],
);
export type DebtorIban = typeof debtorIbans.$inferSelect;

/**
 * "Ik heb het overgemaakt": the debtor says a transfer is on its way. Its invoices pause
 * (reason transfer_announced) until `pauseUntil`; when no matching money arrived by then the
 * pause ends on its own and staff get told.
 */
export const transferNotices = pgTable(
  'transfer_notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    debtorId: uuid('debtor_id')
      .notNull()
      .references(() => debtors.id, { onDelete: 'cascade' }),
    invoiceIds: uuid('invoice_ids').array().notNull(),
    transferredOn: date('transferred_on').notNull(),
    amountCents: cents('amount_cents'),
    pauseUntil: tstz('pause_until').notNull(),
    status: text('status').$type<'waiting' | 'received' | 'lapsed'>().notNull().default('waiting'),
    resolvedAt: tstz('resolved_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('transfer_notices_debtor_idx').on(t.organizationId, t.debtorId),
    index('transfer_notices_waiting_idx')
      .on(t.pauseUntil)
      .where(sql`${t.status} = 'waiting'`),
  ],
);
export type TransferNotice = typeof transferNotices.$inferSelect;
