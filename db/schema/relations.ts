import { relations } from 'drizzle-orm';
import { auditEvents } from './audit';
import { debtors, invoices } from './debtors';
import { disputeAttachments, disputeMessages, disputes } from './disputes';
import { communications, debtorSessions, dunningPauses, portalLinks } from './dunning';
import { files, organizations } from './organizations';
import { paymentAllocations, payments } from './payments';
import { paymentPlans, planInstallments, planInvoices, promiseInvoices, promisesToPay } from './plans';
import { apiKeys, staffSessions, staffUsers } from './staff';

export const organizationsRelations = relations(organizations, ({ many }) => ({
  staffUsers: many(staffUsers),
  debtors: many(debtors),
  invoices: many(invoices),
  apiKeys: many(apiKeys),
}));

export const staffUsersRelations = relations(staffUsers, ({ one, many }) => ({
  organization: one(organizations, { fields: [staffUsers.organizationId], references: [organizations.id] }),
  sessions: many(staffSessions),
}));

export const staffSessionsRelations = relations(staffSessions, ({ one }) => ({
  staffUser: one(staffUsers, { fields: [staffSessions.staffUserId], references: [staffUsers.id] }),
}));

export const apiKeysRelations = relations(apiKeys, ({ one }) => ({
  organization: one(organizations, { fields: [apiKeys.organizationId], references: [organizations.id] }),
}));

export const debtorsRelations = relations(debtors, ({ one, many }) => ({
  organization: one(organizations, { fields: [debtors.organizationId], references: [organizations.id] }),
  invoices: many(invoices),
  payments: many(payments),
  communications: many(communications),
  portalLinks: many(portalLinks),
  sessions: many(debtorSessions),
  plans: many(paymentPlans),
  promises: many(promisesToPay),
  disputes: many(disputes),
}));

export const invoicesRelations = relations(invoices, ({ one, many }) => ({
  organization: one(organizations, { fields: [invoices.organizationId], references: [organizations.id] }),
  debtor: one(debtors, { fields: [invoices.debtorId], references: [debtors.id] }),
  pdf: one(files, { fields: [invoices.pdfFileId], references: [files.id] }),
  allocations: many(paymentAllocations),
  pauses: many(dunningPauses),
  disputes: many(disputes),
}));

export const paymentsRelations = relations(payments, ({ one, many }) => ({
  debtor: one(debtors, { fields: [payments.debtorId], references: [debtors.id] }),
  installment: one(planInstallments, { fields: [payments.installmentId], references: [planInstallments.id] }),
  allocations: many(paymentAllocations),
}));

export const paymentAllocationsRelations = relations(paymentAllocations, ({ one }) => ({
  payment: one(payments, { fields: [paymentAllocations.paymentId], references: [payments.id] }),
  invoice: one(invoices, { fields: [paymentAllocations.invoiceId], references: [invoices.id] }),
}));

export const dunningPausesRelations = relations(dunningPauses, ({ one }) => ({
  invoice: one(invoices, { fields: [dunningPauses.invoiceId], references: [invoices.id] }),
}));

export const communicationsRelations = relations(communications, ({ one }) => ({
  debtor: one(debtors, { fields: [communications.debtorId], references: [debtors.id] }),
}));

export const portalLinksRelations = relations(portalLinks, ({ one }) => ({
  debtor: one(debtors, { fields: [portalLinks.debtorId], references: [debtors.id] }),
}));

export const debtorSessionsRelations = relations(debtorSessions, ({ one }) => ({
  debtor: one(debtors, { fields: [debtorSessions.debtorId], references: [debtors.id] }),
}));

export const paymentPlansRelations = relations(paymentPlans, ({ one, many }) => ({
  debtor: one(debtors, { fields: [paymentPlans.debtorId], references: [debtors.id] }),
  invoices: many(planInvoices),
  installments: many(planInstallments),
}));

export const planInvoicesRelations = relations(planInvoices, ({ one }) => ({
  plan: one(paymentPlans, { fields: [planInvoices.planId], references: [paymentPlans.id] }),
  invoice: one(invoices, { fields: [planInvoices.invoiceId], references: [invoices.id] }),
}));

export const planInstallmentsRelations = relations(planInstallments, ({ one }) => ({
  plan: one(paymentPlans, { fields: [planInstallments.planId], references: [paymentPlans.id] }),
}));

export const promisesToPayRelations = relations(promisesToPay, ({ one, many }) => ({
  debtor: one(debtors, { fields: [promisesToPay.debtorId], references: [debtors.id] }),
  invoices: many(promiseInvoices),
}));

export const promiseInvoicesRelations = relations(promiseInvoices, ({ one }) => ({
  promise: one(promisesToPay, { fields: [promiseInvoices.promiseId], references: [promisesToPay.id] }),
  invoice: one(invoices, { fields: [promiseInvoices.invoiceId], references: [invoices.id] }),
}));

export const disputesRelations = relations(disputes, ({ one, many }) => ({
  debtor: one(debtors, { fields: [disputes.debtorId], references: [debtors.id] }),
  invoice: one(invoices, { fields: [disputes.invoiceId], references: [invoices.id] }),
  assignee: one(staffUsers, { fields: [disputes.assigneeId], references: [staffUsers.id] }),
  messages: many(disputeMessages),
}));

export const disputeMessagesRelations = relations(disputeMessages, ({ one, many }) => ({
  dispute: one(disputes, { fields: [disputeMessages.disputeId], references: [disputes.id] }),
  attachments: many(disputeAttachments),
}));

export const disputeAttachmentsRelations = relations(disputeAttachments, ({ one }) => ({
  message: one(disputeMessages, { fields: [disputeAttachments.messageId], references: [disputeMessages.id] }),
  file: one(files, { fields: [disputeAttachments.fileId], references: [files.id] }),
}));

export const auditEventsRelations = relations(auditEvents, ({ one }) => ({
  organization: one(organizations, { fields: [auditEvents.organizationId], references: [organizations.id] }),
}));
