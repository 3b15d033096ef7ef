/** The backoffice module's public entry for code that also runs in the browser: other modules and routes import only this (or its sibling index). */
export { HEX_COLOR, MIN_CONTRAST, whiteTextContrast } from './contrast';
export {
  INVOICE_STATUS_FILTERS,
  type InvoiceStatusFilter,
  PAUSE_FILTERS,
  type PauseFilter,
} from './filters';
export { LOGO_MAX_BYTES } from './image-type';
export { DEBTOR_INTENT, INVOICE_INTENT, TEAM_INTENT } from './intents';
export {
  type FormErrors,
  isEmailAddress,
  logoChoiceSchema,
  parseBranding,
  parsePlanPolicy,
  parsePortalSettings,
} from './settings-forms';
