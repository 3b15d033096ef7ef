/**
 * The bank module's public entry: other modules and routes import only this.
 *
 * - importStatementFile / previewStatementFile: read a camt.053/054 or MT940 file, refuse it whole
 *   (BankImportError) or record its lines once, match the money-in lines and book them through
 *   the ledger (see ./import.server and ./match.server).
 * - listStatements / getStatement / getEntry / listQueue: what finance sees.
 * - matchEntry / ignoreEntry / requeueEntry: finance's work on the queue (BankActionError).
 * - listBankAccounts / addBankAccount / removeBankAccount: the creditor's own accounts.
 */
export {
  addBankAccount,
  BANK_ACCOUNT_LABEL_MAX,
  listBankAccounts,
  removeBankAccount,
  type BankAccountView,
} from './accounts.server';
export { BankActionError, BankImportError, type BankActionErrorCode, type BankImportErrorCode } from './errors';
export {
  importStatementFile,
  previewStatementFile,
  type ImportOutcome,
  type ImportUploader,
  type PreviewOutcome,
  type StatementPreview,
} from './import.server';
export {
  BANK_MATCH_MAX_SPLITS,
  BANK_NOTE_MAX_LENGTH,
  BANK_PREVIEW_LINES,
  BANK_STATEMENT_MAX_BYTES,
  BANK_STATEMENT_MAX_LINES,
} from './limits';
export { readNote, type AutoMatchRule, type SystemNoteCode } from './match.server';
export {
  getEntry,
  getStatement,
  ignoreEntry,
  listQueue,
  listStatements,
  matchEntry,
  requeueEntry,
  type BankEntryView,
  type ManualSplit,
  type MatchEntryResult,
  type QueueItem,
  type StatementDetail,
  type StatementSummary,
  type SuggestionView,
} from './queue.server';
export {
  countQueuedEntries,
  decodeCarriedFile,
  encodeCarriedFile,
  fileLabel,
  type OpenInvoiceChoice,
  readBankForm,
  searchOpenInvoices,
} from './pages.server';
export {
  announceTransfer,
  getWaitingTransferNotices,
  listTransferNotices,
  transferNoticesOnLedgerEvent,
  transferNoticesOnLedgerEvents,
} from './transfer-notices.server';
