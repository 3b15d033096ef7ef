/** Limits and vocabularies of the dispute flow, shared by services, routes and forms. */
import { addDays, amsterdamDate, amsterdamInstant } from '~/utils/clock';

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

/** A dispute pauses dunning and may end in a credit; a question is a thread about an invoice that pauses nothing unless staff hold it. */
export const DISPUTE_KINDS = ['dispute', 'question'] as const;
export type DisputeKind = (typeof DISPUTE_KINDS)[number];

/**
 * After a part credit the debtor has this many days to accept it or answer; then the dispute
 * closes on its own with the credit (outcome credited_partial) and dunning resumes on the rest.
 * A fixed term rather than a setting: the organisation's grace after a rejection is a different
 * promise (time to pay before reminders resume, which may be 0), and a debtor must always get
 * a real chance to answer. A staff reply to a part-credited dispute starts the term again.
 */
export const PART_CREDIT_ANSWER_DAYS = 14;

/**
 * Until when the debtor may answer a part credit made (or a reply to one sent) at `now`: to the
 * end of the term's last day in Europe/Amsterdam ("until and including 22 December"), so the
 * deadline a debtor reads is a whole day, never a time in the night.
 */
export function answerDueFrom(now: Date): Date {
  return amsterdamInstant(addDays(amsterdamDate(now), PART_CREDIT_ANSWER_DAYS + 1), 0);
}

/** The last day (YYYY-MM-DD, Amsterdam) the debtor may answer, for a deadline from answerDueFrom. */
export function answerLastDay(answerDueAt: Date | string): string {
  return amsterdamDate(new Date(new Date(answerDueAt).getTime() - 1));
}

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

/**
 * The reference a debtor can quote ("BZ-1A2B3C4D" for a dispute, "VR-1A2B3C4D" for a question):
 * the start of the id, stable and unguessable enough to read out.
 */
export function disputeReference(id: string, kind: DisputeKind = 'dispute'): string {
  return `${kind === 'question' ? 'VR' : 'BZ'}-${id.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
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
  /** The debtor accepts a part credit (the dispute closes with it). */
  accept: 'accept',
  /** Staff close a question ("answered / closed"). */
  close: 'close',
  /** Staff pause or resume reminders on a question's invoice (the manual hold). */
  hold: 'hold',
  liftHold: 'lift_hold',
} as const;
