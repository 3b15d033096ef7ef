import { apiHandler, apiNotFound } from '~/modules/api/index.server';

/** Anything else under /api/v1 answers in the API's JSON error shape, not with an HTML page. */
const unknownPath = () => apiHandler(null, async () => apiNotFound('No such endpoint. See /api/v1/openapi.json.'));

export const loader = unknownPath;
export const action = unknownPath;
