/** The ledger module's public entry for code that also runs in the browser: other modules and routes import only this (or its sibling index). */
export { type ProviderPaymentStatus, type ProviderSnapshot } from './provider-snapshot';
