/**
 * Importing a bank statement file (camt.053/054, MT940): parse, refuse the whole file when one of
 * its statements is for an account that is not the creditor's or not in euros, then record every
 * line once (the dedupe key makes a second file or an overlapping statement book nothing), match
 * the new money-in lines (./match.server) and book each matched one as a ledger entry, in the same
 * transaction as the line's status.
 *
 * Lines are written in chunks of IMPORT_CHUNK_LINES, one transaction each: a chunk commits whole
 * (its lines, their ledger entries, the learned IBANs and the statement's counts) or not at all,
 * and a re-run of a file whose import broke off books exactly the lines that are still missing.
 * (One transaction for a whole 10,000-line file would hold its invoices locked for the whole
 * import and lose all of it to one failure; chunks keep both small.) Lines already known are
 * recognised by one query per account before any transaction, so a re-import costs a parse and
 * that lookup. Within a chunk the lines are decided in file order and every matched one is booked
 * by ONE recordLedgerEntries call (set-based: a fixed number of statements per chunk, not per
 * line); the lines are then inserted once, with their outcome, in one statement.
 *
 * Chunks are planned ahead (prepareChunk): while the database writes chunk n, chunk n+1 is decided
 * on the in-memory context and its ledger entries are planned (prepareLedgerEntries, reads without
 * locks). Booking it checks under lock that nothing it rests on changed; if something did (a
 * webhook paid one of its invoices, another import recorded one of its lines) that chunk rolls
 * back whole and it and the rest are decided and booked under their locks (bookChunk) on a
 * context read afresh. Both ways leave the same result.
 */
import { createHash, randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import {
  bankAccounts,
  bankEntries,
  bankStatements,
  type BankAccount,
  type BankEntryStatus,
  type BankMatchRule,
  type BankSuggestion,
} from '~db/schema';
import { addDays, systemClock, type Clock } from '~/utils/clock';
import { getDb, sendInOrder, type Tx } from '~/utils/db.server';
import { hasForbiddenControlChars } from '~/utils/limits';
import { audit, type Actor } from '~/modules/audit/index.server';
import { formatIban } from '~/modules/payments/index';
import {
  type LedgerEntryInput,
  LedgerPlanStale,
  OWED_SQL,
  type PreparedLedgerEntries,
  prepareLedgerEntries,
  recordLedgerEntries,
  reverseLedgerEntry,
} from '~/modules/ledger/index.server';
import { BankImportError, type BankImportErrorCode } from './errors';
import { BANK_PREVIEW_LINES, BANK_STATEMENT_MAX_BYTES, BANK_STATEMENT_MAX_LINES } from './limits';
import {
  addInvoiceFact,
  buildMatchContext,
  learnIban,
  loadMatchContext,
  matchLine,
  pgTextArray,
  systemNote,
  updateInvoiceFact,
  type AutoMatchRule,
  type MatchContext,
  type MatchDecision,
} from './match.server';
import { parseStatementFile } from './parse';
import { StatementParseError, type ParsedFile, type ParsedLine } from './statement-types';
import { orgScope } from '~/utils/org-scope.server';

export const IMPORT_CHUNK_LINES = 500;
/** A debit returning a credit of the same amount and account within this many days reverses it. */
export const RETURN_WINDOW_DAYS = 90;

export type ImportUploader = { type: 'staff' | 'api'; id: string };

export type ImportOutcome = {
  statementId: string;
  format: string;
  /** Every line of the file. */
  entries: number;
  /** Of the lines new to us: money in. */
  credits: number;
  /** Of those: booked to invoices, waiting in the queue, set aside (a reversed debit coming back). */
  matched: number;
  queued: number;
  ignored: number;
  /** Lines already recorded from an earlier file or statement (or twice in this one): nothing booked. */
  duplicates: number;
};

export type PreviewOutcome = 'duplicate' | 'debit' | 'reversal' | 'ignored' | 'match' | 'queue';

export type StatementPreview = {
  format: string;
  statements: {
    id: string;
    accountIban: string;
    accountIbanDisplay: string;
    accountLabel: string | null;
    knownAccount: boolean;
    currency: string;
    fromDate: string | null;
    toDate: string | null;
    lines: number;
    credits: number;
    creditCents: number;
    debits: number;
    debitCents: number;
  }[];
  entries: number;
  credits: number;
  creditCents: number;
  debits: number;
  duplicates: number;
  /** New money-in lines that would be booked, by rule. */
  wouldMatch: Record<AutoMatchRule, number>;
  wouldQueue: number;
  wouldIgnore: number;
  /** The first BANK_PREVIEW_LINES lines with what importing would do with each. */
  lines: {
    statementId: string;
    bookingDate: string;
    amountCents: number;
    direction: 'credit' | 'debit';
    reversal: boolean;
    counterpartyName: string | null;
    counterpartyIban: string | null;
    remittance: string | null;
    structuredRef: string | null;
    outcome: PreviewOutcome;
    rule: AutoMatchRule | null;
    invoices: { id: string; number: string; debtorName: string | null }[];
    /** `[code] detail` (see readNote) for lines that would wait in the queue. */
    note: string | null;
  }[];
  /** Why importing this file would be refused as a whole (same check as the import); null: it would be read. */
  refusal: { code: BankImportErrorCode; status: number; message: string; detail: string | null } | null;
};

type PreparedLine = ParsedLine & {
  id: string;
  statementIndex: number;
  statementId: string;
  bankAccountId: string | null;
  dedupeKey: string;
};

type LineOutcome = {
  id: string;
  status: BankEntryStatus;
  matchRule: BankMatchRule | null;
  debtorId: string | null;
  paymentId: string | null;
  suggestions: BankSuggestion[] | null;
  note: string | null;
};

/** A credit of this import or an earlier one, as a debit returning it is looked for. */
type CreditSeen = {
  entryId: string;
  status: BankEntryStatus;
  paymentId: string | null;
  debtorId: string | null;
  amountCents: number;
  bookingDate: string;
  counterpartyIban: string | null;
  endToEndId: string | null;
  returned: boolean;
};

const PARSE_STATUS: Record<StatementParseError['code'], 400 | 413 | 415 | 422> = {
  malformed: 400,
  doctype_forbidden: 400,
  unsupported_format: 415,
  too_many_entries: 422,
  invalid_value: 422,
};

function refuse(code: BankImportErrorCode, status: BankImportError['status'], message: string, detail?: string): never {
  throw new BankImportError(code, status, message, detail);
}

async function parseOrRefuse(bytes: Uint8Array): Promise<ParsedFile> {
  if (bytes.byteLength === 0) refuse('empty_file', 400, 'The file is empty.');
  if (bytes.byteLength > BANK_STATEMENT_MAX_BYTES) {
    refuse(
      'file_too_large',
      413,
      `The file is larger than ${BANK_STATEMENT_MAX_BYTES} bytes (25 MiB), the most a statement may be.`,
    );
  }
  try {
    return await parseStatementFile(bytes, { maxEntries: BANK_STATEMENT_MAX_LINES });
  } catch (error) {
    if (error instanceof StatementParseError) {
      refuse(error.code, PARSE_STATUS[error.code], `The file cannot be read: ${error.message}`, error.detail);
    }
    throw error;
  }
}

/** The check the import makes before writing anything (also shown by the preview). */
function refusalOf(parsed: ParsedFile, accounts: Map<string, BankAccount>): BankImportError | null {
  if (parsed.statements.length === 0) {
    return new BankImportError('no_statements', 422, 'The file holds no statement.');
  }
  for (const statement of parsed.statements) {
    if (!accounts.has(statement.accountIban)) {
      const iban = formatIban(statement.accountIban);
      return new BankImportError(
        'unknown_account',
        422,
        `This statement is for account ${iban}, which is not one of your accounts (Settings > Bank accounts). Nothing was imported.`,
        iban,
      );
    }
    const currencies = new Set([statement.currency, ...statement.lines.map((l) => l.currency)]);
    for (const currency of currencies) {
      if (currency !== 'EUR') {
        return new BankImportError(
          'currency_not_eur',
          422,
          `Statement ${statement.id} of ${formatIban(statement.accountIban)} holds amounts in ${currency}; only EUR is read. Nothing was imported.`,
          currency,
        );
      }
    }
  }
  return null;
}

const PLACEHOLDER_REFS = new Set(['NONREF', 'NOTPROVIDED', 'NONE', 'NA', 'N/A']);

/** Text from a bank file as stored: no NUL (PostgreSQL cannot hold it), bounded. */
function clean(value: string | null, max: number): string | null {
  if (value === null) return null;
  const text = value.replaceAll('\u0000', '').trim().slice(0, max);
  return text === '' ? null : text;
}

/**
 * What makes a line the same line in another file: the bank's entry reference (or, when the bank
 * gives none, a hash of the line's own fields and how many identical lines came before it in its
 * statement), the transaction's place in its entry, the booking date, the amount and the direction.
 */
export function dedupeKeyOf(line: ParsedLine, occurrence: number): string {
  const tail = `${line.txIndex}|${line.bookingDate}|${line.amountCents}|${line.direction === 'credit' ? 'C' : 'D'}`;
  if (line.entryRef !== null) return `r:${line.entryRef}|${tail}`;
  return `h:${fieldsHash(line)}#${occurrence}|${tail}`;
}

function fieldsHash(line: ParsedLine): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        line.valueDate,
        line.reversal,
        line.counterpartyName,
        line.counterpartyIban,
        line.structuredRef,
        line.remittance,
        line.endToEndId,
      ]),
    )
    .digest('hex')
    .slice(0, 32);
}

