/**
 * Bounds of the bank-statement doors (API body, back-office upload), pure so the HTTP server's
 * body limit (app/server/body-limit.ts) and the pages can share them.
 */

/** The largest statement file read: 25 MiB holds well over 10,000 camt.053 entries. */
export const BANK_STATEMENT_MAX_BYTES = 25 * 1024 * 1024;

/** Lines one file may hold (every Ntry/TxDtls or :61:); more is refused before anything is written. */
export const BANK_STATEMENT_MAX_LINES = 100_000;

/** A staff note on a queue line ("not a debtor payment: rent from ..."). */
export const BANK_NOTE_MAX_LENGTH = 500;

/** Invoices one manual match may split a line over. */
export const BANK_MATCH_MAX_SPLITS = 100;

/** Lines of a preview shown with their would-be outcome. */
export const BANK_PREVIEW_LINES = 50;
