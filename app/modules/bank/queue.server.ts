/**
 * What finance sees of imported statements and does with the lines matching could not place:
 * the statements, each line's outcome, the match queue with ranked suggestions, the one-step
 * manual match (one invoice, several, split amounts, the rest as the debtor's credit) and
 * "not a debtor payment". Reads are scoped by organization; every change is one transaction
 * with its ledger entry and audit event.
 */
import { and, eq, sql } from 'drizzle-orm';
import {
  bankEntries,
  bankStatements,
  type BankEntry,
  type BankEntryStatus,
  type BankMatchRule,
  type BankSuggestion,
} from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { hasForbiddenControlChars, isAmountWithinLimit } from '~/utils/limits';
import { audit, type Actor } from '~/modules/audit/index.server';
import { formatIban } from '~/modules/payments/index';
import { OWED_SQL, owedSqlOf, recordLedgerEntry } from '~/modules/ledger/index.server';
import { BankActionError } from './errors';
import { learnIbans } from './import.server';
import { BANK_MATCH_MAX_SPLITS, BANK_NOTE_MAX_LENGTH } from './limits';
import { readNote, type SystemNoteCode } from './match.server';
import { isUuid } from '~/utils/ids';
import { orgScope } from '~/utils/org-scope.server';

const uuidArray = (ids: string[]) => `{${ids.join(',')}}`;

export type StatementSummary = {
  id: string;
  format: string;
  filename: string | null;
  statementRefs: string[];
  /** The creditor's accounts the statement's lines are for, in print form. */
  accounts: string[];
  fromDate: string | null;
  toDate: string | null;
  entries: number;
  credits: number;
  matched: number;
  queued: number;
  ignored: number;
  duplicates: number;
  /** Money in on the lines this file added. */
  creditCents: number;
  uploadedBy: { type: 'staff' | 'api'; id: string | null; name: string | null };
  createdAt: Date;
};

export type BankEntryView = {
  id: string;
  statementId: string;
  bookingDate: string;
  valueDate: string | null;
  amountCents: number;
  currency: string;
  direction: 'credit' | 'debit';
  reversal: boolean;
  counterpartyName: string | null;
  counterpartyIban: string | null;
  remittance: string | null;
  structuredRef: string | null;
  endToEndId: string | null;
  entryRef: string | null;
  status: BankEntryStatus;
  matchRule: BankMatchRule | null;
  /** Raw note: `[code] detail` from the importer, or a staff member's words. */
  note: string | null;
  /** The importer's reason, for pages to translate (null for a staff note or none). */
  noteCode: SystemNoteCode | null;
  noteDetail: string | null;
  /** A staff member's note as written. */
  noteText: string | null;
  debtor: { id: string; name: string; externalRef: string | null } | null;
  /** The invoices the line's payment went to, with what each got. */
  invoices: { id: string; number: string; allocatedCents: number }[];
  paymentId: string | null;
  /** The part of the line kept as the debtor's credit. */
  creditedCents: number;
  resolvedAt: Date | null;
  resolvedBy: string | null;
};

export type SuggestionView = {
  rule: BankSuggestion['rule'];
  score: number;
  invoices: { id: string; number: string; debtorId: string; debtorName: string; owedCents: number; dueDate: string }[];
  totalOwedCents: number;
  /** The line's amount is exactly what these invoices owe together. */
  amountFits: boolean;
};

export type QueueItem = BankEntryView & { suggestions: SuggestionView[] };

type SummaryRow = {
  id: string;
  format: string;
  filename: string | null;
  statement_refs: string[];
  accounts: string[] | null;
  from_date: string | null;
  to_date: string | null;
  entries: number;
  credits: number;
  matched: number;
  queued: number;
  ignored: number;
  duplicates: number;
  credit_cents: unknown;
  uploaded_by_type: string;
  uploaded_by_id: string | null;
  uploader_name: string | null;
  created_at: Date | string;
};