function prepare(parsed: ParsedFile, accounts: Map<string, BankAccount>): PreparedLine[] {
  const lines: PreparedLine[] = [];
  parsed.statements.forEach((statement, statementIndex) => {
    const seen = new Map<string, number>();
    for (const raw of statement.lines) {
      const entryRef = clean(raw.entryRef, 200);
      const line: ParsedLine = {
        ...raw,
        entryRef: entryRef !== null && PLACEHOLDER_REFS.has(entryRef.toUpperCase()) ? null : entryRef,
        counterpartyName: clean(raw.counterpartyName, 200),
        counterpartyIban: clean(raw.counterpartyIban, 34)?.replace(/\s+/g, '').toUpperCase() ?? null,
        structuredRef: clean(raw.structuredRef, 140),
        remittance: clean(raw.remittance, 1000),
        endToEndId: clean(raw.endToEndId, 200),
      };
      let occurrence = 0;
      if (line.entryRef === null) {
        const base = `${line.bookingDate}|${line.amountCents}|${line.direction}|${line.txIndex}|${fieldsHash(line)}`;
        occurrence = seen.get(base) ?? 0;
        seen.set(base, occurrence + 1);
      }
      lines.push({
        ...line,
        id: randomUUID(),
        statementIndex,
        statementId: statement.id,
        bankAccountId: accounts.get(statement.accountIban)?.id ?? null,
        dedupeKey: dedupeKeyOf(line, occurrence),
      });
    }
  });
  return lines;
}

async function accountsOf(db: Tx, organizationId: string) {
  const rows = await db.select().from(bankAccounts).where(orgScope(bankAccounts, organizationId));
  return new Map(rows.map((a) => [a.iban, a]));
}

/**
 * Which lines are new: the first of each dedupe key in the file that is not recorded yet. One
 * query, whatever the file's size.
 */
async function splitKnown(db: Tx, organizationId: string, lines: PreparedLine[]) {
  const byAccount = new Map<string, Set<string>>();
  for (const line of lines) {
    if (!line.bankAccountId) continue;
    const keys = byAccount.get(line.bankAccountId) ?? new Set<string>();
    keys.add(line.dedupeKey);
    byAccount.set(line.bankAccountId, keys);
  }
  const known = new Set<string>();
  // (organization, account, key) is the unique index: each lookup is an index probe.
  for (const [account, keySet] of byAccount) {
    const keys = [...keySet];
    for (let at = 0; at < keys.length; at += 5000) {
      const rows = await db.execute<{ key: string }>(sql`
        select dedupe_key as key from bank_entries
        where organization_id = ${organizationId} and bank_account_id = ${account}
          and dedupe_key = any(${pgTextArray(keys.slice(at, at + 5000))}::text[])`);
      for (const row of rows) known.add(`${account}|${row.key}`);
    }
  }
  const fresh: PreparedLine[] = [];
  let duplicates = 0;
  for (const line of lines) {
    const key = `${line.bankAccountId}|${line.dedupeKey}`;
    if (known.has(key)) duplicates++;
    else {
      known.add(key);
      fresh.push(line);
    }
  }
  return { fresh, duplicates };
}

function actorOf(uploader: ImportUploader): Actor {
  return uploader.type === 'staff' ? { type: 'staff', id: uploader.id } : { type: 'api', id: uploader.id };
}

/** The name as given, bounded; one with control characters is replaced, as every upload's is (README, Limits). */
function fileNameOf(name: string | null | undefined, format: string): string | null {
  const trimmed = (name ?? '').trim();
  if (trimmed === '') return null;
  if (hasForbiddenControlChars(trimmed)) return format === 'mt940' ? 'upload.txt' : 'upload.xml';
  return trimmed.slice(0, 200);
}

function sha256(bytes: Uint8Array) {
  return createHash('sha256').update(bytes).digest('hex');
}

function statementPeriod(parsed: ParsedFile) {
  const from = parsed.statements
    .map(
      (s) =>
        s.fromDate ??
        s.lines.reduce<string | null>((m, l) => (m === null || l.bookingDate < m ? l.bookingDate : m), null),
    )
    .filter((d): d is string => d !== null)
    .sort();
  const to = parsed.statements
    .map(
      (s) =>
        s.toDate ??
        s.lines.reduce<string | null>((m, l) => (m === null || l.bookingDate > m ? l.bookingDate : m), null),
    )
    .filter((d): d is string => d !== null)
    .sort();
  return { fromDate: from[0] ?? null, toDate: to.at(-1) ?? null };
}

/**
 * Imports a statement file: see the module comment. Throws BankImportError (nothing written)
 * for a file that cannot be read, holds a statement of an account that is not the creditor's,
 * or amounts in another currency than EUR.
 */
