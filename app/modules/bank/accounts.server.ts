/**
 * The creditor's own bank accounts: a statement is only read for one of these (anything else is
 * refused naming the account). Scoped by organization; every change is audited.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { bankAccounts, type BankAccount } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { hasForbiddenControlChars } from '~/utils/limits';
import { audit, type Actor } from '~/modules/audit/index.server';
import { formatIban, isValidIban, normalizeIban } from '~/modules/payments/index';
import { BankActionError } from './errors';
import { orgScope } from '~/utils/org-scope.server';

export const BANK_ACCOUNT_LABEL_MAX = 70;

export type BankAccountView = {
  id: string;
  iban: string;
  /** Print form, groups of four. */
  ibanDisplay: string;
  label: string | null;
  createdAt: Date;
  /** Lines booked from statements of this account (an account with lines cannot be removed). */
  entries: number;
};

export async function listBankAccounts(organizationId: string): Promise<BankAccountView[]> {
  const rows = await getDb()
    .select({
      account: bankAccounts,
      // Qualified by hand: drizzle renders a lone table's columns unqualified, and inside the subquery
      // a bare "id" would be the entry's.
      entries: sql<string>`(select count(*) from bank_entries e where e.bank_account_id = bank_accounts.id and e.organization_id = bank_accounts.organization_id)`,
    })
    .from(bankAccounts)
    .where(orgScope(bankAccounts, organizationId))
    .orderBy(asc(bankAccounts.createdAt), asc(bankAccounts.iban));
  return rows.map(({ account, entries }) => viewOf(account, Number(entries)));
}

function viewOf(account: BankAccount, entries = 0): BankAccountView {
  return {
    id: account.id,
    iban: account.iban,
    ibanDisplay: formatIban(account.iban),
    label: account.label,
    createdAt: account.createdAt,
    entries,
  };
}

/** Adds an account (IBAN checked, stored in electronic form); the same IBAN twice is refused (409). */
export async function addBankAccount(
  organizationId: string,
  input: { iban: string; label?: string | null },
  actor: Actor,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<BankAccountView> {
  const raw = typeof input.iban === 'string' ? input.iban : '';
  if (raw.length > 60 || hasForbiddenControlChars(raw) || !isValidIban(raw)) {
    throw new BankActionError('invalid_iban', 400, 'The IBAN is not valid.', 'iban');
  }
  const iban = normalizeIban(raw);
  const label = (input.label ?? '').trim() || null;
  if (label !== null && (label.length > BANK_ACCOUNT_LABEL_MAX || hasForbiddenControlChars(label))) {
    throw new BankActionError(
      'invalid',
      400,
      `The label must be at most ${BANK_ACCOUNT_LABEL_MAX} characters on one line.`,
      'label',
    );
  }
  return getDb().transaction(async (tx) => {
    const now = clock.now();
    const [created] = await tx
      .insert(bankAccounts)
      .values({ organizationId, iban, label, createdAt: now })
      .onConflictDoNothing()
      .returning();
    if (!created) {
      throw new BankActionError(
        'account_exists',
        409,
        `${formatIban(iban)} is already one of your accounts.`,
        'iban',
        formatIban(iban),
      );
    }
    await audit(tx, {
      organizationId,
      actor,
      action: 'bank_account.added',
      entityType: 'bank_account',
      entityId: created.id,
      data: { iban, label },
      at: now,
    });
    return viewOf(created);
  });
}

/**
 * Removes an account. One whose statements were booked stays (its lines and payments point at
 * it): 409 `account_in_use`.
 */
export async function removeBankAccount(
  organizationId: string,
  accountId: string,
  actor: Actor,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<void> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(accountId)) {
    throw new BankActionError('not_found', 404, 'No such account.', 'accountId');
  }
  await getDb().transaction(async (tx) => {
    const now = clock.now();
    const [account] = await tx
      .select()
      .from(bankAccounts)
      .where(and(orgScope(bankAccounts, organizationId), eq(bankAccounts.id, accountId)))
      .for('update');
    if (!account) throw new BankActionError('not_found', 404, 'No such account.', 'accountId');
    const [used] = await tx.execute<{ used: boolean }>(
      sql`select exists (select 1 from bank_entries where organization_id = ${organizationId} and bank_account_id = ${accountId}) as used`,
    );
    if (used?.used) {
      throw new BankActionError(
        'account_in_use',
        409,
        `Statements of ${formatIban(account.iban)} were booked; the account stays.`,
        'accountId',
        formatIban(account.iban),
      );
    }
    await tx.delete(bankAccounts).where(and(orgScope(bankAccounts, organizationId), eq(bankAccounts.id, accountId)));
    await audit(tx, {
      organizationId,
      actor,
      action: 'bank_account.removed',
      entityType: 'bank_account',
      entityId: account.id,
      data: { iban: account.iban, label: account.label },
      at: now,
    });
  });
}
