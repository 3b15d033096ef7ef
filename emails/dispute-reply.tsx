import { DebtorEmail } from './_lib/debtor-email';
import { P, Quote } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import type { DisputeInfo } from './dispute-opened';
import { textFor } from './messages';

export type DisputeReplyProps = DebtorEmailProps & {
  dispute: DisputeInfo;
  /** The reply as plain text; shown escaped, line breaks kept. */
  message: string;
  staffName?: string | null;
};

export function subject(props: DisputeReplyProps): string {
  return textFor(props.locale)('disputeReply.subject', { number: props.dispute.invoiceNumber });
}

export function DisputeReply(props: DisputeReplyProps) {
  const t = textFor(props.locale);
  const org = props.organization.name;
  const { reference, invoiceNumber: number } = props.dispute;
  const intro = props.staffName
    ? t('disputeReply.introStaff', { staff: props.staffName, org, reference, number })
    : t('disputeReply.intro', { org, reference, number });
  return (
    <DebtorEmail base={props} preview={intro} heading={t('disputeReply.heading')} cta="cta.reply">
      <P>{intro}</P>
      <Quote>{props.message}</Quote>
      <P>{t('disputeReply.next')}</P>
    </DebtorEmail>
  );
}

DisputeReply.PreviewProps = {
  ...previewBase(),
  dispute: { reference: 'BZ-2026-0042', invoiceNumber: '2026-0142' },
  message: 'Dank voor uw bericht. Kunt u een foto van de geleverde onderdelen sturen?\nDan bekijken wij het direct.',
  staffName: 'Chantal Bakker',
} satisfies DisputeReplyProps;

export default DisputeReply;
