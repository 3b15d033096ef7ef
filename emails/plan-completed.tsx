import { DebtorEmail } from './_lib/debtor-email';
import { money } from './_lib/format';
import { P } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import { textFor } from './messages';

/** A thank-you when a payment plan is completed: nothing is left open on its invoices. */
export type PlanCompletedProps = DebtorEmailProps & { plan: { totalCents: number; currency?: string } };

export function subject(props: PlanCompletedProps): string {
  return textFor(props.locale)('planCompleted.subject');
}

export function PlanCompleted(props: PlanCompletedProps) {
  const t = textFor(props.locale);
  const intro = t('planCompleted.intro', {
    total: money(props.plan.totalCents, props.locale, props.plan.currency ?? 'EUR'),
  });
  const numbers = props.invoices.map((i) => i.number).join(', ');
  return (
    <DebtorEmail base={props} preview={intro} heading={t('planCompleted.heading')} cta="cta.overview">
      <P>{intro}</P>
      {props.invoices.length > 0 ? (
        <P>
          {t(props.invoices.length === 1 ? 'planCompleted.invoices.one' : 'planCompleted.invoices.other', { numbers })}
        </P>
      ) : null}
    </DebtorEmail>
  );
}

const preview = previewBase();
PlanCompleted.PreviewProps = {
  ...preview,
  invoices: preview.invoices.map((i) => ({ ...i, openCents: 0 })),
  totals: { openCents: 0 },
  plan: { totalCents: 54_450, currency: 'EUR' },
} satisfies PlanCompletedProps;

export default PlanCompleted;