export async function importStatementFile(
  input: {
    organizationId: string;
    bytes: Uint8Array;
    filename?: string | null;
    uploadedBy: ImportUploader;
  },
  { clock = systemClock, chunkLines = IMPORT_CHUNK_LINES }: { clock?: Clock; chunkLines?: number } = {},
): Promise<ImportOutcome> {
  const { organizationId, bytes } = input;
  const parsed = await parseOrRefuse(bytes);
  const db = getDb();
  const accounts = await accountsOf(db, organizationId);
  const refusal = refusalOf(parsed, accounts);
  if (refusal) throw refusal;

  const lines = prepare(parsed, accounts);
  const { fresh, duplicates: known } = await splitKnown(db, organizationId, lines);
  const ctx = await matchContextFor(db, organizationId, fresh);
  const chunks = chunksOf(fresh, chunkLines);
  const statement: StatementImport = {
    db,
    clock,
    organizationId,
    statementId: randomUUID(),
    parsed,
    bytes,
    filename: fileNameOf(input.filename, parsed.format),
    uploadedBy: input.uploadedBy,
    actor: actorOf(input.uploadedBy),
    entries: lines.length,
    duplicates: known,
    chunkCount: chunks.length,
  };
  const outcome = emptyOutcome(statement);
  const env: ChunkEnv = {
    organizationId,
    statementId: statement.statementId,
    ctx,
    actor: statement.actor,
    seen: [],
    clock,
    setAside: 0,
  };
  const commit: CommitChunk = async (index, book) => {
    const counts = await commitChunk(statement, index, outcome, book);
    for (const key of COUNT_KEYS) outcome[key] += counts[key];
  };

  const { booked, seenCommitted } = await bookPlannedAhead(db, env, chunks, commit);
  if (booked < chunks.length) await bookUnderLocks(db, env, chunks, booked, seenCommitted, commit);
  return outcome;
}

const COUNT_KEYS = ['credits', 'matched', 'queued', 'ignored', 'duplicates'] as const;

/** The statement being imported: what its row, its counts and its audit event say. */
type StatementImport = {
  db: ReturnType<typeof getDb>;
  clock: Clock;
  organizationId: string;
  statementId: string;
  parsed: ParsedFile;
  bytes: Uint8Array;
  filename: string | null;
  uploadedBy: ImportUploader;
  actor: Actor;
  /** Every line of the file. */
  entries: number;
  /** Lines known before the import started. */
  duplicates: number;
  chunkCount: number;
};

/** Commits chunk `index` with `book` as its work, adding its counts to the outcome. */
type CommitChunk = (index: number, book: (tx: Tx) => Promise<ChunkCounts>) => Promise<void>;

/** The match context for the lines' money in (an empty one, and no query, when there is none). */
async function matchContextFor(db: Tx, organizationId: string, lines: PreparedLine[]): Promise<MatchContext> {
  const credits = lines.filter((l) => l.direction === 'credit' && !l.reversal);
  return credits.length > 0
    ? loadMatchContext(db, organizationId, credits)
    : buildMatchContext({ invoices: [], debtors: [], ibans: [] });
}

/** The lines in chunks of `chunkLines`; at least one chunk (an empty one still writes the statement row). */
function chunksOf(lines: PreparedLine[], chunkLines: number): PreparedLine[][] {
  const chunks: PreparedLine[][] = [];
  for (let at = 0; at < lines.length; at += chunkLines) chunks.push(lines.slice(at, at + chunkLines));
  if (chunks.length === 0) chunks.push([]);
  return chunks;
}

/** The outcome before any chunk is booked: the file's lines and those known before. */
function emptyOutcome(statement: StatementImport): ImportOutcome {
  return {
    statementId: statement.statementId,
    format: statement.parsed.format,
    entries: statement.entries,
    credits: 0,
    matched: 0,
    queued: 0,
    ignored: 0,
    duplicates: statement.duplicates,
  };
}

/**
 * One chunk's transaction: the statement row first (first chunk), the lines (`book`), then the
 * counts, and after the last chunk the audit event with the totals (`outcome` so far plus this chunk).
 */
function commitChunk(
  statement: StatementImport,
  index: number,
  outcome: ImportOutcome,
  book: (tx: Tx) => Promise<ChunkCounts>,
): Promise<ChunkCounts> {
  return statement.db.transaction(async (tx) => {
    const now = statement.clock.now();
    if (index === 0) await insertStatement(tx, statement, now);
    const counts = await book(tx);
    await addStatementCounts(tx, statement, counts);
    if (index === statement.chunkCount - 1) {
      const total = { ...outcome };
      for (const key of COUNT_KEYS) total[key] += counts[key];
      await auditImport(tx, statement, total, now);
    }
    return counts;
  });
}

/** The statement's row, with what the file says (its counts start at zero). */
async function insertStatement(tx: Tx, statement: StatementImport, now: Date) {
  const { parsed, bytes } = statement;
  await tx.insert(bankStatements).values({
    id: statement.statementId,
    organizationId: statement.organizationId,
    format: parsed.format,
    filename: statement.filename,
    sha256: sha256(bytes),
    sizeBytes: bytes.byteLength,
    statementRefs: parsed.statements.map((s) => s.id.slice(0, 200)),
    ...statementPeriod(parsed),
    entries: statement.entries,
    duplicates: statement.duplicates,
    uploadedByType: statement.uploadedBy.type,
    uploadedById: statement.uploadedBy.id,
    createdAt: now,
  });
}

/** Adds a chunk's counts to the statement's row. */
async function addStatementCounts(tx: Tx, statement: StatementImport, counts: ChunkCounts) {
  await tx
    .update(bankStatements)
    .set({
      credits: sql`${bankStatements.credits} + ${counts.credits}`,
      matched: sql`${bankStatements.matched} + ${counts.matched}`,
      queued: sql`${bankStatements.queued} + ${counts.queued}`,
      ignored: sql`${bankStatements.ignored} + ${counts.ignored}`,
      duplicates: sql`${bankStatements.duplicates} + ${counts.duplicates}`,
    })
    .where(and(eq(bankStatements.id, statement.statementId), orgScope(bankStatements, statement.organizationId)));
}

/** The import's audit event, with the statement's totals. */
async function auditImport(tx: Tx, statement: StatementImport, total: ImportOutcome, now: Date) {
  const { parsed } = statement;
  await audit(tx, {
    organizationId: statement.organizationId,
    actor: statement.actor,
    action: 'bank_statement.imported',
    entityType: 'bank_statement',
    entityId: statement.statementId,
    data: {
      format: parsed.format,
      filename: statement.filename,
      statements: parsed.statements.map((s) => ({ id: s.id, account: s.accountIban })),
      entries: total.entries,
      credits: total.credits,
      matched: total.matched,
      queued: total.queued,
      ignored: total.ignored,
      duplicates: total.duplicates,
    },
    at: now,
  });
}

/**
 * Books the chunks planned ahead (see prepareChunk): the next chunk is decided and its ledger
 * entries planned while the database writes the current one. Anything that changed under a plan (a
 * webhook paid one of its invoices, another import recorded one of its lines) makes that chunk roll
 * back whole and stops here. Returns how many chunks were booked, and how many credits of
 * env.seen are committed.
 */
