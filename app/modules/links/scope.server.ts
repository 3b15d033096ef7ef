import { and, type SQL, type SQLWrapper } from 'drizzle-orm';
import { invoices } from '~db/schema';
import type { DebtorSession } from './session.server';
import { debtorScope } from '~/utils/org-scope.server';

/**
 * The debtor's own invoices: every portal query of invoices starts from this condition, so
 * another debtor's (or another creditor's) invoice id simply finds nothing.
 */
export function ownInvoices(session: Pick<DebtorSession, 'organizationId' | 'debtorId'>, ...more: (SQL | undefined)[]) {
  return and(debtorScope(invoices, session), ...more);
}

/** Same idea for any table with organization_id and debtor_id columns. */
export function ownRows(
  table: { organizationId: SQLWrapper; debtorId: SQLWrapper },
  session: Pick<DebtorSession, 'organizationId' | 'debtorId'>,
  ...more: (SQL | undefined)[]
) {
  return and(debtorScope(table, session), ...more);
}
