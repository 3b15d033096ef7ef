/**
 * What a statement parser hands to the importer: the same shape for camt.053, camt.054 and
 * MT940, so matching never knows which format a line came from. Amounts are integer cents.
 */
export type StatementFormat =
  | 'camt.053.001.02'
  | 'camt.053.001.08'
  | 'camt.053'
  | 'camt.054.001.02'
  | 'camt.054.001.08'
  | 'camt.054'
  | 'mt940';

export type ParsedLine = {
  /** Stable reference of the booked entry (AcctSvcrRef, NtryRef, or MT940 :61: bank reference); null when the bank gives none. */
  entryRef: string | null;
  /** Position of this transaction within its entry (0 for a single transaction), so a batch entry's lines stay apart. */
  txIndex: number;
  bookingDate: string; // yyyy-mm-dd
  valueDate: string | null;
  amountCents: number; // > 0
  currency: string;
  direction: 'credit' | 'debit';
  /** RvslInd true (camt) or RC/RD mark (MT940): this line undoes an earlier one. */
  reversal: boolean;
  counterpartyName: string | null;
  /** Electronic IBAN form (upper case, no spaces) when present. */
  counterpartyIban: string | null;
  /** Structured creditor reference (CdtrRefInf/Ref, or a reference found in MT940 :86: /REMI/ structured fields). */
  structuredRef: string | null;
  /** Unstructured remittance text, joined, at most 1,000 characters. */
  remittance: string | null;
  endToEndId: string | null;
  /**
   * Every structured reference of the transaction when there are several (a transfer for more
   * than one invoice can carry one per invoice); `structuredRef` is the first. Absent or empty
   * when there is at most one.
   */
  structuredRefs?: string[];
};

export type ParsedStatement = {
  /** Stmt/Id or Ntfctn/Id (camt), :20: + :28C: (MT940). */
  id: string;
  /** The creditor's own account this statement is for (electronic IBAN form). */
  accountIban: string;
  currency: string;
  fromDate: string | null;
  toDate: string | null;
  lines: ParsedLine[];
  /** Entries left out because the bank has not booked them (camt Sts PDNG/INFO/FUTR) or because their amount is zero. */
  skippedEntries?: number;
};

export type ParsedFile = { format: StatementFormat; statements: ParsedStatement[] };

export type StatementParseErrorCode =
  'malformed' | 'unsupported_format' | 'doctype_forbidden' | 'too_many_entries' | 'invalid_value';

/**
 * A file the parser refuses, with a message a person can act on (the field or line is named).
 * `message` is an English sentence (for API clients); `detail` is the language-neutral part a
 * translated UI message can show: where (statement, entry, line) and what (element or tag, and
 * the offending value), e.g. `Stmt 1, Ntry 3: Amt "12.345"` or `line 14 (:61:): "1,2,3"`.
 */
export class StatementParseError extends Error {
  readonly detail: string;
  constructor(
    readonly code: StatementParseErrorCode,
    message: string,
    detail?: string,
  ) {
    super(message);
    this.name = 'StatementParseError';
    this.detail = detail ?? message;
  }
}
