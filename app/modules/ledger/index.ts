/** The ledger module's public entry for code that also runs in the browser: other modules and routes import only this (or its sibling index). */
/** What an invoice still owes: principal, collection costs and interest (the same rule the ledger books by). */
export { owedOf as owedCents } from './allocate';
export { type ProviderPaymentStatus, type ProviderSnapshot } from './provider-snapshot';
