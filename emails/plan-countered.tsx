import { DebtorEmail } from './_lib/debtor-email';
import { day, money } from './_lib/format';
import { P, Quote, ScheduleTable } from './_lib/layout';
import { previewBase, previewPlan } from './_lib/preview';
import type { DebtorEmailProps, EmailPlan } from './_lib/types';
import { countFor, textFor } from './messages';

export type PlanCounteredProps = DebtorEmailProps & {
  /** The counter-proposal. */
  plan: EmailPlan;
  note?: string | null;
  /** Last day to answer ('YYYY-MM-DD'). */
  respondBy?: string | null;
};

export function subject(props: PlanCounteredProps): string {
  return textFor(props.locale)('planCountered.subject');
}

export function PlanCountered(props: PlanCounteredProps) {
  const t = textFor(props.locale);
  const currency = props.plan.currency ?? 'EUR';
  const intro = countFor(props.locale)('planCountered.intro', props.plan.installments.length, {
    total: money(props.plan.totalCents, props.locale, currency),
  });
  return (
    <DebtorEmail base={props} preview={intro} heading={t('planCountered.heading')} cta="cta.counter">
      <P>{intro}</P>
      <ScheduleTable
        locale={props.locale}
        installments={props.plan.installments}
        totalCents={props.plan.totalCents}
        currency={currency}
      />
      {props.note ? <Quote>{t('planCountered.note', { note: props.note })}</Quote> : null}
      <P>
        {props.respondBy
          ? t('planCountered.respondBy', { date: day(props.respondBy, props.locale) })
          : t('planCountered.respond')}
      </P>
    </DebtorEmail>
  );
}

PlanCountered.PreviewProps = {
  ...previewBase(),
  plan: previewPlan(3),
  note: 'Wij kunnen u drie maandelijkse termijnen aanbieden.',
  respondBy: '2026-12-01',
} satisfies PlanCounteredProps;

export default PlanCountered;
