/** The disputes module's public entry for server code: other modules and routes import only this (or its sibling index). */
export { attachmentResponse } from './attachments.server';
export {
  acceptPartCredit,
  activeDisputeForInvoice,
  addDebtorMessage,
  getDebtorAttachment,
  getDebtorDispute,
  listDebtorDisputes,
  openDispute,
  withdrawDispute,
} from './debtor.server';
export {
  closeQuestionSchema,
  creditSchema,
  type FieldErrors,
  fieldErrors,
  messageSchema,
  openDisputeSchema,
  questionSchema,
  readSubmission,
  refusalField,
  rejectSchema,
  withdrawSchema,
} from './forms.server';
export { closeDisputesOnSettlement, closeUnansweredPartCredits, creditDispute, rejectDispute } from './resolve.server';
export { closeQuestion, openQuestion, setQuestionHold } from './questions.server';
export {
  addStaffMessage,
  assignDispute,
  disputeStaff,
  getStaffAttachment,
  getStaffDispute,
  listInbox,
} from './staff.server';
export { closeDisputesOnSettlements } from './ledger-reactions.server';
