/** The portal module's public entry for server code: other modules and routes import only this (or its sibling index). */
export {
  getPaymentOutcome,
  getPayPage,
  getTransferDetails,
  type PayableInvoice,
  transferPathFor,
  transferPathForRest,
} from './pay.server';
export { getPortalHistory, getPortalInvoice, getPortalOverview, type PortalInvoice } from './portal.server';
