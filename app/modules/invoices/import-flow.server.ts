import { and, desc, eq } from 'drizzle-orm';
import { auditEvents } from '~db/schema';
import { getDb } from '~/utils/db.server';
import type { Params, TextKey } from '~/utils/i18n';
import type { SignedInStaff } from '~/modules/staff/index.server';
import {
  CSV_OPTIONAL_COLUMNS,
  CSV_REQUIRED_COLUMNS,
  decodeCsvUpload,
  parseInvoiceCsv,
  type ImportIssue,
  type ImportIssueCode,
  type ParsedCsvRow,
} from './csv-import';
import { importCsvRows, ImportRowError, importUblInvoice, type ImportSummary } from './import.server';
import type { UpsertOutcome } from '~/modules/debtors/index.server';
import { IMPORT_FORM_LIMIT_BYTES } from './limits';
import { hasForbiddenControlChars } from '~/utils/limits';
import { decodeUblUpload, parseUblInvoice, type UblIssue, type UblWarning } from './ubl-import';
import { orgScope } from '~/utils/org-scope.server';

/**
 * The back-office import flow: upload -> preview (a rolled-back dry run) -> confirm.
 * Between the two steps the page carries the uploaded text itself in a hidden field
 * (base64url), so there is no server state to expire or clean up, and the confirm step
 * re-validates everything: a tampered field can only be an upload like any other.
 */

export { IMPORT_FORM_LIMIT_BYTES };
/** A preview lists every row with an error and at most this many good ones. */
const PREVIEW_GOOD_ROWS = 100;

export type Message = { key: TextKey; params?: Params };

export type CsvRowView = {
  row: number;
  number: string;
  debtor: string;
  issueDate: string;
  dueDate: string;
  amountCents: number | null;
  amountText: string;
  outcome: UpsertOutcome | 'error' | null;
  messages: Message[];
};

export type CsvPreview = {
  kind: 'csvPreview';
  filename: string;
  payload: string | null;
  fileMessages: Message[];
  rows: CsvRowView[];
  hiddenRows: number;
  errorRows: number;
  summary: ImportSummary | null;
};

export type UblPreview = {
  kind: 'ublPreview';
  filename: string;
  payload: string | null;
  messages: Message[];
  warnings: Message[];
  invoice: {
    number: string;
    issueDate: string;
    dueDate: string;
    payableCents: number;
    paymentReference: string | null;
    customer: {
      name: string;
      externalRef: string;
      email: string | null;
      address: string | null;
      vatNumber: string | null;
    };
    lines: {
      description: string;
      quantity: number;
      unitPriceCents: number;
      vatRatePercent: number;
      amountCents: number;
    }[];
    pdf: { filename: string; sizeBytes: number } | null;
  } | null;
  outcome: UpsertOutcome | null;
};

export type ImportDone = { kind: 'done'; source: 'csv' | 'ubl'; filename: string; summary: ImportSummary };
export type ImportFailure = { kind: 'failure'; source: 'csv' | 'ubl'; messages: Message[] };

// --- form reading and payloads ---------------------------------------------------------------

/** The posted form, or null when the body is larger than the import limit. */
export async function readImportForm(request: Request): Promise<FormData | null> {
  const declared = Number(request.headers.get('Content-Length') ?? '0');
  if (declared > IMPORT_FORM_LIMIT_BYTES) return null;
  if (!request.body) return new FormData();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    // Past the limit the rest is read and dropped, not cancelled: cancelling would reset the
    // connection before the browser sees our answer. The HTTP server's body limit
    // (app/server/body-limit.ts) stops a body that goes on much longer.
    if (size > IMPORT_FORM_LIMIT_BYTES) chunks.length = 0;
    else chunks.push(value);
  }
  if (size > IMPORT_FORM_LIMIT_BYTES) return null;
  const body = Buffer.concat(chunks);
  return new Request(request.url, { method: 'POST', headers: request.headers, body }).formData();
}

/**
 * The uploaded file's name is only a label (shown, and kept in the audit log): one the
 * browser or a client sent with control characters in it is replaced by a neutral name
 * rather than refusing the file, and long names are cut.
 */
export function uploadLabel(filename: string, source: 'csv' | 'ubl'): string {
  const name = filename.trim();
  if (name === '' || hasForbiddenControlChars(name)) return source === 'csv' ? 'upload.csv' : 'upload.xml';
  return name.slice(0, 200);
}

export function encodePayload(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

export function decodePayload(payload: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(payload) || payload.length === 0) return null;
  return Buffer.from(payload, 'base64url').toString('utf8');
}

// --- messages -------------------------------------------------------------------------------

