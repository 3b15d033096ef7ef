/** The payments module's public entry for code that also runs in the browser: other modules and routes import only this (or its sibling index). */
export { formatIban, isValidIban, normalizeIban } from './iban';
export { checkPartialAmount, parseCentsParam, type PartialAmountError, requestedAmount } from './partial-amount';
export { chargeSummary } from './pay-summary';
export { isValidBetalingskenmerk, isValidOgm, isValidRfReference, makeBetalingskenmerk } from './payment-reference';
export {
  type OnlineMethod,
  type PaymentProviderAdapter,
  type ProviderName,
  ProviderUnavailableError,
} from './provider';
