/** The debtors module's public entry for server code: other modules and routes import only this (or its sibling index). */
export {
  clearDebtorFlag,
  getDebtorDetail,
  liftManualHold,
  listDebtors,
  placeManualHold,
  revokeDebtorLinks,
  sendFreshLink,
} from './debtors.server';
export {
  findDebtorsByIdOrEmail,
} from './lookup.server';
export { debtorLocale, setDebtorLocale } from './locale.server';
export {
  invoiceTimeline,
} from './timeline.server';
export {
  atItem,
  chunk,
  type DebtorPatch,
  findDebtor,
  type IntakeContext,
  IntakeError,
  IntakeItemError,
  loadIntakeContext,
  upsertDebtor,
  upsertDebtors,
  type UpsertOutcome,
} from './intake.server';
