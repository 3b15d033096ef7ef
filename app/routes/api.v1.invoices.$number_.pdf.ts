import type { ActionFunctionArgs } from '@remix-run/node';
import { looksLikePdf } from '~/modules/invoices/index.server';
import {
  ApiError,
  apiHandler,
  apiJson,
  authenticate,
  methodNotAllowed,
  parseOrThrow,
  putInvoicePdfForApi,
  readBodyLimited,
  requireMediaType,
} from '~/modules/api/index.server';
import { PDF_BODY_LIMIT_BYTES } from '~/modules/invoices/index';
import { InvoiceNumber } from '~/modules/api/index';

const ALLOWED = ['PUT'];

export const loader = () => apiHandler(null, async () => methodNotAllowed(ALLOWED));

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
