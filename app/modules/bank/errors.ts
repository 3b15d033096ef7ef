/**
 * The bank module's refusals. Each carries a stable `code` (pages translate by it, the API
 * answers it), the HTTP status it means, and `detail`: the one value a message needs (the
 * IBAN of an unknown account in groups of four, the currency, the parser's own words).
 */

export type BankImportErrorCode =
  | 'empty_file'
  | 'file_too_large'
  | 'malformed'
  | 'doctype_forbidden'
  | 'unsupported_format'
  | 'too_many_entries'
  | 'invalid_value'
  | 'no_statements'
  | 'unknown_account'
  | 'currency_not_eur';

/** A statement file refused as a whole: nothing of it is written. */
export class BankImportError extends Error {
  constructor(
    readonly code: BankImportErrorCode,
    readonly status: 400 | 409 | 413 | 415 | 422,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'BankImportError';
  }
}

export type BankActionErrorCode =
  | 'invalid'
  | 'not_found'
  | 'invoice_not_found'
  | 'debtor_not_found'
  | 'not_a_credit'
  | 'already_matched'
  | 'not_in_queue'
  | 'invoice_not_open'
  | 'several_debtors'
  | 'split_exceeds_owed'
  | 'splits_exceed_amount'
  | 'invalid_iban'
  | 'account_exists'
  | 'account_in_use';

/**
 * A refused staff action on the queue or the accounts. `field` names the input at fault
 * (`splits.1.amountCents`, `iban`), `detail` the value a message shows (an invoice number, an amount).
 */
export class BankActionError extends Error {
  constructor(
    readonly code: BankActionErrorCode,
    readonly status: 400 | 404 | 409 | 422,
    message: string,
    readonly field?: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'BankActionError';
  }
}
