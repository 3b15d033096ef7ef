import type { ActionFunctionArgs } from '@remix-run/node';
import {
  apiHandler,
  apiJson,
  authenticate,
  methodNotAllowed,
  parseOrThrow,
  readJson,
} from '../modules/invoices/api-http.server';
import { InvoiceNumber, SettleInput } from '../modules/invoices/api-schemas';
import { settleInvoiceForApi } from '../modules/invoices/api.server';

const ALLOWED = ['POST'];

export const loader = () => apiHandler(null, async () => methodNotAllowed(ALLOWED));

export const action = ({ request, params }: ActionFunctionArgs) =>
  apiHandler(request, async () => {
    if (request.method !== 'POST') methodNotAllowed(ALLOWED);
    const principal = await authenticate(request);
    const number = parseOrThrow(InvoiceNumber, params.number, ['number']);
    const input = parseOrThrow(SettleInput, await readJson(request));
    const { status, body } = await settleInvoiceForApi(principal, number, input);
    return apiJson(body, status);
  });
