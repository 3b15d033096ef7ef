/** The api module's public entry for code that also runs in the browser: other modules and routes import only this (or its sibling index). */
export {
  openApiDocument,
} from './openapi';
export {
  DebtorInput,
  type DebtorResourceData,
  ExternalRef,
  InvoiceInput,
  InvoiceNumber,
  type InvoiceResourceData,
  type PaymentResourceData,
  PaymentsQuery,
  SettleInput,
} from './schemas';
