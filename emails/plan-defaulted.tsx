import { openLines, totalDue } from './_lib/amounts';
import { DebtorEmail } from './_lib/debtor-email';
import { currencyOf, money } from './_lib/format';
import { AmountLines, InvoiceTable, P } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import { textFor } from './messages';

export type PlanDefaultedProps = DebtorEmailProps;

export function subject(props: PlanDefaultedProps): string {
  return textFor(props.locale)('planDefaulted.subject');
}

export function PlanDefaulted(props: PlanDefaultedProps) {
  const t = textFor(props.locale);
  const currency = currencyOf(props);
  const intro = t('planDefaulted.intro', { open: money(totalDue(props), props.locale, currency) });
  return (
    <DebtorEmail base={props} preview={intro} heading={t('planDefaulted.heading')} cta="cta.pay">
      <P>{intro}</P>
      <InvoiceTable locale={props.locale} invoices={props.invoices} />
      <AmountLines locale={props.locale} currency={currency} lines={openLines(props)} />
      <P>{t('options')}</P>
    </DebtorEmail>
  );
}

PlanDefaulted.PreviewProps = previewBase() satisfies PlanDefaultedProps;

export default PlanDefaulted;
