import { DebtorEmail } from './_lib/debtor-email';
import { P } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import { countFor, textFor } from './messages';

export type DisputeReason = 'not_received' | 'amount_wrong' | 'quality' | 'already_paid' | 'other';

export type DisputeInfo = {
  /** The reference the debtor can quote, e.g. "BZ-2026-0042" (a question: "VR-…"). */
  reference: string;
  invoiceNumber: string;
  /** A question about the invoice rather than a dispute (absent: a dispute). */
  kind?: 'dispute' | 'question';
};

export type DisputeOpenedProps = DebtorEmailProps & {
  dispute: DisputeInfo & { reason: DisputeReason };
  /** Promised first response time, from the organisation's portal settings. */
  responseHours?: number | null;
};

export function subject(props: DisputeOpenedProps): string {
  const key = props.dispute.kind === 'question' ? 'questionOpened.subject' : 'disputeOpened.subject';
  return textFor(props.locale)(key, { number: props.dispute.invoiceNumber });
}

export function DisputeOpened(props: DisputeOpenedProps) {
  const t = textFor(props.locale);
  const params = { number: props.dispute.invoiceNumber, reference: props.dispute.reference };
  const response = props.responseHours ? <P>{countFor(props.locale)('disputeOpened.response', props.responseHours)}</P> : null;
  if (props.dispute.kind === 'question') {
    const intro = t('questionOpened.intro', params);
    return (
      <DebtorEmail base={props} preview={intro} heading={t('questionOpened.heading')} cta="cta.question">
        <P>{intro}</P>
        <P>{t('questionOpened.reminders')}</P>
        {response}
      </DebtorEmail>
    );
  }
  const intro = t('disputeOpened.intro', params);
  return (
    <DebtorEmail base={props} preview={intro} heading={t('disputeOpened.heading')} cta="cta.dispute">
      <P>{intro}</P>
      <P>{t('disputeOpened.reason', { reason: t(`disputeReason.${props.dispute.reason}`) })}</P>
      <P>{t('disputeOpened.pause')}</P>
      {response}
    </DebtorEmail>
  );
}

DisputeOpened.PreviewProps = {
  ...previewBase(),
  dispute: { reference: 'BZ-2026-0042', invoiceNumber: '2026-0142', reason: 'amount_wrong' },
  responseHours: 48,
} satisfies DisputeOpenedProps;

export default DisputeOpened;
