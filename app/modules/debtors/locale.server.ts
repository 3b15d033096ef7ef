/**
 * The debtor's language (`debtors.locale`): chosen by the debtor with the portal's language
 * switch, used for every later email and for the portal when a link is opened without a
 * language cookie, and shown to staff on the debtor page and in the timeline.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { debtors } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { isLocale, type Locale } from '~/utils/i18n';
import { audit } from '~/modules/audit/index.server';
import { orgScope, type DebtorRef } from '~/utils/org-scope.server';

/** The debtors row of this debtor, within its organisation. */
function theDebtor(scope: DebtorRef) {
  return and(orgScope(debtors, scope), eq(debtors.id, scope.debtorId));
}

/**
 * Makes `locale` the debtor's language, with an audit event when it changes. Only the debtor
 * in the portal session calls this (the actor is the debtor). Null when the debtor is not there.
 */
export async function setDebtorLocale(
  scope: DebtorRef,
  locale: Locale,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<{ changed: boolean } | null> {
  return getDb().transaction(async (tx) => {
    const [debtor] = await tx
      .select({ id: debtors.id, locale: debtors.locale })
      .from(debtors)
      .where(and(theDebtor(scope), isNull(debtors.deletedAt)))
      .for('no key update');
    if (!debtor) return null;
    if (debtor.locale === locale) return { changed: false };
    const now = clock.now();
    await tx.update(debtors).set({ locale, updatedAt: now }).where(eq(debtors.id, debtor.id));
    await audit(tx, {
      organizationId: scope.organizationId,
      actor: { type: 'debtor', id: debtor.id },
      action: 'debtor.locale_changed',
      entityType: 'debtor',
      entityId: debtor.id,
      debtorId: debtor.id,
      data: { from: debtor.locale, to: locale },
      at: now,
    });
    return { changed: true };
  });
}

/** The debtor's language as stored, or null (unknown debtor, or a value that is no language of ours). */
export async function debtorLocale(scope: DebtorRef): Promise<Locale | null> {
  const [row] = await getDb().select({ locale: debtors.locale }).from(debtors).where(theDebtor(scope));
  return row && isLocale(row.locale) ? row.locale : null;
}
