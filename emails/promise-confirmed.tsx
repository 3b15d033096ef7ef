import { DebtorEmail } from './_lib/debtor-email';
import { day, money } from './_lib/format';
import { InvoiceTable, P } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import { textFor } from './messages';

export type PromiseInfo = { amountCents: number; currency?: string; date: string };

export type PromiseConfirmedProps = DebtorEmailProps & { promise: PromiseInfo };

function params(props: PromiseConfirmedProps) {
  return {
    amount: money(props.promise.amountCents, props.locale, props.promise.currency ?? 'EUR'),
    date: day(props.promise.date, props.locale),
  };
}

export function subject(props: PromiseConfirmedProps): string {
  return textFor(props.locale)('promiseConfirmed.subject', params(props));
}

export function PromiseConfirmed(props: PromiseConfirmedProps) {
  const t = textFor(props.locale);
  const intro = t('promiseConfirmed.intro', params(props));
  return (
    <DebtorEmail base={props} preview={intro} heading={t('promiseConfirmed.heading')} cta="cta.overview">
      <P>{intro}</P>
      <InvoiceTable locale={props.locale} invoices={props.invoices} />
    </DebtorEmail>
  );
}

PromiseConfirmed.PreviewProps = {
  ...previewBase(),
  promise: { amountCents: 54_450, currency: 'EUR', date: '2026-12-01' },
} satisfies PromiseConfirmedProps;

export default PromiseConfirmed;
