import type { LoaderFunctionArgs } from '@remix-run/node';
import { getInvoicePdf } from '~/modules/invoices/index.server';
import { requireDebtor } from '~/modules/links/index.server';
import { notFound } from '~/utils/http.server';
import { getLocale } from '~/utils/i18n/locale.server';
import { pdfResponse } from '~/utils/pdf.server';

/** One of the debtor's own invoices as a PDF: the creditor's, else one drawn from the invoice data. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  const pdf = await getInvoicePdf(
    { organizationId: session.organizationId, debtorId: session.debtorId },
    { id: params.id ?? '' },
    { locale: await getLocale(request) },
  );
  if (!pdf) notFound();
  return pdfResponse(pdf.bytes, pdf.filename);
}
