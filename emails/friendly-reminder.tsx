import { openLines, totalDue } from './_lib/amounts';
import { countedSubject, DebtorEmail } from './_lib/debtor-email';
import { currencyOf, money } from './_lib/format';
import { AmountLines, InvoiceTable, P } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import { countFor, textFor } from './messages';

export type FriendlyReminderProps = DebtorEmailProps;

export function subject(props: FriendlyReminderProps): string {
  return countedSubject(props, 'friendly.subject');
}

export function FriendlyReminder(props: FriendlyReminderProps) {
  const t = textFor(props.locale);
  const currency = currencyOf(props);
  const amount = money(totalDue(props), props.locale, currency);
  return (
    <DebtorEmail
      base={props}
      preview={t('friendly.ask', { amount })}
      heading={t('friendly.heading')}
      cta="cta.pay"
      after={<P>{t('alreadyPaid')}</P>}
    >
      <P>{countFor(props.locale)('friendly.intro', props.invoices.length)}</P>
      <InvoiceTable locale={props.locale} invoices={props.invoices} />
      <AmountLines locale={props.locale} currency={currency} lines={openLines(props)} />
      <P>{t('friendly.ask', { amount })}</P>
      <P>{t('options')}</P>
    </DebtorEmail>
  );
}

FriendlyReminder.PreviewProps = previewBase() satisfies FriendlyReminderProps;

export default FriendlyReminder;
