import { DebtorEmail } from './_lib/debtor-email';
import { currencyOf, money } from './_lib/format';
import { P, Quote } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import type { DisputeInfo } from './dispute-opened';
import { textFor } from './messages';

export type DisputeOutcome = 'credited_full' | 'credited_partial' | 'rejected' | 'paid' | 'withdrawn';

export type DisputeResolvedProps = DebtorEmailProps & {
  dispute: DisputeInfo;
  outcome: DisputeOutcome;
  creditedCents?: number | null;
  /** Still open on the disputed invoice after the outcome. */
  invoiceOpenCents: number;
  note?: string | null;
};

export function subject(props: DisputeResolvedProps): string {
  return textFor(props.locale)('disputeResolved.subject', { number: props.dispute.invoiceNumber });
}

export function DisputeResolved(props: DisputeResolvedProps) {
  const t = textFor(props.locale);
  const currency = currencyOf(props);
  const body = t(`disputeResolved.${props.outcome}`, {
    number: props.dispute.invoiceNumber,
    credited: money(props.creditedCents ?? 0, props.locale, currency),
    open: money(props.invoiceOpenCents, props.locale, currency),
  });
  const done = props.outcome === 'credited_full' || props.outcome === 'paid';
  return (
    <DebtorEmail
      base={props}
      preview={body}
      heading={t('disputeResolved.heading')}
      cta={done ? 'cta.overview' : 'cta.pay'}
    >
      <P>{body}</P>
      {props.note ? <Quote>{t('disputeResolved.note', { note: props.note })}</Quote> : null}
    </DebtorEmail>
  );
}

DisputeResolved.PreviewProps = {
  ...previewBase(),
  dispute: { reference: 'BZ-2026-0042', invoiceNumber: '2026-0142' },
  outcome: 'credited_partial',
  creditedCents: 8_000,
  invoiceOpenCents: 40_400,
  note: 'Het voorrijtarief is ten onrechte twee keer berekend.',
} satisfies DisputeResolvedProps;

export default DisputeResolved;
