/** The mail module's public entry for server code: other modules and routes import only this (or its sibling index). */
export { debtorEmailProps, debtorEmailPropsFrom, emailLocale, emailOrganization } from './context.server';
export {
  EMAIL_DOCUMENT_CSP,
  getOutboxMessage,
  linksIn,
  listOutbox,
  outboxHtml,
  PREVIEW_TEMPLATES,
  previewTemplate,
  requireDevelopment,
} from './dev.server';
export {
  queueCommunication,
  type QueueCommunicationInput,
  queueCommunications,
  registerSendCheck,
  type SendCheck,
  type SendCheckResult,
  SEND_TASK,
  sendCommunication,
} from './outbox.server';
export { receiveResendWebhook } from './webhook.server';
export {
  invitationMailStatus,
  type InvitationMailStatus,
  queueStaffInvitation,
  type StaffInvitationMail,
} from './invitation.server';
