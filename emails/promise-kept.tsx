import { DebtorEmail } from './_lib/debtor-email';
import { day, money } from './_lib/format';
import { P } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import { textFor } from './messages';
import type { PromiseInfo } from './promise-confirmed';

/** A thank-you when a promise to pay was kept: every invoice it covered is settled. */
export type PromiseKeptProps = DebtorEmailProps & { promise: PromiseInfo };

export function subject(props: PromiseKeptProps): string {
  return textFor(props.locale)('promiseKept.subject');
}

export function PromiseKept(props: PromiseKeptProps) {
  const t = textFor(props.locale);
  const intro = t('promiseKept.intro', {
    amount: money(props.promise.amountCents, props.locale, props.promise.currency ?? 'EUR'),
    date: day(props.promise.date, props.locale),
  });
  const numbers = props.invoices.map((i) => i.number).join(', ');
  return (
    <DebtorEmail base={props} preview={intro} heading={t('promiseKept.heading')} cta="cta.overview">
      <P>{intro}</P>
      {props.invoices.length > 0 ? (
        <P>{t(props.invoices.length === 1 ? 'promiseKept.invoices.one' : 'promiseKept.invoices.other', { numbers })}</P>
      ) : null}
    </DebtorEmail>
  );
}

const preview = previewBase();
PromiseKept.PreviewProps = {
  ...preview,
  invoices: preview.invoices.map((i) => ({ ...i, openCents: 0 })),
  totals: { openCents: 0 },
  promise: { amountCents: 54_450, currency: 'EUR', date: '2026-12-01' },
} satisfies PromiseKeptProps;

export default PromiseKept;
