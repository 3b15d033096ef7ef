import { DebtorEmail } from './_lib/debtor-email';
import { P } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import { countFor, textFor } from './messages';

export type DisputeReason = 'not_received' | 'amount_wrong' | 'quality' | 'already_paid' | 'other';

export type DisputeInfo = {
  /** The reference the debtor can quote, e.g. "BZ-2026-0042". */
  reference: string;
  invoiceNumber: string;
};

export type DisputeOpenedProps = DebtorEmailProps & {
  dispute: DisputeInfo & { reason: DisputeReason };
  /** Promised first response time, from the organisation's portal settings. */
  responseHours?: number | null;
};

export function subject(props: DisputeOpenedProps): string {
  return textFor(props.locale)('disputeOpened.subject', { number: props.dispute.invoiceNumber });
}

export function DisputeOpened(props: DisputeOpenedProps) {
  const t = textFor(props.locale);
  const intro = t('disputeOpened.intro', { number: props.dispute.invoiceNumber, reference: props.dispute.reference });
  return (
    <DebtorEmail base={props} preview={intro} heading={t('disputeOpened.heading')} cta="cta.dispute">
      <P>{intro}</P>
      <P>{t('disputeOpened.reason', { reason: t(`disputeReason.${props.dispute.reason}`) })}</P>
      <P>{t('disputeOpened.pause')}</P>
      {props.responseHours ? <P>{countFor(props.locale)('disputeOpened.response', props.responseHours)}</P> : null}
    </DebtorEmail>
  );
}

DisputeOpened.PreviewProps = {
  ...previewBase(),
  dispute: { reference: 'BZ-2026-0042', invoiceNumber: '2026-0142', reason: 'amount_wrong' },
  responseHours: 48,
} satisfies DisputeOpenedProps;

export default DisputeOpened;
