import { DebtorEmail } from './_lib/debtor-email';
import { day, money } from './_lib/format';
import { P } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import { textFor } from './messages';

export type InstallmentInfo = { number: number; of: number; dueDate: string; amountCents: number; currency?: string };

export type InstallmentReminderProps = DebtorEmailProps & { installment: InstallmentInfo };

export function subject(props: InstallmentReminderProps): string {
  const i = props.installment;
  return textFor(props.locale)('installmentReminder.subject', {
    n: i.number,
    of: i.of,
    date: day(i.dueDate, props.locale),
  });
}

export function InstallmentReminder(props: InstallmentReminderProps) {
  const t = textFor(props.locale);
  const i = props.installment;
  const intro = t('installmentReminder.intro', {
    n: i.number,
    of: i.of,
    amount: money(i.amountCents, props.locale, i.currency ?? 'EUR'),
    date: day(i.dueDate, props.locale),
  });
  return (
    <DebtorEmail
      base={props}
      preview={intro}
      heading={t('installmentReminder.heading')}
      cta="cta.pay"
      after={<P>{t('alreadyPaid')}</P>}
    >
      <P>{intro}</P>
    </DebtorEmail>
  );
}

InstallmentReminder.PreviewProps = {
  ...previewBase(),
  installment: { number: 2, of: 4, dueDate: '2026-12-15', amountCents: 13_613 },
} satisfies InstallmentReminderProps;

export default InstallmentReminder;
