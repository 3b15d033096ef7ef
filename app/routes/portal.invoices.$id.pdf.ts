import type { LoaderFunctionArgs } from '@remix-run/node';
import { and, eq } from 'drizzle-orm';
import { files, invoices } from '~db/schema';
import { ownInvoices, requireDebtor } from '~/modules/links/index.server';
import { getDb } from '~/utils/db.server';
import { notFound } from '~/utils/http.server';
import { isUuid } from '~/utils/ids';

/** The creditor's PDF of one of the debtor's own invoices, as a download. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  if (!isUuid(params.id)) notFound();
  const [row] = await getDb()
    .select({ number: invoices.number, data: files.data })
    .from(invoices)
    .innerJoin(files, and(eq(files.id, invoices.pdfFileId), eq(files.organizationId, invoices.organizationId)))
    .where(ownInvoices(session, eq(invoices.id, params.id)));
  if (!row) notFound();
  const filename = `${row.number.replace(/[^\w.-]+/g, '_')}.pdf`;
  return new Response(new Uint8Array(row.data), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