const summarySelect = sql`
  select s.id, s.format, s.filename, s.statement_refs, s.from_date::text as from_date, s.to_date::text as to_date,
    s.entries, s.credits, s.matched, s.queued, s.ignored, s.duplicates, s.uploaded_by_type, s.uploaded_by_id, s.created_at,
    (select array_agg(distinct a.iban) from bank_entries e join bank_accounts a on a.id = e.bank_account_id
      where e.statement_id = s.id and e.organization_id = s.organization_id) as accounts,
    (select coalesce(sum(e.amount_cents), 0) from bank_entries e
      where e.statement_id = s.id and e.organization_id = s.organization_id and e.direction = 'credit') as credit_cents,
    case s.uploaded_by_type
      when 'staff' then (select u.name from staff_users u where u.id::text = s.uploaded_by_id and u.organization_id = s.organization_id)
      when 'api' then (select k.name from api_keys k where k.id::text = s.uploaded_by_id and k.organization_id = s.organization_id)
    end as uploader_name
  from bank_statements s`;

function summaryOf(row: SummaryRow): StatementSummary {
  return {
    id: row.id,
    format: row.format,
    filename: row.filename,
    statementRefs: row.statement_refs,
    accounts: (row.accounts ?? []).map(formatIban),
    fromDate: row.from_date,
    toDate: row.to_date,
    entries: row.entries,
    credits: row.credits,
    matched: row.matched,
    queued: row.queued,
    ignored: row.ignored,
    duplicates: row.duplicates,
    creditCents: Number(row.credit_cents),
    uploadedBy: {
      type: row.uploaded_by_type === 'api' ? 'api' : 'staff',
      id: row.uploaded_by_id,
      name: row.uploader_name,
    },
    createdAt: new Date(row.created_at),
  };
}

/** The organization's imported statement files, newest first; `before`: createdAt (ISO) of the last one shown. */
export async function listStatements(
  organizationId: string,
  { limit = 50, before }: { limit?: number; before?: string | Date | null } = {},
): Promise<StatementSummary[]> {
  const bounded = Math.min(Math.max(1, Math.trunc(limit) || 50), 200);
  const cursor = before ? new Date(before) : null;
  const rows = await getDb().execute<SummaryRow>(sql`
    ${summarySelect}
    where s.organization_id = ${organizationId}
      ${cursor && !Number.isNaN(cursor.getTime()) ? sql`and s.created_at < ${cursor.toISOString()}::timestamptz` : sql``}
    order by s.created_at desc, s.id desc
    limit ${bounded}`);
  return rows.map(summaryOf);
}

type EntryRow = {
  id: string;
  statement_id: string;
  booking_date: string;
  value_date: string | null;
  amount_cents: unknown;
  currency: string;
  direction: 'credit' | 'debit';
  reversal: boolean;
  counterparty_name: string | null;
  counterparty_iban: string | null;
  remittance: string | null;
  structured_ref: string | null;
  end_to_end_id: string | null;
  entry_ref: string | null;
  status: BankEntryStatus;
  match_rule: BankMatchRule | null;
  note: string | null;
  debtor_id: string | null;
  debtor_name: string | null;
  debtor_external_ref: string | null;
  payment_id: string | null;
  credited_cents: unknown;
  invoices: { id: string; number: string; allocatedCents: number | string }[] | null;
  suggestions: BankSuggestion[] | null;
  resolved_at: Date | string | null;
  resolved_by: string | null;
};

const entrySelect = sql`
  select e.id, e.statement_id, e.booking_date::text as booking_date, e.value_date::text as value_date,
    e.amount_cents, e.currency, e.direction, e.reversal, e.counterparty_name, e.counterparty_iban,
    e.remittance, e.structured_ref, e.end_to_end_id, e.entry_ref, e.status, e.match_rule, e.note,
    e.debtor_id, d.name as debtor_name, d.external_ref as debtor_external_ref, e.payment_id,
    case when e.status = 'matched' then coalesce(p.credited_cents, 0) else 0 end as credited_cents,
    e.suggestions, e.resolved_at, e.resolved_by,
    (select json_agg(json_build_object('id', i.id, 'number', i.number, 'allocatedCents', a.allocated)
        order by i.due_date, i.number)
      from (select invoice_id, sum(amount_cents) filter (where amount_cents > 0) as allocated
            from payment_allocations
            where payment_id = e.payment_id and organization_id = e.organization_id
            group by invoice_id) a
      join invoices i on i.id = a.invoice_id and i.organization_id = e.organization_id
      where a.allocated > 0) as invoices
  from bank_entries e
  left join debtors d on d.id = e.debtor_id and d.organization_id = e.organization_id
  left join payments p on p.id = e.payment_id and p.organization_id = e.organization_id`;

