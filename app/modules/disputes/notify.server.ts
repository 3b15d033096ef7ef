/**
 * Emails of the dispute flow, queued in the caller's transaction: the debtor hears of every
 * support reply and every outcome (with a fresh signed link to the thread); support staff
 * hear of every new dispute and every debtor message.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import {
  debtors,
  invoices,
  organizations,
  staffUsers,
  type Debtor,
  type Dispute,
  type Invoice,
  type Organization,
} from '~db/schema';
import type { TemplateProps } from '~emails/render';
import { systemClock, type Clock } from '~/utils/clock';
import type { Tx } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { isLocale, translate, translateCount, type Locale } from '~/utils/i18n';
import { formatMoney } from '~/utils/money';
import { issuePortalLink } from '~/modules/links/index.server';
import { debtorEmailPropsFrom, emailLocale, emailOrganization, queueCommunication } from '~/modules/mail/index.server';
import { disputeReference, type DisputeOutcome } from './constants';
import { orgScope } from '~/utils/org-scope.server';

export type DisputeContext = { dispute: Dispute; invoice: Invoice; debtor: Debtor; organization: Organization };

/** The dispute with its invoice, debtor and creditor, as the emails need them. */
export async function loadContext(tx: Tx, dispute: Dispute): Promise<DisputeContext> {
  const [row] = await tx
    .select({ invoice: invoices, debtor: debtors, organization: organizations })
    .from(invoices)
    .innerJoin(debtors, eq(debtors.id, invoices.debtorId))
    .innerJoin(organizations, eq(organizations.id, invoices.organizationId))
    .where(and(eq(invoices.id, dispute.invoiceId), orgScope(invoices, dispute)));
  if (!row) throw new Error(`dispute ${dispute.id}: invoice missing`);
  return { dispute, ...row };
}

type DebtorMail =
  | { template: 'dispute_opened' }
  | {
      template: 'dispute_reply';
      /** null: a part credit without a note. */
      message: string | null;
      staffName: string | null;
      /** A part credit just booked (or standing, on a later reply): the amount and the answer term. */
      credit?: { amountCents: number; answerDueAt: Date; isNew: boolean } | null;
    }
  | { template: 'dispute_resolved'; outcome: DisputeOutcome; creditedCents: number; note: string | null };

/** Queues one email to the debtor with a fresh link that lands on the dispute's thread. */
export async function notifyDebtor(
  tx: Tx,
  ctx: DisputeContext,
  mail: DebtorMail,
  { clock = systemClock }: { clock?: Clock } = {},
) {
  const { dispute, invoice, debtor, organization } = ctx;
  const locale = emailLocale(debtor, organization);
  const communicationId = randomUUID();
  const link = await issuePortalLink(
    tx,
    {
      organizationId: organization.id,
      debtorId: debtor.id,
      purpose: 'dispute',
      target: `/portal/disputes/${dispute.id}`,
      communicationId,
    },
    { clock },
  );
  // The disputed invoice only; once credited or paid it shows nothing left open.
  const shown = invoice.status === 'open' ? invoice : { ...invoice, openCents: 0, costsCents: 0, interestCents: 0 };
  const base = debtorEmailPropsFrom({ organization, debtor, invoices: [shown], portalUrl: link.url, locale });
  const info = {
    reference: disputeReference(dispute.id, dispute.kind),
    invoiceNumber: invoice.number,
    kind: dispute.kind,
  };
  const common = {
    id: communicationId,
    organizationId: organization.id,
    debtorId: debtor.id,
    toAddress: debtor.email,
    locale,
    // Not listed under the invoice: the portal's invoice history reads every listed message as a reminder.
    invoiceIds: [],
    linkJti: link.jti,
  };
  if (mail.template === 'dispute_opened') {
    const props: TemplateProps['dispute_opened'] = {
      ...base,
      dispute: { ...info, reason: dispute.reason },
      responseHours: organization.portalSettings.disputeResponseHours,
    };
    return queueCommunication(tx, { ...common, template: 'dispute_opened', props }, { clock });
  }
  if (mail.template === 'dispute_reply') {
    const props: TemplateProps['dispute_reply'] = {
      ...base,
      dispute: info,
      message: mail.message,
      staffName: mail.staffName,
      credit: mail.credit
        ? {
            creditedCents: mail.credit.amountCents,
            openCents: shown.openCents + shown.costsCents + shown.interestCents,
            answerDueAt: mail.credit.answerDueAt.toISOString(),
            isNew: mail.credit.isNew,
          }
        : null,
    };
    return queueCommunication(tx, { ...common, template: 'dispute_reply', props }, { clock });
  }
  const props: TemplateProps['dispute_resolved'] = {
    ...base,
    dispute: info,
    outcome: mail.outcome,
    creditedCents: mail.creditedCents,
    invoiceOpenCents: shown.openCents,
    note: mail.note,
  };
  return queueCommunication(tx, { ...common, template: 'dispute_resolved', props }, { clock });
}

