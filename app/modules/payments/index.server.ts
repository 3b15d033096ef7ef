/** The payments module's public entry for server code: other modules and routes import only this (or its sibling index). */
export {
  CHECKOUT_TTL_MS,
  type CheckoutError,
  creditKeyFor,
  linesFor,
  openProviderCheckout,
  PAUSE_MARGIN_MS,
  type PaySelection,
  PROVIDER_TIMEOUT_MS,
  returnPath,
  startCheckout,
  type StartCheckoutResult,
  transferAfterCredit,
} from './checkout.server';
export {
  completeDemoCheckout,
  DEMO_OUTCOMES,
  DEMO_SIGNATURE_HEADER,
  demoProviderAllowed,
  getDemoCheckoutPage,
  signDemoWebhook,
} from './demo.server';
export { isOnline, parsePayForm, parsePaySelection, type PayFormField } from './pay-form.server';
export {
  adapterFor,
  getProviderSettings,
  providerConfigFor,
  resolveProviderConfig,
  saveProviderSettings,
} from './providers.server';
export { handleDemoWebhook, handleMollieWebhook, handleStripeWebhook } from './webhooks.server';
// Server only: it carries the QR encoder, which no browser bundle needs (pages get the SVG).
export { epcPayload, epcQrModules, epcQrSvg } from './epc-qr';
export { type TransferPayload, transferPayloadFor } from './transfer-payload.server';
