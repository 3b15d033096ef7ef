/** The portal module's public entry for code that also runs in the browser: other modules and routes import only this (or its sibling index). */
export {
  type MoneyEntry,
  type PaymentMethodKey,
  paymentMethodKey,
  paymentMethodMessage,
  receiptNumber,
  receiptTitleMessage,
} from './money-entries';
export { type NextStep, type PortalStage } from './next-step';
