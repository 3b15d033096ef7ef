/** Limits and vocabularies of the dispute flow, shared by services, routes and forms. */

export const DISPUTE_REASONS = ['not_received', 'amount_wrong', 'quality', 'already_paid', 'other'] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];

export const DISPUTE_STATUSES = ['open', 'awaiting_debtor', 'awaiting_support', 'resolved', 'withdrawn'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

/** Statuses in which a dispute is still being worked (the partial unique index allows one per invoice). */
export const ACTIVE_STATUSES = [
  'open',
  'awaiting_debtor',
  'awaiting_support',
] as const satisfies readonly DisputeStatus[];
/** Statuses in which support owes the debtor an answer. */
export const WAITING_ON_SUPPORT = ['open', 'awaiting_support'] as const satisfies readonly DisputeStatus[];

export const DISPUTE_OUTCOMES = ['credited_full', 'credited_partial', 'rejected', 'paid', 'withdrawn'] as const;
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];

export const MAX_MESSAGE_LENGTH = 5_000;
export const MAX_FILES_PER_MESSAGE = 5;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Text fields of a dispute form are short; anything bigger is refused before it is buffered. */
export const MAX_TEXT_FIELD_BYTES = 64 * 1024;
/** Parts a dispute form can sensibly have (fields plus files); more is refused. */
export const MAX_FORM_PARTS = 20;

export function isActiveStatus(status: string): status is (typeof ACTIVE_STATUSES)[number] {
  return (ACTIVE_STATUSES as readonly string[]).includes(status);
}

/** The reference a debtor can quote ("BZ-1A2B3C4D"): the start of the id, stable and unguessable enough to read out. */
export function disputeReference(id: string): string {
  return `BZ-${id.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
}

/** Form intents on the dispute pages (one form, several buttons or several forms on one page). */
export const INTENT = {
  reply: 'reply',
  note: 'note',
  withdraw: 'withdraw',
  assignMe: 'assign_me',
  unassign: 'unassign',
  credit: 'credit',
  reject: 'reject',
} as const;