export type SupportEvent =
  'opened' | 'debtor_replied' | 'withdrawn' | 'accepted' | 'question_asked' | 'question_replied';

const EXCERPT = 300;

/** Queues a staff notification to every active support user of the organisation (admins when there are none). */
export async function notifySupport(
  tx: Tx,
  ctx: DisputeContext,
  event: SupportEvent,
  { message, clock = systemClock }: { message?: string; clock?: Clock } = {},
) {
  const { dispute, invoice, debtor, organization } = ctx;
  const staff = await tx
    .select({ email: staffUsers.email, role: staffUsers.role })
    .from(staffUsers)
    .where(and(orgScope(staffUsers, organization.id), eq(staffUsers.active, true)));
  const support = staff.filter((s) => s.role === 'support');
  const recipients = support.length > 0 ? support : staff.filter((s) => s.role === 'admin');
  if (recipients.length === 0) return [];

  const locale: Locale = isLocale(organization.defaultLocale) ? organization.defaultLocale : 'nl';
  const reference = disputeReference(dispute.id, dispute.kind);
  const amount = formatMoney(dispute.disputedCents, invoice.currency, locale);
  const title = translate(locale, `dispute.staffMail.${event}`, { reference, debtor: debtor.name });
  const lines =
    dispute.kind === 'question'
      ? [translate(locale, 'dispute.staffMail.questionLine', { debtor: debtor.name, number: invoice.number })]
      : [
          translate(locale, 'dispute.staffMail.invoiceLine', { debtor: debtor.name, number: invoice.number, amount }),
          translate(locale, 'dispute.staffMail.reasonLine', {
            reason: translate(locale, `dispute.reason.${dispute.reason}`),
          }),
        ];
  if (message) {
    const excerpt = message.length > EXCERPT ? `${message.slice(0, EXCERPT)}…` : message;
    lines.push(translate(locale, 'dispute.staffMail.messageLine', { debtor: debtor.name, excerpt }));
  }
  if (event !== 'withdrawn' && event !== 'accepted') {
    lines.push(
      translateCount(locale, 'dispute.staffMail.responseLine', organization.portalSettings.disputeResponseHours),
    );
  }
  const props: TemplateProps['staff_notification'] = {
    locale,
    organization: emailOrganization(organization),
    title,
    lines,
    backOfficeUrl: `${getEnv().APP_URL}/app/disputes/${dispute.id}`,
  };
  const queued = [];
  for (const recipient of recipients) {
    queued.push(
      await queueCommunication(
        tx,
        {
          organizationId: organization.id,
          debtorId: debtor.id,
          template: 'staff_notification',
          props,
          toAddress: recipient.email,
          locale,
          invoiceIds: [],
        },
        { clock },
      ),
    );
  }
  return queued;
}
