/** The api module's public entry for server code: other modules and routes import only this (or its sibling index). */
export {
  BankStatementQuery,
  getStatementForApi,
  postStatementForApi,
} from './bank-statements.server';
export {
  ApiError,
  apiHandler,
  apiJson,
  apiNotFound,
  authenticate,
  methodNotAllowed,
  parseOrThrow,
  readBodyLimited,
  readJson,
  requireMediaType,
} from './http.server';
export {
  getDebtorForApi,
  getInvoiceForApi,
  listPaymentsForApi,
  putDebtorForApi,
  putInvoiceForApi,
  putInvoicePdfForApi,
  settleInvoiceForApi,
} from './invoices.server';
export {
  createApiKey,
  getApiKey,
  listApiKeys,
  revokeApiKey,
} from './keys.server';
