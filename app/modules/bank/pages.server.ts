/**
 * Reads the back-office bank pages need beside the bank module's services (index.server.ts):
 * the queue count for the navigation badge, and the open invoices finance searches when it
 * matches a line by hand. Read only, scoped by organization.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { getDb, type Tx } from '~/utils/db.server';
import { hasForbiddenControlChars } from '~/utils/limits';
import { owedSqlOf } from '~/modules/ledger/index.server';

/** How many lines wait in the match queue (the partial index bank_entries_queue_idx serves it). */
export async function countQueuedEntries(organizationId: string, { db = getDb() }: { db?: Tx } = {}) {
  const [row] = await db.execute<{ count: unknown }>(sql`
    select count(*) as count from bank_entries
    where organization_id = ${organizationId} and status = 'queued'`);
  return Number(row?.count ?? 0);
}

/** A search term for ILIKE: trimmed, at most 100 characters, %, _ and \ taken literally, NUL dropped. */
function likePattern(q: string): string | null {
  const text = q.replace(/\0/g, '').trim().slice(0, 100);
  return text ? `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
}

export type OpenInvoiceChoice = {
  id: string;
  number: string;
  debtorId: string;
  debtorName: string;
  dueDate: string;
  /** Open principal + collection costs + interest: what settles the invoice. */
  owedCents: number;
};

export const INVOICE_SEARCH_LIMIT = 20;

/**
 * Open invoices whose number, debtor name or debtor number contains `q` (at least two characters),
 * oldest due first, grouped by debtor so one debtor's invoices stand together.
 */
export async function searchOpenInvoices(
  organizationId: string,
  q: string,
  { limit = INVOICE_SEARCH_LIMIT, db = getDb() }: { limit?: number; db?: Tx } = {},
): Promise<OpenInvoiceChoice[]> {
  const pattern = likePattern(q);
  if (!pattern || pattern.length < 4) return [];
  return openInvoices(
    db,
    organizationId,
    sql`(i.number ilike ${pattern} or d.name ilike ${pattern} or d.external_ref ilike ${pattern})`,
    limit,
  );
}

/** The given open invoices (ids of another organization, or not open, are left out). */
export async function openInvoicesByIds(
  organizationId: string,
  ids: string[],
  { db = getDb() }: { db?: Tx } = {},
): Promise<OpenInvoiceChoice[]> {
  if (ids.length === 0) return [];
  return openInvoices(db, organizationId, sql`i.id = any(${`{${ids.join(',')}}`}::uuid[])`, ids.length);
}

async function openInvoices(db: Tx, organizationId: string, where: ReturnType<typeof sql>, limit: number) {
  const rows = await db.execute<{
    id: string;
    number: string;
    debtor_id: string;
    debtor_name: string;
    due_date: string;
    owed: unknown;
  }>(sql`
    select i.id, i.number, i.debtor_id, d.name as debtor_name, i.due_date::text as due_date,
      ${owedSqlOf('i')} as owed
    from invoices i
    join debtors d on d.id = i.debtor_id and d.organization_id = i.organization_id
    where i.organization_id = ${organizationId} and i.status = 'open'
      and ${owedSqlOf('i')} > 0
      and ${where}
    order by d.name, d.id, i.due_date, i.number
    limit ${limit}`);
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    debtorId: r.debtor_id,
    debtorName: r.debtor_name,
    dueDate: r.due_date,
    owedCents: Number(r.owed),
  }));
}

/* --- the upload form: read bounded, carry the file from the preview to the confirm step ------- */

/** Multipart overhead allowed above the file itself. */
const FORM_OVERHEAD_BYTES = 1024 * 1024;

/**
 * The posted upload form, or null when its body is larger than the form may be: a statement file,
 * or the confirm step's carried copy of one (base64 of at most the file's size), plus the form's
 * own overhead; the same ceiling as the HTTP server's rule for /app/bank. Past the limit the rest is read and dropped rather than cancelled, so the
 * browser sees our answer instead of a reset connection; the HTTP server's body limit
 * (app/server/body-limit.ts) stops a body that goes on much longer.
 */
export async function readBankForm(request: Request, maxFileBytes: number): Promise<FormData | null> {
  const limit = Math.ceil((maxFileBytes * 4) / 3) + FORM_OVERHEAD_BYTES;
  const declared = Number(request.headers.get('Content-Length') ?? '0');
  if (declared > limit) return null;
  if (!request.body) return new FormData();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) chunks.length = 0;
    else chunks.push(value);
  }
  if (size > limit) return null;
  return new Request(request.url, { method: 'POST', headers: request.headers, body: Buffer.concat(chunks) }).formData();
}

/**
 * Between the preview and the confirm step the page carries the file itself in a hidden field:
 * deflated (statement XML shrinks ten- to twentyfold) and base64url, so there is no server state
 * to expire or clean up. The confirm step parses and checks everything again, so a tampered field
 * is only an upload like any other.
 */
export function encodeCarriedFile(bytes: Uint8Array): string {
  return deflateRawSync(bytes, { level: 6 }).toString('base64url');
}

/** The carried file, or null when the field is not one we wrote (or inflates past `maxBytes`). */
export function decodeCarriedFile(payload: string, maxBytes: number): Uint8Array | null {
  if (payload.length === 0 || !/^[A-Za-z0-9_-]+$/.test(payload)) return null;
  try {
    const bytes = inflateRawSync(Buffer.from(payload, 'base64url'), { maxOutputLength: maxBytes });
    return bytes.length > 0 ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null;
  } catch {
    return null;
  }
}

/** The uploaded file's name is only a label: control characters make it a neutral name, long ones are cut. */
export function fileLabel(name: string): string {
  const text = name.trim();
  if (text === '' || hasForbiddenControlChars(text)) return 'afschrift';
  return text.slice(0, 200);
}
