/** The portal module's public entry for server code: other modules and routes import only this (or its sibling index). */
export {
  getPaymentOutcome,
  getPayPage,
  getTransferDetails,
  type PayableInvoice,
  payTotalFor,
  transferPathFor,
  transferPathForRest,
} from './pay.server';
export { getMoneyHistory, MONEY_HISTORY_LIMIT, type MoneyHistoryEntry } from './money-history.server';
export { getPortalInvoice, getPortalOverview, getSettledInvoices, type PortalInvoice } from './portal.server';
export { creditorLogo, getReceipt, type Receipt } from './receipts.server';
export { renderReceiptPdf } from './receipt-pdf.server';
