import type { LoaderFunctionArgs } from '@remix-run/node';
import {
  apiHandler,
  apiJson,
  authenticate,
  listPaymentsForApi,
  methodNotAllowed,
  parseOrThrow,
} from '~/modules/api/index.server';
import { PaymentsQuery } from '~/modules/api/index';

export const loader = ({ request }: LoaderFunctionArgs) =>
  apiHandler(request, async () => {
    const principal = await authenticate(request);
    const query = parseOrThrow(PaymentsQuery, Object.fromEntries(new URL(request.url).searchParams));
    return apiJson(await listPaymentsForApi(principal, query));
  });

export const action = () => apiHandler(null, async () => methodNotAllowed(['GET']));
