/**
 * The scope filters every staff and debtor query starts from: rows of one organisation, or of one
 * debtor in one organisation. One helper, so a query that forgets its scope stands out.
 */
import { and, eq, type SQL, type SQLWrapper } from 'drizzle-orm';

/** An organisation: its id, or anything that carries one (a signed-in staff member, a session, a context). */
export type OrgRef = string | { organizationId: string };

/** A debtor in an organisation (a portal session, a plan's scope). */
export type DebtorRef = { organizationId: string; debtorId: string };

export function orgIdOf(org: OrgRef): string {
  return typeof org === 'string' ? org : org.organizationId;
}

/** Rows of this table in this organisation. */
export function orgScope(table: { organizationId: SQLWrapper }, org: OrgRef): SQL {
  return eq(table.organizationId, orgIdOf(org));
}

/** Rows of this table that belong to this debtor of this organisation. */
export function debtorScope(table: { organizationId: SQLWrapper; debtorId: SQLWrapper }, scope: DebtorRef): SQL {
  return and(eq(table.organizationId, scope.organizationId), eq(table.debtorId, scope.debtorId)) as SQL;
}
