/** The ledger module's public entry for server code: other modules and routes import only this (or its sibling index). */
export {
  type LedgerBatchListener,
  type LedgerEvent,
  type LedgerListener,
  offLedgerEvent,
  onLedgerEvents,
  setResumeRule,
  settledByEvents,
} from './ledger-events.server';
export { type InvoiceStepUpdate, OWED_SQL, owedSqlOf, updateInvoiceSteps } from './ledger-sql.server';
export {
  applyPaymentStatus,
  applyProviderSnapshot,
  isFinalStatus,
  LEDGER_SOURCES,
  type LedgerEntryInput,
  LedgerError,
  type LedgerErrorCode,
  LedgerPlanStale,
  type LedgerSource,
  owedCents,
  PAYMENT_RECEIVED_TASK,
  type PreparedLedgerEntries,
  prepareLedgerEntries,
  queuePaymentReceived,
  recordLedgerEntries,
  recordLedgerEntry,
  reverseLedgerEntry,
  reviseInvoiceAmounts,
} from './ledger.server';
