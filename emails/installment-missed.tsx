import { DebtorEmail } from './_lib/debtor-email';
import { day, money } from './_lib/format';
import { P } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import type { InstallmentInfo } from './installment-reminder';
import { textFor } from './messages';

export type InstallmentMissedProps = DebtorEmailProps & {
  installment: InstallmentInfo;
  /** Last day ('YYYY-MM-DD') to pay before the plan ends. */
  graceUntil: string;
};

export function subject(props: InstallmentMissedProps): string {
  return textFor(props.locale)('installmentMissed.subject', { n: props.installment.number });
}

export function InstallmentMissed(props: InstallmentMissedProps) {
  const t = textFor(props.locale);
  const i = props.installment;
  const intro = t('installmentMissed.intro', {
    n: i.number,
    of: i.of,
    amount: money(i.amountCents, props.locale, i.currency ?? 'EUR'),
    due: day(i.dueDate, props.locale),
  });
  return (
    <DebtorEmail
      base={props}
      preview={intro}
      heading={t('installmentMissed.heading')}
      cta="cta.pay"
      after={<P>{t('alreadyPaid')}</P>}
    >
      <P>{intro}</P>
      <P>{t('installmentMissed.grace', { grace: day(props.graceUntil, props.locale) })}</P>
    </DebtorEmail>
  );
}

InstallmentMissed.PreviewProps = {
  ...previewBase(),
  installment: { number: 2, of: 4, dueDate: '2026-12-15', amountCents: 13_613 },
  graceUntil: '2026-12-22',
} satisfies InstallmentMissedProps;

export default InstallmentMissed;
