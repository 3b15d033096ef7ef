import { DebtorEmail } from './_lib/debtor-email';
import { currencyOf, day, money } from './_lib/format';
import { P } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import { textFor } from './messages';

export type PaymentReceivedProps = DebtorEmailProps & {
  payment: { amountCents: number; currency?: string; paidOn: string };
};

export function subject(props: PaymentReceivedProps): string {
  const t = textFor(props.locale);
  return t('paid.subject', { amount: money(props.payment.amountCents, props.locale, props.payment.currency ?? 'EUR') });
}

export function PaymentReceived(props: PaymentReceivedProps) {
  const t = textFor(props.locale);
  const amount = money(props.payment.amountCents, props.locale, props.payment.currency ?? 'EUR');
  const intro = t('paid.intro', { amount, date: day(props.payment.paidOn, props.locale) });
  return (
    <DebtorEmail base={props} preview={intro} heading={t('paid.heading')} cta="cta.overview">
      <P>{intro}</P>
      <P>
        {props.totals.openCents > 0
          ? t('paid.remaining', { open: money(props.totals.openCents, props.locale, currencyOf(props)) })
          : t('paid.allDone')}
      </P>
    </DebtorEmail>
  );
}

PaymentReceived.PreviewProps = {
  ...previewBase(),
  payment: { amountCents: 48_400, currency: 'EUR', paidOn: '2026-11-20' },
  totals: { openCents: 6_050 },
} satisfies PaymentReceivedProps;

export default PaymentReceived;