async function bookPlannedAhead(db: Tx, env: ChunkEnv, chunks: PreparedLine[][], commit: CommitChunk) {
  let index = 0;
  /** How many credits of env.seen are committed (or belong to chunks still to be booked the slow way). */
  let seenCommitted = 0;
  let next: Promise<PreparedChunk> | null = prepareChunk(db, env, chunks[0]);
  for (; index < chunks.length; index++) {
    const prepared = await next!;
    next = null;
    if (prepared.stale) break;
    const committing = commit(index, (tx) => commitPrepared(tx, env, prepared));
    if (index + 1 < chunks.length) {
      // Started now, it runs while the transaction above waits on the database; its reads take no
      // locks and its plan is checked under lock when booked. A failure waits for its turn.
      next = prepareChunk(db, env, chunks[index + 1]);
      next.catch(() => {});
    }
    try {
      await committing;
      seenCommitted = prepared.seenEnd;
    } catch (error) {
      if (next) await next.catch(() => null);
      next = null;
      if (!(error instanceof ChunkStale || error instanceof LedgerPlanStale)) throw error;
      break;
    }
  }
  return { booked: index, seenCommitted };
}

/**
 * The slow, always-right path for the chunks from `from` on: each decided and booked under its
 * locks (bookChunk), on a context read afresh (it holds what the committed chunks booked), with
 * only the committed chunks' credits as seen.
 */
async function bookUnderLocks(
  db: Tx,
  env: ChunkEnv,
  chunks: PreparedLine[][],
  from: number,
  seenCommitted: number,
  commit: CommitChunk,
) {
  env.seen.length = seenCommitted;
  env.ctx = await matchContextFor(db, env.organizationId, chunks.slice(from).flat());
  for (let index = from; index < chunks.length; index++) {
    const chunk = chunks[index];
    await commit(index, (tx) => bookChunk(tx, env, chunk));
  }
}

type ChunkEnv = {
  organizationId: string;
  statementId: string;
  ctx: MatchContext;
  actor: Actor;
  seen: CreditSeen[];
  clock: Clock;
  /** Queued credits of this statement, booked in an earlier chunk, that a debit of this chunk set aside. */
  setAside: number;
};

/**
 * One chunk, inside its transaction: take the chunk's accounts' import lock and set aside the
 * lines another import recorded meanwhile (duplicates), lock and re-read the invoices the lines
 * will pay, decide every line in file order and book the matched ones with one ledger call, then
 * insert the lines with their outcomes (one statement) and learn the accounts (one statement).
 */
async function bookChunk(tx: Tx, env: ChunkEnv, chunk: PreparedLine[]) {
  const counts = { credits: 0, matched: 0, queued: 0, ignored: 0, duplicates: 0 };
  if (chunk.length === 0) return counts;
  const { organizationId, ctx, clock } = env;
  const now = clock.now();
  // Lines are inserted once decided and booked (their outcome in the same row: no second write).
  // Until this transaction ends no other import records lines of these accounts (a lock per
  // account), so the lines not recorded now are still new when they are inserted.
  const recorded = await lockAccountsAndFindRecorded(tx, organizationId, chunk);
  const lines = chunk.filter((l) => !recorded.has(`${l.bankAccountId}|${l.dedupeKey}`));
  counts.duplicates = chunk.length - lines.length;

  // Lock the invoices this chunk is about to pay (in id order, as every ledger path locks) and
  // read them again: a webhook may have paid one since the context was loaded.
  const tentative = new Set<string>();
  for (const line of lines) {
    if (line.direction !== 'credit' || line.reversal) continue;
    const decision = matchLine(ctx, line, { suggestions: false });
    if (decision.kind === 'match') for (const id of decision.invoiceIds) tentative.add(id);
  }
  if (tentative.size > 0) {
    const fresh = await tx.execute<{
      id: string;
      status: 'open' | 'paid' | 'credited' | 'written_off';
      owed: unknown;
    }>(sql`
      select id, status, ${OWED_SQL} as owed from invoices
      where organization_id = ${organizationId} and id = any(${`{${[...tentative].join(',')}}`}::uuid[])
      order by id for update`);
    for (const row of fresh) updateInvoiceFact(ctx, row.id, { status: row.status, owedCents: Number(row.owed) });
  }

  const outcomes = new Map<string, LineOutcome>();
  const learned: { iban: string; debtorId: string; entryId: string }[] = [];
  const mayReturn = await debitsThatMayReturn(tx, env, lines);

  // Lines are decided in file order. A match is applied to the context at once, as its booking
  // will leave the invoices (the amount pays them in order, as far as each owes: what the ledger's
  // allocation gives), so the lines after it see what it paid, exactly as one by one; the matched
  // lines are then booked together, ONE recordLedgerEntries call. A debit that may return an
  // earlier credit needs the credits before it booked: the lines decided so far go first.
  let decided: { line: PreparedLine; decision: MatchOf; seen: CreditSeen; learns: boolean }[] = [];
  const learnedHere = new Set<string>();
  const bookDecided = async () => {
    if (decided.length === 0) return;
    const batch = decided;
    decided = [];
    const results = await recordLedgerEntries(
      tx,
      batch.map(({ line, decision }) => ledgerEntryOf(env, line, decision)),
      { clock },
    );
    results.forEach((result, index) => {
      const { line, decision, seen, learns } = batch[index];
      if (!result.ok) {
        // The ledger refused it (e.g. an amount above what one entry may carry): nothing was
        // booked; finance decides. The context keeps the payment the line was expected to make.
        console.warn('bank import: ledger refused a matched line', { entryId: line.id, code: result.error.code });
        outcomes.set(
          line.id,
          outcomeOf(line.id, 'queued', { suggestions: [], note: systemNote('not_booked', result.error.code) }),
        );
        seen.status = 'queued';
        return;
      }
      outcomes.set(
        line.id,
        outcomeOf(line.id, 'matched', {
          matchRule: decision.rule,
          debtorId: decision.debtorId,
          paymentId: result.result.payment.id,
        }),
      );
      seen.paymentId = result.result.payment.id;
      if (learns) learned.push({ iban: line.counterpartyIban!, debtorId: decision.debtorId, entryId: line.id });
    });
  };

  for (const line of lines) {
    if (line.direction === 'debit' && mayReturn.has(line.id)) {
      await bookDecided();
      outcomes.set(line.id, await handleDebit(tx, env, line, outcomes));
      continue;
    }
    const step = decideLine(env, line, learnedHere);
    if (step.kind === 'outcome') outcomes.set(line.id, step.outcome);
    else decided.push({ line, ...step });
  }
  await bookDecided();

  if (lines.length > 0) await insertLineRows(tx, env, lineRowsJson(lines, outcomes), lines.length, now);
  // After the lines: a learned account names the line it was learned from.
  await learnIbans(tx, organizationId, learned, now);
  // Counted from the final outcomes: a debit later in the chunk may have set a queued credit aside.
  Object.assign(counts, countsOf(lines, outcomes), { duplicates: counts.duplicates });
  counts.queued -= env.setAside;
  counts.ignored += env.setAside;
  env.setAside = 0;
  return counts;
}

type MatchOf = Extract<MatchDecision, { kind: 'match' }>;

type ChunkCounts = { credits: number; matched: number; queued: number; ignored: number; duplicates: number };

/** Something a prepared chunk was planned on changed before it was booked: it rolls back whole. */
class ChunkStale extends Error {}

/** A chunk decided and planned ahead, outside any transaction (see prepareChunk). */
type PreparedChunk = {
  /** True: the chunk cannot be booked as planned; it and the rest go the slow way. */
  stale: boolean;
  lines: PreparedLine[];
  entries: LedgerEntryInput[];
  ledger: PreparedLedgerEntries | null;
  /** Per entry, the line it books. */
  entryLines: PreparedLine[];
  outcomes: Map<string, LineOutcome>;
  learned: { iban: string; debtorId: string; entryId: string }[];
  /** The chunk's rows for bank_entries (insertLines' json). */
  rowsJson: string;
  counts: ChunkCounts;
  /** env.seen's length once this chunk's credits were added. */
  seenEnd: number;
};

