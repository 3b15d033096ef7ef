/** The invoice's PDF, as the API stores it: checked, kept in `files` once per content. */
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { files, invoices, type Invoice } from '~db/schema';
import type { Tx } from '~/utils/db.server';
import { audit } from '~/modules/audit/index.server';
import { PDF_BODY_LIMIT_BYTES } from './limits';

import { IntakeError, type IntakeContext, type UpsertOutcome } from '~/modules/debtors/index.server';
import { orgScope } from '~/utils/org-scope.server';

export const PDF_MAGIC = '%PDF-';

export function looksLikePdf(bytes: Uint8Array): boolean {
  return bytes.byteLength >= PDF_MAGIC.length && Buffer.from(bytes.subarray(0, 5)).toString('latin1') === PDF_MAGIC;
}

/** Stores the invoice's PDF in `files` and points the invoice at it; the same bytes again change nothing. */
export async function attachInvoicePdf(
  tx: Tx,
  ctx: IntakeContext,
  invoice: Invoice,
  bytes: Uint8Array,
  filename?: string,
): Promise<{ outcome: UpsertOutcome; fileId: string }> {
  if (!looksLikePdf(bytes)) {
    throw new IntakeError('invalid', 'invalid_pdf', 'The file is not a PDF (it does not start with "%PDF-").');
  }
  if (bytes.byteLength > PDF_BODY_LIMIT_BYTES) {
    throw new IntakeError('invalid', 'pdf_too_large', `The PDF is larger than ${PDF_BODY_LIMIT_BYTES} bytes.`);
  }
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (invoice.pdfFileId) {
    const [current] = await tx
      .select({ sha256: files.sha256 })
      .from(files)
      .where(and(eq(files.id, invoice.pdfFileId), orgScope(files, ctx)));
    if (current?.sha256 === digest) return { outcome: 'unchanged', fileId: invoice.pdfFileId };
  }
  const [file] = await tx
    .insert(files)
    .values({
      organizationId: ctx.organizationId,
      filename: safeFilename(filename ?? `${invoice.number}.pdf`),
      contentType: 'application/pdf',
      sizeBytes: bytes.byteLength,
      sha256: digest,
      data: Buffer.from(bytes),
    })
    .returning({ id: files.id });
  await tx.update(invoices).set({ pdfFileId: file.id, updatedAt: ctx.clock.now() }).where(eq(invoices.id, invoice.id));
  if (invoice.pdfFileId) {
    // The replaced PDF goes, unless something else still points at it.
    await tx
      .delete(files)
      .where(
        and(
          eq(files.id, invoice.pdfFileId),
          sql`not exists (select 1 from ${invoices} where ${invoices.pdfFileId} = ${files.id})`,
        ),
      );
  }
  await audit(tx, {
    organizationId: ctx.organizationId,
    actor: ctx.actor,
    action: 'invoice.pdf_attached',
    entityType: 'invoice',
    entityId: invoice.id,
    debtorId: invoice.debtorId,
    invoiceId: invoice.id,
    data: { source: ctx.source, fileId: file.id, sizeBytes: bytes.byteLength, sha256: digest },
  });
  return { outcome: invoice.pdfFileId ? 'updated' : 'created', fileId: file.id };
}

function safeFilename(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._ -]+/g, '_').slice(0, 150);
  return /\.pdf$/i.test(cleaned) ? cleaned : `${cleaned}.pdf`;
}
