import type { ActionFunctionArgs } from '@remix-run/node';
import { apiHandler, apiJson, authenticate, methodNotAllowed, postStatementForApi } from '~/modules/api/index.server';

const ALLOWED = ['POST'];

export const loader = () => apiHandler(null, async () => methodNotAllowed(ALLOWED));

/** POST a camt.053/054 or MT940 file as the body: it is imported, matched and booked for the key's organization. */
export const action = ({ request }: ActionFunctionArgs) =>
  apiHandler(request, async () => {
    if (request.method !== 'POST') methodNotAllowed(ALLOWED);
    const principal = await authenticate(request);
    const { status, body } = await postStatementForApi(principal, request);
    return apiJson(body, status, { Location: `/api/v1/bank-statements/${body.statementId}` });
  });
