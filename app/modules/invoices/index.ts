/** The invoices module's public entry for code that also runs in the browser: other modules and routes import only this (or its sibling index). */
export { DebtorInput, ExternalRef, InvoiceInput, InvoiceNumber, PaymentsQuery, SettleInput } from './api-schemas';
export { IMPORT_FORM_LIMIT_BYTES, JSON_BODY_LIMIT_BYTES, PDF_BODY_LIMIT_BYTES } from './limits';
export { openApiDocument } from './openapi';