function entryOf(row: EntryRow): BankEntryView {
  const note = readNote(row.note);
  return {
    id: row.id,
    statementId: row.statement_id,
    bookingDate: row.booking_date,
    valueDate: row.value_date,
    amountCents: Number(row.amount_cents),
    currency: row.currency,
    direction: row.direction,
    reversal: row.reversal,
    counterpartyName: row.counterparty_name,
    counterpartyIban: row.counterparty_iban,
    remittance: row.remittance,
    structuredRef: row.structured_ref,
    endToEndId: row.end_to_end_id,
    entryRef: row.entry_ref,
    status: row.status,
    matchRule: row.match_rule,
    note: row.note,
    noteCode: note.code,
    noteDetail: note.detail,
    noteText: note.text,
    debtor:
      row.debtor_id && row.debtor_name !== null
        ? { id: row.debtor_id, name: row.debtor_name, externalRef: row.debtor_external_ref }
        : null,
    invoices: (row.invoices ?? []).map((i) => ({
      id: i.id,
      number: i.number,
      allocatedCents: Number(i.allocatedCents),
    })),
    paymentId: row.payment_id,
    creditedCents: Number(row.credited_cents ?? 0),
    resolvedAt: row.resolved_at === null ? null : new Date(row.resolved_at),
    resolvedBy: row.resolved_by,
  };
}

export type StatementDetail = {
  statement: StatementSummary;
  entries: BankEntryView[];
  /** All lines of the statement (entries holds at most `limit` of them, from `offset`). */
  totalEntries: number;
};

/**
 * One statement file and its lines with their outcome (in booking-date order), or null when the
 * id is not one of this organization's statements.
 */
export async function getStatement(
  organizationId: string,
  statementId: string,
  { limit = 2000, offset = 0 }: { limit?: number; offset?: number } = {},
): Promise<StatementDetail | null> {
  if (!isUuid(statementId)) return null;
  const db = getDb();
  const [row] = await db.execute<SummaryRow>(sql`
    ${summarySelect} where s.organization_id = ${organizationId} and s.id = ${statementId}`);
  if (!row) return null;
  const bounded = Math.min(Math.max(1, Math.trunc(limit) || 2000), 10_000);
  const from = Math.max(0, Math.trunc(offset) || 0);
  const [count] = await db.execute<{ n: unknown }>(
    sql`select count(*) as n from bank_entries where organization_id = ${organizationId} and statement_id = ${statementId}`,
  );
  const entries = await db.execute<EntryRow>(sql`
    ${entrySelect}
    where e.organization_id = ${organizationId} and e.statement_id = ${statementId}
    order by e.booking_date, e.direction, e.amount_cents desc, e.id
    limit ${bounded} offset ${from}`);
  return { statement: summaryOf(row), entries: entries.map(entryOf), totalEntries: Number(count?.n ?? 0) };
}

/** One line with its outcome (any status), or null. */
export async function getEntry(organizationId: string, entryId: string): Promise<BankEntryView | null> {
  if (!isUuid(entryId)) return null;
  const [row] = await getDb().execute<EntryRow>(sql`
    ${entrySelect} where e.organization_id = ${organizationId} and e.id = ${entryId}`);
  return row ? entryOf(row) : null;
}

/**
 * The match queue: money-in lines waiting for finance, oldest booking first, each with its ranked
 * suggestions read fresh (invoices no longer open are left out, amounts are what is owed now).
 */
