/** The backoffice module's public entry for server code: other modules and routes import only this (or its sibling index). */
export { type AgeingBucket, getDashboard } from './dashboard.server';
export { getInvoiceDetail, invoiceDebtorId, invoicePdf, listInvoices, maxDunningStage } from './invoices.server';
export {
  checkLogo,
  getOrganizationSettings,
  saveBranding,
  saveDunningPolicy,
  savePlanPolicy,
  savePortalSettings,
} from './settings.server';
