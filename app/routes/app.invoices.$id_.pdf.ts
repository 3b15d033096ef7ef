import type { LoaderFunctionArgs } from '@remix-run/node';
import { getInvoicePdf } from '~/modules/invoices/index.server';
import { requireStaff } from '~/modules/staff/index.server';
import { notFound } from '~/utils/http.server';
import { getLocale } from '~/utils/i18n/locale.server';
import { pdfResponse } from '~/utils/pdf.server';

/** The PDF of one of the organisation's invoices, for any staff member: the creditor's, else one drawn from the data. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request);
  const pdf = await getInvoicePdf(
    { organizationId: staff.organizationId },
    { id: params.id ?? '' },
    { locale: await getLocale(request) },
  );
  if (!pdf) notFound();
  return pdfResponse(pdf.bytes, pdf.filename);
}
