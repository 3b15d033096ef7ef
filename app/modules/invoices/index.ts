/** The invoices module's public entry for code that also runs in the browser: other modules and routes import only this (or its sibling index). */
export { IMPORT_FORM_LIMIT_BYTES, JSON_BODY_LIMIT_BYTES, PDF_BODY_LIMIT_BYTES } from './limits';
