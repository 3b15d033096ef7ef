import { DebtorEmail } from './_lib/debtor-email';
import { money } from './_lib/format';
import { P, ScheduleTable } from './_lib/layout';
import { previewBase, previewPlan } from './_lib/preview';
import type { DebtorEmailProps, EmailPlan } from './_lib/types';
import { textFor } from './messages';

export type PlanProposedReceivedProps = DebtorEmailProps & { plan: EmailPlan };

export function subject(props: PlanProposedReceivedProps): string {
  return textFor(props.locale)('planReceived.subject');
}

export function PlanProposedReceived(props: PlanProposedReceivedProps) {
  const t = textFor(props.locale);
  const currency = props.plan.currency ?? 'EUR';
  const intro = t('planReceived.intro', {
    total: money(props.plan.totalCents, props.locale, currency),
    count: props.plan.installments.length,
  });
  return (
    <DebtorEmail base={props} preview={intro} heading={t('planReceived.heading')} cta="cta.plan">
      <P>{intro}</P>
      <ScheduleTable
        locale={props.locale}
        installments={props.plan.installments}
        totalCents={props.plan.totalCents}
        currency={currency}
      />
      <P>{t('planReceived.next')}</P>
    </DebtorEmail>
  );
}

PlanProposedReceived.PreviewProps = { ...previewBase(), plan: previewPlan() } satisfies PlanProposedReceivedProps;

export default PlanProposedReceived;
