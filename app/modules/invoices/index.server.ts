/** The invoices module's public entry for server code: other modules and routes import only this (or its sibling index). */
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
export { looksLikePdf } from './pdf.server';
export { getInvoicePdf, type InvoicePdf, type InvoicePdfScope } from './invoice-pdf.server';
export { renderInvoicePdf, type InvoicePdfInput, vatByRate } from './render-pdf.server';
export { findInvoice, upsertInvoice } from './intake.server';
export { attachInvoicePdf } from './pdf.server';
export { settleInvoice } from './settle.server';
export { settleReference } from './settle.server';
