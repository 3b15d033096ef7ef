import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { hasForbiddenControlChars, MAX_AMOUNT_TEXT, MAX_DATE, MIN_DATE } from '~/utils/limits';
import { parseAmountToCents } from '~/utils/money';
import { parseImportDate } from './import-dates';

/**
 * Reads an invoice CSV into rows and per-row problems, storing nothing. The import step
 * parses the same text again, so what staff saw in the preview is exactly what is imported.
 */

export const CSV_REQUIRED_COLUMNS = [
  'invoice_number',
  'debtor_ref',
  'debtor_name',
  'debtor_email',
  'debtor_kind',
  'issue_date',
  'due_date',
  'amount',
] as const;
export const CSV_OPTIONAL_COLUMNS = ['currency', 'description'] as const;
export type CsvColumn = (typeof CSV_REQUIRED_COLUMNS)[number] | (typeof CSV_OPTIONAL_COLUMNS)[number];
const KNOWN_COLUMNS: readonly string[] = [...CSV_REQUIRED_COLUMNS, ...CSV_OPTIONAL_COLUMNS];

export const CSV_MAX_BYTES = 5 * 1024 * 1024;
export const CSV_MAX_ROWS = 5_000;

export type ImportIssueCode =
  | 'notUtf8'
  | 'empty'
  | 'malformed'
  | 'tooManyRows'
  | 'tooLarge'
  | 'missingColumns'
  | 'unknownColumns'
  | 'duplicateColumns'
  | 'noRows'
  | 'cellCount'
  | 'required'
  | 'tooLong'
  | 'controlChars'
  | 'emailInvalid'
  | 'kindInvalid'
  | 'dateFormat'
  | 'dateImpossible'
  | 'dateOutOfRange'
  | 'dueBeforeIssue'
  | 'amountAmbiguous'
  | 'amountInvalid'
  | 'amountNotPositive'
  | 'amountTooLarge'
  | 'currencyUnsupported'
  | 'duplicateNumber'
  | 'debtorConflict'
  | 'totalBelowPaid'
  | 'debtorChangeAfterPayment'
  | 'debtorIncomplete'
  | 'rejected';

/** A problem with the file (no row) or with one cell or row; rendered through the i18n catalog. */
export type ImportIssue = {
  code: ImportIssueCode;
  row?: number;
  column?: string;
  params?: Record<string, string | number>;
};

export type CsvInvoiceRow = {
  invoiceNumber: string;
  debtorRef: string;
  debtorName: string;
  debtorEmail: string;
  debtorKind: 'consumer' | 'business';
  issueDate: string;
  dueDate: string;
  amountCents: number;
  currency: 'EUR';
  /** undefined: the file has no description column (an existing description stays). */
  description?: string | null;
};

export type ParsedCsvRow = {
  /** The line in the file (the header is line 1), as a spreadsheet numbers its rows. */
  row: number;
  cells: Partial<Record<CsvColumn, string>>;
  value: CsvInvoiceRow | null;
  issues: ImportIssue[];
};

export type CsvParseResult = {
  fileIssues: ImportIssue[];
  rows: ParsedCsvRow[];
  delimiter: ',' | ';';
  /** True when the file and every row are valid: only then may it be imported. */
  ok: boolean;
};

/** UTF-8, with or without BOM; anything else (e.g. Excel's Windows-1252 "CSV") is refused. */
export function decodeCsvUpload(bytes: Uint8Array): { ok: true; text: string } | { ok: false; issue: ImportIssue } {
  if (bytes.byteLength > CSV_MAX_BYTES) return { ok: false, issue: { code: 'tooLarge', params: { max: '5 MB' } } };
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { ok: true, text };
  } catch {
    return { ok: false, issue: { code: 'notUtf8' } };
  }
}

