/**
 * The emails of the plan and promise flows: to the debtor in their language with a fresh
 * signed link, and to finance where they must act. Always inside the caller's transaction,
 * so a message exists exactly when the change that caused it commits.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { debtors, invoices, organizations, staffUsers, type Invoice } from '~db/schema';
import type { DebtorEmailProps, EmailLocale, TemplateName, TemplateProps } from '~emails/render';
import { systemClock, type Clock } from '~/utils/clock';
import type { Tx } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { isLocale, translate, type Locale, type Params, type TextKey } from '~/utils/i18n';
import { formatMoney } from '~/utils/money';
import { issuePortalLink } from '~/modules/links/index.server';
import { queueCommunication } from '~/modules/mail/index.server';
import { owedCents } from '~/modules/ledger/index';
import { rolesWith } from '~/modules/staff/index';
import { orgScope } from '~/utils/org-scope.server';

type DebtorTemplate = Exclude<TemplateName, 'staff_notification' | 'staff_invitation'>;
type ExtraProps<T extends DebtorTemplate> = Omit<TemplateProps[T], keyof DebtorEmailProps>;

export function emailLocale(value: string | null | undefined): EmailLocale {
  return isLocale(value) ? value : 'nl';
}

export function invoiceOwed(i: Pick<Invoice, 'openCents' | 'costsCents' | 'interestCents'>) {
  return owedCents(i);
}

async function organizationFor(tx: Tx, organizationId: string) {
  const [org] = await tx.select().from(organizations).where(eq(organizations.id, organizationId));
  if (!org) throw new Error(`organization ${organizationId} not found`);
  return org;
}

function emailOrganization(org: Awaited<ReturnType<typeof organizationFor>>) {
  return {
    name: org.name,
    legalName: org.legalName,
    brandColor: org.brandColor,
    logoUrl: org.logoFileId ? `${getEnv().APP_URL}/brand/${org.id}/logo` : null,
    kvkNumber: org.kvkNumber,
    iban: org.iban,
    email: org.email,
  };
}

/**
 * Queues one email to the debtor about these invoices, with a fresh link that lands on
 * `target`. The invoices are listed as they stand now.
 */
export async function emailDebtor<T extends DebtorTemplate>(
  tx: Tx,
  input: {
    organizationId: string;
    debtorId: string;
    template: T;
    invoiceIds: string[];
    target: string;
    props: ExtraProps<T>;
    dedupeKey?: string;
  },
  { clock = systemClock }: { clock?: Clock } = {},
) {
  const org = await organizationFor(tx, input.organizationId);
  const [debtor] = await tx
    .select()
    .from(debtors)
    .where(and(eq(debtors.id, input.debtorId), orgScope(debtors, input)));
  if (!debtor) throw new Error(`debtor ${input.debtorId} not found`);
  const rows = input.invoiceIds.length
    ? await tx
        .select()
        .from(invoices)
        .where(and(orgScope(invoices, input), inArray(invoices.id, input.invoiceIds)))
        .orderBy(asc(invoices.dueDate), asc(invoices.number))
    : [];
  const link = await issuePortalLink(
    tx,
    { organizationId: input.organizationId, debtorId: input.debtorId, purpose: 'plan', target: input.target },
    { clock },
  );
  const locale = emailLocale(debtor.locale);
  const base: DebtorEmailProps = {
    locale,
    organization: emailOrganization(org),
    debtor: { name: debtor.name, kind: debtor.kind },
    portalUrl: link.url,
    invoices: rows.map((i) => ({
      number: i.number,
      issueDate: i.issueDate,
      dueDate: i.dueDate,
      totalCents: i.totalCents,
      openCents: i.openCents,
      currency: i.currency,
    })),
    totals: {
      openCents: rows.reduce((s, i) => s + i.openCents, 0),
      costsCents: rows.reduce((s, i) => s + i.costsCents, 0),
      interestCents: rows.reduce((s, i) => s + i.interestCents, 0),
    },
  };
  return queueCommunication(
    tx,
    {
      organizationId: input.organizationId,
      debtorId: input.debtorId,
      template: input.template,
      props: { ...base, ...input.props } as TemplateProps[T],
      toAddress: debtor.email,
      locale,
      invoiceIds: input.invoiceIds,
      linkJti: link.jti,
      dedupeKey: input.dedupeKey ?? null,
    },
    { clock },
  );
}

export type StaffLine = { key: TextKey; params?: Params; money?: Record<string, number> };

/**
 * Tells the organisation's finance staff (admins when there is no finance user) that
 * something needs them, in the organisation's language, with a link into the back office.
 */
export async function notifyFinance(
  tx: Tx,
  input: {
    organizationId: string;
    debtorId: string;
    title: StaffLine;
    lines: StaffLine[];
    path: string;
    dedupeKey?: string;
  },
  { clock = systemClock }: { clock?: Clock } = {},
) {
  const org = await organizationFor(tx, input.organizationId);
  const staff = await tx
    .select({ email: staffUsers.email, role: staffUsers.role })
    .from(staffUsers)
    .where(
      and(orgScope(staffUsers, input), eq(staffUsers.active, true), inArray(staffUsers.role, rolesWith('finance'))),
    )
    .orderBy(asc(staffUsers.email));
  const finance = staff.filter((s) => s.role === 'finance');
  const recipients = finance.length > 0 ? finance : staff;
  const locale: Locale = isLocale(org.defaultLocale) ? org.defaultLocale : 'nl';
  const text = (line: StaffLine) =>
    translate(locale, line.key, {
      ...line.params,
      ...Object.fromEntries(
        Object.entries(line.money ?? {}).map(([k, cents]) => [k, formatMoney(cents, 'EUR', locale)]),
      ),
    });
  for (const recipient of recipients) {
    await queueCommunication(
      tx,
      {
        organizationId: input.organizationId,
        debtorId: input.debtorId,
        template: 'staff_notification',
        props: {
          locale,
          organization: emailOrganization(org),
          title: text(input.title),
          lines: input.lines.map(text),
          backOfficeUrl: `${getEnv().APP_URL}${input.path}`,
        },
        toAddress: recipient.email,
        locale,
        dedupeKey: input.dedupeKey ? `${input.dedupeKey}:${recipient.email}` : null,
      },
      { clock },
    );
  }
  return recipients.length;
}
