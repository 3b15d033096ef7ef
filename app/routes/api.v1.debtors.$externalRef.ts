import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import {
  apiHandler,
  apiJson,
  authenticate,
  getDebtorForApi,
  methodNotAllowed,
  parseOrThrow,
  putDebtorForApi,
  readJson,
} from '~/modules/api/index.server';
import { DebtorInput, ExternalRef } from '~/modules/api/index';

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