export async function listQueue(
  organizationId: string,
  { limit = 50, offset = 0 }: { limit?: number; offset?: number } = {},
): Promise<{ total: number; entries: QueueItem[] }> {
  const db = getDb();
  const bounded = Math.min(Math.max(1, Math.trunc(limit) || 50), 500);
  const [count] = await db.execute<{ n: unknown }>(
    sql`select count(*) as n from bank_entries where organization_id = ${organizationId} and status = 'queued'`,
  );
  const rows = await db.execute<EntryRow>(sql`
    ${entrySelect}
    where e.organization_id = ${organizationId} and e.status = 'queued'
    order by e.booking_date, e.created_at, e.id
    limit ${bounded} offset ${Math.max(0, Math.trunc(offset) || 0)}`);
  const ids = [...new Set(rows.flatMap((r) => (r.suggestions ?? []).flatMap((s) => s.invoiceIds)))].filter(isUuid);
  const invoices = new Map<string, SuggestionView['invoices'][number]>();
  if (ids.length > 0) {
    const found = await db.execute<{
      id: string;
      number: string;
      debtor_id: string;
      debtor_name: string;
      owed: unknown;
      due_date: string;
    }>(sql`
      select i.id, i.number, i.debtor_id, d.name as debtor_name, i.due_date::text as due_date,
        ${owedSqlOf('i')} as owed
      from invoices i join debtors d on d.id = i.debtor_id and d.organization_id = i.organization_id
      where i.organization_id = ${organizationId} and i.id = any(${uuidArray(ids)}::uuid[])
        and i.status = 'open' and ${owedSqlOf('i')} > 0`);
    for (const f of found) {
      invoices.set(f.id, {
        id: f.id,
        number: f.number,
        debtorId: f.debtor_id,
        debtorName: f.debtor_name,
        owedCents: Number(f.owed),
        dueDate: f.due_date,
      });
    }
  }
  const entries = rows.map((row) => {
    const entry = entryOf(row);
    const suggestions: SuggestionView[] = [];
    for (const suggestion of row.suggestions ?? []) {
      const own = suggestion.invoiceIds.map((id) => invoices.get(id)).filter((i) => i !== undefined);
      if (own.length === 0) continue;
      const total = own.reduce((t, i) => t + i.owedCents, 0);
      suggestions.push({
        rule: suggestion.rule,
        score: suggestion.score,
        invoices: own,
        totalOwedCents: total,
        amountFits: total === entry.amountCents,
      });
    }
    return { ...entry, suggestions };
  });
  return { total: Number(count?.n ?? 0), entries };
}

async function lockEntry(tx: Tx, organizationId: string, entryId: string): Promise<BankEntry> {
  if (!isUuid(entryId)) throw new BankActionError('not_found', 404, 'No such bank line.', 'entryId');
  const [entry] = await tx
    .select()
    .from(bankEntries)
    .where(and(orgScope(bankEntries, organizationId), eq(bankEntries.id, entryId)))
    .for('update');
  if (!entry) throw new BankActionError('not_found', 404, 'No such bank line.', 'entryId');
  return entry;
}

function requireWaiting(entry: BankEntry) {
  if (entry.direction !== 'credit' || entry.reversal) {
    throw new BankActionError('not_a_credit', 409, 'Only money-in lines can be matched or set aside.', 'entryId');
  }
  if (entry.status === 'matched') {
    throw new BankActionError('already_matched', 409, 'This line is already matched.', 'entryId');
  }
  // Money the bank took back again (a returned transfer, a reversed debit) is never booked.
  const setAsideByImport = entry.status === 'ignored' && readNote(entry.note).code !== null;
  if ((entry.status !== 'queued' && entry.status !== 'ignored') || setAsideByImport) {
    throw new BankActionError('not_in_queue', 409, 'This line is not waiting in the queue.', 'entryId');
  }
}

async function moveCount(tx: Tx, entry: BankEntry, to: 'matched' | 'ignored' | 'queued') {
  const from = entry.status;
  if (from === to || (from !== 'queued' && from !== 'ignored' && from !== 'matched')) return;
  const column = { matched: bankStatements.matched, queued: bankStatements.queued, ignored: bankStatements.ignored };
  await tx
    .update(bankStatements)
    .set({ [from]: sql`greatest(${column[from]} - 1, 0)`, [to]: sql`${column[to]} + 1` })
    .where(and(eq(bankStatements.id, entry.statementId), orgScope(bankStatements, entry)));
}