/** Gives the event loop a turn, so a transaction waiting on the database can send its next statement. */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Decides a chunk on the context and plans its ledger entries, with no transaction and no locks,
 * while the previous chunk is being written. The context is updated as if the chunk were booked
 * (so the next chunk sees what this one pays). The plan is kept only if the invoices the ledger
 * read are what the context believed before this chunk (otherwise `stale`); booking it
 * (commitPrepared) then checks under lock that nothing changed since.
 *
 * A chunk with a debit that may give back an earlier credit needs earlier credits booked first
 * and is never planned ahead (`stale`).
 */
async function prepareChunk(db: Tx, env: ChunkEnv, lines: PreparedLine[]): Promise<PreparedChunk> {
  const { clock } = env;
  const outcomes = new Map<string, LineOutcome>();
  const learned: { iban: string; debtorId: string; entryId: string }[] = [];
  const decided: { line: PreparedLine; decision: MatchOf; seen: CreditSeen }[] = [];
  const before = new Map<string, { status: string; owedCents: number }>();
  const prepared: PreparedChunk = {
    stale: false,
    lines,
    entries: [],
    ledger: null,
    entryLines: [],
    outcomes,
    learned,
    rowsJson: '[]',
    counts: { credits: 0, matched: 0, queued: 0, ignored: 0, duplicates: 0 },
    seenEnd: env.seen.length,
  };
  if ((await debitsThatMayReturn(db, env, lines)).size > 0) return { ...prepared, stale: true };

  const learnedHere = new Set<string>();
  for (const [n, line] of lines.entries()) {
    if (n % 64 === 63) await yieldToIo();
    const step = decideLine(env, line, learnedHere, before);
    if (step.kind === 'outcome') {
      outcomes.set(line.id, step.outcome);
      continue;
    }
    decided.push({ line, decision: step.decision, seen: step.seen });
    if (step.learns) learned.push({ iban: line.counterpartyIban!, debtorId: step.decision.debtorId, entryId: line.id });
  }
  prepared.seenEnd = env.seen.length;

  if (decided.length > 0) {
    prepared.entries = decided.map(({ line, decision }) => ledgerEntryOf(env, line, decision));
    prepared.entryLines = decided.map((d) => d.line);
    const ledger = await prepareLedgerEntries(db, prepared.entries, { clock });
    prepared.ledger = ledger;
    // The plan must rest on what the decisions rested on.
    for (const [id, was] of before) {
      const read = ledger.invoicesRead.get(id);
      if (!read || read.status !== was.status || read.owedCents !== was.owedCents) return { ...prepared, stale: true };
    }
    await yieldToIo();
    ledger.expected.forEach((expected, k) => {
      const { line, decision, seen } = decided[k];
      if (!expected.ok) {
        outcomes.set(
          line.id,
          outcomeOf(line.id, 'queued', { suggestions: [], note: systemNote('not_booked', expected.code) }),
        );
        seen.status = 'queued';
        const at = learned.findIndex((l) => l.entryId === line.id);
        if (at >= 0) learned.splice(at, 1);
        return;
      }
      outcomes.set(
        line.id,
        outcomeOf(line.id, 'matched', {
          matchRule: decision.rule,
          debtorId: decision.debtorId,
          paymentId: expected.paymentId,
        }),
      );
      seen.paymentId = expected.paymentId;
    });
  }
  prepared.rowsJson = lineRowsJson(lines, outcomes);
  prepared.counts = countsOf(lines, outcomes);
  return prepared;
}

/**
 * Books a prepared chunk in its transaction: the accounts' import lock (a line recorded meanwhile
 * by another import makes the chunk stale), the ledger plan (checked under lock: LedgerPlanStale
 * if anything it read changed), the lines with their outcomes, the learned accounts.
 */
async function commitPrepared(tx: Tx, env: ChunkEnv, prepared: PreparedChunk): Promise<ChunkCounts> {
  const { lines } = prepared;
  if (lines.length === 0) return prepared.counts;
  const recorded = await lockAccountsAndFindRecorded(tx, env.organizationId, lines);
  if (recorded.size > 0) throw new ChunkStale('a line of this chunk was recorded by another import meanwhile');
  if (prepared.ledger) {
    const results = await recordLedgerEntries(tx, prepared.entries, { clock: env.clock, prepared: prepared.ledger });
    results.forEach((result, k) => {
      const expected = prepared.ledger!.expected[k];
      const same = result.ok
        ? expected.ok && expected.paymentId === result.result.payment.id
        : !expected.ok && expected.code === result.error.code;
      if (!same)
        throw new Error(`bank import: the ledger booked line ${prepared.entryLines[k].id} otherwise than planned`);
      if (!result.ok) {
        console.warn('bank import: ledger refused a matched line', {
          entryId: prepared.entryLines[k].id,
          code: result.error.code,
        });
      }
    });
  }
  const now = env.clock.now();
  // Sent together, in this order (a learned account names the line it was learned from).
  await Promise.all(
    await sendInOrder(
      () => insertLineRows(tx, env, prepared.rowsJson, lines.length, now),
      () => learnIbans(tx, env.organizationId, prepared.learned, now),
    ),
  );
  return prepared.counts;
}

function ledgerEntryOf(env: ChunkEnv, line: PreparedLine, decision: MatchOf): LedgerEntryInput {
  return {
    organizationId: env.organizationId,
    debtorId: decision.debtorId,
    source: 'bank_transfer' as const,
    amountCents: line.amountCents,
    targets: decision.invoiceIds.map((invoiceId) => ({ invoiceId })),
    restAsCredit: true,
    key: line.id,
    reference: line.structuredRef ?? line.entryRef,
    method: 'bank_transfer',
    actor: env.actor,
    origin: { kind: 'bank_entry' as const, id: line.id },
  };
}

/**
 * Decides one line on the context, in file order, for both ways of booking a chunk: a debit (one
 * that returns nothing) and money back from a reversed debit get their outcome at once; a credit
 * is matched or queued, and a match is applied to the context as its booking will leave the
 * invoices (so the lines after it see what it paid) and teaches the context the account. The
 * credit is added to env.seen (debits look for it). `before` collects what the context believed
 * of the matched invoices before this chunk touched them.
 */
