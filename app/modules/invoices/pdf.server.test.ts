/**
 * The PDF store below the API (test/routes/api-v1.test.ts covers the route: a first PDF, the same bytes
 * again, not a PDF, over 10 MB by the body limit, another content type, an unknown invoice).
 */
import { createHash } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, files, invoices, type Invoice, type Organization } from '~db/schema';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { loadIntakeContext } from '~/modules/debtors/index.server';
import { PDF_BODY_LIMIT_BYTES } from './limits';
import { attachInvoicePdf, looksLikePdf } from './pdf.server';
import { intakeRefusal } from '~test/factories-intake';

const START = '2026-06-01T07:00:00.000Z';
const pdf = (text: string) => new TextEncoder().encode(`%PDF-1.7\n${text}\n%%EOF\n`);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function world() {
  const org = await createOrganization();
  const debtor = await createDebtor(org);
  const invoice = await createInvoice(org, debtor, { number: `2026/06-${org.slug}` });
  const clock = fixedClock(START);
  const ctx = await loadIntakeContext(getDb(), {
    organizationId: org.id,
    actor: { type: 'api', id: 'key-9' },
    source: 'api',
    clock,
  });
  return { org, invoice, clock, ctx };
}

const filesOf = (org: Pick<Organization, 'id'>) =>
  getDb().select().from(files).where(eq(files.organizationId, org.id)).orderBy(asc(files.createdAt));
const invoiceRow = async (id: string) => (await getDb().select().from(invoices).where(eq(invoices.id, id)))[0];
const pdfEvents = (org: Pick<Organization, 'id'>) =>
  getDb()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.action, 'invoice.pdf_attached')))
    .orderBy(asc(auditEvents.id));

describe('looksLikePdf', () => {
  it('wants the five bytes "%PDF-" at the start', () => {
    expect(looksLikePdf(new TextEncoder().encode('%PDF-'))).toBe(true);
    expect(looksLikePdf(pdf('x'))).toBe(true);
    expect(looksLikePdf(new TextEncoder().encode('%PDF'))).toBe(false);
    expect(looksLikePdf(new TextEncoder().encode(' %PDF-1.7'))).toBe(false);
    expect(looksLikePdf(new TextEncoder().encode('%pdf-1.7'))).toBe(false);
    expect(looksLikePdf(new Uint8Array(0))).toBe(false);
  });
});

