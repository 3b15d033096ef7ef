/** The invoices module's public entry for server code: other modules and routes import only this (or its sibling index). */
export {
  ApiError,
  apiHandler,
  apiJson,
  authenticate,
  methodNotAllowed,
  notFound,
  parseOrThrow,
  readBodyLimited,
  readJson,
  requireMediaType,
} from './api-http.server';
export {
  getDebtorForApi,
  getInvoiceForApi,
  listPaymentsForApi,
  putDebtorForApi,
  putInvoiceForApi,
  putInvoicePdfForApi,
  settleInvoiceForApi,
} from './api.server';
export {
  confirmCsvImport,
  confirmUblImport,
  csvColumnHint,
  type CsvPreview,
  type ImportDone,
  type ImportFailure,
  type Message,
  previewCsvUpload,
  previewUblUpload,
  readImportForm,
  recentImports,
  type UblPreview,
} from './import-flow.server';
export { looksLikePdf } from './intake.server';
