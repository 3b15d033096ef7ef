import { and, asc, eq, inArray } from 'drizzle-orm';
import { debtors, invoices, organizations, type Debtor, type Invoice, type Organization } from '~db/schema';
import type { DebtorEmailProps, EmailLocale, EmailOrganization } from '~emails/render';
import type { Tx } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { orgScope, debtorScope } from '~/utils/org-scope.server';

export function emailLocale(
  debtor: Pick<Debtor, 'locale'>,
  organization?: Pick<Organization, 'defaultLocale'>,
): EmailLocale {
  const pick = (v: string | undefined) => (v === 'nl' || v === 'en' ? v : undefined);
  return pick(debtor.locale) ?? pick(organization?.defaultLocale) ?? 'nl';
}

/** The branding and legal footer an email shows for an organisation; the logo is served by /brand/:orgId/logo. */
export function emailOrganization(org: Organization, logoUrl?: string | null): EmailOrganization {
  return {
    name: org.name,
    legalName: org.legalName,
    brandColor: org.brandColor,
    logoUrl: logoUrl ?? (org.logoFileId ? `${getEnv().APP_URL}/brand/${org.id}/logo` : null),
    kvkNumber: org.kvkNumber,
    iban: org.iban,
    email: org.replyTo ?? org.email,
  };
}

/** Common props from rows already loaded (for set-based callers that have them at hand). */
export function debtorEmailPropsFrom(input: {
  organization: Organization;
  debtor: Debtor;
  invoices: Invoice[];
  portalUrl: string;
  locale?: EmailLocale;
  logoUrl?: string | null;
}): DebtorEmailProps {
  const sum = (pick: (i: Invoice) => number) => input.invoices.reduce((total, i) => total + pick(i), 0);
  return {
    locale: input.locale ?? emailLocale(input.debtor, input.organization),
    organization: emailOrganization(input.organization, input.logoUrl),
    debtor: { name: input.debtor.name, kind: input.debtor.kind },
    portalUrl: input.portalUrl,
    invoices: input.invoices.map((i) => ({
      number: i.number,
      issueDate: i.issueDate,
      dueDate: i.dueDate,
      totalCents: i.totalCents,
      openCents: i.openCents,
      currency: i.currency,
    })),
    totals: {
      openCents: sum((i) => i.openCents),
      costsCents: sum((i) => i.costsCents) || null,
      interestCents: sum((i) => i.interestCents) || null,
    },
  };
}

/**
 * Loads what every debtor email shows: the organisation's branding, the debtor, and the given
 * invoices (scoped to that organisation and debtor, oldest due first) with their totals.
 */
export async function debtorEmailProps(
  tx: Tx,
  input: { organizationId: string; debtorId: string; invoiceIds: string[]; portalUrl: string; locale?: EmailLocale },
): Promise<{ props: DebtorEmailProps; toAddress: string; debtor: Debtor }> {
  const [row] = await tx
    .select({ debtor: debtors, organization: organizations })
    .from(debtors)
    .innerJoin(organizations, eq(organizations.id, debtors.organizationId))
    .where(and(eq(debtors.id, input.debtorId), orgScope(debtors, input)));
  if (!row) throw new Error(`debtor ${input.debtorId} not found in organization ${input.organizationId}`);
  const rows =
    input.invoiceIds.length === 0
      ? []
      : await tx
          .select()
          .from(invoices)
          .where(and(debtorScope(invoices, input), inArray(invoices.id, input.invoiceIds)))
          .orderBy(asc(invoices.dueDate), asc(invoices.number));
  return {
    props: debtorEmailPropsFrom({ ...row, invoices: rows, portalUrl: input.portalUrl, locale: input.locale }),
    toAddress: row.debtor.email,
    debtor: row.debtor,
  };
}
