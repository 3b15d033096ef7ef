import { and, eq, isNull, sql } from 'drizzle-orm';
import { debtors } from '~db/schema';
import type { Tx } from '~/utils/db.server';
import { isUuid } from '~/utils/ids';

/** Finds active debtors by id or email address (across organizations: for staff tooling only). */
export async function findDebtorsByIdOrEmail(tx: Tx, idOrEmail: string) {
  const value = idOrEmail.trim();
  const lower = value.toLowerCase();
  return tx
    .select({ id: debtors.id, organizationId: debtors.organizationId, name: debtors.name, email: debtors.email })
    .from(debtors)
    .where(
      and(
        isUuid(value) ? eq(debtors.id, value) : sql`lower(${debtors.email}) = ${lower}`,
        eq(debtors.active, true),
        isNull(debtors.deletedAt),
      ),
    );
}
