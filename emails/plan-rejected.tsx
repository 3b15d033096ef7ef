import { totalDue } from './_lib/amounts';
import { DebtorEmail } from './_lib/debtor-email';
import { currencyOf, money } from './_lib/format';
import { InvoiceTable, P, Quote } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import { textFor } from './messages';

export type PlanRejectedProps = DebtorEmailProps & { reason?: string | null };

export function subject(props: PlanRejectedProps): string {
  return textFor(props.locale)('planRejected.subject');
}

export function PlanRejected(props: PlanRejectedProps) {
  const t = textFor(props.locale);
  return (
    <DebtorEmail base={props} preview={t('planRejected.intro')} heading={t('planRejected.heading')} cta="cta.pay">
      <P>{t('planRejected.intro')}</P>
      {props.reason ? <Quote>{t('planRejected.reason', { reason: props.reason })}</Quote> : null}
      <InvoiceTable locale={props.locale} invoices={props.invoices} />
      <P>{t('planRejected.next', { amount: money(totalDue(props), props.locale, currencyOf(props)) })}</P>
    </DebtorEmail>
  );
}

PlanRejected.PreviewProps = {
  ...previewBase(),
  reason: 'Wij kunnen maximaal zes termijnen aanbieden.',
} satisfies PlanRejectedProps;

export default PlanRejected;
