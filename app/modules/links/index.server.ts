/** The links module's public entry for server code: other modules and routes import only this (or its sibling index). */
export { requestFreshLink } from './fresh-link.server';
export { issuePortalLink, redeemLinkToken, revokeAllLinks } from './links.server';
export { ownInvoices, ownRows } from './scope.server';
export { createDebtorSession, type DebtorSession, endDebtorSession, requireDebtor } from './session.server';
export { parseSessionEndReason, type SessionEndReason, signedOutPath } from './session-end';
export { issueReminderLinks, type IssuedLink, type ReminderLinkRequest } from './reminder-links.server';
export { getDebtorSession } from './session.server';
