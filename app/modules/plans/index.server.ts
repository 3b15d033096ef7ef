/** The plans module's public entry for server code: other modules and routes import only this (or its sibling index). */
export { startInstallmentCheckout } from './checkout.server';
export {
  answerCounter,
  getDebtorPlan,
  getDebtorPlans,
  getPlanForm,
  getPromiseForm,
  makePromise,
  previewProposal,
  proposePlan,
} from './debtor.server';
export { approvePlan, counterPlan, getPlanForFinance, listProposals, rejectPlan } from './finance.server';
export { installmentsOnLedgerEvent, installmentsOnLedgerEvents } from './installments.server';
export { runPlanMaintenance } from './maintenance.server';
export { notifyFinance } from './notify.server';
export { nextDueInstallment } from './plans.server';
