/** The disputes module's public entry for code that also runs in the browser: other modules and routes import only this (or its sibling index). */
export {
  answerLastDay,
  DISPUTE_REASONS,
  disputeReference,
  INTENT,
  MAX_FILE_BYTES,
  MAX_FILES_PER_MESSAGE,
  MAX_MESSAGE_LENGTH,
  PART_CREDIT_ANSWER_DAYS,
} from './constants';
export { AGE_FILTERS, ageParts, KIND_FILTERS, parseInboxFilters, STATUS_FILTERS } from './inbox';
export { AttachmentsField, errorText, FieldError, MessageField } from './ui/fields';
export { DisputeKindBadge, DisputeStatusBadge } from './ui/status';
export { DisputeThread } from './ui/thread';