function decideLine(
  env: ChunkEnv,
  line: PreparedLine,
  learnedHere: Set<string>,
  before?: Map<string, { status: string; owedCents: number }>,
): { kind: 'outcome'; outcome: LineOutcome } | { kind: 'match'; decision: MatchOf; seen: CreditSeen; learns: boolean } {
  const { ctx } = env;
  if (line.direction === 'debit') {
    return {
      kind: 'outcome',
      outcome: outcomeOf(line.id, 'debit', { note: line.reversal ? systemNote('reversal_unlinked') : null }),
    };
  }
  if (line.reversal) {
    // Money back from a debit the bank reversed: not a debtor's payment.
    return { kind: 'outcome', outcome: outcomeOf(line.id, 'ignored', { note: systemNote('credit_reversal') }) };
  }
  const decision = matchLine(ctx, line);
  if (decision.kind === 'queue') {
    env.seen.push(seenOf(line, 'queued', null, null));
    return { kind: 'outcome', outcome: queuedOutcome(line.id, decision) };
  }
  if (before) {
    for (const id of decision.invoiceIds) {
      const fact = ctx.invoices.get(id);
      if (fact && !before.has(id)) before.set(id, { status: fact.status, owedCents: fact.owedCents });
    }
  }
  simulateBooking(ctx, decision.invoiceIds, line.amountCents);
  // An account recorded for this debtor before this chunk is not written again.
  const iban = line.counterpartyIban;
  const pair = `${iban}|${decision.debtorId}`;
  const learns =
    iban !== null && (learnedHere.has(pair) || !(ctx.debtorsByIban.get(iban)?.has(decision.debtorId) ?? false));
  if (iban !== null && learns) {
    learnedHere.add(pair);
    learnIban(ctx, iban, decision.debtorId);
  }
  const seen = seenOf(line, 'matched', null, decision.debtorId);
  env.seen.push(seen);
  return { kind: 'match', decision, seen, learns };
}

/** A chunk's counts, from the lines' final outcomes. */
function countsOf(lines: PreparedLine[], outcomes: Map<string, LineOutcome>): ChunkCounts {
  const counts: ChunkCounts = { credits: 0, matched: 0, queued: 0, ignored: 0, duplicates: 0 };
  for (const line of lines) {
    if (line.direction !== 'credit') continue;
    counts.credits++;
    const status = outcomes.get(line.id)?.status;
    if (status === 'matched') counts.matched++;
    else if (status === 'queued') counts.queued++;
    else if (status === 'ignored') counts.ignored++;
  }
  return counts;
}

/**
 * The debits of a chunk that may give back an earlier credit (same amount, same account or
 * end-to-end id, within RETURN_WINDOW_DAYS): one query for the chunk. Only these are looked at
 * one by one; every other debit is just money out.
 */
async function debitsThatMayReturn(tx: Tx, env: ChunkEnv, lines: PreparedLine[]): Promise<Set<string>> {
  const debits = lines.filter((l) => l.direction === 'debit' && (l.counterpartyIban !== null || l.endToEndId !== null));
  const found = new Set<string>();
  if (debits.length === 0) return found;
  const credits = [
    ...env.seen,
    ...lines.filter((l) => l.direction === 'credit' && !l.reversal).map((l) => seenOf(l, 'queued', null, null)),
  ];
  const fits = (c: CreditSeen, d: PreparedLine) =>
    c.amountCents === d.amountCents &&
    c.bookingDate <= d.bookingDate &&
    c.bookingDate >= addDays(d.bookingDate, -RETURN_WINDOW_DAYS) &&
    ((d.counterpartyIban !== null && c.counterpartyIban === d.counterpartyIban) ||
      (d.endToEndId !== null && c.endToEndId === d.endToEndId));
  for (const debit of debits) if (credits.some((c) => fits(c, debit))) found.add(debit.id);
  const rest = debits.filter((d) => !found.has(d.id));
  if (rest.length === 0) return found;
  const values = sql.join(
    rest.map(
      (d) =>
        sql`(${d.id}::uuid, ${d.amountCents}::bigint, ${d.counterpartyIban}::text, ${d.endToEndId}::text, ${d.bookingDate}::date)`,
    ),
    sql`, `,
  );
  const rows = await tx.execute<{ id: string }>(sql`
    select v.id from (values ${values}) as v(id, amount, iban, e2e, day)
    where exists (
      select 1 from bank_entries e
      where e.organization_id = ${env.organizationId} and e.direction = 'credit' and not e.reversal
        and e.status in ('matched', 'queued') and e.amount_cents = v.amount
        and e.booking_date between v.day - ${RETURN_WINDOW_DAYS}::int and v.day
        and (e.counterparty_iban = v.iban or e.end_to_end_id = v.e2e))`);
  for (const row of rows) found.add(row.id);
  return found;
}

function outcomeOf(
  id: string,
  status: BankEntryStatus,
  rest: Partial<Omit<LineOutcome, 'id' | 'status'>> = {},
): LineOutcome {
  return { id, status, matchRule: null, debtorId: null, paymentId: null, suggestions: null, note: null, ...rest };
}

function queuedOutcome(id: string, decision: Extract<MatchDecision, { kind: 'queue' }>): LineOutcome {
  return outcomeOf(id, 'queued', {
    suggestions: decision.suggestions,
    note: systemNote(decision.code, decision.detail),
  });
}

function seenOf(
  line: PreparedLine,
  status: BankEntryStatus,
  paymentId: string | null,
  debtorId: string | null,
): CreditSeen {
  return {
    entryId: line.id,
    status,
    paymentId,
    debtorId,
    amountCents: line.amountCents,
    bookingDate: line.bookingDate,
    counterpartyIban: line.counterpartyIban,
    endToEndId: line.endToEndId,
    returned: false,
  };
}

/**
 * A debit is only an expense, unless it gives back an earlier credit: marked as a reversal
 * (RvslInd, RC/RD), or the same amount going back to the same account (or end-to-end id) within
 * RETURN_WINDOW_DAYS. Then what that credit paid is reversed (kind 'returned': the invoices owe
 * it again) and the credit's line says so; a returned credit still in the queue is set aside.
 */
async function handleDebit(
  tx: Tx,
  env: ChunkEnv,
  line: PreparedLine,
  outcomes: Map<string, LineOutcome>,
): Promise<LineOutcome> {
  const { organizationId, ctx, clock } = env;
  const returned = await findReturnedCredit(tx, env, line);
  if (!returned) {
    return outcomeOf(line.id, 'debit', { note: line.reversal ? systemNote('reversal_unlinked') : null });
  }
  returned.returned = true;
  const returnedNote = systemNote('returned', line.bookingDate);
  if (returned.status === 'matched' && returned.paymentId) {
    const paymentId = returned.paymentId;
    // A savepoint: a reversal the ledger refuses leaves the line an ordinary debit, not a failed import.
    const reversed = await tx
      .transaction(async (sp) =>
        reverseLedgerEntry(
          sp,
          { organizationId, paymentId, amountCents: line.amountCents, kind: 'returned', actor: env.actor },
          { clock },
        ),
      )
      .catch((error: unknown) => {
        console.warn('bank import: reversal refused', { entryId: line.id, paymentId, error: String(error) });
        return null;
      });
    if (!reversed) return outcomeOf(line.id, 'debit', { note: systemNote('reversal_unlinked') });
    await refreshReopened(tx, organizationId, ctx, reversed.reopenedInvoiceIds, reversed.allocations);
  } else {
    const earlier = outcomes.get(returned.entryId);
    if (earlier) {
      earlier.status = 'ignored';
      earlier.suggestions = null;
    }
  }
  const earlier = outcomes.get(returned.entryId);
  if (earlier) earlier.note = returnedNote;
  else {
    const [updated] = await tx
      .update(bankEntries)
      .set({
        note: returnedNote,
        ...(returned.status === 'queued' ? { status: 'ignored' as const, suggestions: null } : {}),
        updatedAt: clock.now(),
      })
      .where(and(orgScope(bankEntries, organizationId), eq(bankEntries.id, returned.entryId)))
      .returning({ statementId: bankEntries.statementId });
    // The set-aside line leaves its statement's queue count (this import's own, with its chunk's counts).
    if (returned.status === 'queued' && updated) {
      if (updated.statementId === env.statementId) env.setAside++;
      else {
        await tx
          .update(bankStatements)
          .set({ queued: sql`greatest(${bankStatements.queued} - 1, 0)`, ignored: sql`${bankStatements.ignored} + 1` })
          .where(and(eq(bankStatements.id, updated.statementId), orgScope(bankStatements, organizationId)));
      }
    }
  }
  return outcomeOf(line.id, 'reversal', {
    paymentId: returned.paymentId,
    debtorId: returned.debtorId,
    note: systemNote('returns', returned.bookingDate),
  });
}

