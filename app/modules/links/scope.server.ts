import { and, eq, type SQL } from 'drizzle-orm';
import { invoices } from '../../../db/schema';
import type { DebtorSession } from './session.server';

/**
 * The debtor's own invoices: every portal query of invoices starts from this condition, so
 * another debtor's (or another creditor's) invoice id simply finds nothing.
 */
export function ownInvoices(session: Pick<DebtorSession, 'organizationId' | 'debtorId'>, ...more: (SQL | undefined)[]) {
  return and(eq(invoices.organizationId, session.organizationId), eq(invoices.debtorId, session.debtorId), ...more);
}

/** Same idea for any table with organization_id and debtor_id columns. */
export function ownRows<T extends { organizationId: Parameters<typeof eq>[0]; debtorId: Parameters<typeof eq>[0] }>(
  table: T,
  session: Pick<DebtorSession, 'organizationId' | 'debtorId'>,
  ...more: (SQL | undefined)[]
) {
  return and(eq(table.organizationId, session.organizationId), eq(table.debtorId, session.debtorId), ...more);
}