/** The separator of the header line: whichever of ";" and "," occurs more often outside quotes. */
export function detectDelimiter(text: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && char === ',') commas++;
    else if (!quoted && char === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

const Email = z.email();
/** Line breaks and tabs are fine in a description (a quoted cell may span lines); elsewhere no control characters. */
const MULTILINE_COLUMNS: readonly CsvColumn[] = ['description'];
const LIMITS: Partial<Record<CsvColumn, number>> = {
  invoice_number: 100,
  debtor_ref: 200,
  debtor_name: 200,
  debtor_email: 320,
  description: 1000,
};

export function parseInvoiceCsv(input: string): CsvParseResult {
  const text = input.replace(/^\uFEFF/, '');
  const delimiter = detectDelimiter(text);
  const fail = (issue: ImportIssue): CsvParseResult => ({ fileIssues: [issue], rows: [], delimiter, ok: false });
  if (text.trim() === '') return fail({ code: 'empty' });

  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const line = typeof (error as { lines?: unknown }).lines === 'number' ? (error as { lines: number }).lines : 0;
    return fail({ code: 'malformed', params: { line } });
  }

  const [header, ...body] = records;
  const headerIssues = checkHeader(header.record);
  if (headerIssues.length > 0) return { fileIssues: headerIssues, rows: [], delimiter, ok: false };
  if (body.length === 0) return fail({ code: 'noRows' });
  if (body.length > CSV_MAX_ROWS) return fail({ code: 'tooManyRows', params: { max: CSV_MAX_ROWS } });

  const columns = header.record.map((name) => name.trim().toLowerCase() as CsvColumn);
  const rows = body.map(({ record, info }) => parseRow(columns, record, info.lines));
  checkAcrossRows(rows);
  return { fileIssues: [], rows, delimiter, ok: rows.every((row) => row.issues.length === 0) };
}

function checkHeader(names: string[]): ImportIssue[] {
  const normalized = names.map((name) => name.trim().toLowerCase());
  const issues: ImportIssue[] = [];
  const unknown = normalized.filter((name) => !KNOWN_COLUMNS.includes(name));
  const missing = CSV_REQUIRED_COLUMNS.filter((name) => !normalized.includes(name));
  const duplicates = [...new Set(normalized.filter((name, i) => normalized.indexOf(name) !== i))];
  if (missing.length > 0) issues.push({ code: 'missingColumns', params: { columns: missing.join(', ') } });
  if (unknown.length > 0) {
    issues.push({
      code: 'unknownColumns',
      params: {
        columns: unknown.map((name) => (name === '' ? '""' : name)).join(', '),
        allowed: KNOWN_COLUMNS.join(', '),
      },
    });
  }
  if (duplicates.length > 0) issues.push({ code: 'duplicateColumns', params: { columns: duplicates.join(', ') } });
  return issues;
}

