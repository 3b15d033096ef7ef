import type { LoaderFunctionArgs } from '@remix-run/node';
import { creditorLogo, getReceipt, renderReceiptPdf } from '~/modules/portal/index.server';
import { requireDebtor } from '~/modules/links/index.server';
import { notFound } from '~/utils/http.server';
import { getLocale } from '~/utils/i18n/locale.server';
import { pdfFilename, pdfResponse } from '~/utils/pdf.server';

/** The receipt as a PDF to keep: the same scope and facts as the receipt page. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  const receipt = await getReceipt(session, params.paymentId ?? '');
  if (!receipt) notFound();
  const [locale, logo] = await Promise.all([getLocale(request), creditorLogo(session)]);
  const bytes = await renderReceiptPdf(receipt, { locale, logo });
  return pdfResponse(bytes, pdfFilename(receipt.number));
}
