import { randomBytes } from 'node:crypto';
import {
  debtors,
  invoices,
  organizations,
  staffUsers,
  type Debtor,
  type Invoice,
  type NewDebtor,
  type NewInvoice,
  type NewOrganization,
  type Organization,
  type StaffUser,
} from '~db/schema';
import { DEFAULT_DUNNING_POLICY, DEFAULT_PLAN_POLICY, DEFAULT_PORTAL_SETTINGS } from '~/modules/dunning/default-policy';
import { nextActionFor } from '~/modules/dunning/schedule';
import { hashPassword } from '~/modules/staff/password.server';
import { getDb } from '~/utils/db.server';

const unique = () => randomBytes(4).toString('hex');

export async function createOrganization(overrides: Partial<NewOrganization> = {}): Promise<Organization> {
  const id = unique();
  const [org] = await getDb()
    .insert(organizations)
    .values({
      slug: `org-${id}`,
      name: `Testbedrijf ${id}`,
      legalName: `Testbedrijf ${id} B.V.`,
      iban: 'NL91ABNA0417164300',
      bic: 'ABNANL2A',
      dunningPolicy: DEFAULT_DUNNING_POLICY,
      planPolicy: DEFAULT_PLAN_POLICY,
      portalSettings: DEFAULT_PORTAL_SETTINGS,
      ...overrides,
    })
    .returning();
  return org;
}

let cachedHash: Promise<string> | undefined;
export const TEST_PASSWORD = 'correct horse battery staple';

export async function createStaff(
  org: Pick<Organization, 'id'>,
  role: StaffUser['role'],
  overrides: Partial<typeof staffUsers.$inferInsert> = {},
): Promise<StaffUser> {
  cachedHash ??= hashPassword(TEST_PASSWORD);
  const [user] = await getDb()
    .insert(staffUsers)
    .values({
      organizationId: org.id,
      email: `${role}-${unique()}@test.example`,
      name: `Test ${role}`,
      role,
      passwordHash: await cachedHash,
      ...overrides,
    })
    .returning();
  return user;
}

export async function createDebtor(org: Pick<Organization, 'id'>, overrides: Partial<NewDebtor> = {}): Promise<Debtor> {
  const id = unique();
  const [debtor] = await getDb()
    .insert(debtors)
    .values({
      organizationId: org.id,
      externalRef: `D-${id}`,
      kind: 'consumer',
      name: `Debiteur ${id}`,
      email: `debtor-${id}@test.example`,
      ...overrides,
    })
    .returning();
  return debtor;
}

let invoiceSeq = 0;
export async function createInvoice(
  org: Pick<Organization, 'id'>,
  debtor: Pick<Debtor, 'id' | 'kind'>,
  overrides: Partial<NewInvoice> = {},
): Promise<Invoice> {
  invoiceSeq += 1;
  const total = overrides.totalCents ?? 12_100;
  const dueDate = overrides.dueDate ?? '2026-11-01';
  const stage = overrides.dunningStage ?? 0;
  const [invoice] = await getDb()
    .insert(invoices)
    .values({
      organizationId: org.id,
      debtorId: debtor.id,
      number: `T-${unique()}-${invoiceSeq}`,
      issueDate: '2026-10-15',
      dueDate,
      totalCents: total,
      openCents: total,
      nextActionAt: nextActionFor(DEFAULT_DUNNING_POLICY[debtor.kind], dueDate, stage),
      ...overrides,
    })
    .returning();
  return invoice;
}
