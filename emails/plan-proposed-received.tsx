import { DebtorEmail } from './_lib/debtor-email';
import { money } from './_lib/format';
import { P, ScheduleTable } from './_lib/layout';
import { previewBase, previewPlan } from './_lib/preview';
import type { DebtorEmailProps, EmailPlan } from './_lib/types';
import { countFor, textFor } from './messages';

export type PlanProposedReceivedProps = DebtorEmailProps & { plan: EmailPlan };

export function subject(props: PlanProposedReceivedProps): string {
  return textFor(props.locale)('planReceived.subject');
}

export function PlanProposedReceived(props: PlanProposedReceivedProps) {
  const t = textFor(props.locale);
  const currency = props.plan.currency ?? 'EUR';
  const intro = countFor(props.locale)('planReceived.intro', props.plan.installments.length, {
    total: money(props.plan.totalCents, props.locale, currency),
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
