import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import {
  apiHandler,
  apiJson,
  authenticate,
  getInvoiceForApi,
  methodNotAllowed,
  parseOrThrow,
  putInvoiceForApi,
  readJson,
} from '~/modules/api/index.server';
import { InvoiceInput, InvoiceNumber } from '~/modules/api/index';

const ALLOWED = ['GET', 'PUT'];

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  apiHandler(request, async () => {
    const principal = await authenticate(request);
    const number = parseOrThrow(InvoiceNumber, params.number, ['number']);
    return apiJson(await getInvoiceForApi(principal, number));
  });

export const action = ({ request, params }: ActionFunctionArgs) =>
  apiHandler(request, async () => {
    if (request.method !== 'PUT') methodNotAllowed(ALLOWED);
    const principal = await authenticate(request);
    const number = parseOrThrow(InvoiceNumber, params.number, ['number']);
    const input = parseOrThrow(InvoiceInput, await readJson(request));
    const { status, body } = await putInvoiceForApi(principal, number, input);
    return apiJson(body, status);
  });
