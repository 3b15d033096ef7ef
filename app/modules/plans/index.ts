/** The plans module's public entry for code that also runs in the browser: other modules and routes import only this (or its sibling index). */
export {
  INTENT,
  parsePlanValues,
  parsePromiseValues,
  planAnswerSchema,
  type PlanFormValues,
  proposalIntentSchema,
  readPlanForm,
  readPromiseForm,
  reviewFormSchema,
} from './forms';
export {
  checkSchedule,
  effectivePolicy,
  evaluateProposal,
  type FieldErrors,
  MAX_INSTALLMENTS_HARD,
  MIN_INSTALLMENTS,
} from './schedule';
export {
  FieldErrorMessage,
  fieldProps,
  PlanStatusBadge,
  planSummary,
  reasonText,
  ScheduleTable,
  useErrorText,
} from './ui';
