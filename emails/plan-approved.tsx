import { DebtorEmail } from './_lib/debtor-email';
import { day, money } from './_lib/format';
import { P, ScheduleTable } from './_lib/layout';
import { previewBase, previewPlan } from './_lib/preview';
import type { DebtorEmailProps, EmailPlan } from './_lib/types';
import { textFor } from './messages';

export type PlanApprovedProps = DebtorEmailProps & { plan: EmailPlan };

export function subject(props: PlanApprovedProps): string {
  return textFor(props.locale)('planApproved.subject');
}

export function PlanApproved(props: PlanApprovedProps) {
  const t = textFor(props.locale);
  const currency = props.plan.currency ?? 'EUR';
  const first = props.plan.installments[0];
  return (
    <DebtorEmail base={props} preview={t('planApproved.intro')} heading={t('planApproved.heading')} cta="cta.plan">
      <P>{t('planApproved.intro')}</P>
      <ScheduleTable
        locale={props.locale}
        installments={props.plan.installments}
        totalCents={props.plan.totalCents}
        currency={currency}
      />
      {first ? (
        <P>
          {t('planApproved.first', {
            amount: money(first.amountCents, props.locale, currency),
            date: day(first.dueDate, props.locale),
          })}
        </P>
      ) : null}
    </DebtorEmail>
  );
}

PlanApproved.PreviewProps = { ...previewBase(), plan: previewPlan() } satisfies PlanApprovedProps;

export default PlanApproved;
