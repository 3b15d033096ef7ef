/** The dunning module's public entry for code that also runs in the browser: other modules and routes import only this (or its sibling index). */
export {
  DEBTOR_KINDS,
  type DebtorKind,
  DUNNING_TEMPLATES,
  MAX_OFFSET_DAYS,
  MAX_STAGES,
  parseDunningPolicy,
  type PolicyProblem,
} from './policy';
export {
  CONSUMER_COSTS_WAIT_DAYS,
  CONSUMER_TERM_DAYS,
  consumerCostsOwedFrom,
  nextActionFor,
  resumedNextAction,
} from './schedule';
export { isAfterLetter, letterDelivered, type LetterOnRecord, type Prediction, predictSteps } from './step-plan';
export { bikCosts } from './collection-costs';
export {
  parseHoldForm,
} from './hold-form';
export {
  BLANK_ROWS,
  checkDunningForm,
  type Flow,
  FLOWS,
  type PolicyErrors,
  STAGE_TEMPLATES,
  type StageInput,
  stagesFromForm,
} from './policy-form';
