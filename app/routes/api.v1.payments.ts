import type { LoaderFunctionArgs } from '@remix-run/node';
import { apiHandler, apiJson, authenticate, methodNotAllowed, parseOrThrow } from '../modules/invoices/api-http.server';
import { PaymentsQuery } from '../modules/invoices/api-schemas';
import { listPaymentsForApi } from '../modules/invoices/api.server';

export const loader = ({ request }: LoaderFunctionArgs) =>
  apiHandler(request, async () => {
    const principal = await authenticate(request);
    const query = parseOrThrow(PaymentsQuery, Object.fromEntries(new URL(request.url).searchParams));
    return apiJson(await listPaymentsForApi(principal, query));
  });

export const action = () => apiHandler(null, async () => methodNotAllowed(['GET']));