async function refreshReopened(
  tx: Tx,
  organizationId: string,
  ctx: MatchContext,
  reopenedIds: string[],
  allocations: { invoiceId: string }[],
) {
  const ids = [...new Set([...reopenedIds, ...allocations.map((a) => a.invoiceId)])];
  if (ids.length === 0) return;
  const rows = await tx.execute<{
    id: string;
    number: string;
    debtor_id: string;
    status: 'open' | 'paid' | 'credited' | 'written_off';
    owed: unknown;
    due_date: string;
    payment_reference: string | null;
  }>(sql`
    select id, number, debtor_id, status, ${OWED_SQL} as owed,
      due_date::text as due_date, payment_reference
    from invoices where organization_id = ${organizationId} and id = any(${`{${ids.join(',')}}`}::uuid[])`);
  for (const row of rows) {
    addInvoiceFact(ctx, {
      id: row.id,
      number: row.number,
      debtorId: row.debtor_id,
      status: row.status,
      owedCents: Number(row.owed),
      dueDate: row.due_date,
      paymentReference: row.payment_reference,
    });
  }
}

async function findReturnedCredit(tx: Tx, env: ChunkEnv, line: PreparedLine): Promise<CreditSeen | null> {
  const since = addDays(line.bookingDate, -RETURN_WINDOW_DAYS);
  const sameParty = (c: { counterpartyIban: string | null; endToEndId: string | null }) =>
    (line.counterpartyIban !== null && c.counterpartyIban === line.counterpartyIban) ||
    (line.endToEndId !== null && c.endToEndId === line.endToEndId);
  const inFile = env.seen
    .filter(
      (c) =>
        !c.returned &&
        c.amountCents === line.amountCents &&
        c.bookingDate >= since &&
        c.bookingDate <= line.bookingDate &&
        sameParty(c),
    )
    .sort((a, b) => b.bookingDate.localeCompare(a.bookingDate));
  if (inFile.length > 0) return inFile[0];
  if (line.counterpartyIban === null && line.endToEndId === null) return null;
  const rows = await tx.execute<{
    id: string;
    status: BankEntryStatus;
    payment_id: string | null;
    debtor_id: string | null;
    booking_date: string;
    counterparty_iban: string | null;
    end_to_end_id: string | null;
  }>(sql`
    select e.id, e.status, e.payment_id, e.debtor_id, e.booking_date::text as booking_date,
      e.counterparty_iban, e.end_to_end_id
    from bank_entries e
    where e.organization_id = ${env.organizationId} and e.direction = 'credit' and not e.reversal
      and e.amount_cents = ${line.amountCents}
      and e.booking_date between ${since}::date and ${line.bookingDate}::date
      and e.status in ('matched', 'queued')
      and (${line.counterpartyIban}::text is not null and e.counterparty_iban = ${line.counterpartyIban}
        or ${line.endToEndId}::text is not null and e.end_to_end_id = ${line.endToEndId})
      and (e.note is null or e.note not like '[returned]%')
      and not exists (
        select 1 from bank_entries r
        where r.organization_id = e.organization_id and r.status = 'reversal'
          and r.payment_id is not null and r.payment_id = e.payment_id)
    order by e.booking_date desc, e.created_at desc
    limit 1`);
  const row = rows[0];
  if (!row) return null;
  const found: CreditSeen = {
    entryId: row.id,
    status: row.status,
    paymentId: row.payment_id,
    debtorId: row.debtor_id,
    amountCents: line.amountCents,
    bookingDate: row.booking_date,
    counterpartyIban: row.counterparty_iban,
    endToEndId: row.end_to_end_id,
    returned: false,
  };
  env.seen.push(found);
  return found;
}

/**
 * Takes the import lock of every account the chunk has lines for (a transaction-level advisory
 * lock per organisation and account, in one order, so two imports never wait for each other in a
 * circle) and returns the lines' keys (`account|dedupe key`) already recorded. One statement each.
 */
async function lockAccountsAndFindRecorded(tx: Tx, organizationId: string, chunk: PreparedLine[]) {
  const accounts = [...new Set(chunk.map((l) => l.bankAccountId!))].sort();
  await tx.execute(sql`
    select count(pg_advisory_xact_lock(hashtextextended(k, 0)))
    from (select k from unnest(${pgTextArray(accounts.map((a) => `bank_entries:${organizationId}:${a}`))}::text[]) k order by k) s`);
  const rows = await tx.execute<{ account: string; key: string }>(sql`
    select bank_account_id::text as account, dedupe_key as key from bank_entries
    where organization_id = ${organizationId} and bank_account_id = any(${pgTextArray(accounts)}::uuid[])
      and dedupe_key = any(${pgTextArray([...new Set(chunk.map((l) => l.dedupeKey))])}::text[])`);
  return new Set(rows.map((r) => `${r.account}|${r.key}`));
}

/** A chunk's lines with their outcomes as bank_entries rows, one json text (insertLineRows' parameter). */
function lineRowsJson(lines: PreparedLine[], outcomes: Map<string, LineOutcome>): string {
  return JSON.stringify(
    lines.map((line) => {
      const o = outcomes.get(line.id)!;
      return {
        id: line.id,
        bank_account_id: line.bankAccountId!,
        dedupe_key: line.dedupeKey,
        entry_ref: line.entryRef,
        booking_date: line.bookingDate,
        value_date: line.valueDate,
        amount_cents: line.amountCents,
        currency: line.currency,
        direction: line.direction,
        reversal: line.reversal,
        counterparty_name: line.counterpartyName,
        counterparty_iban: line.counterpartyIban,
        structured_ref: line.structuredRef,
        remittance: line.remittance,
        end_to_end_id: line.endToEndId,
        status: o.status,
        match_rule: o.matchRule,
        debtor_id: o.debtorId,
        payment_id: o.paymentId,
        suggestions: o.suggestions,
        note: o.note,
      };
    }),
  );
}

/**
 * Inserts a chunk's lines with their outcomes, in one statement (the rows as one json parameter).
 * Under the accounts' import lock none can be recorded already; if one were, the chunk fails
 * (nothing of it is kept) rather than book a line twice.
 */
