import { pgEnum } from 'drizzle-orm/pg-core';

export const staffRole = pgEnum('staff_role', ['admin', 'finance', 'support']);
export const debtorKind = pgEnum('debtor_kind', ['consumer', 'business']);
export const invoiceStatus = pgEnum('invoice_status', ['open', 'paid', 'credited', 'written_off']);
export const paymentProvider = pgEnum('payment_provider', [
  'mollie',
  'stripe',
  'demo',
  'bank_transfer',
  'external',
  'credit_note',
  'write_off',
  'debtor_credit',
]);
export const paymentStatus = pgEnum('payment_status', [
  'open',
  'pending',
  'paid',
  'failed',
  'canceled',
  'expired',
  'refunded',
  'charged_back',
]);
export const pauseReason = pgEnum('pause_reason', [
  'payment_pending',
  'payment_plan',
  'promise_to_pay',
  'dispute',
  'manual',
  'transfer_announced',
]);
export const communicationStatus = pgEnum('communication_status', [
  'queued',
  'sent',
  'delivered',
  'opened',
  'bounced',
  'complained',
  'failed',
  'cancelled',
]);
export const linkPurpose = pgEnum('link_purpose', ['reminder', 'portal', 'fresh_link', 'plan', 'dispute', 'staff']);
export const planStatus = pgEnum('plan_status', [
  'proposed',
  'countered',
  'active',
  'rejected',
  'declined',
  'completed',
  'defaulted',
  'cancelled',
]);
export const planFrequency = pgEnum('plan_frequency', ['monthly', 'biweekly']);
export const installmentStatus = pgEnum('installment_status', ['pending', 'paid', 'missed']);
export const promiseStatus = pgEnum('promise_status', ['active', 'kept', 'broken', 'cancelled']);
export const disputeStatus = pgEnum('dispute_status', [
  'open',
  'awaiting_debtor',
  'awaiting_support',
  'resolved',
  'withdrawn',
]);
export const disputeOutcome = pgEnum('dispute_outcome', [
  'credited_full',
  'credited_partial',
  'rejected',
  'paid',
  'withdrawn',
]);
export const disputeReason = pgEnum('dispute_reason', [
  'not_received',
  'amount_wrong',
  'quality',
  'already_paid',
  'other',
]);
export const messageAuthor = pgEnum('message_author', ['debtor', 'staff', 'system']);
export const actorType = pgEnum('actor_type', ['debtor', 'staff', 'system', 'provider', 'api']);
