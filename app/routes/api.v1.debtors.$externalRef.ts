import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import {
  apiHandler,
  apiJson,
  authenticate,
  methodNotAllowed,
  parseOrThrow,
  readJson,
} from '../modules/invoices/api-http.server';
import { DebtorInput, ExternalRef } from '../modules/invoices/api-schemas';
import { getDebtorForApi, putDebtorForApi } from '../modules/invoices/api.server';

const ALLOWED = ['GET', 'PUT'];

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  apiHandler(request, async () => {
    const principal = await authenticate(request);
    const externalRef = parseOrThrow(ExternalRef, params.externalRef, ['externalRef']);
    return apiJson(await getDebtorForApi(principal, externalRef));
  });

export const action = ({ request, params }: ActionFunctionArgs) =>
  apiHandler(request, async () => {
    if (request.method !== 'PUT') methodNotAllowed(ALLOWED);
    const principal = await authenticate(request);
    const externalRef = parseOrThrow(ExternalRef, params.externalRef, ['externalRef']);
    const input = parseOrThrow(DebtorInput, await readJson(request));
    const { status, body } = await putDebtorForApi(principal, externalRef, input);
    return apiJson(body, status);
  });