function parseRow(columns: CsvColumn[], record: string[], row: number): ParsedCsvRow {
  const cells: Partial<Record<CsvColumn, string>> = {};
  columns.forEach((column, i) => {
    cells[column] = record[i] ?? '';
  });
  const issues: ImportIssue[] = [];
  const add = (column: CsvColumn | undefined, code: ImportIssueCode, params?: ImportIssue['params']) =>
    issues.push({ row, column, code, params });

  if (record.length !== columns.length) add(undefined, 'cellCount', { count: record.length, expected: columns.length });

  const text = (column: CsvColumn, required: boolean): string | null => {
    const value = cells[column] ?? '';
    if (value === '') {
      if (required) add(column, 'required');
      return null;
    }
    if (hasForbiddenControlChars(value, MULTILINE_COLUMNS.includes(column) ? 'multiline' : 'line')) {
      add(column, 'controlChars');
      return null;
    }
    const max = LIMITS[column];
    if (max && value.length > max) {
      add(column, 'tooLong', { max });
      return null;
    }
    return value;
  };

  const invoiceNumber = text('invoice_number', true);
  const debtorRef = text('debtor_ref', true);
  const debtorName = text('debtor_name', true);
  const debtorEmail = text('debtor_email', true);
  if (debtorEmail !== null && !Email.safeParse(debtorEmail).success) add('debtor_email', 'emailInvalid');

  const kindText = (cells.debtor_kind ?? '').toLowerCase();
  const debtorKind: CsvInvoiceRow['debtorKind'] | null =
    kindText === 'consumer' || kindText === 'business' ? kindText : null;
  if (kindText === '') add('debtor_kind', 'required');
  else if (!debtorKind) add('debtor_kind', 'kindInvalid', { value: cells.debtor_kind ?? '' });

  const date = (column: 'issue_date' | 'due_date'): string | null => {
    const value = cells[column] ?? '';
    if (value === '') {
      add(column, 'required');
      return null;
    }
    const parsed = parseImportDate(value);
    if (parsed.ok) return parsed.date;
    if (parsed.reason === 'range') add(column, 'dateOutOfRange', { value, min: MIN_DATE, max: MAX_DATE });
    else add(column, parsed.reason === 'format' ? 'dateFormat' : 'dateImpossible', { value });
    return null;
  };
  const issueDate = date('issue_date');
  const dueDate = date('due_date');
  if (issueDate && dueDate && dueDate < issueDate) add('due_date', 'dueBeforeIssue');

  let amountCents: number | null = null;
  const amountText = cells.amount ?? '';
  if (amountText === '') add('amount', 'required');
  else {
    const parsed = parseAmountToCents(amountText);
    if (!parsed.ok && parsed.code === 'tooLarge')
      add('amount', 'amountTooLarge', { value: amountText, max: MAX_AMOUNT_TEXT });
    else if (!parsed.ok) {
      add('amount', parsed.reason.startsWith('ambiguous') ? 'amountAmbiguous' : 'amountInvalid', { value: amountText });
    } else if (parsed.cents <= 0) add('amount', 'amountNotPositive', { value: amountText });
    else amountCents = parsed.cents;
  }

  const currency = (cells.currency ?? '').toUpperCase();
  if (currency !== '' && currency !== 'EUR') add('currency', 'currencyUnsupported', { value: cells.currency ?? '' });

  const description = columns.includes('description') ? text('description', false) : undefined;

  const value =
    issues.length === 0
      ? {
          invoiceNumber: invoiceNumber!,
          debtorRef: debtorRef!,
          debtorName: debtorName!,
          debtorEmail: debtorEmail!,
          debtorKind: debtorKind!,
          issueDate: issueDate!,
          dueDate: dueDate!,
          amountCents: amountCents!,
          currency: 'EUR' as const,
          ...(description === undefined ? {} : { description }),
        }
      : null;
  return { row, cells, value, issues };
}

/** One number once per file; one debtor reference with one name, email and kind. */
function checkAcrossRows(rows: ParsedCsvRow[]) {
  const numbers = new Map<string, number>();
  const debtors = new Map<string, { row: number; signature: string }>();
  for (const row of rows) {
    const number = row.cells.invoice_number ?? '';
    if (number !== '') {
      const first = numbers.get(number);
      if (first === undefined) numbers.set(number, row.row);
      else fail(row, { code: 'duplicateNumber', column: 'invoice_number', params: { number, firstRow: first } });
    }
    const ref = row.cells.debtor_ref ?? '';
    if (ref !== '') {
      const signature = JSON.stringify([
        row.cells.debtor_name ?? '',
        (row.cells.debtor_email ?? '').toLowerCase(),
        (row.cells.debtor_kind ?? '').toLowerCase(),
      ]);
      const first = debtors.get(ref);
      if (!first) debtors.set(ref, { row: row.row, signature });
      else if (first.signature !== signature) {
        fail(row, { code: 'debtorConflict', column: 'debtor_ref', params: { ref, firstRow: first.row } });
      }
    }
  }
}

function fail(row: ParsedCsvRow, issue: Omit<ImportIssue, 'row'>) {
  row.issues.push({ ...issue, row: row.row });
  row.value = null;
}