async function insertLineRows(tx: Tx, env: ChunkEnv, rowsJson: string, count: number, now: Date) {
  const at = now.toISOString();
  const [{ inserted }] = await tx.execute<{ inserted: number }>(sql`
    with written as (
    insert into bank_entries
      (id, organization_id, statement_id, bank_account_id, dedupe_key, entry_ref, booking_date, value_date,
       amount_cents, currency, direction, reversal, counterparty_name, counterparty_iban, structured_ref, remittance,
       end_to_end_id, status, match_rule, debtor_id, payment_id, suggestions, note, resolved_at, created_at, updated_at)
    select u.id, ${env.organizationId}::uuid, ${env.statementId}::uuid, u.bank_account_id, u.dedupe_key, u.entry_ref,
      u.booking_date, u.value_date, u.amount_cents, u.currency, u.direction, u.reversal, u.counterparty_name,
      u.counterparty_iban, u.structured_ref, u.remittance, u.end_to_end_id, u.status, u.match_rule, u.debtor_id,
      u.payment_id, case when jsonb_typeof(u.suggestions) = 'array' then u.suggestions end, u.note,
      case when u.status = 'matched' then ${at}::timestamptz end, ${at}::timestamptz, ${at}::timestamptz
    from json_to_recordset(${rowsJson}::json) as u(id uuid, bank_account_id uuid, dedupe_key text, entry_ref text,
                    booking_date date, value_date date, amount_cents bigint, currency text, direction text,
                    reversal boolean, counterparty_name text, counterparty_iban text, structured_ref text,
                    remittance text, end_to_end_id text, status text, match_rule text, debtor_id uuid,
                    payment_id uuid, suggestions jsonb, note text)
    on conflict do nothing
    returning 1)
    select count(*)::int as inserted from written`);
  if (inserted !== count) {
    throw new Error(`bank import: ${count - inserted} line(s) were recorded by another import meanwhile`);
  }
}

/** Remembers which debtor an account paid for (rule 3 of matching uses it next time). */
export async function learnIbans(
  tx: Tx,
  organizationId: string,
  learned: { iban: string; debtorId: string; entryId: string }[],
  now: Date,
) {
  if (learned.length === 0) return;
  const unique = new Map(learned.map((l) => [`${l.iban}|${l.debtorId}`, l]));
  await tx.execute(sql`
    insert into debtor_ibans (organization_id, debtor_id, iban, learned_from_entry_id, created_at)
    select ${organizationId}::uuid, u.debtor_id, u.iban, u.entry_id, ${now.toISOString()}::timestamptz
    from json_to_recordset(${JSON.stringify(
      [...unique.values()].map((l) => ({ debtor_id: l.debtorId, iban: l.iban, entry_id: l.entryId })),
    )}::json) as u(debtor_id uuid, iban text, entry_id uuid)
    on conflict (organization_id, iban, debtor_id) do nothing`);
}

/**
 * What importing the file would do, without writing anything: its statements and accounts, how
 * many lines are already known, and per new money-in line the match it would make (by the same
 * matcher, on the same data) or the queue. Parse errors throw BankImportError as the import does;
 * an account or currency the import would refuse is returned in `refusal`.
 */
export async function previewStatementFile(
  input: { organizationId: string; bytes: Uint8Array },
  _opts: { clock?: Clock } = {},
): Promise<StatementPreview> {
  const { organizationId } = input;
  const parsed = await parseOrRefuse(input.bytes);
  const db = getDb();
  const accounts = await accountsOf(db, organizationId);
  const refusal = refusalOf(parsed, accounts);
  const lines = prepare(parsed, accounts);
  const { fresh, duplicates } = await splitKnown(db, organizationId, lines);
  const freshIds = new Set(fresh.map((l) => l.id));
  const credits = fresh.filter((l) => l.direction === 'credit' && !l.reversal);
  const ctx =
    credits.length > 0
      ? await loadMatchContext(db, organizationId, credits)
      : buildMatchContext({ invoices: [], debtors: [], ibans: [] });

  const wouldMatch: Record<AutoMatchRule, number> = { reference: 0, invoice_number: 0, iban_amount: 0 };
  let wouldQueue = 0;
  let wouldIgnore = 0;
  const shown: StatementPreview['lines'] = [];
  for (const line of lines) {
    let outcome: PreviewOutcome;
    let decision: MatchDecision | null = null;
    if (!freshIds.has(line.id)) outcome = 'duplicate';
    else if (line.direction === 'debit') outcome = line.reversal ? 'reversal' : 'debit';
    else if (line.reversal) {
      outcome = 'ignored';
      wouldIgnore++;
    } else {
      decision = matchLine(ctx, line);
      if (decision.kind === 'match') {
        outcome = 'match';
        wouldMatch[decision.rule]++;
        simulateBooking(ctx, decision.invoiceIds, line.amountCents);
        if (line.counterpartyIban) learnIban(ctx, line.counterpartyIban, decision.debtorId);
      } else {
        outcome = 'queue';
        wouldQueue++;
      }
    }
    if (shown.length < BANK_PREVIEW_LINES) {
      const invoiceIds = decision?.kind === 'match' ? decision.invoiceIds : [];
      shown.push({
        statementId: line.statementId,
        bookingDate: line.bookingDate,
        amountCents: line.amountCents,
        direction: line.direction,
        reversal: line.reversal,
        counterpartyName: line.counterpartyName,
        counterpartyIban: line.counterpartyIban,
        remittance: line.remittance,
        structuredRef: line.structuredRef,
        outcome,
        rule: decision?.kind === 'match' ? decision.rule : null,
        invoices: invoiceIds.map((id) => {
          const fact = ctx.invoices.get(id)!;
          return { id, number: fact.number, debtorName: ctx.debtors.get(fact.debtorId)?.name ?? null };
        }),
        note: decision?.kind === 'queue' ? systemNote(decision.code, decision.detail) : null,
      });
    }
  }

  const creditLines = lines.filter((l) => l.direction === 'credit');
  return {
    format: parsed.format,
    statements: parsed.statements.map((statement, index) => {
      const own = lines.filter((l) => l.statementIndex === index);
      const account = accounts.get(statement.accountIban);
      const ins = own.filter((l) => l.direction === 'credit');
      const outs = own.filter((l) => l.direction === 'debit');
      return {
        id: statement.id,
        accountIban: statement.accountIban,
        accountIbanDisplay: formatIban(statement.accountIban),
        accountLabel: account?.label ?? null,
        knownAccount: account !== undefined,
        currency: statement.currency,
        fromDate: statement.fromDate,
        toDate: statement.toDate,
        lines: own.length,
        credits: ins.length,
        creditCents: ins.reduce((t, l) => t + l.amountCents, 0),
        debits: outs.length,
        debitCents: outs.reduce((t, l) => t + l.amountCents, 0),
      };
    }),
    entries: lines.length,
    credits: creditLines.length,
    creditCents: creditLines.reduce((t, l) => t + l.amountCents, 0),
    debits: lines.length - creditLines.length,
    duplicates,
    wouldMatch,
    wouldQueue,
    wouldIgnore,
    lines: shown,
    refusal: refusal
      ? { code: refusal.code, status: refusal.status, message: refusal.message, detail: refusal.detail ?? null }
      : null,
  };
}

/** The preview's stand-in for a booking: the amount pays the invoices in order, as far as each owes. */
function simulateBooking(ctx: MatchContext, invoiceIds: string[], amountCents: number) {
  let rest = amountCents;
  for (const id of invoiceIds) {
    const fact = ctx.invoices.get(id);
    if (!fact || rest <= 0) continue;
    const take = Math.min(rest, fact.owedCents);
    rest -= take;
    const owed = fact.owedCents - take;
    updateInvoiceFact(ctx, id, owed === 0 ? { owedCents: 0, status: 'paid' } : { owedCents: owed });
  }
}