function actorId(actor: Actor) {
  return actor.type === 'system' ? (actor.id ?? 'system') : `${actor.type}:${actor.id}`;
}

export type ManualSplit = { invoiceId: string; amountCents: number };
export type MatchEntryResult = {
  entryId: string;
  paymentId: string;
  debtorId: string;
  allocations: { invoiceId: string; amountCents: number }[];
  creditedCents: number;
  settledInvoiceIds: string[];
};

/**
 * Finance's one-step match of a waiting (or set-aside) money-in line: one invoice, several, each
 * with the amount it gets (at most what it owes); the part of the line no split takes becomes the
 * debtor's credit. All invoices must be open invoices of one debtor of this organization. With
 * no splits, `debtorId` books the line for that debtor by the ledger's rule: its open invoices,
 * oldest due first (art. 6:43 BW), the rest as its credit. Learns the account.
 */
export async function matchEntry(
  organizationId: string,
  entryId: string,
  input: { splits: ManualSplit[]; debtorId?: string | null; actor: Actor },
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<MatchEntryResult> {
  const splits = checkMatchRequest(input);
  return getDb().transaction(async (tx) => {
    const now = clock.now();
    const entry = await lockEntry(tx, organizationId, entryId);
    requireWaiting(entry);
    requireSplitsWithinLine(entry, splits);
    const debtorId =
      splits.length > 0
        ? await lockSplitInvoices(tx, organizationId, splits, input.debtorId ?? null)
        : await requireDebtor(tx, organizationId, input.debtorId!);
    const result = await bookMatchedLine(tx, organizationId, entry, { debtorId, splits, actor: input.actor, clock });
    await moveCount(tx, entry, 'matched');
    await markMatched(tx, organizationId, entry, { debtorId, paymentId: result.payment.id, actor: input.actor, now });
    if (entry.counterpartyIban) {
      await learnIbans(tx, organizationId, [{ iban: entry.counterpartyIban, debtorId, entryId: entry.id }], now);
    }
    await audit(tx, {
      organizationId,
      actor: input.actor,
      action: 'bank_entry.matched',
      entityType: 'bank_entry',
      entityId: entry.id,
      debtorId,
      data: {
        statementId: entry.statementId,
        amountCents: entry.amountCents,
        paymentId: result.payment.id,
        splits,
        creditedCents: result.creditedCents,
        from: entry.status,
      },
      at: now,
    });
    return {
      entryId: entry.id,
      paymentId: result.payment.id,
      debtorId,
      allocations: result.allocations.map((a) => ({ invoiceId: a.invoiceId, amountCents: a.amountCents })),
      creditedCents: result.creditedCents,
      settledInvoiceIds: result.settledInvoiceIds,
    };
  });
}

/** Refuses a malformed match before any database work: the splits, the debtor's id, and a match of neither. */
function checkMatchRequest(input: { splits: ManualSplit[]; debtorId?: string | null }): ManualSplit[] {
  const splits = checkSplits(input.splits);
  if (input.debtorId != null && !isUuid(input.debtorId)) {
    throw new BankActionError('debtor_not_found', 404, 'No such debtor.', 'debtorId');
  }
  if (splits.length === 0 && !input.debtorId) {
    throw new BankActionError('invalid', 400, 'Choose at least one invoice (or a debtor to credit).', 'splits');
  }
  return splits;
}

/** Refuses splits that add up to more than the line. */
function requireSplitsWithinLine(entry: BankEntry, splits: ManualSplit[]) {
  const total = splits.reduce((t, s) => t + s.amountCents, 0);
  if (total > entry.amountCents) {
    throw new BankActionError(
      'splits_exceed_amount',
      422,
      `The amounts add up to more than the line's ${(entry.amountCents / 100).toFixed(2)}.`,
      'splits',
      String(entry.amountCents),
    );
  }
}

/**
 * Locks the split invoices (in id order) and refuses any that is not this organization's, not of
 * one debtor (the chosen one, if any), owes nothing, or owes less than its split. Returns their debtor.
 */
async function lockSplitInvoices(
  tx: Tx,
  organizationId: string,
  splits: ManualSplit[],
  debtorId: string | null,
): Promise<string> {
  const rows = await tx.execute<{
    id: string;
    number: string;
    debtor_id: string;
    status: string;
    owed: unknown;
  }>(sql`
        select id, number, debtor_id, status, ${OWED_SQL} as owed from invoices
        where organization_id = ${organizationId} and id = any(${uuidArray(splits.map((s) => s.invoiceId))}::uuid[])
        order by id for update`);
  const byId = new Map(rows.map((r) => [r.id, r]));
  splits.forEach((split, index) => {
    if (!byId.has(split.invoiceId)) {
      throw new BankActionError('invoice_not_found', 404, 'No such invoice.', `splits.${index}.invoiceId`);
    }
  });
  const debtors = new Set(rows.map((r) => r.debtor_id));
  if (debtors.size > 1 || (debtorId !== null && !debtors.has(debtorId))) {
    throw new BankActionError('several_debtors', 422, 'All invoices of one match must be of one debtor.', 'splits');
  }
  splits.forEach((split, index) => {
    const invoice = byId.get(split.invoiceId)!;
    if (invoice.status !== 'open' || Number(invoice.owed) <= 0) {
      throw new BankActionError(
        'invoice_not_open',
        409,
        `Invoice ${invoice.number} owes nothing any more.`,
        `splits.${index}.invoiceId`,
        invoice.number,
      );
    }
    if (split.amountCents > Number(invoice.owed)) {
      throw new BankActionError(
        'split_exceeds_owed',
        422,
        `Invoice ${invoice.number} owes ${(Number(invoice.owed) / 100).toFixed(2)}; it cannot take more.`,
        `splits.${index}.amountCents`,
        invoice.number,
      );
    }
  });
  return rows[0].debtor_id;
}

/** Refuses a debtor that is not this organization's; returns its id. */
async function requireDebtor(tx: Tx, organizationId: string, debtorId: string): Promise<string> {
  const [debtor] = await tx.execute<{ id: string }>(
    sql`select id from debtors where organization_id = ${organizationId} and id = ${debtorId}`,
  );
  if (!debtor) throw new BankActionError('debtor_not_found', 404, 'No such debtor.', 'debtorId');
  return debtorId;
}

/** The line as one ledger entry (key: the line's id): the splits as its targets, else the ledger's own rule; the rest as credit. */
function bookMatchedLine(
  tx: Tx,
  organizationId: string,
  entry: BankEntry,
  { debtorId, splits, actor, clock }: { debtorId: string; splits: ManualSplit[]; actor: Actor; clock: Clock },
) {
  return recordLedgerEntry(
    tx,
    {
      organizationId,
      debtorId,
      source: 'bank_transfer',
      amountCents: entry.amountCents,
      // No invoices chosen: the ledger's own rule (the debtor's open invoices, oldest due first).
      targets:
        splits.length > 0 ? splits.map((s) => ({ invoiceId: s.invoiceId, amountCents: s.amountCents })) : undefined,
      restAsCredit: true,
      key: entry.id,
      reference: entry.structuredRef ?? entry.entryRef,
      method: 'bank_transfer',
      actor,
      origin: { kind: 'bank_entry', id: entry.id },
    },
    { clock },
  );
}

/** The line's status: matched by hand, to this debtor and payment, its suggestions and note cleared. */
async function markMatched(
  tx: Tx,
  organizationId: string,
  entry: BankEntry,
  { debtorId, paymentId, actor, now }: { debtorId: string; paymentId: string; actor: Actor; now: Date },
) {
  await tx
    .update(bankEntries)
    .set({
      status: 'matched',
      matchRule: 'manual',
      debtorId,
      paymentId,
      suggestions: null,
      note: null,
      resolvedAt: now,
      resolvedBy: actorId(actor),
      updatedAt: now,
    })
    .where(and(orgScope(bankEntries, organizationId), eq(bankEntries.id, entry.id)));
}

function checkSplits(raw: unknown): ManualSplit[] {
  if (!Array.isArray(raw)) throw new BankActionError('invalid', 400, 'Splits must be a list.', 'splits');
  if (raw.length > BANK_MATCH_MAX_SPLITS) {
    throw new BankActionError('invalid', 400, `At most ${BANK_MATCH_MAX_SPLITS} invoices per match.`, 'splits');
  }
  const seen = new Set<string>();
  return raw.map((split: unknown, index) => {
    const { invoiceId, amountCents } = (split ?? {}) as { invoiceId?: unknown; amountCents?: unknown };
    if (!isUuid(invoiceId)) {
      throw new BankActionError('invoice_not_found', 404, 'No such invoice.', `splits.${index}.invoiceId`);
    }
    if (seen.has(invoiceId.toLowerCase())) {
      throw new BankActionError('invalid', 400, 'An invoice is chosen twice.', `splits.${index}.invoiceId`);
    }
    seen.add(invoiceId.toLowerCase());
    if (
      typeof amountCents !== 'number' ||
      !Number.isSafeInteger(amountCents) ||
      amountCents <= 0 ||
      !isAmountWithinLimit(amountCents)
    ) {
      throw new BankActionError(
        'invalid',
        400,
        'The amount must be a positive number of cents.',
        `splits.${index}.amountCents`,
      );
    }
    return { invoiceId: invoiceId.toLowerCase(), amountCents };
  });
}

function checkNote(note: string | null | undefined): string | null {
  const text = (note ?? '').trim();
  if (text === '') return null;
  if (text.length > BANK_NOTE_MAX_LENGTH || hasForbiddenControlChars(text, 'multiline')) {
    throw new BankActionError('invalid', 400, `The note must be at most ${BANK_NOTE_MAX_LENGTH} characters.`, 'note');
  }
  return text;
}

/** "Not a debtor payment": the line leaves the queue with staff's note; nothing is booked. */
export async function ignoreEntry(
  organizationId: string,
  entryId: string,
  input: { actor: Actor; note?: string | null },
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<void> {
  const note = checkNote(input.note);
  await getDb().transaction(async (tx) => {
    const now = clock.now();
    const entry = await lockEntry(tx, organizationId, entryId);
    requireWaiting(entry);
    if (entry.status === 'ignored') return;
    await moveCount(tx, entry, 'ignored');
    await tx
      .update(bankEntries)
      .set({
        status: 'ignored',
        note,
        suggestions: null,
        resolvedAt: now,
        resolvedBy: actorId(input.actor),
        updatedAt: now,
      })
      .where(and(orgScope(bankEntries, organizationId), eq(bankEntries.id, entry.id)));
    await audit(tx, {
      organizationId,
      actor: input.actor,
      action: 'bank_entry.ignored',
      entityType: 'bank_entry',
      entityId: entry.id,
      data: { statementId: entry.statementId, amountCents: entry.amountCents, note },
      at: now,
    });
  });
}

/** Puts a line that was set aside back in the queue (a mistake undone). */
export async function requeueEntry(
  organizationId: string,
  entryId: string,
  input: { actor: Actor },
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<void> {
  await getDb().transaction(async (tx) => {
    const now = clock.now();
    const entry = await lockEntry(tx, organizationId, entryId);
    requireWaiting(entry);
    if (entry.status === 'queued') return;
    await moveCount(tx, entry, 'queued');
    await tx
      .update(bankEntries)
      .set({ status: 'queued', note: null, resolvedAt: null, resolvedBy: null, updatedAt: now })
      .where(and(orgScope(bankEntries, organizationId), eq(bankEntries.id, entry.id)));
    await audit(tx, {
      organizationId,
      actor: input.actor,
      action: 'bank_entry.requeued',
      entityType: 'bank_entry',
      entityId: entry.id,
      data: { statementId: entry.statementId, amountCents: entry.amountCents },
      at: now,
    });
  });
}
