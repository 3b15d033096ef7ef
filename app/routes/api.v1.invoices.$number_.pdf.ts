import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { getInvoicePdf, looksLikePdf } from '~/modules/invoices/index.server';
import {
  ApiError,
  apiHandler,
  apiJson,
  apiNotFound,
  authenticate,
  methodNotAllowed,
  parseOrThrow,
  putInvoicePdfForApi,
  readBodyLimited,
  requireMediaType,
} from '~/modules/api/index.server';
import { PDF_BODY_LIMIT_BYTES } from '~/modules/invoices/index';
import { InvoiceNumber } from '~/modules/api/index';
import { pdfResponse } from '~/utils/pdf.server';

const ALLOWED = ['GET', 'PUT'];

/** The invoice's PDF: the one attached, else one drawn from the invoice data in the debtor's language. */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  apiHandler(request, async () => {
    const principal = await authenticate(request);
    const number = parseOrThrow(InvoiceNumber, params.number, ['number']);
    const pdf = await getInvoicePdf({ organizationId: principal.organizationId }, { number });
    if (!pdf) apiNotFound(`No invoice ${number}.`);
    return pdfResponse(pdf.bytes, pdf.filename);
  });

export const action = ({ request, params }: ActionFunctionArgs) =>
  apiHandler(request, async () => {
    if (request.method !== 'PUT') methodNotAllowed(ALLOWED);
    const principal = await authenticate(request);
    const number = parseOrThrow(InvoiceNumber, params.number, ['number']);
    requireMediaType(request, (type) => type === 'application/pdf', 'application/pdf');
    const bytes = await readBodyLimited(request, PDF_BODY_LIMIT_BYTES);
    if (!looksLikePdf(bytes))
      throw new ApiError(400, 'invalid_pdf', 'The body is not a PDF (it must start with "%PDF-").');
    const { status, body } = await putInvoicePdfForApi(principal, number, bytes);
    return apiJson(body, status);
  });