describe('attachInvoicePdf', () => {
  it('stores the PDF under a safe name from the invoice number, points the invoice at it, stamps the clock and audits it', async () => {
    const { org, invoice, ctx } = await world();
    const bytes = pdf('first');
    const result = await getDb().transaction((tx) => attachInvoicePdf(tx, ctx, invoice, bytes));

    expect(result.outcome).toBe('created');
    const [file] = await filesOf(org);
    expect(file).toMatchObject({
      id: result.fileId,
      filename: `2026_06-${org.slug}.pdf`,
      contentType: 'application/pdf',
      sizeBytes: bytes.byteLength,
      sha256: sha256(bytes),
    });
    expect(new Uint8Array(file.data)).toEqual(bytes);
    const row = await invoiceRow(invoice.id);
    expect(row.pdfFileId).toBe(result.fileId);
    expect(row.updatedAt.toISOString()).toBe(START);

    const [event] = await pdfEvents(org);
    expect(event).toMatchObject({
      actorType: 'api',
      actorId: 'key-9',
      entityId: invoice.id,
      invoiceId: invoice.id,
      debtorId: invoice.debtorId,
      data: { source: 'api', fileId: result.fileId, sizeBytes: bytes.byteLength, sha256: sha256(bytes) },
    });
  });

  it('cleans the filename it is given and makes it end in .pdf', async () => {
    const { org, invoice, ctx } = await world();
    const other = await createInvoice(org, { id: invoice.debtorId, kind: 'consumer' });
    await getDb().transaction((tx) => attachInvoicePdf(tx, ctx, invoice, pdf('a'), 'Factuur "maart"/2026.PDF'));
    await getDb().transaction((tx) => attachInvoicePdf(tx, ctx, other, pdf('b'), 'scan <1>'));
    expect((await filesOf(org)).map((f) => f.filename).sort()).toEqual(['Factuur _maart_2026.PDF', 'scan _1_.pdf']);
  });

  it('replaces a PDF with other bytes (updated), removing the old file', async () => {
    const { org, invoice, clock, ctx } = await world();
    const first = await getDb().transaction((tx) => attachInvoicePdf(tx, ctx, invoice, pdf('first')));
    clock.advanceDays(1);

    const attached = await invoiceRow(invoice.id);
    const second = await getDb().transaction((tx) => attachInvoicePdf(tx, ctx, attached, pdf('second')));
    expect(second.outcome).toBe('updated');
    expect(second.fileId).not.toBe(first.fileId);
    expect((await filesOf(org)).map((f) => f.id)).toEqual([second.fileId]);
    const row = await invoiceRow(invoice.id);
    expect(row.pdfFileId).toBe(second.fileId);
    expect(row.updatedAt.toISOString()).toBe('2026-06-02T07:00:00.000Z');
    expect(await pdfEvents(org)).toHaveLength(2);
  });

  it('answers unchanged for the same bytes and writes nothing', async () => {
    const { org, invoice, clock, ctx } = await world();
    const first = await getDb().transaction((tx) => attachInvoicePdf(tx, ctx, invoice, pdf('same')));
    clock.advanceDays(1);
    const again = await getDb().transaction(async (tx) =>
      attachInvoicePdf(tx, ctx, await invoiceRow(invoice.id), pdf('same'), 'other-name.pdf'),
    );
    expect(again).toEqual({ outcome: 'unchanged', fileId: first.fileId });
    expect(await filesOf(org)).toHaveLength(1);
    expect((await invoiceRow(invoice.id)).updatedAt.toISOString()).toBe(START);
    expect(await pdfEvents(org)).toHaveLength(1);
  });

  it('keeps a replaced file that another invoice still points at', async () => {
    const { org, invoice, ctx } = await world();
    const sharing = await createInvoice(org, { id: invoice.debtorId, kind: 'consumer' });
    const first = await getDb().transaction((tx) => attachInvoicePdf(tx, ctx, invoice, pdf('shared')));
    await getDb().update(invoices).set({ pdfFileId: first.fileId }).where(eq(invoices.id, sharing.id));

    const second = await getDb().transaction(async (tx) =>
      attachInvoicePdf(tx, ctx, await invoiceRow(invoice.id), pdf('own')),
    );
    expect((await filesOf(org)).map((f) => f.id).sort()).toEqual([first.fileId, second.fileId].sort());
    expect((await invoiceRow(sharing.id)).pdfFileId).toBe(first.fileId);
  });

  it('refuses what is not a PDF and a PDF over the limit (invalid), and writes nothing', async () => {
    const { org, invoice, ctx } = await world();
    const tooLarge = new Uint8Array(PDF_BODY_LIMIT_BYTES + 1);
    tooLarge.set(new TextEncoder().encode('%PDF-1.7'));
    const attach = (bytes: Uint8Array) =>
      getDb().transaction((tx) => attachInvoicePdf(tx, ctx, invoice as Invoice, bytes));

    expect(await intakeRefusal(attach(new TextEncoder().encode('GIF89a')))).toEqual({
      kind: 'invalid',
      code: 'invalid_pdf',
      path: undefined,
    });
    expect(await intakeRefusal(attach(tooLarge))).toEqual({ kind: 'invalid', code: 'pdf_too_large', path: undefined });
    expect(await filesOf(org)).toHaveLength(0);
    expect((await invoiceRow(invoice.id)).pdfFileId).toBeNull();
    expect(await pdfEvents(org)).toHaveLength(0);

    const exactlyAtLimit = new Uint8Array(PDF_BODY_LIMIT_BYTES);
    exactlyAtLimit.set(new TextEncoder().encode('%PDF-1.7'));
    expect((await attach(exactlyAtLimit)).outcome).toBe('created');
  });
});
