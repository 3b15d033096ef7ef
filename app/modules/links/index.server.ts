/** The links module's public entry for server code: other modules and routes import only this (or its sibling index). */
export { findDebtorsByIdOrEmail } from './debtor-lookup.server';
export { requestFreshLink } from './fresh-link.server';
export { getKeyRing } from './keys.server';
export { issuePortalLink, redeemLinkToken, revokeAllLinks } from './links.server';
export { isUuid, ownInvoices, ownRows } from './scope.server';
export { createDebtorSession, type DebtorSession, endDebtorSession, requireDebtor } from './session.server';
export { signLinkToken } from './tokens.server';
