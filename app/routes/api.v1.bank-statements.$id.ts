import type { LoaderFunctionArgs } from '@remix-run/node';
import {
  apiHandler,
  apiJson,
  authenticate,
  BankStatementQuery,
  getStatementForApi,
  methodNotAllowed,
  parseOrThrow,
} from '~/modules/api/index.server';

/** A statement imported earlier, with the outcome of every line (paged by offset and limit). */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  apiHandler(request, async () => {
    const principal = await authenticate(request);
    const query = parseOrThrow(BankStatementQuery, Object.fromEntries(new URL(request.url).searchParams));
    return apiJson(await getStatementForApi(principal, params.id ?? '', query));
  });

export const action = () => apiHandler(null, async () => methodNotAllowed(['GET']));
