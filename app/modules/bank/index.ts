/** The bank module's public entry for code that also runs in the browser: other modules and routes import only this (or its sibling index). */
export { BANK_STATEMENT_MAX_BYTES } from './limits';
export { isSystemNoteCode, readNote } from './notes';
export {
  MAX_TRANSFER_NOTICE_DAYS,
  MIN_TRANSFER_NOTICE_DAYS,
  parseTransferNoticeForm,
  TRANSFER_NOTICE_MAX_AGE_DAYS,
  transferDateRange,
  transferNoticeDaysOf,
  type TransferNoticeErrors,
} from './transfer-notice-rules';
export {
  BankImportError,
} from './errors';
