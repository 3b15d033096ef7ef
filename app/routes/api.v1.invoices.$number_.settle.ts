import type { ActionFunctionArgs } from '@remix-run/node';
import {
  apiHandler,
  apiJson,
  authenticate,
  methodNotAllowed,
  parseOrThrow,
  readJson,
  settleInvoiceForApi,
} from '~/modules/api/index.server';
import { InvoiceNumber, SettleInput } from '~/modules/api/index';

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
