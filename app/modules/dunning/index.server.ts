/** The dunning module's public entry for server code: other modules and routes import only this (or its sibling index). */
export { findLetters } from './letters.server';
export { activePauses, liftPauses, pauseActiveAt, pauseInvoices, type PauseReason } from './pauses.server';
export { applyPolicyChange } from './policy.server';
