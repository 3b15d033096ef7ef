import { openLines } from './_lib/amounts';
import { DebtorEmail } from './_lib/debtor-email';
import { currencyOf, day, money } from './_lib/format';
import { AmountLines, InvoiceTable, P } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import type { PromiseInfo } from './promise-confirmed';
import { textFor } from './messages';

export type PromiseBrokenProps = DebtorEmailProps & { promise: PromiseInfo };

export function subject(props: PromiseBrokenProps): string {
  return textFor(props.locale)('promiseBroken.subject');
}

export function PromiseBroken(props: PromiseBrokenProps) {
  const t = textFor(props.locale);
  const intro = t('promiseBroken.intro', {
    amount: money(props.promise.amountCents, props.locale, props.promise.currency ?? 'EUR'),
    date: day(props.promise.date, props.locale),
  });
  return (
    <DebtorEmail base={props} preview={intro} heading={t('promiseBroken.heading')} cta="cta.pay">
      <P>{intro}</P>
      <InvoiceTable locale={props.locale} invoices={props.invoices} />
      <AmountLines locale={props.locale} currency={currencyOf(props)} lines={openLines(props)} />
      <P>{t('options')}</P>
    </DebtorEmail>
  );
}

PromiseBroken.PreviewProps = {
  ...previewBase(),
  promise: { amountCents: 54_450, currency: 'EUR', date: '2026-12-01' },
} satisfies PromiseBrokenProps;

export default PromiseBroken;