function csvMessage(issue: ImportIssue): Message {
  const key = `bo.import.error.${issue.code}` as const satisfies TextKey;
  return { key, params: { ...issue.params, ...(issue.column ? { column: issue.column } : {}) } };
}

function ublMessage(issue: UblIssue): Message {
  const key = `bo.import.ubl.error.${issue.code}` as const satisfies TextKey;
  return { key, params: issue.params };
}

function ublWarning(warning: UblWarning): Message {
  const key = `bo.import.ubl.warning.${warning.code}` as const satisfies TextKey;
  return { key, params: warning.params };
}

const ROW_ERROR_CODES: Record<string, ImportIssueCode> = {
  total_below_paid: 'totalBelowPaid',
  debtor_change_after_payment: 'debtorChangeAfterPayment',
  debtor_incomplete: 'debtorIncomplete',
};

function rowErrorMessage(error: ImportRowError): Message {
  return csvMessage({ code: ROW_ERROR_CODES[error.intakeError.code] ?? 'rejected', row: error.row });
}

const csvColumns = {
  required: CSV_REQUIRED_COLUMNS.join(', '),
  optional: CSV_OPTIONAL_COLUMNS.join(', '),
};
export const csvColumnHint = (): Message => ({ key: 'bo.import.csv.hint', params: csvColumns });

// --- CSV ------------------------------------------------------------------------------------

type Actor = Pick<SignedInStaff, 'id' | 'organizationId'>;

function rowView(row: ParsedCsvRow, outcome: CsvRowView['outcome'], extra: Message[] = []): CsvRowView {
  const name = row.cells.debtor_name ?? '';
  const ref = row.cells.debtor_ref ?? '';
  return {
    row: row.row,
    number: row.cells.invoice_number ?? '',
    debtor: ref && name ? `${name} (${ref})` : name || ref,
    issueDate: row.value?.issueDate ?? row.cells.issue_date ?? '',
    dueDate: row.value?.dueDate ?? row.cells.due_date ?? '',
    amountCents: row.value?.amountCents ?? null,
    amountText: row.cells.amount ?? '',
    outcome: row.issues.length > 0 || extra.length > 0 ? 'error' : outcome,
    messages: [...row.issues.map(csvMessage), ...extra],
  };
}

async function csvPreviewOf(staff: Actor, text: string, filename: string): Promise<CsvPreview> {
  const parsed = parseInvoiceCsv(text);
  const base = { kind: 'csvPreview' as const, filename, payload: null, hiddenRows: 0, summary: null };
  if (parsed.fileIssues.length > 0) {
    return { ...base, fileMessages: parsed.fileIssues.map(csvMessage), rows: [], errorRows: 0 };
  }

  let summary: ImportSummary | null = null;
  let rowError: ImportRowError | null = null;
  if (parsed.ok) {
    try {
      summary = await importCsvRows(validRows(parsed.rows), {
        organizationId: staff.organizationId,
        staffId: staff.id,
        dryRun: true,
      });
    } catch (error) {
      if (!(error instanceof ImportRowError)) throw error;
      rowError = error;
    }
  }
  const outcomes = new Map(summary?.outcomes.map((o) => [o.row, o.outcome]));
  const views = parsed.rows.map((row) =>
    rowView(row, outcomes.get(row.row) ?? null, rowError?.row === row.row ? [rowErrorMessage(rowError)] : []),
  );
  const withErrors = views.filter((view) => view.outcome === 'error');
  const good = views.filter((view) => view.outcome !== 'error');
  const shown = new Set([...withErrors, ...good.slice(0, PREVIEW_GOOD_ROWS)]);
  return {
    ...base,
    payload: summary ? encodePayload(text) : null,
    fileMessages: [],
    rows: views.filter((view) => shown.has(view)),
    hiddenRows: views.length - shown.size,
    errorRows: withErrors.length,
    summary,
  };
}

function validRows(rows: ParsedCsvRow[]) {
  return rows.flatMap((row) => (row.value ? [{ row: row.row, value: row.value }] : []));
}

export async function previewCsvUpload(staff: Actor, file: File): Promise<CsvPreview | ImportFailure> {
  const decoded = decodeCsvUpload(new Uint8Array(await file.arrayBuffer()));
  if (!decoded.ok) return { kind: 'failure', source: 'csv', messages: [csvMessage(decoded.issue)] };
  return csvPreviewOf(staff, decoded.text, uploadLabel(file.name, 'csv'));
}

