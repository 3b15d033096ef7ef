/** The backoffice module's public entry for code that also runs in the browser: other modules and routes import only this (or its sibling index). */
export { HEX_COLOR, MIN_CONTRAST, whiteTextContrast } from './contrast';
export {
  BLANK_ROWS,
  checkDunningForm,
  type FieldError,
  type Flow,
  FLOWS,
  MAX_STAGES,
  type PolicyErrors,
  STAGE_TEMPLATES,
  type StageInput,
  stagesFromForm,
} from './dunning-policy';
export {
  DEBTOR_FILTERS,
  type DebtorFilter,
  INVOICE_STATUS_FILTERS,
  type InvoiceStatusFilter,
  PAUSE_FILTERS,
  type PauseFilter,
} from './filters';
export { parseHoldForm } from './hold-form';
export { LOGO_MAX_BYTES } from './image-type';
export { DEBTOR_INTENT, INVOICE_INTENT, TEAM_INTENT } from './intents';
export { pageFrom } from './search';
export { type FormErrors, isEmailAddress, parseBranding, parsePlanPolicy, parsePortalSettings } from './settings-forms';
export { describeEvent, pauseReasonLabel, templateLabel, TIMELINE_LIMIT, type TimelineEvent } from './timeline';
