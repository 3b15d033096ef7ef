import { DebtorEmail } from './_lib/debtor-email';
import { amsterdamDate } from '~/utils/clock';
import { currencyOf, day, money } from './_lib/format';
import { P, Quote } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import type { DisputeInfo } from './dispute-opened';
import { textFor } from './messages';

export type DisputeReplyProps = DebtorEmailProps & {
  dispute: DisputeInfo;
  /** The reply as plain text; shown escaped, line breaks kept. Absent: a part credit without a note. */
  message?: string | null;
  staffName?: string | null;
  /**
   * A part credit, just booked (`isNew`) or standing while support answers: what was credited, what
   * is still open on the invoice (principal, costs and interest), and until when the debtor may
   * accept it or reply before the dispute closes with it.
   */
  credit?: { creditedCents: number; openCents: number; answerDueAt: string; isNew?: boolean } | null;
};

export function subject(props: DisputeReplyProps): string {
  const t = textFor(props.locale);
  const number = props.dispute.invoiceNumber;
  if (props.credit?.isNew) return t('disputeCredit.subject', { number });
  return t(props.dispute.kind === 'question' ? 'questionReply.subject' : 'disputeReply.subject', { number });
}

export function DisputeReply(props: DisputeReplyProps) {
  const t = textFor(props.locale);
  const { reference, invoiceNumber: number } = props.dispute;
  const question = props.dispute.kind === 'question';
  const currency = currencyOf(props);
  const credit = props.credit ?? null;
  const params = {
    org: props.organization.name,
    reference,
    number,
    staff: props.staffName ?? '',
    credited: money(credit?.creditedCents ?? 0, props.locale, currency),
    open: money(credit?.openCents ?? 0, props.locale, currency),
    // The term ends at midnight: its last day is the day before.
    date: credit ? day(amsterdamDate(new Date(Date.parse(credit.answerDueAt) - 1)), props.locale) : '',
  };
  const intro = credit?.isNew
    ? t('disputeCredit.intro', params)
    : props.staffName
      ? t(question ? 'questionReply.introStaff' : 'disputeReply.introStaff', params)
      : t(question ? 'questionReply.intro' : 'disputeReply.intro', params);
  const heading = credit?.isNew
    ? t('disputeCredit.heading')
    : t(question ? 'questionReply.heading' : 'disputeReply.heading');
  return (
    <DebtorEmail base={props} preview={intro} heading={heading} cta="cta.reply">
      <P>{intro}</P>
      {props.message ? <Quote>{props.message}</Quote> : null}
      {credit ? (
        <>
          <P>{t('disputeCredit.open', params)}</P>
          <P>{t('disputeCredit.choice', params)}</P>
        </>
      ) : (
        <P>{t('disputeReply.next')}</P>
      )}
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