/** Parses the carried text again and imports it in one transaction; any problem and nothing is stored. */
export async function confirmCsvImport(
  staff: Actor,
  payload: string,
  rawFilename: string,
): Promise<ImportDone | CsvPreview | ImportFailure> {
  const filename = uploadLabel(rawFilename, 'csv');
  const text = decodePayload(payload);
  if (text === null) return { kind: 'failure', source: 'csv', messages: [{ key: 'bo.import.error.badPayload' }] };
  const parsed = parseInvoiceCsv(text);
  if (!parsed.ok) return csvPreviewOf(staff, text, filename);
  try {
    const summary = await importCsvRows(validRows(parsed.rows), {
      organizationId: staff.organizationId,
      staffId: staff.id,
      dryRun: false,
      filename,
    });
    return { kind: 'done', source: 'csv', filename, summary };
  } catch (error) {
    if (error instanceof ImportRowError) return csvPreviewOf(staff, text, filename);
    throw error;
  }
}

// --- UBL ------------------------------------------------------------------------------------

async function ublPreviewOf(staff: Actor, text: string, filename: string): Promise<UblPreview | ImportFailure> {
  const parsed = parseUblInvoice(text);
  if (!parsed.ok) return { kind: 'failure', source: 'ubl', messages: parsed.issues.map(ublMessage) };
  const { invoice } = parsed;
  let outcome: UpsertOutcome | null = null;
  const messages: Message[] = [];
  try {
    const summary = await importUblInvoice(invoice, {
      organizationId: staff.organizationId,
      staffId: staff.id,
      dryRun: true,
    });
    outcome = summary.outcomes[0]?.outcome ?? null;
  } catch (error) {
    if (!(error instanceof ImportRowError)) throw error;
    messages.push({ key: rowErrorMessage(error).key });
  }
  const { customer } = invoice;
  const address = [
    customer.addressLine,
    [customer.postalCode, customer.city].filter(Boolean).join(' '),
    customer.country,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    kind: 'ublPreview',
    filename,
    payload: messages.length === 0 ? encodePayload(text) : null,
    messages,
    warnings: parsed.warnings.map(ublWarning),
    outcome,
    invoice: {
      number: invoice.number,
      issueDate: invoice.issueDate,
      dueDate: invoice.dueDate,
      payableCents: invoice.payableCents,
      paymentReference: invoice.paymentReference,
      customer: {
        name: customer.name,
        externalRef: customer.externalRef,
        email: customer.email,
        address: address || null,
        vatNumber: customer.vatNumber,
      },
      lines: invoice.lines,
      pdf: invoice.pdf ? { filename: invoice.pdf.filename, sizeBytes: invoice.pdf.bytes.byteLength } : null,
    },
  };
}

export async function previewUblUpload(staff: Actor, file: File): Promise<UblPreview | ImportFailure> {
  const decoded = decodeUblUpload(new Uint8Array(await file.arrayBuffer()));
  if (!decoded.ok) return { kind: 'failure', source: 'ubl', messages: [ublMessage(decoded.issue)] };
  return ublPreviewOf(staff, decoded.text, uploadLabel(file.name, 'ubl'));
}

export async function confirmUblImport(
  staff: Actor,
  payload: string,
  rawFilename: string,
): Promise<ImportDone | UblPreview | ImportFailure> {
  const filename = uploadLabel(rawFilename, 'ubl');
  const text = decodePayload(payload);
  if (text === null) return { kind: 'failure', source: 'ubl', messages: [{ key: 'bo.import.error.badPayload' }] };
  const parsed = parseUblInvoice(text);
  if (!parsed.ok) return { kind: 'failure', source: 'ubl', messages: parsed.issues.map(ublMessage) };
  try {
    const summary = await importUblInvoice(parsed.invoice, {
      organizationId: staff.organizationId,
      staffId: staff.id,
      dryRun: false,
      filename,
    });
    return { kind: 'done', source: 'ubl', filename, summary };
  } catch (error) {
    if (error instanceof ImportRowError) return ublPreviewOf(staff, text, filename);
    throw error;
  }
}

// --- history --------------------------------------------------------------------------------

export async function recentImports(organizationId: string, limit = 5) {
  const rows = await getDb()
    .select({ id: auditEvents.id, at: auditEvents.createdAt, data: auditEvents.data })
    .from(auditEvents)
    .where(and(orgScope(auditEvents, organizationId), eq(auditEvents.entityType, 'import')))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(limit);
  return rows.map((row) => {
    const data = (row.data ?? {}) as Record<string, unknown>;
    const num = (key: string) => (typeof data[key] === 'number' ? (data[key] as number) : 0);
    return {
      id: row.id,
      at: row.at.toISOString(),
      source: data.source === 'ubl' ? ('UBL' as const) : ('CSV' as const),
      filename: typeof data.filename === 'string' ? data.filename : null,
      created: num('created'),
      updated: num('updated'),
      unchanged: num('unchanged'),
    };
  });
}
