/** The dunning module's public entry for server code: other modules and routes import only this (or its sibling index). */
export { claimForCorrectedPrincipal } from './correction.server';
export { liftManualHold, placeManualHold, type HoldTarget } from './holds.server';
export { liftPausesOnLedgerEvent, liftPausesOnLedgerEvents } from './ledger-reactions.server';
export { findLetters } from './letters.server';
export {
  activePauseDetails,
  activePauses,
  liftPauses,
  pauseActiveAt,
  pauseInvoices,
  type PauseReason,
  shortenPauses,
} from './pauses.server';
export { applyPolicyChange } from './policy.server';
export { runDunningPass, type DunningPassResult } from './pass.server';
